# SPDX-License-Identifier: GPL-3.0-or-later
"""Cached tiles and feature pages never outlive a write; new map layers."""

from __future__ import annotations

import json

import mapbox_vector_tile
import pandas as pd
import shapely
from fastapi.testclient import TestClient

from demine.api.ogc import feature
from demine.domain.vocab import PlaceType, ReviewState
from demine.store.database import Database
from demine.store.listing import Filters, feature_page, list_records
from demine.store.register_version import RegisterVersion
from demine.store.risk import publish_risk
from demine.store.schema import Place
from tests.api.conftest import Seed
from tests.api.test_tiles import tile_of
from tests.waiting import wait_until

DRAFT_TILE = "/tiles/hazard/12/{}/{}.mvt".format(*tile_of(47.005, 40.005, 12))


def tile_names(client: TestClient, path: str, layer: str = "hazard") -> set[str]:
    response = client.get(path)
    assert response.status_code == 200, response.text
    if not response.content:
        return set()
    decoded = mapbox_vector_tile.decode(response.content)
    return {f["properties"].get("name") for f in decoded[layer]["features"]}


def approve_alpha_draft(as_role: dict[str, TestClient], seed: Seed) -> None:
    hid = seed.hazards["alpha_draft"]
    submitted = as_role["clerk"].post(f"/api/v1/records/hazard/{hid}/submit")
    assert submitted.status_code == 200, submitted.text
    approved = as_role["reviewer"].post(
        f"/api/v1/records/hazard/{hid}/approve",
        json={"version": submitted.json()["version"]},
    )
    assert approved.status_code == 200, approved.text


def test_cached_tile_shows_a_hazard_approved_after_it_was_drawn(
    as_role: dict[str, TestClient], seed: Seed
) -> None:
    viewer = as_role["viewer"]
    assert tile_names(viewer, DRAFT_TILE) == set()
    assert tile_names(viewer, DRAFT_TILE) == set()  # now from the cache
    # Reviewers share no cache entry with viewers: they see both drafts.
    assert tile_names(as_role["reviewer"], DRAFT_TILE) == {
        "alpha_draft",
        "bravo_draft",
    }
    assert tile_names(as_role["clerk"], DRAFT_TILE) == {"alpha_draft"}
    approve_alpha_draft(as_role, seed)
    assert tile_names(viewer, DRAFT_TILE) == {"alpha_draft"}
    assert tile_names(as_role["other_clerk"], DRAFT_TILE) == {
        "alpha_draft",
        "bravo_draft",
    }


