# SPDX-License-Identifier: GPL-3.0-or-later
"""Scenario files: changes applied as written; bad ones named by file and field."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from demine.analysis.forecast.history import fit
from demine.analysis.forecast.register import ForecastError, run_forecast, run_scenarios
from demine.analysis.forecast.scenario import (
    ScenarioError,
    load_scenarios,
    parse_scenario,
    parse_scenarios,
)
from demine.analysis.forecast.simulation import (
    ForecastInputs,
    MethodInputs,
    Parameter,
    simulate,
)
from demine.store.database import Database

DOCS = Path(__file__).resolve().parents[2] / "docs" / "scenarios"


def base() -> ForecastInputs:
    return ForecastInputs(
        start_year=2027,
        sha_m2=1_000_000.0,
        cha_m2=500_000.0,
        nts_cancel_share=Parameter(0.4, 0.05, kind="share"),
        ts_reduce_share=Parameter(0.2, kind="share"),
        working_days=Parameter(200.0, 10.0),
        methods={
            "manual": MethodInputs(10, Parameter(100.0, 20.0), Parameter(1000.0)),
            "mechanical": MethodInputs(2, Parameter(2000.0), Parameter(3000.0)),
        },
        budget_usd_per_year=Parameter(1_000_000.0, 100_000.0),
    )


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_three_example_changes(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
scenarios:
  - name: +20 mechanical teams
    teams: {mechanical: {add: 20}}
  - name: +USD 100 M per year from donors
    budget_usd_per_year: {add: 100_000_000}
  - name: better NTS cancels 30% more
    nts_cancel_share: {scale: 1.3}
""",
    )
    mech, money, nts = load_scenarios([path])
    assert mech.apply(base()).methods["mechanical"].teams == 22
    assert mech.apply(base()).methods["manual"].teams == 10
    budget = money.apply(base()).budget_usd_per_year
    assert budget is not None
    assert budget.mean == 101_000_000.0
    assert budget.sd == 100_000.0
    assert nts.apply(base()).nts_cancel_share.mean == pytest.approx(0.52)
    assert nts.apply(base()).nts_cancel_share.sd == pytest.approx(0.065)
    assert money.source == str(path)


def test_overrides_set_scale_and_uncertainty() -> None:
    s = parse_scenario(
        {
            "name": "x",
            "productivity_m2_day": {"manual": {"value": 150, "cv": 0.1}},
            "cost_per_day_usd": {"mechanical": 2500},
            "working_days": 220,
            "sha_m2": 2e6,
            "budget_usd_per_year": "unlimited",
            "nts_cancel_share": {"scale": 5},
        }
    )
    out = s.apply(base())
    assert out.methods["manual"].productivity_m2_day.mean == 150
    assert out.methods["manual"].productivity_m2_day.sd == pytest.approx(15)
    assert out.methods["mechanical"].cost_per_day_usd.mean == 2500
    assert out.working_days.mean == 220
    assert out.working_days.sd == pytest.approx(11)  # the fitted spread, rescaled
    assert out.sha_m2 == 2e6
    assert out.budget_usd_per_year is None
    assert out.nts_cancel_share.mean == 1.0  # a share never passes 100%
    assert "scenario x" in out.methods["manual"].productivity_m2_day.source


def test_deterministic_removes_every_spread() -> None:
    s = parse_scenario({"name": "d", "uncertainty": {"deterministic": True}})
    result = simulate(s.apply(base()), draws=500, seed=2)
    assert result.years["p10"] == result.years["p90"]
    assert result.total_cost["p10"] == result.total_cost["p90"]


