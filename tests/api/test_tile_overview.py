# SPDX-License-Identifier: GPL-3.0-or-later
"""Low-zoom tiles: records grouped into grid cells, counted once, per reader."""

from __future__ import annotations

import math
from collections import Counter

import mapbox_vector_tile
from fastapi.testclient import TestClient
from sqlalchemy import select

from demine.store.database import Database
from demine.store.editing import add_records
from demine.store.overview import CELLS
from demine.store.schema import Hazard
from demine.store.tile_layers import OVERVIEW_MAX_ZOOM, SPECS
from tests.api.conftest import Seed
from tests.api.test_tile_cache import approve_alpha_draft
from tests.api.test_tiles import tile_of

Cell = tuple[int, int, str, str, str]  # column, row, class, status, review state


def decoded(client: TestClient, layer: str, z: int, x: int, y: int) -> list[dict]:
    response = client.get(f"/tiles/{layer}/{z}/{x}/{y}.mvt")
    assert response.status_code == 200
    if not response.content:
        return []
    return mapbox_vector_tile.decode(response.content)[layer]["features"]


def cells_in_tile(features: list[dict]) -> Counter[Cell]:
    """Records per (cell, class, status, review state), from the drawn squares."""
    step = 4096 / CELLS
    out: Counter[Cell] = Counter()
    for f in features:
        ring = f["geometry"]["coordinates"][0]
        xs = [p[0] for p in ring]
        ys = [p[1] for p in ring]  # y up after decoding
        assert max(xs) - min(xs) == step
        assert max(ys) - min(ys) == step
        column, row = int(min(xs) // step), int((4096 - max(ys)) // step)
        props = f["properties"]
        key = (column, row, props["hazard_class"], props["status"])
        out[(*key, props["review_state"])] += int(props["records"])
    return out


def expected_cells(db: Database, z: int, x: int, y: int, states: set[str]) -> Counter:
    """The same grouping computed here from each hazard's bounding-box centre."""
    with db.session() as session:
        hazards = session.scalars(select(Hazard)).all()
        rows = [
            (
                (h.min_lon + h.max_lon) / 2,
                (h.min_lat + h.max_lat) / 2,
                h.hazard_class.value,
                h.status.value,
                h.review_state.value,
            )
            for h in hazards
        ]
    n = 2**z * CELLS
    out: Counter[Cell] = Counter()
    for lon, lat, hazard_class, status, state in rows:
        if state not in states:
            continue
        gx = int((lon + 180) / 360 * n)
        gy = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
        if (gx // CELLS, gy // CELLS) == (x, y):
            out[(gx % CELLS, gy % CELLS, hazard_class, status, state)] += 1
    return out


def test_overview_cells_count_what_each_reader_may_see(
    db: Database, as_role: dict[str, TestClient]
) -> None:
    z = 6
    x, y = tile_of(46.8, 39.9, z)
    assert tile_of(47.005, 40.005, z) == (x, y)  # every seeded hazard in one tile
    approved = {"approved"}
    # Clerks see their own organisation's drafts too; reviewers every draft.
    viewer = cells_in_tile(decoded(as_role["viewer"], "hazard", z, x, y))
    assert viewer == expected_cells(db, z, x, y, approved)
    assert sum(viewer.values()) == 2
    clerk = cells_in_tile(decoded(as_role["clerk"], "hazard", z, x, y))
    assert sum(clerk.values()) == 3
    reviewer = cells_in_tile(decoded(as_role["reviewer"], "hazard", z, x, y))
    assert reviewer == expected_cells(db, z, x, y, {"approved", "draft"})
    # Nothing identifies a single record at these zooms.
    for feature in decoded(as_role["reviewer"], "hazard", z, x, y):
        assert "name" not in feature["properties"]
        assert "reported_by_id" not in feature["properties"]


def test_a_record_counts_once_however_many_tiles_it_crosses(
    db: Database, as_role: dict[str, TestClient], seed: Seed
) -> None:
    # A hazard straddling the corner of four zoom-10 tiles.
    lon, lat = 46.7578125, 39.909736  # a zoom-10 tile corner, near enough
    add_records(
        db,
        "hazard",
        [
            {
                "name": "Straddling",
                "hazard_class": "cha",
                "status": "open",
                "geom": {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [lon - 0.05, lat - 0.05],
                            [lon + 0.05, lat - 0.05],
                            [lon + 0.05, lat + 0.05],
                            [lon - 0.05, lat + 0.05],
                            [lon - 0.05, lat - 0.05],
                        ]
                    ],
                },
            }
        ],
    )
    viewer = as_role["viewer"]
    z = OVERVIEW_MAX_ZOOM
    x0, y0 = tile_of(lon - 0.05, lat + 0.05, z)
    x1, y1 = tile_of(lon + 0.05, lat - 0.05, z)
    assert (x1 - x0, y1 - y0) == (1, 1)
    total = Counter[str]()
    for x in (x0, x1):
        for y in (y0, y1):
            for f in decoded(viewer, "hazard", z, x, y):
                total[f["properties"]["hazard_class"]] += int(
                    f["properties"]["records"]
                )
    assert total["cha"] == 2  # "Approved CHA" and the straddling one, once each
    # The parent tile counts exactly what its four children count.
    parent = decoded(viewer, "hazard", z - 1, x0 // 2, y0 // 2)
    children = sum(
        int(f["properties"]["records"])
        for x in (2 * (x0 // 2), 2 * (x0 // 2) + 1)
        for y in (2 * (y0 // 2), 2 * (y0 // 2) + 1)
        for f in decoded(viewer, "hazard", z, x, y)
    )
    assert sum(int(f["properties"]["records"]) for f in parent) == children


def test_overview_sums_area_and_follows_reviews(
    db: Database, as_role: dict[str, TestClient], seed: Seed
) -> None:
    z = 6
    x, y = tile_of(46.8, 39.9, z)
    viewer = as_role["viewer"]

    def totals() -> tuple[int, float]:
        features = decoded(viewer, "hazard", z, x, y)
        records = sum(int(f["properties"]["records"]) for f in features)
        return records, sum(float(f["properties"]["area_m2"]) for f in features)

    with db.session() as session:
        areas = dict(session.execute(select(Hazard.id, Hazard.area_m2)).all())
    records, area = totals()
    assert records == 2
    expected = areas[seed.hazards["cha"]] + areas[seed.hazards["sha"]]
    assert abs(area - expected) <= 2  # each cell's sum is rounded to the m²
    # Approving a draft changes the register version: the next tile counts it.
    approve_alpha_draft(as_role, seed)
    assert totals()[0] == 3


def test_point_layers_are_cells_centres_with_their_totals(
    db: Database, as_role: dict[str, TestClient]
) -> None:
    add_records(
        db,
        "eo_item",
        [
            {
                "category": "uxo",
                "quantity": q,
                "found_on": "2025-06-01",
                "geom": {"type": "Point", "coordinates": [46.7051 + i * 1e-4, 39.8051]},
            }
            for i, q in enumerate((3, 4))
        ],
    )
    z = 9
    x, y = tile_of(46.7051, 39.8051, z)
    [feature] = decoded(as_role["viewer"], "eo_item", z, x, y)
    assert feature["geometry"]["type"] == "Point"
    assert feature["properties"]["records"] == 2
    assert float(feature["properties"]["quantity"]) == 7
    assert feature["properties"]["category"] == "uxo"
    # Above the overview zooms each find is its own feature again.
    z = SPECS["eo_item"].overview.max_zoom + 1
    x, y = tile_of(46.7051, 39.8051, z)
    assert len(decoded(as_role["viewer"], "eo_item", z, x, y)) == 2


def test_release_tiles_carry_their_activity_method(
    db: Database, as_role: dict[str, TestClient], seed: Seed
) -> None:
    hid = seed.hazards["cha"]
    [activity] = add_records(
        db,
        "activity",
        [
            {
                "activity_type": "clearance",
                "method": "mechanical",
                "status": "completed",
                "hazard_id": hid,
                "start_date": "2025-03-01",
            }
        ],
    )
    add_records(
        db,
        "release",
        [
            {
                "hazard_id": hid,
                "activity_id": activity,
                "kind": "cleared",
                "depth_cm": 20,
                "released_on": "2025-04-01",
                "geom": {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [46.70, 39.80],
                            [46.705, 39.80],
                            [46.705, 39.81],
                            [46.70, 39.81],
                            [46.70, 39.80],
                        ]
                    ],
                },
            }
        ],
    )
    viewer = as_role["viewer"]
    for z in (OVERVIEW_MAX_ZOOM - 2, 14):
        x, y = tile_of(46.7025, 39.805, z)
        [feature] = decoded(viewer, "release", z, x, y)
        assert feature["properties"]["method"] == "mechanical"
        assert feature["properties"]["kind"] == "cleared"


def test_point_tiles_show_a_find_added_after_they_were_drawn(
    db: Database, as_role: dict[str, TestClient]
) -> None:
    # SQLite keeps point layers in memory per register version: a write must
    # reach the next tile, at detail zooms and grouped ones.
    viewer = as_role["viewer"]
    lon, lat = 46.9001, 39.9001
    detail = (14, *tile_of(lon, lat, 14))
    grouped = (8, *tile_of(lon, lat, 8))
    assert decoded(viewer, "eo_item", *detail) == []
    before = sum(
        f["properties"]["records"] for f in decoded(viewer, "eo_item", *grouped)
    )
    add_records(
        db,
        "eo_item",
        [
            {
                "category": "ap_mine",
                "quantity": 1,
                "geom": {"type": "Point", "coordinates": [lon, lat]},
            }
        ],
    )
    [find] = decoded(viewer, "eo_item", *detail)
    assert find["properties"]["category"] == "ap_mine"
    after = sum(
        f["properties"]["records"] for f in decoded(viewer, "eo_item", *grouped)
    )
    assert after == before + 1
