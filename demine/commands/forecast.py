# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine forecast``: when the open hazards will be released, at what cost."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from demine.commands.app import DbOption, JsonOption, app, emit_json, open_db, out
from demine.domain.labels import label_of
from demine.domain.vocab import Method
from demine.i18n import _
from demine.i18n.numbers import number, percent

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
    from demine.analysis.forecast.register import run_scenarios, scenario_label
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
    out.print(_parameter_table(scenario_label(first.scenario), first.parameters))
    for note in first.parameters.get("notes", []):
        out.print(_("note: %(note)s", note=note))
    out.print(_comparison(compare(results)))


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value != value:
        return _("unknown")
    if unit == "share":
        return percent(value, 1)
    if unit == "cents":
        return number(value, 2)
    return number(value) + unit


def _param_row(label: str, p: dict[str, Any] | None, unit: str = "") -> list[Any]:
    if p is None:
        return [label, _("not limiting"), "", "", ""]
    return [label, _fmt(p["mean"], unit), _fmt(p["sd"], unit), p["n"], p["source"]]


def _parameter_table(name: str, params: dict[str, Any]) -> Any:
    from rich.table import Table

    source = _("register or scenario")
    rows = [
        [_("open SHA m²"), _fmt(params["sha_m2"]), "", "", source],
        [_("open CHA m²"), _fmt(params["cha_m2"]), "", "", source],
        _param_row(_("NTS cancels (SHA)"), params["nts_cancel_share"], "share"),
        _param_row(_("TS reduces"), params["ts_reduce_share"], "share"),
        _param_row(_("working days / year"), params["working_days"]),
        _param_row(_("budget USD / year"), params["budget_usd_per_year"]),
    ]
    if params["capacity_m2_per_year"] is not None:
        # The historical-rate model: capacity and cost per m², not teams.
        capacity = params["capacity_m2_per_year"]
        rows.append(_param_row(_("capacity m² / year"), capacity))
        cost = params["cost_per_m2_usd"]
        rows.append(
            _param_row(_("cost USD / m²"), cost, "cents")
            if cost
            else [_("cost USD / m²"), _("unknown"), "", "", ""]
        )
    for method, m in params["methods"].items():
        name_ = label_of(Method, method)
        rows.append(
            [_("%(method)s: teams", method=name_), _fmt(m["teams"]), "", "", ""]
        )
        rows.append(
            _param_row(
                _("%(method)s: m²/team-day", method=name_), m["productivity_m2_day"]
            )
        )
        rows.append(
            _param_row(
                _("%(method)s: USD/team-day", method=name_), m["cost_per_day_usd"]
            )
        )
    t = Table(title=_("Forecast parameters: %(name)s", name=name), title_justify="left")
    t.add_column(_("parameter"), no_wrap=True)
    for head in (_("mean"), _("sd"), _("records")):
        t.add_column(head, justify="right", no_wrap=True)
    t.add_column(_("source"), overflow="fold")
    for row in rows:
        t.add_row(*(str(v) for v in row))
    return t


def _comparison(frame: Any) -> Any:
    from rich.table import Table

    from demine.analysis.forecast.register import scenario_label

    t = Table(title=_("Completion forecast (cost in USD)"), title_justify="left")
    t.add_column(_("scenario"), min_width=20, overflow="fold")
    for head in (_("year P10"), "P50", "P90", _("cost P10"), "P50", "P90"):
        t.add_column(head, justify="right", no_wrap=True)
    for r in frame.to_dict(orient="records"):
        t.add_row(
            scenario_label(str(r["scenario"])),
            *(_year(r[f"year_{k}"]) for k in ("p10", "p50", "p90")),
            *(_money(r[f"cost_{k}"]) for k in ("p10", "p50", "p90")),
        )
    return t


def _year(value: Any) -> str:
    return _("beyond") if value is None or value != value else str(int(value))


def _money(value: Any) -> str:
    if value is None or value != value:
        return _("unknown")
    if value >= 1e9:
        return _("%(amount)s billion", amount=number(value / 1e9, 1))
    return _("%(amount)s million", amount=number(value / 1e6, 1))
