# SPDX-License-Identifier: GPL-3.0-or-later
"""The after-clearance commands (handover, public, assistance) as a user runs them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from typer.testing import CliRunner

from demine.cli import app
from demine.store.database import Database
from tests.api.after_clearance import released_hazard

runner = CliRunner()
TODAY = dt.date.today().isoformat()


@pytest.mark.parametrize(
    "command", [["handover"], ["public"], ["assistance"], ["handover", "certificate"]]
)
def test_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output


def test_certificate_handover_and_wait(
    db: Database, db_url: str, tmp_path: Path
) -> None:
    # db_url: the same register, with its schema on PostgreSQL.
    url = db_url
    hazard = released_hazard(db)
    waiting = runner.invoke(app, ["handover", "waiting", "--db", url, "--json"])
    assert json.loads(waiting.stdout)["hazards"] == 1
    pdf = tmp_path / "cert.pdf"
    made = runner.invoke(
        app,
        [
            "handover", "certificate", str(hazard), "--db", url,
            "--issued-by", "Officer", "--recipient", "Municipality",
            "--land-use", "grazing", "--out", str(pdf), "--json",
        ],
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    number = json.loads(made.stdout)["number"]
    assert len(pdfium.PdfDocument(pdf)) == 1
    done = runner.invoke(
        app,
        ["handover", "record", number, "--db", url, "--received-by", "Head",
         "--on", TODAY],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    waiting = runner.invoke(app, ["handover", "waiting", "--db", url, "--json"])
    assert json.loads(waiting.stdout)["hazards"] == 0
    again = runner.invoke(
        app,
        ["handover", "record", number, "--db", url, "--received-by", "Head",
         "--on", TODAY],
    )  # fmt: skip
    assert again.exit_code == 1
    assert "handed over already" in again.output


def test_public_open_and_lookup(db: Database, db_url: str) -> None:
    url = db_url
    released_hazard(db)
    bad = runner.invoke(app, ["public", "open", "--db", url, "--layer", "people=0"])
    assert bad.exit_code == 1
    assert "unknown layer" in bad.output
    opened = runner.invoke(
        app, ["public", "open", "--db", url, "--layer", "released_land=0"]
    )
    assert opened.exit_code == 0, opened.output
    answer = runner.invoke(
        app, ["public", "lookup", "--db", url, "--lon", "46.714", "--lat", "39.814"]
    )
    assert json.loads(answer.stdout)["status"] == "released"
    figures = runner.invoke(app, ["assistance", "figures", "--db", url])
    assert json.loads(figures.stdout)["survivors"] == 0
