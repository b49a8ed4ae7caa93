# SPDX-License-Identifier: GPL-3.0-or-later
"""The national report shows the register's own figures (read back from HTML)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import text

from demine.analysis.summary import national_summary
from demine.demo import generate
from demine.reports import build_report, render_html
from demine.store.database import Database
from demine.store.loading import load_register
from tests.reports.document import Parsed, parse

START, END = dt.date(2024, 1, 1), dt.date(2024, 12, 31)
WHOLE = "2020..2025"  # every dated record of the demo register


def sql(db: Database, query: str, **params: Any) -> list[tuple[Any, ...]]:
    with db.transaction() as conn:
        return [tuple(r) for r in conn.execute(text(query), params)]


@pytest.fixture(scope="module")
def year(demo_db: Database) -> Parsed:
    return parse(render_html(build_report(demo_db, "national", "2024")))


@pytest.fixture(scope="module")
def whole(demo_db: Database) -> Parsed:
    return parse(render_html(build_report(demo_db, "national", WHOLE, forecast=False)))


def test_released_in_the_period_equals_the_release_records(
    demo_db: Database, year: Parsed
) -> None:
    rows = dict(
        sql(
            demo_db,
            'SELECT r.kind, SUM(r.effective_m2) FROM "release" r '
            "JOIN hazard h ON h.id = r.hazard_id "
            "WHERE r.review_state = 'approved' AND h.review_state = 'approved' "
            "AND r.released_on BETWEEN :s AND :e GROUP BY r.kind",
            s=START,
            e=END,
        )
    )
    assert set(rows) == {"cancelled", "reduced", "cleared"}
    for kind, m2 in rows.items():
        assert year.figure(f"released.period.{kind}") == pytest.approx(m2, rel=1e-9)
    assert year.figure("released.period.total") == pytest.approx(sum(rows.values()))


def test_cumulative_and_remaining_equal_the_national_summary(
    demo_db: Database, whole: Parsed
) -> None:
    with demo_db.transaction() as conn:
        summary = national_summary(conn)
    area = summary["area_m2"]
    cumulative = {r["kind"]: float(r["cumulative"]) for r in whole.rows("released")}
    assert list(cumulative.values()) == pytest.approx(
        [area["cancelled"], area["reduced"], area["cleared"]], rel=1e-9
    )
    assert whole.figure("remaining.total") == pytest.approx(area["remaining"], rel=1e-9)
    by_admin = {r["admin"]: r for r in whole.rows("remaining_by_admin")}
    # the country row holds its districts (issue 16: figures roll up)
    country = by_admin.pop("Azerbaijan")
    assert float(country["remaining"]) == pytest.approx(area["remaining"], rel=1e-9)
    assert sum(float(r["remaining"]) for r in by_admin.values()) == pytest.approx(
        area["remaining"], rel=1e-9
    )
    open_hazards = sql(
        demo_db,
        "SELECT COUNT(*) FROM hazard WHERE review_state = 'approved' "
        "AND remaining_m2 > 0",
    )[0][0]
    assert whole.figure("remaining.hazards") == open_hazards
    assert whole.figure("casualties.killed") == summary["casualties"]["killed"]
    assert whole.figure("casualties.injured") == summary["casualties"]["injured"]
    assert whole.figure("casualties.accidents") == summary["casualties"]["accidents"]
    assert whole.figure("items.found") == summary["items_total"]


def test_items_eore_qm_and_funding_equal_direct_counts(
    demo_db: Database, year: Parsed
) -> None:
    found, destroyed = sql(
        demo_db,
        "SELECT SUM(quantity), SUM(CASE WHEN disposal IN "
        "('in_situ', 'removed_and_destroyed') THEN quantity ELSE 0 END) "
        "FROM eo_item WHERE review_state = 'approved' "
        "AND found_on BETWEEN :s AND :e",
        s=START,
        e=END,
    )[0]
    assert (year.figure("items.found"), year.figure("items.destroyed")) == (
        found,
        destroyed,
    )
    people, sessions = sql(
        demo_db,
        "SELECT SUM(women + men + girls + boys), COUNT(*) FROM eore_session "
        "WHERE review_state = 'approved' AND held_on BETWEEN :s AND :e",
        s=START,
        e=END,
    )[0]
    assert year.figure("eore.people") == people
    assert year.figure("eore.sessions") == sessions
    assert int(year.total("eore_by_method")["total"]) == people
    inspections = sql(
        demo_db,
        "SELECT COUNT(*) FROM qm_finding WHERE review_state = 'approved' "
        "AND inspected_on BETWEEN :s AND :e",
        s=START,
        e=END,
    )[0][0]
    assert year.figure("qm.inspections") == inspections
    money = dict(
        sql(
            demo_db,
            "SELECT kind, SUM(amount_usd) FROM funding WHERE review_state = "
            "'approved' AND dated_on BETWEEN :s AND :e GROUP BY kind",
            s=START,
            e=END,
        )
    )
    for kind in ("pledge", "disbursement", "expenditure"):
        assert year.figure(f"funding.{kind}") == pytest.approx(money[kind])


def test_cost_per_hectare_is_activity_cost_over_hectares_released(
    demo_db: Database, year: Parsed
) -> None:
    cost = sql(
        demo_db,
        "SELECT SUM(cost_usd) FROM activity WHERE review_state = 'approved' "
        "AND activity_type IN ('nts', 'ts', 'clearance', 'bac') "
        "AND COALESCE(end_date, start_date) BETWEEN :s AND :e",
        s=START,
        e=END,
    )[0][0]
    hectares = year.figure("released.period.total") / 10_000
    assert year.figure("funding.usd_per_ha") == pytest.approx(cost / hectares)


def test_every_national_section_is_there_with_charts_and_a_forecast(
    year: Parsed,
) -> None:
    assert year.sections == [
        "progress",
        "remaining",
        "items",
        "casualties",
        "eore",
        "qm",
        "quality",
        "funding",
        "cost",
        "forecast",
    ]
    assert {"released_by_year", "released_by_month", "remaining_map"} <= set(
        year.charts
    )
    assert "forecast" not in year.unavailable, year.unavailable
    assert 2024 < year.figure("forecast.year_p50") < 2300


def test_records_not_yet_approved_do_not_count(db: Database) -> None:
    load_register(db, generate("small", seed=2))
    before = parse(render_html(build_report(db, "national", "2024", forecast=False)))
    rid, kind, m2 = sql(
        db,
        'SELECT id, kind, effective_m2 FROM "release" WHERE released_on '
        "BETWEEN :s AND :e AND effective_m2 > 0 ORDER BY id LIMIT 1",
        s=START,
        e=END,
    )[0]
    with db.transaction(write=True) as conn:
        conn.execute(
            text("UPDATE \"release\" SET review_state = 'submitted' WHERE id = :i"),
            {"i": rid},
        )
    after = parse(render_html(build_report(db, "national", "2024", forecast=False)))
    key = f"released.period.{kind}"
    assert before.figure(key) - after.figure(key) == pytest.approx(m2)
