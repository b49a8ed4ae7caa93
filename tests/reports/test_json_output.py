# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine report --json`` says what it wrote."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from demine.cli import app
from demine.store.database import Database


def test_report_answers_json(demo_db: Database, tmp_path: Path) -> None:
    out = tmp_path / "national.html"
    url = demo_db.cli_url  # type: ignore[attr-defined]
    args = ["report", "national", "--period", "2024", "--no-forecast"]
    result = CliRunner().invoke(app, [*args, "--out", str(out), "--db", url, "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["file"] == str(out)
    assert answer["format"] == "html"
    assert answer["bytes"] == out.stat().st_size
