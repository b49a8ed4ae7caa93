# SPDX-License-Identifier: GPL-3.0-or-later
"""Team tasking over HTTP: ``GET /api/v1/plan``.

Only reviewers and administrators (the national authority's planners) may
compute a plan: one request can keep a core busy for ``time_limit`` seconds
plus the reading of the register, so the limits below bound what one request
may ask for. The plan is :func:`demine.analysis.tasking.request.run_plan`'s,
as for ``demine plan`` and the plan page.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from demine.analysis.tasking.request import SERVED_MAX_MONTHS, PlanRequest, run_plan
from demine.serving.deps import DbDep, Reviewer

router = APIRouter(prefix="/api/v1", tags=["planning"])

API_MAX_TOP = 5000
API_MAX_SECONDS = 60.0
API_MAX_TEAMS = 10_000

Horizon = Annotated[
    str,
    Query(
        max_length=12,
        description=f"Months to plan: 12m, 18m or 1y (up to {SERVED_MAX_MONTHS})",
    ),
]
Top = Annotated[
    int, Query(ge=1, le=API_MAX_TOP, description="Highest-priority hazards planned")
]
Teams = Annotated[
    int | None,
    Query(ge=1, le=API_MAX_TEAMS, description="First N active teams (default all)"),
]
TimeLimit = Annotated[
    float,
    Query(gt=0, le=API_MAX_SECONDS, description="Seconds HiGHS may search"),
]
Start = Annotated[
    str | None, Query(pattern=r"^\d{4}-\d{2}$", description="First month, YYYY-MM")
]
Soft = Annotated[
    bool,
    Query(description="Penalise a missed return date instead of refusing the plan"),
]
Distance = Annotated[
    float, Query(gt=0, le=1000, description="Farthest site from a team's base, km")
]


@router.get("/plan")
def plan(
    db: DbDep,
    who: Reviewer,
    horizon: Horizon = "12m",
    top: Top = 500,
    teams: Teams = None,
    time_limit: TimeLimit = 10.0,
    start: Start = None,
    soft_deadlines: Soft = False,
    max_distance_km: Distance = 150.0,
) -> dict[str, Any]:
    """A monthly work plan per team over the horizon: the MILP's plan, its
    objective, bound and optimality gap, and the greedy plan's objective with
    the MILP's improvement over it (percent). A plan that cannot be made
    (no teams, a return date no team can meet) is a 422 that says why."""
    ask = PlanRequest(
        horizon, top, teams, time_limit, start, soft_deadlines, max_distance_km
    )
    return run_plan(db, ask, max_months=SERVED_MAX_MONTHS).as_dict()
