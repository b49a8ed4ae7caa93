# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine plan`` on the small demo register, and its refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from demine.cli import app

runner = CliRunner()
ASK = ["--start", "2027-01", "--top", "40", "--time-limit", "5"]


def test_plan_help() -> None:
    result = runner.invoke(app, ["plan", "--help"])
    assert result.exit_code == 0, result.output
    assert "--horizon" in result.output
    assert "--gantt" in result.output


def test_plan_on_the_demo_register(db_url: str, tmp_path: Path) -> None:
    made = runner.invoke(app, ["demo", "--db", db_url, "--scale", "small", "--json"])
    assert made.exit_code == 0, made.output
    chart = tmp_path / "plan.svg"
    result = runner.invoke(
        app,
        ["plan", "--db", db_url, "--horizon", "6m", *ASK, "--gantt", str(chart),
         "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["months"] == [f"2027-0{m}" for m in range(1, 7)]
    assert data["objective"] >= data["greedy_objective"] - 1e-9
    assert 0 <= data["gap"] < 1
    assert data["improvement_pct"] >= -1e-9
    assert data["hazards_planned"] == 40
    assert data["released_m2"] > 0
    assert data["gantt"] == str(chart)
    assert "<svg" in chart.read_text(encoding="utf-8")
    # Greedy only, two teams: the plan uses only those teams.
    greedy = runner.invoke(
        app,
        ["plan", "--db", db_url, *ASK, "--teams", "2", "--solver", "greedy",
         "--json"],
    )  # fmt: skip
    assert greedy.exit_code == 0, greedy.output
    few = json.loads(greedy.stdout)
    assert len(few["teams"]) == 2
    assert {r["team_id"] for r in few["plan"]} <= {t["team_id"] for t in few["teams"]}
    assert few["gap"] is None
    # The table view prints the figures and a plan per team.
    text = runner.invoke(app, ["plan", "--db", db_url, *ASK, "--rows", "5"])
    assert text.exit_code == 0, text.output
    assert "improvement over greedy" in text.stdout
    assert "optimality gap" in text.stdout
    assert "Plan per team" in text.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--horizon", "0m"], "plan at least 1 month"),
        (["--horizon", "soon"], "write months as 12m"),
        ([], "no active approved teams"),
        (["--teams", "0"], "plan at least one team"),
        (["--teams", "some"], "give a number or 'all'"),
        (["--start", "January"], "YYYY-MM"),
        (["--time-limit", "0"], "time_limit"),
    ],
)
def test_bad_plan_input_is_one_clear_line(
    db_url: str, args: list[str], words: str
) -> None:
    assert runner.invoke(app, ["init", "--db", db_url]).exit_code == 0
    result = runner.invoke(app, ["plan", "--db", db_url, *args])
    assert result.exit_code == 1
    assert words in result.output
    assert "Traceback" not in result.output