def test_new_method_needs_its_productivity_and_cost() -> None:
    s = parse_scenario({"name": "dogs", "teams": {"mdd": 5}})
    with pytest.raises(ScenarioError, match=r"field 'teams\.mdd'.*productivity_m2_day"):
        s.apply(base())
    ok = parse_scenario(
        {
            "name": "dogs",
            "teams": {"mdd": 5},
            "productivity_m2_day": {"mdd": 800},
            "cost_per_day_usd": {"mdd": 900},
        }
    ).apply(base())
    assert ok.methods["mdd"].teams == 5


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ("name: a\nteamz: {manual: 3}\n", "teamz", "unknown field"),
        ("name: a\nteams: {tank: 3}\n", "teams.tank", "unknown method"),
        ("name: a\nteams: {manual: {plus: 3}}\n", "teams.manual", "unknown key"),
        ("name: a\nteams: {manual: -3}\n", "teams.manual", "negative"),
        ("name: a\nbudget_usd_per_year: -5\n", "budget_usd_per_year", "negative"),
        (
            "name: a\nbudget_usd_per_year: {value: -5}\n",
            "budget_usd_per_year.value",
            "negative",
        ),
        ("name: a\nworking_days: many\n", "working_days", "expected a number"),
        ("name: a\nworking_days: 400\n", "working_days", "366"),
        ("name: a\nuncertainty: {luck: 1}\n", "uncertainty.luck", "unknown key"),
        ("name: a\nteams: {manual: {add: 1, scale: 2}}\n", "teams.manual", "one of"),
        ("teams: {manual: 3}\n", "name", "needs a name"),
    ],
)
def test_bad_fields_are_named_with_the_file(
    tmp_path: Path, text: str, field: str, words: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError, match=words) as caught:
        load_scenarios([path]).pop().apply(base())
    assert caught.value.field == field
    assert str(path) in caught.value.user_message
    assert f"field '{field}'" in caught.value.user_message


def test_zero_teams_and_zero_budget_is_refused_by_name(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "name: nothing\nteams: {manual: 0, mechanical: 0}\nbudget_usd_per_year: 0\n",
    )
    [s] = load_scenarios([path])
    with pytest.raises(ScenarioError) as caught:
        s.apply(base())
    message = caught.value.user_message
    assert str(path) in message
    assert "scenario 'nothing'" in message
    assert "field 'teams'" in message
    assert "zero teams" in message
    zero_budget = parse_scenario({"name": "broke", "budget_usd_per_year": 0})
    with pytest.raises(
        ScenarioError, match=r"field 'budget_usd_per_year'.*zero budget"
    ):
        zero_budget.apply(base())


def test_several_files_and_bad_files(tmp_path: Path) -> None:
    one = write(tmp_path, "name: one\nworking_days: 100\n", "one.yaml")
    two = write(
        tmp_path,
        "scenarios:\n  - {name: two, working_days: 150}\n  - {name: three}\n",
        "two.yaml",
    )
    assert [s.name for s in load_scenarios([one, two])] == ["one", "two", "three"]
    with pytest.raises(ScenarioError, match="must differ"):
        load_scenarios([one, one])
    broken = write(tmp_path, "name: [unclosed\n", "broken.yaml")
    with pytest.raises(ScenarioError, match=r"broken.yaml: not valid YAML \(line"):
        load_scenarios([broken])
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenarios([tmp_path / "missing.yaml"])
    with pytest.raises(ScenarioError, match="non-empty list"):
        parse_scenarios({"scenarios": []}, "x.yaml")
    with pytest.raises(ScenarioError, match=r"scenario '#2'.*needs a name"):
        parse_scenarios({"scenarios": [{"name": "a"}, {"teams": {}}]}, "x.yaml")


def test_an_empty_register_gets_a_clear_message(db: Database) -> None:
    with pytest.raises(ForecastError, match="no open hazardous area"):
        run_forecast(db)
    teams = {
        "name": "x",
        "teams": {"manual": 3},
        "productivity_m2_day": {"manual": 100},
        "cost_per_day_usd": {"manual": 500},
    }
    with pytest.raises(ScenarioError, match=r"field 'sha_m2'.*no open hazardous area"):
        run_scenarios(db, [parse_scenario(teams)])
    # A scenario that brings its own area runs on an empty register.
    [result] = run_scenarios(db, [parse_scenario({**teams, "cha_m2": 66_000})])
    assert result.years["p50"] == pytest.approx(66_000 / (3 * 100 * 220))


def test_azerbaijan_example_lands_near_the_official_estimate() -> None:
    """About 30 years and USD 25 billion (docs/forecast.md)."""
    [s] = load_scenarios([DOCS / "azerbaijan.yaml"])
    inputs = s.apply(fit(pd.DataFrame()).inputs)
    assert inputs.sha_m2 + inputs.cha_m2 == pytest.approx(1_166_702 * 10_000)
    result = simulate(inputs, draws=2000, seed=0)
    years, cost = result.years, result.total_cost
    assert years["p50"] is not None
    assert 20 <= years["p50"] <= 45
    assert cost["p50"] is not None
    assert 10e9 <= cost["p50"] <= 40e9
    assert years["p10"] < years["p50"] < years["p90"]
