# SPDX-License-Identifier: GPL-3.0-or-later
"""The national report's quality and cost sections: the same figures as the
dashboard and the API, in the PDF as on the page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from demine.analysis.cost_efficiency import cost_efficiency
from demine.domain.vocab import Role
from demine.quality.figures import qa_figures
from demine.reports import build_report, render_html, render_pdf
from demine.server import create_app
from demine.settings import Settings
from demine.store.database import Database
from demine.store.users import add_user, create_token
from tests.reports.document import parse
from tests.reports.test_pdf import page_with, pages

START, END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)


def test_quality_and_cost_sections_agree_with_the_core(demo_db: Database) -> None:
    report = parse(
        render_html(build_report(demo_db, "national", "2025", forecast=False))
    )
    with demo_db.transaction() as conn:
        qa = qa_figures(conn, START, END, today=END)
        cost = cost_efficiency(conn, ["organisation", "method"], START, END)
    assert qa["inspections"]["lots"] > 0
    assert report.figure("quality.lots") == qa["inspections"]["lots"]
    assert report.figure("quality.rejected") == qa["inspections"]["rejected"]
    assert report.figure("quality.items") == qa["inspections"]["items_found"]
    assert report.figure("quality.raised") == qa["non_conformities"]["raised"]
    assert report.figure("quality.inspected") == pytest.approx(
        qa["inspections"]["inspected_m2"]
    )
    years = report.rows("quality_effort")
    assert [int(r["year"]) for r in years] == [2025]
    per_org = {r["key"]: int(r["lots"]) for r in report.rows("quality_by_organisation")}
    assert sum(per_org.values()) == qa["inspections"]["lots"]
    assert report.figure("cost.per_m2") == pytest.approx(cost["total"]["usd_per_m2"])
    coverage = float(report.total("cost_efficiency")["activities"])
    assert coverage == pytest.approx(cost["total"]["coverage_activities"])
    assert 0 < coverage <= 1


def test_dashboard_and_api_show_the_same_quality_figures(demo_db: Database) -> None:
    app = create_app(Settings(database_url=demo_db.url, secret_key="k"), demo_db)
    user = add_user(demo_db, "qa-report-viewer", "a long password", Role.VIEWER)
    token = create_token(demo_db, user.id, "t")
    client = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    api = client.get("/api/v1/qa/figures").json()
    with demo_db.transaction() as conn:
        core = qa_figures(conn)
    assert api["inspections"] == core["inspections"]
    page = client.get("/dashboard").text
    assert f'id="dash-lots">{core["inspections"]["lots"]}<' in page


def test_quality_pages_of_the_pdf(demo_db: Database, artifacts: Path) -> None:
    pdf = render_pdf(build_report(demo_db, "national", "2025", forecast=False))
    found = pages(pdf, "national-2025-quality", artifacts)
    quality = found[page_with(found, "Quality of released land")][0]
    assert "Lots inspected" in quality
    assert "Inspection effort and items found, by year" in quality
    cost = found[page_with(found, "Cost per m² released and per item found")][0]
    assert "USD per m² released" in cost
    assert "Activities with a cost" in cost
