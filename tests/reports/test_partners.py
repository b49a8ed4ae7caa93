# SPDX-License-Identifier: GPL-3.0-or-later
"""Sections from other modules (forecast, casualty analysis): used when there,
and when missing the report still stands and says why."""

from __future__ import annotations

import sys

import pytest
from sqlalchemy import text

from demine.reports import build_report, render_html
from demine.store.database import Database
from tests.reports.document import parse


def test_without_the_forecast_module_the_section_says_not_available(
    demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # None in sys.modules makes the import fail, as if the module were absent.
    monkeypatch.setitem(sys.modules, "demine.analysis.forecast", None)
    document = parse(render_html(build_report(demo_db, "national", "2024")))
    assert "forecast" in document.unavailable
    assert "forecast module is not installed" in document.unavailable["forecast"]
    assert document.figure("released.period.total") > 0


def test_without_the_casualty_analysis_casualties_are_counted_here(
    demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "demine.analysis.casualties", None)
    report = build_report(demo_db, "national", "2021..2023", forecast=False)
    document = parse(render_html(report))
    with demo_db.transaction() as conn:
        counts = dict(
            conn.execute(
                text(
                    "SELECT v.outcome, COUNT(*) FROM victim v "
                    "JOIN accident a ON a.id = v.accident_id "
                    "WHERE v.review_state = 'approved' AND a.review_state = 'approved' "
                    "AND a.occurred_on BETWEEN '2021-01-01' AND '2023-12-31' "
                    "GROUP BY v.outcome"
                )
            ).all()
        )
        women = conn.execute(
            text(
                "SELECT COUNT(*) FROM victim v JOIN accident a ON a.id = v.accident_id "
                "WHERE v.sex = 'female' AND v.review_state = 'approved' "
                "AND a.review_state = 'approved' "
                "AND a.occurred_on BETWEEN '2021-01-01' AND '2023-12-31'"
            )
        ).scalar_one()
    assert counts, "the demo register has casualties in 2021-2023"
    assert document.figure("casualties.killed") == counts.get("killed", 0)
    assert document.figure("casualties.injured") == counts.get("injured", 0)
    by_sex = {r["sex"]: int(r["total"]) for r in document.rows("casualties_by_sex")}
    assert by_sex.get("Female", 0) == women
    section = report.section("casualties")
    assert any(
        "Counted from the accident and victim records" in n for n in section.notes
    )
    assert "casualties_by_year" in document.charts
