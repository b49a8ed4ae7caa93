# SPDX-License-Identifier: GPL-3.0-or-later
"""Team tasking over HTTP: ``GET /api/v1/plan``.

Only reviewers and administrators (the national authority's planners) may
compute a plan: one request can keep a core busy for ``time_limit`` seconds
plus the reading of the register, so the limits below bound what one request
may ask for. Priority weights are the default profile's ranking, cached
between requests (:func:`demine.api.priorities.cached_ranking`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query

from demine.analysis.tasking import TaskingOptions, parse_horizon
from demine.analysis.tasking_register import RegisterPlan, plan_register
from demine.api.deps import DbDep, Reviewer
from demine.i18n import _
from demine.store.database import Database

router = APIRouter(prefix="/api/v1", tags=["planning"])

API_MAX_MONTHS = 36
API_MAX_TOP = 5000
API_MAX_SECONDS = 60.0
API_MAX_TEAMS = 10_000

Horizon = Annotated[
    str,
    Query(max_length=12, description="Months to plan: 12m, 18m or 1y (up to 36)"),
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


@dataclass(frozen=True)
class PlanRequest:
    """What a client may ask for, already bounded by the query rules."""

    horizon: str = "12m"
    top: int = 500
    teams: int | None = None
    time_limit: float = 10.0
    start: str | None = None
    soft_deadlines: bool = False
    max_distance_km: float = 150.0


def run_plan(db: Database, ask: PlanRequest) -> RegisterPlan:
    """The plan for a bounded request (shared by the API and the web page)."""
    import datetime as dt

    from demine.analysis.tasking import TaskingError
    from demine.api.priorities import cached_ranking

    months = parse_horizon(ask.horizon)
    if months > API_MAX_MONTHS:
        raise TaskingError(
            _(
                "horizon %(horizon)r: at most %(api_max_months)s months over the API",
                horizon=ask.horizon,
                api_max_months=API_MAX_MONTHS,
            )
        )
    start = None
    if ask.start:
        try:
            start = dt.date(int(ask.start[:4]), int(ask.start[5:7]), 1)
        except ValueError:
            raise TaskingError(
                _("start %(start)r is not a month", start=ask.start)
            ) from None
    options = TaskingOptions(
        months=months,
        start=start,
        time_limit=ask.time_limit,
        deadlines="soft" if ask.soft_deadlines else "hard",
        max_distance_km=ask.max_distance_km,
    )
    return plan_register(
        db,
        options,
        top=ask.top,
        teams=ask.teams,
        ranking=_ranking_or_none(db, cached_ranking),
    )


def _ranking_or_none(db: Database, cached: Any) -> Any:
    """The cached ranking; None lets tasking report why weights are missing."""
    from demine.errors import DemineError

    try:
        return cached(db, None)
    except DemineError:
        return None


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
    return run_plan(db, ask).as_dict()
