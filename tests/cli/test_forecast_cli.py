# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine forecast`` on the small demo register, with and without scenarios."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from demine.cli import app
from demine.demo import generate
from demine.store.database import Database
from demine.store.loading import load_register

runner = CliRunner()
DOCS = Path(__file__).resolve().parents[2] / "docs" / "scenarios"


@pytest.fixture
def demo_url(db: Database, db_url: str) -> str:
    """The small demo register; ``db_url`` names the same database as ``db``."""
    load_register(db, generate("small", 1))
    return db_url


def test_json_has_completion_year_and_total_cost(demo_url: str) -> None:
    result = runner.invoke(app, ["forecast", "--db", demo_url, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    for key in ("completion_year", "total_cost"):
        assert set(data[key]) == {"p10", "p50", "p90"}
    years = data["completion_year"]
    assert years["p10"] <= years["p50"] <= years["p90"]
    assert data["total_cost"]["p10"] <= data["total_cost"]["p50"]
    assert data["draws"] == 1000
    assert data["remaining"][0]["p50"] == pytest.approx(
        data["parameters"]["sha_m2"] + data["parameters"]["cha_m2"]
    )
    assert data["parameters"]["methods"]["manual"]["productivity_m2_day"]["n"] > 0


def test_scenarios_side_by_side(demo_url: str, tmp_path: Path) -> None:
    path = tmp_path / "more.yaml"
    path.write_text(
        "scenarios:\n"
        "  - {name: +20 mechanical teams, teams: {mechanical: {add: 20}}}\n"
        "  - {name: better NTS, nts_cancel_share: {scale: 1.3}}\n",
        encoding="utf-8",
    )
    args = ["forecast", "--db", demo_url, "--scenario", str(path)]
    result = runner.invoke(app, [*args, "--draws", "2000", "--seed", "4", "--json"])
    assert result.exit_code == 0, result.output
    runs = json.loads(result.stdout)["scenarios"]
    assert [r["scenario"] for r in runs] == [
        "register",
        "+20 mechanical teams",
        "better NTS",
    ]
    base, mech, nts = (r["completion_year"]["p50"] for r in runs)
    assert mech <= base
    assert nts <= base
    shown = runner.invoke(app, args)
    assert shown.exit_code == 0, shown.output
    assert "Completion forecast" in shown.stdout
    assert "+20 mechanical" in shown.stdout
    assert "parameters" in shown.stdout


def test_azerbaijan_example_from_the_docs(demo_url: str) -> None:
    args = ["forecast", "--db", demo_url, "--no-baseline", "--json"]
    result = runner.invoke(app, [*args, "--scenario", str(DOCS / "azerbaijan.yaml")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["scenario"] == "Azerbaijan 2021 estimate"
    assert 2040 <= data["completion_year"]["p50"] <= 2065
    assert 10e9 <= data["total_cost"]["p50"] <= 40e9


def test_bad_scenario_and_bad_draws_fail_cleanly(demo_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: broke\nbudget_usd_per_year: -1\n", encoding="utf-8")
    result = runner.invoke(app, ["forecast", "--db", demo_url, "--scenario", str(bad)])
    assert result.exit_code == 1
    assert "field 'budget_usd_per_year'" in result.output
    assert "bad.yaml" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(app, ["forecast", "--db", demo_url, "--draws", "0"])
    assert result.exit_code == 1
    assert "draws must be between" in result.output


def test_empty_register_says_there_is_nothing_to_forecast(db_url: str) -> None:
    assert runner.invoke(app, ["init", "--db", db_url]).exit_code == 0
    result = runner.invoke(app, ["forecast", "--db", db_url, "--json"])
    assert result.exit_code == 1
    assert "no open hazardous area" in result.output
    assert "Traceback" not in result.output
