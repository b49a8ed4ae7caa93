# SPDX-License-Identifier: GPL-3.0-or-later
"""Bad requests get one clear message, from the core, the CLI and the API."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from demine.cli import app
from demine.reports import PeriodError, ReportError, build_report
from demine.store.database import Database
from tests.conftest import cli_url


@pytest.mark.parametrize(
    ("kind", "period", "donor", "says"),
    [
        ("annual", "2024", None, "unknown report 'annual': use one of national"),
        ("national", "2024-1", None, "is not understood"),
        ("national", "2031", None, "no approved records dated in 2031; its records"),
        ("donor", "2024", None, "a donor report needs a donor"),
        ("donor", "2024", "Atlantis", "unknown donor 'Atlantis': donors in the"),
        ("donor", "2019", "Japan", "no approved records dated in 2019"),
    ],
)
def test_bad_requests_are_refused_with_the_reason(
    demo_db: Database, kind: str, period: str, donor: str | None, says: str
) -> None:
    with pytest.raises(ReportError, match=says):
        build_report(demo_db, kind, period, donor=donor)


def test_a_donor_with_nothing_in_the_period_is_refused(demo_db: Database) -> None:
    # Japan funds nothing in 2023 in the demo, though others do.
    with pytest.raises(ReportError, match="'Japan' has no approved funding dated in"):
        build_report(demo_db, "donor", "2023-12", donor="Japan")


def test_an_empty_register_has_nothing_to_report(db: Database) -> None:
    with pytest.raises(ReportError, match="no approved records"):
        build_report(db, "national", "2024")


def test_a_malformed_period_is_a_period_error(demo_db: Database) -> None:
    with pytest.raises(PeriodError):
        build_report(demo_db, "treaty", "2024-02-30")


def test_cli_writes_the_file_or_says_why_not(demo_db: Database, tmp_path: Path) -> None:
    runner = CliRunner()
    url = cli_url(demo_db)
    out = tmp_path / "treaty.html"
    ok = runner.invoke(
        app, ["report", "treaty", "--period", "2024", "--out", str(out), "--db", url]
    )
    assert ok.exit_code == 0, ok.output
    assert "Form C" in out.read_text(encoding="utf-8")
    bad = runner.invoke(
        app,
        ["report", "national", "--period", "2024/25", "--out", str(out), "--db", url],
    )
    assert bad.exit_code == 1
    assert "period '2024/25' is not understood" in bad.output
    docx = runner.invoke(
        app,
        [
            "report",
            "national",
            "--period",
            "2024",
            "--out",
            str(tmp_path / "r.docx"),
            "--db",
            url,
        ],
    )
    assert docx.exit_code == 1
    assert "unknown format 'docx'" in docx.output
