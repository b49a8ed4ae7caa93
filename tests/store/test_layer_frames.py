# SPDX-License-Identifier: GPL-3.0-or-later
"""Layer frames: point coordinates from stored WKB, one read per version."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest
import shapely

from demine.store import layer_frames
from demine.store.database import Database
from demine.store.editing import add_records
from demine.store.layer_frames import point_coordinates
from demine.store.tiles import render_tile
from tests.waiting import Arrivals


def test_plain_points_are_read_from_the_bytes_as_shapely_reads_them() -> None:
    points = shapely.points(np.array([[46.5, 39.75], [-0.125, 51.5], [180.0, -90.0]]))
    blobs = tuple(shapely.to_wkb(points))
    assert np.array_equal(point_coordinates(blobs), shapely.get_coordinates(points))


def test_other_wkb_falls_back_to_shapely() -> None:
    # Big-endian and 3D points are valid WKB the fast path does not take.
    big = shapely.to_wkb(shapely.Point(1.5, 2.5), byte_order=0)
    deep = shapely.to_wkb(shapely.Point(3.0, 4.0, 5.0), output_dimension=3)
    plain = shapely.to_wkb(shapely.Point(6.0, 7.0))
    got = point_coordinates((big, plain))
    assert got.tolist() == [[1.5, 2.5], [6.0, 7.0]]
    assert point_coordinates((deep, plain)).tolist() == [[3.0, 4.0], [6.0, 7.0]]
    assert point_coordinates(()).shape == (0, 2)


def test_tiles_asked_together_read_the_frame_once(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    if db.dialect == "postgresql":
        pytest.skip("PostgreSQL finds a tile's rows by its GiST index: no frames")
    add_records(
        db,
        "eo_item",
        [
            {
                "category": "uxo",
                "quantity": 1,
                "geom": {"type": "Point", "coordinates": [46.7, 39.8]},
            }
        ],
    )
    reads: list[int] = []
    real_read = layer_frames._read
    arrivals = Arrivals()
    real_class = layer_frames.visibility_class

    def counted_class(who: Any) -> str:
        arrivals.arrive()  # every tile passes here before it asks for the frame
        return real_class(who)

    def counted(*args: object) -> layer_frames.LayerFrame:
        reads.append(1)
        arrivals.wait(8)  # until every thread has arrived
        return real_read(*args)

    monkeypatch.setattr(layer_frames, "visibility_class", counted_class)
    monkeypatch.setattr(layer_frames, "_read", counted)
    with ThreadPoolExecutor(8) as pool:
        tiles = list(
            pool.map(
                lambda _: render_tile(db, "eo_item", 14, 10316, 6222, None), range(8)
            )
        )
    assert len(reads) == 1
    assert len(set(tiles)) == 1
