# SPDX-License-Identifier: GPL-3.0-or-later
"""The demine command, driven through Click's runner like a user would."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from demine.cli import app

runner = CliRunner()

COMMANDS = ["init", "demo", "summary", "validate"]


@pytest.mark.parametrize("command", [[], *[[c] for c in COMMANDS]])
def test_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_init_then_empty_summary(db_url: str) -> None:
    result = runner.invoke(app, ["init", "--db", db_url])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["summary", "--db", db_url, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["hazards"] == 0
    assert set(data["area_m2"]) >= {
        "total",
        "cancelled",
        "reduced",
        "cleared",
        "remaining",
    }
    assert data["casualties"] == {"killed": 0, "injured": 0, "accidents": 0}


def test_summary_without_register_fails_cleanly(tmp_path) -> None:
    result = runner.invoke(app, ["summary", "--db", str(tmp_path / "none.sqlite")])
    assert result.exit_code == 1
    assert "no register yet" in result.output
    assert "Traceback" not in result.output


def test_bad_database_url_fails_cleanly() -> None:
    result = runner.invoke(app, ["summary", "--db", "mysql://x/y"])
    assert result.exit_code == 1
    assert "unsupported database" in result.output


def test_unknown_grouping_fails_cleanly(db_url: str) -> None:
    runner.invoke(app, ["init", "--db", db_url])
    result = runner.invoke(app, ["summary", "--db", db_url, "--by", "colour"])
    assert result.exit_code == 1
    assert "unknown --by 'colour'" in result.output


def test_unknown_extent_fails_cleanly(db_url: str) -> None:
    runner.invoke(app, ["init", "--db", db_url])
    result = runner.invoke(app, ["validate", "--db", db_url, "--extent", "Atlantis"])
    assert result.exit_code == 1
    assert "Atlantis" in result.output


def test_validate_empty_register(db_url: str) -> None:
    runner.invoke(app, ["init", "--db", db_url])
    result = runner.invoke(app, ["validate", "--db", db_url, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []


def test_database_from_environment(db_url: str, monkeypatch) -> None:
    monkeypatch.setenv("DEMINE_DATABASE_URL", db_url)
    assert runner.invoke(app, ["init"]).exit_code == 0
    result = runner.invoke(app, ["summary", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["hazards"] == 0
