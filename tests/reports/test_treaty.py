# SPDX-License-Identifier: GPL-3.0-or-later
"""Article 7 forms C and G equal a direct count of the register."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import pytest
from sqlalchemy import text

from demine.reports import build_report, render_html
from demine.store.database import Database
from tests.reports.document import Parsed, parse

DESTROYED = ("in_situ", "removed_and_destroyed")


@pytest.fixture(scope="module")
def treaty(demo_db: Database) -> Parsed:
    # The period ends after every release, so what remains is the ledger's figure.
    return parse(render_html(build_report(demo_db, "treaty", "2025")))


def rows(db: Database, query: str, **params: Any) -> list[tuple[Any, ...]]:
    with db.transaction() as conn:
        return [tuple(r) for r in conn.execute(text(query), params)]


def test_form_c_counts_remaining_ap_mined_areas_by_admin_area(
    demo_db: Database, treaty: Parsed
) -> None:
    expected: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for name, cls, contamination, remaining in rows(
        demo_db,
        "SELECT p.name, h.hazard_class, h.contamination, h.remaining_m2 "
        "FROM hazard h LEFT JOIN place p ON p.id = h.admin_area_id "
        "WHERE h.review_state = 'approved' AND h.remaining_m2 > 0 "
        "AND (h.recorded_on IS NULL OR h.recorded_on <= '2025-12-31')",
    ):
        types = (
            json.loads(contamination)
            if isinstance(contamination, str)
            else contamination
        )
        if "ap_mine" in (types or []):
            expected[name][f"{cls}_n"] += 1
            expected[name][f"{cls}_m2"] += remaining
    shown = {r["admin"]: r for r in treaty.rows("form_c")}
    # the country holds every district (issue 16: figures roll up)
    country = shown.pop("Azerbaijan")
    assert set(shown) == set(expected)
    for name, want in expected.items():
        for col in ("cha_n", "sha_n"):
            assert int(float(shown[name][col])) == want.get(col, 0), (name, col)
        for col in ("cha_m2", "sha_m2"):
            assert float(shown[name][col]) == pytest.approx(want.get(col, 0.0)), name
    total = treaty.total("form_c")
    assert int(float(total["total_n"])) == sum(
        w.get("cha_n", 0) + w.get("sha_n", 0) for w in expected.values()
    )
    assert treaty.figure("form_c.areas") == int(float(total["total_n"]))
    assert int(float(country["total_n"])) == int(float(total["total_n"]))


def test_form_g_counts_ap_mines_destroyed_in_the_period_by_type(
    demo_db: Database, treaty: Parsed
) -> None:
    expected = dict(
        rows(
            demo_db,
            "SELECT COALESCE(m.model, 'unknown model'), SUM(i.quantity) FROM eo_item i "
            "LEFT JOIN eo_model m ON m.id = i.eo_model_id "
            "WHERE i.review_state = 'approved' AND i.category = 'ap_mine' "
            "AND i.disposal IN ('in_situ', 'removed_and_destroyed') "
            "AND i.found_on BETWEEN '2025-01-01' AND '2025-12-31' "
            "GROUP BY COALESCE(m.model, 'unknown model')",
        )
    )
    shown = {r["model"]: int(r["destroyed"]) for r in treaty.rows("form_g")}
    assert shown == expected
    assert treaty.figure("form_g.destroyed") == sum(expected.values())
    assert treaty.figure("monitor.ap_destroyed") == sum(expected.values())


def test_release_disaggregation_adds_up_to_the_period_releases(
    demo_db: Database, treaty: Parsed
) -> None:
    by_kind = dict(
        rows(
            demo_db,
            'SELECT r.kind, SUM(r.effective_m2) FROM "release" r '
            "JOIN hazard h ON h.id = r.hazard_id WHERE r.review_state = 'approved' "
            "AND h.review_state = 'approved' "
            "AND r.released_on BETWEEN '2025-01-01' AND '2025-12-31' GROUP BY r.kind",
        )
    )
    total = treaty.total("released_all")
    for kind, m2 in by_kind.items():
        assert float(total[kind]) == pytest.approx(m2)
        assert treaty.figure(f"monitor.released_{kind}") == pytest.approx(m2)
    ap = treaty.total("released_ap")
    assert float(ap["total"]) <= float(total["total"])
    assert treaty.figure("monitor.ap_released") == pytest.approx(float(ap["total"]))
    assert treaty.sections == [
        "form_c",
        "form_g",
        "release_disaggregation",
        "monitor",
    ]
