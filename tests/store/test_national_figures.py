# SPDX-License-Identifier: GPL-3.0-or-later
"""The summary, its breakdowns, the dashboard, the API and the reports give the
same national figures on the same register (:mod:`demine.store.counting`).

The register here has a release whose hazard is no longer approved while
the ledger has not yet run again (someone changed the review state in QGIS,
straight in the PostGIS database): the hazard's totals leave it out, so
every other figure must leave out its release too.
"""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from demine.analysis.summary import GROUPINGS, national_summary, summary_by
from demine.domain.vocab import Role
from demine.reports import build_report, render_html
from demine.server import create_app
from demine.settings import Settings
from demine.store.database import Database
from demine.store.editing import add_records
from demine.store.users import add_user
from tests.api.conftest import square
from tests.reports.document import parse

TODAY = dt.date(2026, 11, 1)
PASSWORD = "correct horse battery"


@pytest.fixture
def register(db: Database) -> Database:
    kept, withdrawn = add_records(
        db,
        "hazard",
        [
            {"name": "kept", "hazard_class": "cha", "status": "open",
             "geom": square(46.70, 39.80)},
            {"name": "withdrawn", "hazard_class": "sha", "status": "open",
             "geom": square(46.80, 39.90)},
        ],
        today=TODAY,
    )  # fmt: skip
    add_records(
        db,
        "release",
        [
            {"hazard_id": kept, "kind": "cleared", "depth_cm": 20,
             "released_on": "2024-05-01", "geom": square(46.70, 39.80, 0.005)},
            {"hazard_id": withdrawn, "kind": "reduced",
             "released_on": "2025-03-01", "geom": square(46.80, 39.90, 0.005)},
        ],
        today=TODAY,
    )  # fmt: skip
    with db.transaction() as conn:
        conn.execute(
            text("UPDATE hazard SET review_state = 'submitted' WHERE id = :id"),
            {"id": withdrawn},
        )
        credited = conn.execute(
            text("SELECT effective_m2 FROM release WHERE hazard_id = :id"),
            {"id": withdrawn},
        ).scalar_one()
    assert credited > 0  # the ledger has not run since: the release keeps its area
    add_user(db, "viewer", PASSWORD, Role.VIEWER, None)
    return db


def test_every_face_gives_the_same_national_figures(register: Database) -> None:
    with register.transaction() as conn:
        figures = national_summary(conn)
        breakdowns = {by: summary_by(conn, by) for by in GROUPINGS}  # type: ignore[arg-type]
    released = figures["area_m2"]["released"]
    assert released == pytest.approx(figures["area_m2"]["cleared"])
    assert released > 0
    for by, rows in breakdowns.items():
        assert sum(r["released_m2"] for r in rows) == pytest.approx(released), by

    settings = Settings(database_url=register.url, secret_key="k")
    with TestClient(create_app(settings, register)) as client:
        login = {"username": "viewer", "password": PASSWORD}
        assert client.post("/api/v1/login", json=login).status_code == 200
        api = client.get("/api/v1/summary").json()
        by_year = client.get("/api/v1/summary/year").json()
        api_dashboard = client.get("/api/v1/dashboard").json()
        dashboard = client.get("/dashboard").text
    assert api["area_m2"]["released"] == pytest.approx(released)
    assert api["hazards"] == figures["hazards"] == 1
    assert f'id="released-ha">{released / 10_000:,.1f}<' in dashboard
    assert sum(r["released_m2"] for r in by_year) == pytest.approx(released)
    assert api_dashboard["figures"] == api
    assert sum(m2 for _year, m2 in api_dashboard["by_year"]) == pytest.approx(released)

    report = parse(render_html(build_report(register, "national", "2024..2025")))
    assert report.figure("released.period.total") == pytest.approx(released)
