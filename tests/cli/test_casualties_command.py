# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine casualties`` on the small demo register and on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from demine.cli import app
from demine.store.database import Database

runner = CliRunner()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("casualties") / "demo.sqlite"
    result = runner.invoke(app, ["demo", "--scale", "small", "--db", str(path)])
    assert result.exit_code == 0, result.output
    return str(path)


def sql_count(db: str, query: str) -> int:
    with Database(db).transaction() as conn:
        return int(conn.execute(text(query)).scalar_one())


def test_json_totals_match_the_register(demo: str) -> None:
    result = runner.invoke(app, ["casualties", "--db", demo, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    approved = (
        "FROM victim v JOIN accident a ON a.id = v.accident_id "
        "WHERE v.review_state = 'approved' AND a.review_state = 'approved'"
    )
    killed = sql_count(demo, f"SELECT count(*) {approved} AND v.outcome = 'killed'")
    injured = sql_count(demo, f"SELECT count(*) {approved} AND v.outcome = 'injured'")
    assert (data["killed"], data["injured"]) == (killed, injured)
    assert sum(r["victims"] for r in data["by_year"]) == killed + injured
    assert sum(r["victims"] for r in data["by_sex"]) == killed + injured
    # areas hold the areas below them (issue 16): the top ones add up
    top = [r for r in data["by_admin"] if r["parent_id"] is None]
    assert sum(r["victims"] for r in top) == killed + injured
    assert sum(r["accidents"] for r in data["by_device"]) == data["accidents"]
    assert len(data["links"]) == data["accidents"]
    assert 1 <= len(data["hotspots"]) <= 10


def test_by_and_hotspots_narrow_the_json(demo: str) -> None:
    result = runner.invoke(
        app,
        [
            "casualties",
            "--db",
            demo,
            "--by",
            "age",
            "--hotspots",
            "--top",
            "3",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert "by_age_group" in data
    assert "by_year" not in data
    assert len(data["hotspots"]) == 3
    assert data["hotspot_settings"]["bandwidth_m"] == 2000


def test_table_output(demo: str) -> None:
    result = runner.invoke(
        app, ["casualties", "--db", demo, "--by", "status", "--hotspots"]
    )
    assert result.exit_code == 0, result.output
    assert "By status" in result.output
    assert "civilian" in result.output
    assert "Hotspots (Gaussian kernel, bandwidth 2,000 m)" in result.output


def test_period_filter(demo: str) -> None:
    result = runner.invoke(
        app, ["casualties", "--db", demo, "--from", "2022-01-01", "--to", "2022-12-31",
              "--by", "year", "--json"],
    )  # fmt: skip
    data = json.loads(result.stdout)
    assert {r["year"] for r in data["by_year"]} == {2022}
    assert data["period"] == {"from": "2022-01-01", "to": "2022-12-31"}


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--from", "2023-01-01", "--to", "2022-01-01"], "swap the dates"),
        (["--from", "31/12/2022"], "--from '31/12/2022' is not a date"),
        (["--by", "colour"], "unknown --by 'colour'"),
        (["--bandwidth", "0"], "bandwidth must be > 0"),
        (["--top", "0"], "at least 1 hotspot"),
    ],
)
def test_bad_input_is_one_clear_line(demo: str, args: list[str], words: str) -> None:
    result = runner.invoke(app, ["casualties", "--db", demo, *args])
    assert result.exit_code == 1
    assert words in result.output
    assert "Traceback" not in result.output


def test_empty_register(tmp_path: Path) -> None:
    db = str(tmp_path / "empty.sqlite")
    assert runner.invoke(app, ["init", "--db", db]).exit_code == 0
    result = runner.invoke(app, ["casualties", "--db", db, "--hotspots"])
    assert result.exit_code == 0, result.output
    assert "no hotspots" in result.output
    data = json.loads(runner.invoke(app, ["casualties", "--db", db, "--json"]).stdout)
    assert (data["accidents"], data["killed"], data["injured"]) == (0, 0, 0)
