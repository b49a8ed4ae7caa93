# SPDX-License-Identifier: GPL-3.0-or-later
"""The national figures broken down, and the dashboard's figures, over HTTP.

``GET /api/v1/summary`` (the totals) is beside the records; these give what
``demine summary --by`` and the dashboard page show, from the same functions
(:mod:`demine.analysis.summary`). Every logged-in role may read them.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from demine.analysis.summary import Grouping, dashboard, summary_by
from demine.handover import waiting_land
from demine.serving.deps import DbDep, User

router = APIRouter(prefix="/api/v1", tags=["records"])


@router.get("/summary/{by}")
def summary_breakdown(db: DbDep, who: User, by: Grouping) -> list[dict[str, Any]]:
    """Area released by kind and items found by category, per admin area,
    organisation, method or year (rows add up to the national totals)."""
    with db.transaction() as conn:
        return summary_by(conn, by)


@router.get("/dashboard")
def dashboard_figures(db: DbDep, who: User) -> dict[str, Any]:
    """The dashboard's figures: the national summary, area released per year
    and per method, area remaining per admin area, and approved land released
    but not yet handed over (count, area, ages)."""
    with db.transaction() as conn:
        shown = dashboard(conn)
    return shown | {"waiting_handover": waiting_land(db)}
