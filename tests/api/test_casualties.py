# SPDX-License-Identifier: GPL-3.0-or-later
"""GET /api/v1/casualties, /api/v1/casualties/hotspots and the /casualties page."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from demine.domain.vocab import ReviewState
from demine.store.database import Database
from demine.store.editing import add_records
from tests.api.conftest import Seed

TODAY = dt.date(2026, 11, 1)


@pytest.fixture
def victims(db: Database, seed: Seed) -> Database:
    """The seed's approved accident (in the approved CHA) gets three victims,
    and a submitted accident with one more that must not count."""
    accident = db_accident_id(db)
    add_records(
        db,
        "victim",
        [
            {"accident_id": accident, "outcome": "killed", "sex": "male", "age": 40},
            {"accident_id": accident, "outcome": "injured", "sex": "female", "age": 9},
            {"accident_id": accident, "outcome": "injured"},
        ],
        today=TODAY,
    )
    [draft] = add_records(
        db,
        "accident",
        [
            {
                "accident_type": "non_demining",
                "occurred_on": "2025-06-01",
                "geom": {"type": "Point", "coordinates": [46.805, 39.905]},
            }
        ],
        today=TODAY,
        review_state=ReviewState.SUBMITTED,
    )
    add_records(
        db, "victim", [{"accident_id": draft, "outcome": "killed"}], today=TODAY
    )
    return db


def db_accident_id(db: Database) -> int:
    from sqlalchemy import select

    from demine.store.schema import Accident

    with db.session() as session:
        return int(session.scalars(select(Accident.id)).one())


def test_figures_of_approved_records(
    as_role: dict[str, TestClient], victims: Database, seed: Seed
) -> None:
    res = as_role["viewer"].get("/api/v1/casualties")
    assert res.status_code == 200, res.text
    data = res.json()
    assert (data["accidents"], data["killed"], data["injured"]) == (1, 1, 2)
    assert data["children"] == 1
    assert [(r["year"], r["victims"]) for r in data["by_year"]] == [(2025, 3)]
    [link] = data["links"]
    assert link["hazard_id"] == seed.hazards["cha"]
    assert link["relation"] == "inside"
    assert {r["sex"]: r["victims"] for r in data["by_sex"]} == {
        "female": 1,
        "male": 1,
        "unknown": 1,
    }
    empty = as_role["viewer"].get("/api/v1/casualties?from=2026-01-01").json()
    assert (empty["accidents"], empty["killed"]) == (0, 0)


def test_hotspots_are_geojson_around_the_accident(
    as_role: dict[str, TestClient], victims: Database
) -> None:
    res = as_role["viewer"].get("/api/v1/casualties/hotspots?bandwidth_m=500")
    assert res.status_code == 200
    assert res.headers["content-type"].startswith("application/geo+json")
    data = res.json()
    [spot] = [f for f in data["features"] if f["properties"]["kind"] == "hotspot"]
    lon, lat = spot["geometry"]["coordinates"]
    assert lon == pytest.approx(46.705, abs=0.005)
    assert lat == pytest.approx(39.805, abs=0.005)
    assert spot["properties"]["victims"] == 3
    cells = [f for f in data["features"] if f["properties"]["kind"] == "cell"]
    assert cells
    assert max(c["properties"]["share"] for c in cells) == 1.0
    assert data["bandwidth_m"] == 500


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("from=2025-12-31&to=2025-01-01", "swap the dates"),
        ("from=yesterday", "from"),
        ("bandwidth_m=0", "bandwidth_m"),
        ("link_distance_m=-5", "link_distance_m"),
        ("top=0", "top"),
    ],
)
def test_bad_queries_are_a_clear_422(
    as_role: dict[str, TestClient], query: str, words: str
) -> None:
    res = as_role["viewer"].get(f"/api/v1/casualties?{query}")
    assert res.status_code == 422
    assert words in res.json()["error"]


def test_page_shows_figures_rates_and_map(
    as_role: dict[str, TestClient], victims: Database
) -> None:
    res = as_role["viewer"].get("/casualties")
    assert res.status_code == 200
    html = res.text
    assert 'id="killed-count">1<' in html
    assert 'id="injured-count">2<' in html
    assert 'data-source="/api/v1/casualties/hotspots"' in html
    assert "/static/vendor/maplibre-gl.js" in html
    assert "<svg" in html
    assert 'id="admin-table"' in html
    assert 'id="hotspot-table"' in html
    period = as_role["viewer"].get("/casualties?from=2025-01-01&to=2025-12-31")
    assert "hotspots?from=2025-01-01&amp;to=2025-12-31" in period.text
    bad = as_role["viewer"].get("/casualties?from=2025-12-31&to=2025-01-01")
    assert bad.status_code == 422
    assert "swap the dates" in bad.text
    assert (
        as_role["anonymous"].get("/casualties", follow_redirects=False).status_code
        == 303
    )


def test_page_of_an_empty_period_says_so(
    as_role: dict[str, TestClient], victims: Database
) -> None:
    html = as_role["viewer"].get("/casualties?from=2026-01-01").text
    assert "No located accidents in this period." in html
