# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine plan``: which team works which hazard in which month."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from demine.commands.app import (
    DbOption,
    JsonOption,
    app,
    emit_json,
    err,
    open_db,
    out,
    table,
)
from demine.domain.labels import label_of
from demine.domain.vocab import Method
from demine.i18n import _, ngettext
from demine.i18n.numbers import number, percent

HorizonOption = Annotated[
    str, typer.Option("--horizon", help="Months to plan: 12m, 18m or 1y")
]
TeamsOption = Annotated[
    str,
    typer.Option("--teams", help="Plan the first N active teams (by id), or all"),
]
TopOption = Annotated[
    int, typer.Option("--top", help="Plan the N highest-priority open hazards")
]
TimeLimitOption = Annotated[
    float, typer.Option("--time-limit", help="Seconds HiGHS may search")
]
GanttOption = Annotated[
    Path | None, typer.Option("--gantt", help="Write a Gantt chart: FILE.svg or .png")
]
StartOption = Annotated[
    str | None,
    typer.Option("--start", help="First month, YYYY-MM (default: next month)"),
]
SoftOption = Annotated[
    bool,
    typer.Option(
        "--soft-deadlines",
        help="Penalise missing a settlement's return date instead of refusing",
    ),
]
DistanceOption = Annotated[
    float, typer.Option("--max-distance", help="Farthest site from a base, km")
]
ProfileOption = Annotated[
    Path | None,
    typer.Option("--profile", help="Prioritisation profile YAML for the weights"),
]
SolverOption = Annotated[
    str, typer.Option("--solver", help="milp (HiGHS, started from greedy) or greedy")
]
RowsOption = Annotated[int, typer.Option("--rows", help="Plan rows to print (0: all)")]


