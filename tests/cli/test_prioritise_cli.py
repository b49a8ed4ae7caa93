# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine prioritise`` on the small demo register, and its clear failures."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from demine.cli import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_prioritise_the_demo(db_url: str, tmp_path: Path) -> None:
    code, out = run("demo", "--db", db_url, "--scale", "small", "--json")
    assert code == 0, out
    code, out = run(
        "prioritise", "--db", db_url, "--json", "--top", "5", "--sensitivity"
    )
    assert code == 0, out
    data = json.loads(out[out.index("{") :])
    assert data["method"] == "promethee"
    assert [i["rank"] for i in data["items"]] == [1, 2, 3, 4, 5]
    scores = [i["score"] for i in data["items"]]
    assert scores == sorted(scores, reverse=True)
    assert data["sensitivity"]["top"] == 5
    assert len(data["sensitivity"]["summary"]) == 2 * len(data["criteria"])

    code, weighted = run("prioritise", "--db", db_url, "--method", "weighted", "--json")
    assert code == 0, weighted
    assert json.loads(weighted[weighted.index("{") :])["method"] == "weighted"

    # The table names the hazards and explains each score.
    code, out = run("prioritise", "--db", db_url, "--top", "3")
    assert code == 0, out
    assert "Top 3 of" in out
    assert "People blocked +" in out
    first = data["items"][0]["name"]
    assert first in out

    # A profile of one's own: only agriculture counts.
    profile = tmp_path / "farms.yaml"
    profile.write_text(
        "method: weighted\ncriteria:\n  agriculture:\n    weight: 1\n", encoding="utf-8"
    )
    code, out = run("prioritise", "--db", db_url, "--profile", str(profile), "--json")
    assert code == 0, out
    farms = json.loads(out[out.index("{") :])
    assert [c["name"] for c in farms["criteria"]] == ["agriculture"]
    assert farms["items"][0]["values"]["agriculture"] == 1.0


def test_bad_profile_fails_with_file_and_field(db_url: str, tmp_path: Path) -> None:
    run("init", "--db", db_url)
    profile = tmp_path / "bad.yaml"
    profile.write_text("criteria:\n  roads:\n    weight: -2\n", encoding="utf-8")
    code, out = run("prioritise", "--db", db_url, "--profile", str(profile))
    assert code == 1
    assert "bad.yaml" in out
    assert "criteria.roads.weight" in out
    assert "Traceback" not in out


def test_empty_register_and_unknown_method_fail_cleanly(db_url: str) -> None:
    run("init", "--db", db_url)
    code, out = run("prioritise", "--db", db_url)
    assert code == 1
    assert "no approved hazards" in out
    code, out = run("prioritise", "--db", db_url, "--method", "electre")
    assert code == 1
    assert "unknown --method 'electre'" in out
