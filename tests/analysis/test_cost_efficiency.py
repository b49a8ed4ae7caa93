# SPDX-License-Identifier: GPL-3.0-or-later
"""Cost per m² released and per item found, computed over costed activities,
with the coverage that says how much of the work that is."""

from __future__ import annotations

import datetime as dt

import pytest
import shapely

from demine.analysis.cost_efficiency import cost_efficiency
from demine.errors import RecordError
from demine.geo.area import geodesic_area
from demine.store.database import Database
from demine.store.editing import add_records
from tests.quality.conftest import TODAY, Register, register

__all__ = ["register"]


def work(
    db: Database, reg: Register, x: float, cost: float | None, items: int, year: int
) -> float:
    """A hazard cleared by one Alpha activity with ``items`` found; its m²."""
    geom = shapely.box(47.0 + x, 40.0, 47.002 + x, 40.002)
    [hid] = add_records(
        db, "hazard", [{"hazard_class": "cha", "status": "open", "geom": geom}],
        today=TODAY,
    )  # fmt: skip
    [aid] = add_records(
        db,
        "activity",
        [{"activity_type": "clearance", "status": "completed", "method": "manual",
          "organisation_id": reg.orgs["Alpha"], "hazard_id": hid,
          "start_date": f"{year}-03-01", "end_date": f"{year}-04-01",
          "cost_usd": cost}],
        today=TODAY,
    )  # fmt: skip
    add_records(
        db, "release",
        [{"hazard_id": hid, "activity_id": aid, "kind": "cleared",
          "released_on": f"{year}-04-01", "depth_cm": 20, "geom": geom}],
        today=TODAY,
    )  # fmt: skip
    if items:
        add_records(
            db, "eo_item",
            [{"activity_id": aid, "hazard_id": hid, "category": "ap_mine",
              "quantity": items, "found_on": f"{year}-03-15"}],
            today=TODAY,
        )  # fmt: skip
    return float(geodesic_area([geom])[0])


def test_cost_per_m2_and_per_item_with_coverage(
    db: Database, register: Register
) -> None:
    # The fixture's own activity cost 120,000 USD and found nothing.
    a = work(db, register, 0.01, 30_000.0, 3, 2025)
    b = work(db, register, 0.02, None, 5, 2025)  # no cost reported
    c = work(db, register, 0.03, 10_000.0, 0, 2024)
    with db.transaction() as conn:
        by_year = cost_efficiency(conn, ["organisation", "year"])
        total = cost_efficiency(conn, [])["total"]
    site = total["released_m2"] - a - b - c
    y2025 = next(r for r in by_year["rows"] if r["year"] == 2025)
    assert y2025["activities"] == 2
    assert y2025["costed"] == 1
    assert y2025["usd_per_m2"] == pytest.approx(30_000 / a)
    assert y2025["usd_per_item"] == pytest.approx(30_000 / 3)
    assert y2025["coverage_activities"] == pytest.approx(0.5)
    assert y2025["coverage_m2"] == pytest.approx(a / (a + b))
    assert y2025["coverage_items"] == pytest.approx(3 / 8)
    assert total["usd_per_m2"] == pytest.approx(160_000 / (site + a + c))
    assert total["usd_per_item"] == pytest.approx(160_000 / 3)
    with db.transaction() as conn:
        only_2024 = cost_efficiency(
            conn, ["method"], dt.date(2024, 1, 1), dt.date(2024, 12, 31)
        )
    assert only_2024["total"]["cost_usd"] == 10_000.0
    assert only_2024["total"]["usd_per_item"] is None  # nothing found: no ratio
    with (
        pytest.raises(RecordError, match="cannot group by colour"),
        db.transaction() as conn,
    ):
        cost_efficiency(conn, ["colour"])