@app.command()
def plan(
    horizon: HorizonOption = "12m",
    teams: TeamsOption = "all",
    top: TopOption = 5000,
    time_limit: TimeLimitOption = 30.0,
    gantt: GanttOption = None,
    start: StartOption = None,
    soft_deadlines: SoftOption = False,
    max_distance: DistanceOption = 150.0,
    profile: ProfileOption = None,
    solver: SolverOption = "milp",
    rows: RowsOption = 200,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Team tasking: a monthly work plan per team, the gap and the gain over greedy."""
    from demine.analysis.tasking.problem import TaskingError, parse_horizon
    from demine.analysis.tasking.request import PlanRequest, run_plan

    months = parse_horizon(horizon)
    if teams.strip().lower() == "all":
        count = None
    elif teams.strip().isdigit():
        count = int(teams)
    else:
        raise TaskingError(_("--teams %(teams)r: give a number or 'all'", teams=teams))
    ask = PlanRequest(
        horizon=horizon,
        top=top,
        teams=count,
        time_limit=time_limit,
        start=start,
        soft_deadlines=soft_deadlines,
        max_distance_km=max_distance,
        solver=solver,  # type: ignore[arg-type]
        profile=str(profile) if profile else None,
    )
    if not json_:
        err.print(_("planning %(months)s months ...", months=months))
    result = run_plan(open_db(db), ask)
    if gantt is not None:
        from demine.analysis.tasking.gantt import write_gantt

        write_gantt(result.plan, gantt)
    if json_:
        data = result.as_dict()
        data["gantt"] = str(gantt) if gantt else None
        emit_json(data)
        return
    _print(result, rows)
    if gantt is not None:
        out.print(_("Gantt chart written to %(gantt)s", gantt=gantt))


def _print(result: Any, limit: int) -> None:
    p = result.plan
    figures = [
        [_("months"), _("%(first)s to %(last)s", first=p.months[0], last=p.months[-1])],
        [_("teams planned / active"), f"{len(p.teams)} / {result.teams_available}"],
        [
            _("hazards planned / open"),
            f"{result.hazards_planned} / {result.hazards_open}",
        ],
        [_("priority weights"), result.weights],
        [_("solver"), f"{p.solver} ({p.status})"],
        [_("released m²"), number(p.released_m2)],
        [_("objective (weighted ha)"), number(p.objective, 2)],
        [_("bound"), "—" if p.bound is None else number(p.bound, 2)],
        [_("optimality gap"), "—" if p.gap is None else percent(p.gap, 2)],
        [_("greedy objective"), number(p.greedy_objective, 2)],
        [_("greedy released m²"), number(p.greedy_released_m2)],
        [_("improvement over greedy"), _pct(p.improvement_pct)],
        [
            _("seconds (of which greedy)"),
            f"{number(p.seconds, 1)} ({number(p.greedy_seconds, 1)})",
        ],
    ]
    figures.append(
        [
            _("teams under the accreditation / qualification rules"),
            f"{result.checked.accreditation} / {result.checked.qualification}",
        ]
    )
    whole = int(p.unassigned["whole_horizon"].sum()) if len(p.unassigned) else 0
    figures.append(
        [
            _("hazards left unassigned where teams were barred"),
            _(
                "%(count)s (%(whole)s for the whole horizon)",
                count=number(len(p.unassigned)),
                whole=number(whole),
            ),
        ]
    )
    if len(p.deadlines):
        met = int(p.deadlines["met"].sum())
        figures.append(
            [
                _("return dates met"),
                ngettext(
                    "%(met)s of %(num)s hazard",
                    "%(met)s of %(num)s hazards",
                    len(p.deadlines),
                    met=met,
                ),
            ]
        )
    out.print(table(_("Work plan"), [_("figure"), _("value")], figures))
    shown = p.rows if limit <= 0 else p.rows.head(limit)
    lines, last = [], None
    for r in shown.itertuples():
        team = "" if r.team_id == last else f"{r.team} [{label_of(Method, r.method)}]"
        last = r.team_id
        label = f"{r.hazard_id} {r.hazard}".strip()
        lines.append([team, r.month, label, number(r.released_m2)])
    title = _("Plan per team")
    if len(shown) < len(p.rows):
        title = _(
            "Plan per team (first %(shown)s of %(total)s rows; --rows 0 for all)",
            shown=number(len(shown)),
            total=number(len(p.rows)),
        )
    columns = [_("team"), _("month"), _("hazard"), "m²"]
    out.print(table(title, columns, lines))
    totals = [
        [
            t.team,
            label_of(Method, t.method),
            number(t.released_m2),
            t.hazards,
            percent(t.used_pct / 100, 0),
        ]
        for t in p.teams.itertuples()
    ]
    columns = [_("team"), _("method"), "m²", _("hazards"), _("used")]
    out.print(table(_("Totals per team"), columns, totals))
    _print_barred(p, limit)


def _print_barred(p: Any, limit: int) -> None:
    """The months teams may not work, and the hazards left unassigned for it."""
    barred = [
        [t.team, t.not_accredited or "—", t.not_qualified or "—"]
        for t in p.teams.itertuples()
        if t.not_accredited or t.not_qualified
    ]
    if barred:
        columns = [_("team"), _("not accredited in"), _("not qualified in")]
        out.print(table(_("Teams not tasked in some months"), columns, barred))
    if not len(p.unassigned):
        return
    shown = p.unassigned if limit <= 0 else p.unassigned.head(limit)
    lines = [
        [f"{r.hazard_id} {r.hazard}".strip(), r.reason] for r in shown.itertuples()
    ]
    title = _("Hazards left unassigned: no team accredited and qualified")
    if len(shown) < len(p.unassigned):
        title = _(
            "Hazards left unassigned: no team accredited and qualified (first "
            "%(shown)s of %(total)s; --rows 0 for all)",
            shown=number(len(shown)),
            total=number(len(p.unassigned)),
        )
    out.print(table(title, [_("hazard"), _("why")], lines))


def _pct(value: float | None) -> str:
    return "—" if value is None else percent(value / 100, 2, sign=True)
