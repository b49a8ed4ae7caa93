# SPDX-License-Identifier: GPL-3.0-or-later
"""The work plan page: the form, the plan per team and the Gantt chart.

The form is a GET (computing a plan changes nothing); only reviewers and
administrators may run it, as over the API; both call
:func:`demine.analysis.tasking.request.run_plan`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from demine.analysis.tasking.gantt import gantt_bytes
from demine.analysis.tasking.problem import TaskingError
from demine.analysis.tasking.request import SERVED_MAX_MONTHS, PlanRequest, run_plan
from demine.errors import DemineError
from demine.i18n import _
from demine.serving.deps import DbDep, Reviewer
from demine.web.pages import render

router = APIRouter(include_in_schema=False)

#: Bounds of the page's form: smaller than the API's, so the page answers fast.
WEB_MAX_TOP = 2000
WEB_MAX_SECONDS = 30.0


Field = Annotated[str, Query(max_length=20)]


@router.get("/plan")
def plan_page(
    request: Request,
    db: DbDep,
    who: Reviewer,
    horizon: Field = "12m",
    top: Field = "200",
    teams: Field = "",
    time_limit: Field = "10",
    start: Field = "",
    soft_deadlines: bool = False,
    max_distance_km: Field = "150",
    run: bool = False,
) -> Response:
    """The form; with ``run=true`` the plan, its figures and its Gantt chart.

    Fields arrive as typed in the form; a bad one is shown on the page.
    """
    context: dict[str, Any] = {"result": None, "error": None}
    status = 200
    try:
        ask = PlanRequest(
            horizon=horizon.strip() or "12m",
            top=_number(top, "top", 1, WEB_MAX_TOP, int),
            teams=_number(teams, "teams", 1, 10_000, int) if teams.strip() else None,
            time_limit=_number(time_limit, "time_limit", 1, WEB_MAX_SECONDS, float),
            start=start.strip() or None,
            soft_deadlines=soft_deadlines,
            max_distance_km=_number(max_distance_km, "max_distance_km", 1, 1000, float),
        )
    except TaskingError as exc:
        ask = PlanRequest(horizon=horizon[:12])
        context["error"] = exc.user_message
        status, run = exc.http_status, False
    context["ask"] = ask
    if run:
        try:
            result = run_plan(db, ask, max_months=SERVED_MAX_MONTHS)
            context["result"] = result
            context["plan"] = result.plan
            context["per_team"] = _per_team(result.plan.rows)
            context["barred"] = [
                t
                for t in result.plan.teams.to_dict(orient="records")
                if t["not_accredited"] or t["not_qualified"]
            ]
            context["gantt"] = _svg(result) if len(result.plan.rows) else None
        except DemineError as exc:
            context["error"] = exc.user_message
            status = exc.http_status
    return render(request, "plan.html", who, status_code=status, **context)


def _number(text: str, name: str, low: float, high: float, kind: type) -> Any:
    """``text`` as an int or float within [low, high], else a TaskingError."""
    try:
        value = kind(text.strip())
    except ValueError:
        raise TaskingError(
            _("%(name)s: %(text)r is not a number", name=name, text=text)
        ) from None
    if not low <= value <= high:
        raise TaskingError(
            _(
                "%(name)s must be between %(low)g and %(high)g",
                name=name,
                low=low,
                high=high,
            )
        )
    return value


def _per_team(rows: Any) -> list[dict[str, Any]]:
    """The plan's rows grouped by team, in plan order."""
    teams: list[dict[str, Any]] = []
    for team_id, group in rows.groupby("team_id", sort=False):
        first = group.iloc[0]
        teams.append(
            {
                "id": int(team_id),
                "name": first["team"],
                "method": first["method"],
                "total": float(group["released_m2"].sum()),
                "rows": group.to_dict(orient="records"),
            }
        )
    return teams


def _svg(result: Any) -> str:
    """The chart as an inline <svg> element (XML prologue and doctype cut)."""
    text = gantt_bytes(result.plan, "svg").decode("utf-8")
    return text[text.index("<svg") :]
