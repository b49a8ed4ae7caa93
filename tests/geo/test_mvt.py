# SPDX-License-Identifier: GPL-3.0-or-later
"""The NumPy MVT encoder writes what mapbox-vector-tile writes."""

from __future__ import annotations

import mapbox_vector_tile
import numpy as np
import shapely

from demine.geo.mvt import encodable, encode_layer

OPTIONS = {"extents": 4096, "check_winding_order": False}


def reference(name: str, geoms: np.ndarray, props: list[dict[str, object]]) -> dict:
    features = [
        {"geometry": g, "properties": p, "id": i + 1}
        for i, (g, p) in enumerate(zip(geoms, props, strict=True))
    ]
    data = mapbox_vector_tile.encode(
        [{"name": name, "features": features}], default_options=OPTIONS
    )
    return mapbox_vector_tile.decode(data)


def ours(name: str, geoms: np.ndarray, props: list[dict[str, object]]) -> dict:
    ids = list(range(1, len(geoms) + 1))
    return mapbox_vector_tile.decode(encode_layer(name, geoms, ids, props))


def test_polygons_with_holes_and_parts_decode_alike() -> None:
    holed = shapely.Polygon(
        [(10, 10), (400, 10), (400, 400), (10, 400)],
        [[(100, 100), (100, 200), (200, 200), (200, 100)]],
    )
    two = shapely.MultiPolygon(
        [
            shapely.box(1000, 1000, 1500, 1200),
            shapely.box(2000, 3000, 2600, 4100),
        ]
    )
    tiny = shapely.box(-60, 4000, 30, 4150)
    geoms = shapely.orient_polygons(
        np.array([holed, two, tiny], dtype=object), exterior_cw=False
    )
    props: list[dict[str, object]] = [
        {"name": "a", "status": "open", "n": 3},
        {"name": "b", "status": None, "n": 1200},
        {"name": "c", "status": "open", "n": 2.5},
    ]
    assert encodable(geoms)
    assert ours("hazard", geoms, props) == reference("hazard", geoms, props)


def test_points_decode_alike() -> None:
    geoms = np.array(
        [
            shapely.Point(5, 7),
            shapely.MultiPoint([(100, 200), (300, 50)]),
            shapely.Point(4000, 4090),
        ],
        dtype=object,
    )
    props: list[dict[str, object]] = [
        {"name": "x", "population": 10},
        {"name": "y", "population": 0},
        {"name": "z", "population": None},
    ]
    assert encodable(geoms)
    assert ours("settlement", geoms, props) == reference("settlement", geoms, props)


def test_mixed_geometry_is_left_to_the_reference_encoder() -> None:
    mixed = np.array([shapely.Point(1, 1), shapely.box(0, 0, 9, 9)], dtype=object)
    lines = np.array([shapely.LineString([(0, 0), (5, 5)])], dtype=object)
    assert not encodable(mixed)
    assert not encodable(lines)
