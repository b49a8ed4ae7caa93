# SPDX-License-Identifier: GPL-3.0-or-later
"""The donor report: the donor's money, and outputs attributed by funding share."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from demine.reports import ReportError, build_report, render_html
from demine.store.database import Database
from tests.reports.document import Parsed, parse


def rows(db: Database, query: str, **params: Any) -> list[tuple[Any, ...]]:
    with db.transaction() as conn:
        return [tuple(r) for r in conn.execute(text(query), params)]


@pytest.fixture(scope="module")
def japan(demo_db: Database) -> Parsed:
    return parse(render_html(build_report(demo_db, "donor", "2024", donor="japan")))


def test_funds_equal_the_donors_funding_records(
    demo_db: Database, japan: Parsed
) -> None:
    money = dict(
        rows(
            demo_db,
            "SELECT f.kind, SUM(f.amount_usd) FROM funding f "
            "JOIN organisation o ON o.id = f.donor_id WHERE o.name = 'Japan' "
            "AND f.review_state = 'approved' "
            "AND f.dated_on BETWEEN '2024-01-01' AND '2024-12-31' GROUP BY f.kind",
        )
    )
    for kind, usd in money.items():
        assert japan.figure(f"donor.{kind}") == pytest.approx(usd)
    to_date = rows(
        demo_db,
        "SELECT SUM(f.amount_usd) FROM funding f JOIN organisation o "
        "ON o.id = f.donor_id WHERE o.name = 'Japan' AND f.kind = 'pledge' "
        "AND f.review_state = 'approved' AND f.dated_on <= '2024-12-31'",
    )[0][0]
    assert float(japan.total("funds_to_date")["pledge"]) == pytest.approx(to_date)


def test_attribution_shares_are_the_donors_part_of_each_recipients_money(
    demo_db: Database, japan: Parsed
) -> None:
    shares = {r["recipient"]: r for r in japan.rows("shares")}
    attributed = {r["recipient"]: r for r in japan.rows("attributed")}
    assert shares
    assert set(shares) == set(attributed)
    for name, row in shares.items():
        share = float(row["share"])
        assert 0 < share <= 1
        assert share == pytest.approx(float(row["donor_usd"]) / float(row["all_usd"]))
        # What the recipient itself released in the period, times the share.
        own = rows(
            demo_db,
            'SELECT SUM(r.effective_m2) FROM "release" r '
            "JOIN hazard h ON h.id = r.hazard_id "
            "JOIN activity a ON a.id = r.activity_id "
            "JOIN organisation o ON o.id = a.organisation_id "
            "WHERE o.name = :n AND r.review_state = 'approved' "
            "AND h.review_state = 'approved' "
            "AND r.released_on BETWEEN '2024-01-01' AND '2024-12-31'",
            n=name,
        )[0][0]
        got = sum(
            float(attributed[name][k]) for k in ("cancelled", "reduced", "cleared")
        )
        assert got == pytest.approx((own or 0.0) * share)
    area = sum(
        float(r[k])
        for r in attributed.values()
        for k in ("cancelled", "reduced", "cleared")
    )
    assert japan.figure("donor.released") == pytest.approx(area)
    spent = float(japan.total("shares")["donor_usd"])
    assert spent == pytest.approx(japan.figure("donor.expenditure"))
    assert japan.figure("donor.usd_per_ha") == pytest.approx(spent / (area / 10_000))


def test_one_project_of_a_donor(demo_db: Database) -> None:
    project = "JPN: Non-technical survey of the liberated territories (2024)"
    report = parse(
        render_html(
            build_report(demo_db, "donor", "2024", donor="Japan", project=project)
        )
    )
    assert [r["project"] for r in report.rows("funds_period")] == [project]
    with pytest.raises(ReportError, match=r"has no project 'Roads'.*its projects are"):
        build_report(demo_db, "donor", "2024", donor="Japan", project="Roads")
