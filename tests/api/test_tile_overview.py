# SPDX-License-Identifier: GPL-3.0-or-later
"""Low-zoom tiles: records grouped into grid cells, counted once, per reader,
with the density the map colours by."""

from __future__ import annotations

import math
from collections import Counter

import mapbox_vector_tile
import pytest
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

Cell = tuple[int, int]  # column, row


def decoded(
    client: TestClient, layer: str, z: int, x: int, y: int, query: str = ""
) -> list[dict]:
    response = client.get(f"/tiles/{layer}/{z}/{x}/{y}.mvt{query}")
    assert response.status_code == 200
    if not response.content:
        return []
    return mapbox_vector_tile.decode(response.content)[layer]["features"]


def cells_in_tile(features: list[dict]) -> Counter[Cell]:
    """Records per cell, from the drawn squares."""
    step = 4096 / CELLS
    out: Counter[Cell] = Counter()
    for f in features:
        ring = f["geometry"]["coordinates"][0]
        xs = [p[0] for p in ring]
        ys = [p[1] for p in ring]  # y up after decoding
        assert max(xs) - min(xs) == step
        assert max(ys) - min(ys) == step
        column, row = int(min(xs) // step), int((4096 - max(ys)) // step)
        assert (column, row) not in out  # one square per cell
        out[(column, row)] += int(f["properties"]["records"])
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
    for lon, lat, _class, _status, state in rows:
        if state not in states:
            continue
        gx = int((lon + 180) / 360 * n)
        gy = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
        if (gx // CELLS, gy // CELLS) == (x, y):
            out[(gx % CELLS, gy % CELLS)] += 1
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
        assert set(feature["properties"]) == {"records", "area_m2", "density"}


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
    total = 0
    for x in (x0, x1):
        for y in (y0, y1):
            for f in decoded(viewer, "hazard", z, x, y, "?hazard_class=cha"):
                total += int(f["properties"]["records"])
    assert total == 2  # "Approved CHA" and the straddling one, once each
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
    # Items per km² of the cell: 4 px of a zoom-9 tile, ~233 m a side here.
    side_km = 2 * math.pi * 6378.137 / 2 ** (z + 6) * math.cos(math.radians(39.8))
    assert float(feature["properties"]["density"]) == pytest.approx(
        7 / side_km**2, rel=0.01
    )
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
    x, y = tile_of(46.7025, 39.805, 14)
    [feature] = decoded(viewer, "release", 14, x, y)
    assert feature["properties"]["method"] == "mechanical"
    assert feature["properties"]["kind"] == "cleared"
    # Grouped, the method filter is applied by the server.
    z = OVERVIEW_MAX_ZOOM - 2
    x, y = tile_of(46.7025, 39.805, z)
    [cell] = decoded(viewer, "release", z, x, y, "?method=mechanical")
    assert cell["properties"]["records"] == 1
    assert decoded(viewer, "release", z, x, y, "?method=manual") == []


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


def test_hazard_density_is_remaining_hectares_per_square_km(
    db: Database, as_role: dict[str, TestClient]
) -> None:
    # Two 1-ha hazards in one cell far from the seed's: one open, one closed.
    lon, lat = 45.5001, 40.5001
    d = 0.0006  # ~50 m at this latitude: both inside one zoom-8 cell

    def square(dx: float) -> dict:
        x0 = lon + dx
        ring = [[x0, lat], [x0 + d, lat], [x0 + d, lat + d], [x0, lat + d], [x0, lat]]
        return {"type": "Polygon", "coordinates": [ring]}

    add_records(
        db,
        "hazard",
        [
            {
                "name": "Open",
                "hazard_class": "cha",
                "status": "open",
                "geom": square(0),
            },
            {
                "name": "Closed",
                "hazard_class": "cha",
                "status": "closed",
                "geom": square(d / 4),
            },
        ],
    )
    z = 8
    x, y = tile_of(lon, lat, z)
    reviewer = as_role["reviewer"]
    [cell] = decoded(reviewer, "hazard", z, x, y)
    props = cell["properties"]
    assert props["records"] == 2
    with db.session() as session:
        areas = dict(session.execute(select(Hazard.name, Hazard.area_m2)).all())
    assert float(props["area_m2"]) == pytest.approx(
        areas["Open"] + areas["Closed"], abs=2
    )
    side_km = 2 * math.pi * 6378.137 / 2 ** (z + 6) * math.cos(math.radians(lat))
    remaining_ha = areas["Open"] / 1e4
    assert float(props["density"]) == pytest.approx(remaining_ha / side_km**2, rel=0.01)
    # The status filter reaches the grouped tile.
    [closed] = decoded(reviewer, "hazard", z, x, y, "?status=closed")
    assert closed["properties"]["records"] == 1
    assert float(closed["properties"]["density"]) == 0
