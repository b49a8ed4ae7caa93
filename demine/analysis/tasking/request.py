# SPDX-License-Identifier: GPL-3.0-or-later
"""A work plan as a person asks for it: the one entry point of the three faces.

``demine plan``, ``GET /api/v1/plan`` and the plan page each read their input,
build a :class:`PlanRequest` and call :func:`run_plan`. The month a plan
starts in is read by :func:`parse_month` only. The API and the page pass
``max_months`` (:data:`SERVED_MAX_MONTHS`): one request there can keep a core
busy for ``time_limit`` seconds plus the reading of the register.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from demine.analysis.priorities.cache import cached_ranking
from demine.analysis.priorities.ranking import Ranking
from demine.analysis.tasking.problem import (
    Solver,
    TaskingError,
    TaskingOptions,
    parse_horizon,
)
from demine.analysis.tasking.register import RegisterPlan, plan_register
from demine.errors import DemineError
from demine.i18n import _
from demine.store.database import Database

#: Longest horizon one served request (API, web page) may plan.
SERVED_MAX_MONTHS = 36


@dataclass(frozen=True)
class PlanRequest:
    """What a person asked for, as typed (horizon ``12m``, start ``2027-03``)."""

    horizon: str = "12m"
    top: int = 500
    teams: int | None = None
    time_limit: float = 10.0
    start: str | None = None
    soft_deadlines: bool = False
    max_distance_km: float = 150.0
    solver: Solver = "milp"
    profile: str | None = None


def parse_month(text: str, what: str = "start") -> dt.date:
    """The first day of the month written ``YYYY-MM``.

    >>> parse_month("2027-03")
    datetime.date(2027, 3, 1)
    """
    try:
        return dt.datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        raise TaskingError(
            _("%(what)s %(text)r is not a month: write YYYY-MM", what=what, text=text)
        ) from None


def run_plan(
    db: Database, ask: PlanRequest, *, max_months: int | None = None
) -> RegisterPlan:
    """The plan for ``ask`` on the register (CLI, API and web page alike).

    Without a profile the weights are the default profile's ranking, cached
    between requests (:func:`~demine.analysis.priorities.cache.cached_ranking`);
    a register that cannot be ranked is planned without weights and the
    result says so.
    """
    months = parse_horizon(ask.horizon)
    if max_months is not None and months > max_months:
        raise TaskingError(
            _(
                "horizon %(horizon)r: at most %(max_months)s months in one request",
                horizon=ask.horizon,
                max_months=max_months,
            )
        )
    options = TaskingOptions(
        months=months,
        start=parse_month(ask.start) if ask.start else None,
        time_limit=ask.time_limit,
        deadlines="soft" if ask.soft_deadlines else "hard",
        max_distance_km=ask.max_distance_km,
        solver=ask.solver,
    )
    return plan_register(
        db,
        options,
        top=ask.top,
        teams=ask.teams,
        profile=ask.profile,
        ranking=None if ask.profile else _ranking_or_none(db),
    )


def _ranking_or_none(db: Database) -> Ranking | None:
    """The cached ranking; None lets tasking report why weights are missing."""
    try:
        return cached_ranking(db, None)
    except DemineError:
        return None
