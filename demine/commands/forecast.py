# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine forecast``: when the open hazards will be released, at what cost."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from demine.commands.app import DbOption, JsonOption, app, emit_json, open_db, out

ScenarioOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--scenario",
        help="Scenario YAML file (repeat for several; a file may hold several)",
    ),
]
DrawsOption = Annotated[
    int, typer.Option("--draws", help="Monte Carlo draws (at least 1,000 advised)")
]
SeedOption = Annotated[int, typer.Option("--seed", help="Random seed")]
NoBaseline = Annotated[
    bool,
    typer.Option("--no-baseline", help="Show only the scenarios, not the register's"),
]


@app.command()
def forecast(
    scenario: ScenarioOption = None,
    draws: DrawsOption = 1000,
    seed: SeedOption = 0,
    no_baseline: NoBaseline = False,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Completion forecast: P10/P50/P90 year and cost, from the register's history."""
    from demine.analysis.forecast.register import run_scenarios
    from demine.analysis.forecast.scenario import load_scenarios
    from demine.analysis.forecast.simulation import compare

    scenarios = load_scenarios(scenario or [])
    results = run_scenarios(
        open_db(db), scenarios, draws=draws, seed=seed, baseline=not no_baseline
    )
    if json_:
        data = [r.to_dict() for r in results]
        # One forecast: its fields at the top; several: a list under 'scenarios'.
        emit_json(data[0] if len(data) == 1 else {"scenarios": data})
        return
    # The first forecast's parameters: the register's own unless --no-baseline.
    first = results[0]
    out.print(_parameter_table(first.scenario, first.parameters))
    for note in first.parameters.get("notes", []):
        out.print(f"note: {note}")
    out.print(_comparison(compare(results)))


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value != value:
        return "unknown"
    if unit == "share":
        return f"{value:.1%}"
    if unit == "cents":
        return f"{value:,.2f}"
    return f"{value:,.0f}{unit}"


def _param_row(label: str, p: dict[str, Any] | None, unit: str = "") -> list[Any]:
    if p is None:
        return [label, "not limiting", "", "", ""]
    return [label, _fmt(p["mean"], unit), _fmt(p["sd"], unit), p["n"], p["source"]]


def _parameter_table(name: str, params: dict[str, Any]) -> Any:
    from rich.table import Table

    rows = [
        ["open SHA m²", _fmt(params["sha_m2"]), "", "", "register or scenario"],
        ["open CHA m²", _fmt(params["cha_m2"]), "", "", "register or scenario"],
        _param_row("NTS cancels (SHA)", params["nts_cancel_share"], "share"),
        _param_row("TS reduces", params["ts_reduce_share"], "share"),
        _param_row("working days / year", params["working_days"]),
        _param_row("budget USD / year", params["budget_usd_per_year"]),
    ]
    if params["capacity_m2_per_year"] is not None:
        # The historical-rate model: capacity and cost per m², not teams.
        rows.append(_param_row("capacity m² / year", params["capacity_m2_per_year"]))
        cost = params["cost_per_m2_usd"]
        rows.append(
            _param_row("cost USD / m²", cost, "cents")
            if cost
            else ["cost USD / m²", "unknown", "", "", ""]
        )
    for method, m in params["methods"].items():
        rows.append([f"{method}: teams", _fmt(m["teams"]), "", "", ""])
        rows.append(_param_row(f"{method}: m²/team-day", m["productivity_m2_day"]))
        rows.append(_param_row(f"{method}: USD/team-day", m["cost_per_day_usd"]))
    t = Table(title=f"Forecast parameters: {name}", title_justify="left")
    t.add_column("parameter", no_wrap=True)
    for head in ("mean", "sd", "records"):
        t.add_column(head, justify="right", no_wrap=True)
    t.add_column("source", overflow="fold")
    for row in rows:
        t.add_row(*(str(v) for v in row))
    return t


def _comparison(frame: Any) -> Any:
    from rich.table import Table

    t = Table(title="Completion forecast (cost in USD)", title_justify="left")
    t.add_column("scenario", min_width=20, overflow="fold")
    for head in ("year P10", "P50", "P90", "cost P10", "P50", "P90"):
        t.add_column(head, justify="right", no_wrap=True)
    for r in frame.to_dict(orient="records"):
        t.add_row(
            str(r["scenario"]),
            *(_year(r[f"year_{k}"]) for k in ("p10", "p50", "p90")),
            *(_money(r[f"cost_{k}"]) for k in ("p10", "p50", "p90")),
        )
    return t


def _year(value: Any) -> str:
    return "beyond" if value is None or value != value else str(int(value))


def _money(value: Any) -> str:
    if value is None or value != value:
        return "unknown"
    if value >= 1e9:
        return f"{value / 1e9:,.1f} B"
    return f"{value / 1e6:,.1f} M"
