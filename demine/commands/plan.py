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
        raise TaskingError(f"--teams {teams!r}: give a number or 'all'")
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
        err.print(f"planning {months} months ...")
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
        out.print(f"Gantt chart written to {gantt}")


def _print(result: Any, limit: int) -> None:
    p = result.plan
    figures = [
        ["months", f"{p.months[0]} to {p.months[-1]}"],
        ["teams planned / active", f"{len(p.teams)} / {result.teams_available}"],
        ["hazards planned / open", f"{result.hazards_planned} / {result.hazards_open}"],
        ["priority weights", result.weights],
        ["solver", f"{p.solver} ({p.status})"],
        ["released m²", f"{p.released_m2:,.0f}"],
        ["objective (weighted ha)", f"{p.objective:,.2f}"],
        ["bound", "—" if p.bound is None else f"{p.bound:,.2f}"],
        ["optimality gap", "—" if p.gap is None else f"{100 * p.gap:.2f}%"],
        ["greedy objective", f"{p.greedy_objective:,.2f}"],
        ["greedy released m²", f"{p.greedy_released_m2:,.0f}"],
        ["improvement over greedy", _pct(p.improvement_pct)],
        ["seconds (of which greedy)", f"{p.seconds:.1f} ({p.greedy_seconds:.1f})"],
    ]
    if len(p.deadlines):
        met = int(p.deadlines["met"].sum())
        figures.append(["return dates met", f"{met} of {len(p.deadlines)} hazards"])
    out.print(table("Work plan", ["figure", "value"], figures))
    shown = p.rows if limit <= 0 else p.rows.head(limit)
    lines, last = [], None
    for r in shown.itertuples():
        team = "" if r.team_id == last else f"{r.team} [{r.method}]"
        last = r.team_id
        label = f"{r.hazard_id} {r.hazard}".strip()
        lines.append([team, r.month, label, f"{r.released_m2:,.0f}"])
    title = "Plan per team"
    if len(shown) < len(p.rows):
        title += f" (first {len(shown):,} of {len(p.rows):,} rows; --rows 0 for all)"
    out.print(table(title, ["team", "month", "hazard", "m²"], lines))
    totals = [
        [t.team, t.method, f"{t.released_m2:,.0f}", t.hazards, f"{t.used_pct:.0f}%"]
        for t in p.teams.itertuples()
    ]
    out.print(
        table("Totals per team", ["team", "method", "m²", "hazards", "used"], totals)
    )


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:+.2f}%"