def test_tile_etag_answers_304_until_the_register_changes(
    as_role: dict[str, TestClient], seed: Seed
) -> None:
    viewer = as_role["viewer"]
    first = viewer.get(DRAFT_TILE)
    etag = first.headers["etag"]
    assert first.headers["cache-control"].startswith("private")
    again = viewer.get(DRAFT_TILE, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    # Another reader class never gets a viewer's 304.
    reviewer = as_role["reviewer"].get(DRAFT_TILE, headers={"If-None-Match": etag})
    assert reviewer.status_code == 200
    approve_alpha_draft(as_role, seed)
    after = viewer.get(DRAFT_TILE, headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert after.headers["etag"] != etag


def test_deactivated_user_loses_cached_access(
    as_role: dict[str, TestClient], seed: Seed, db: Database
) -> None:
    from demine.store.schema import User

    viewer = as_role["viewer"]
    assert viewer.get(DRAFT_TILE).status_code == 200
    with db.session(write=True) as session:
        session.get(User, seed.users["viewer"]).active = False  # type: ignore[union-attr]
    assert viewer.get(DRAFT_TILE).status_code == 401
    assert viewer.get("/ogc/collections/hazards/items").status_code == 401


def test_cached_feature_page_counts_a_newly_approved_hazard(
    as_role: dict[str, TestClient], seed: Seed
) -> None:
    viewer = as_role["viewer"]
    path = "/ogc/collections/hazards/items?bbox=46.9,39.9,47.1,40.1"
    before = viewer.get(path).json()
    assert before["numberMatched"] == 0
    assert viewer.get(path).json() == before
    approve_alpha_draft(as_role, seed)
    after = viewer.get(path).json()
    assert after["numberMatched"] == 1
    assert after["features"][0]["properties"]["name"] == "alpha_draft"


def test_feature_page_matches_the_record_listing(db: Database, seed: Seed) -> None:
    rows, total = list_records(db, "hazard", None, Filters(), limit=10)
    texts, count = feature_page(db, "hazard", None, Filters(), limit=10)
    assert count == total == 2
    assert [json.loads(t) for t in texts] == [
        json.loads(json.dumps(feature("hazard", r))) for r in rows
    ]


def test_register_version_sees_another_connections_write(db: Database) -> None:
    watcher = RegisterVersion(db, interval=0.0)
    before = watcher.current()
    assert watcher.current() == before
    # A second Database on the same register stands for another process.
    other = Database(db.url, schema=_schema(db))
    try:
        with other.session(write=True) as session:
            session.add(_settlement("Elsewhere", 10, 46.9, 39.9))
    finally:
        other.dispose()
    # SQLite sees it at once; PostgreSQL publishes another backend's row
    # counts within about a second, so poll (a bound, not a timing test).
    assert wait_until(lambda: watcher.current() != before)


def _schema(db: Database) -> str | None:
    if db.dialect != "postgresql":
        return None
    with db.transaction() as conn:
        return str(conn.exec_driver_sql("SELECT current_schema()").scalar_one())


def _settlement(name: str, population: int, lon: float, lat: float) -> Place:
    return Place(
        name=name,
        place_type=PlaceType.SETTLEMENT,
        population=population,
        displaced_population=population // 2,
        location=shapely.Point(lon, lat),
        review_state=ReviewState.APPROVED,
    )


def test_settlement_layer_holds_settlements_with_their_population(
    as_role: dict[str, TestClient], db: Database
) -> None:
    with db.session(write=True) as session:
        session.add(_settlement("Aghdam", 1200, 46.93, 39.99))
        session.add(
            Place(
                name="Aghdam district",
                place_type=PlaceType.ADMIN1,
                location=shapely.Point(46.931, 39.991),
            )
        )
    x, y = tile_of(46.93, 39.99, 12)
    path = f"/tiles/settlement/12/{x}/{y}.mvt"
    data = as_role["viewer"].get(path).content
    [found] = mapbox_vector_tile.decode(data)["settlement"]["features"]
    assert found["properties"]["name"] == "Aghdam"
    assert found["properties"]["population"] == 1200
    assert found["properties"]["displaced_population"] == 600
    assert as_role["anonymous"].get(path).status_code == 401
    admin = as_role["admin"]
    opened = admin.put("/api/v1/public-layers", json={"layers": ["place"]})
    assert opened.status_code == 200
    assert as_role["anonymous"].get(path).status_code == 200


def test_risk_layer_is_for_logged_in_readers(
    as_role: dict[str, TestClient], db: Database
) -> None:
    cells = pd.DataFrame(
        {"geom": [shapely.box(46.70, 39.80, 46.71, 39.81)], "risk": [0.75]}
    )
    hazards = pd.DataFrame(columns=["hazard_id", "risk", "risk_max", "cells"])
    publish_risk(db, cells, hazards, model="test")
    x, y = tile_of(46.705, 39.805, 12)
    path = f"/tiles/risk/12/{x}/{y}.mvt"
    data = as_role["viewer"].get(path).content
    [cell] = mapbox_vector_tile.decode(data)["risk"]["features"]
    assert abs(cell["properties"]["risk"] - 0.75) < 1e-9
    assert as_role["anonymous"].get(path).status_code == 401
    opened = as_role["admin"].put(
        "/api/v1/public-layers", json={"layers": ["risk_cell"]}
    )
    assert opened.status_code == 200
    assert as_role["anonymous"].get(path).content == data


def test_paging_reuses_the_count_until_a_write(
    as_role: dict[str, TestClient], seed: Seed
) -> None:
    viewer = as_role["viewer"]
    path = "/ogc/collections/hazards/items?limit=1&offset={}"
    first, second = (viewer.get(path.format(n)).json() for n in (0, 1))
    assert first["numberMatched"] == second["numberMatched"] == 2
    assert first["features"][0]["id"] != second["features"][0]["id"]
    assert [link["rel"] for link in second["links"]] == ["self"]
    approve_alpha_draft(as_role, seed)
    third = viewer.get(path.format(2)).json()
    assert third["numberMatched"] == 3
    assert third["features"][0]["properties"]["name"] == "alpha_draft"
