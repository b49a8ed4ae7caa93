# SPDX-License-Identifier: GPL-3.0-or-later
"""The exchange commands, driven like a user would."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from demine.cli import app
from demine.store.database import Database
from tests.exchange.conftest import counts

runner = CliRunner()


@pytest.mark.parametrize(
    "command",
    [["import"], ["export"], ["mapping", "template"], ["forms", "xlsform"]],
)
def test_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_import_report_and_dry_run(db_url: str, tmp_path: Path) -> None:
    assert runner.invoke(app, ["init", "--db", db_url]).exit_code == 0
    bad = tmp_path / "hazards.csv"
    bad.write_text(
        "external_id,hazard_class,status\nH1,sha,open\nH2,shha,open\nH3,cha,\n",
        encoding="utf-8",
    )
    report = tmp_path / "report.csv"
    result = runner.invoke(
        app, ["import", "hazards", str(bad), "--db", db_url, "--report", str(report)]
    )
    assert result.exit_code == 1
    assert "2 problems in 2 rows; nothing was written" in result.output
    assert "Traceback" not in result.output
    with report.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["row"], r["field"], r["value"]) for r in rows] == [
        ("3", "hazard_class", "shha"),
        ("4", "status", ""),
    ]
    good = tmp_path / "good.csv"
    good.write_text("external_id,hazard_class,status\nH1,sha,open\n", encoding="utf-8")
    result = runner.invoke(
        app, ["import", "hazards", str(good), "--db", db_url, "--dry-run", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["dry_run"]
    assert data["counts"]["hazard"]["inserted"] == 1
    result = runner.invoke(app, ["import", "hazards", str(good), "--db", db_url])
    assert result.exit_code == 0
    assert "Imported" in result.output


def test_export_and_import_register(
    tiny: Database, db_url: str, tmp_path: Path
) -> None:
    url = db_url  # the same register as ``tiny``, schema and all
    path = tmp_path / "register.gpkg"
    result = runner.invoke(app, ["export", str(path), "--db", url, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["layers"]["hazards"] == 3
    result = runner.invoke(app, ["import", "register", str(path), "--db", url])
    assert result.exit_code == 0, result.output
    assert "unchanged" in result.output
    result = runner.invoke(
        app, ["export", str(tmp_path / "h.geojson"), "--kind", "hazards", "--db", url]
    )
    assert result.exit_code == 0, result.output


def test_mapping_template_then_import(
    db: Database, db_url: str, tmp_path: Path
) -> None:
    source = tmp_path / "campo.csv"
    source.write_text(
        "codigo;fecha;categoria;cantidad;longitud;latitud;comentario\n"
        "A1;31/12/2019;Mina AP;2;47,01;40,02;junto al camino\n"
        "A2;01/02/2020;UXO;1;47,02;40,03;\n",
        encoding="utf-8",
    )
    out = tmp_path / "campo.yaml"
    result = runner.invoke(
        app, ["mapping", "template", str(source), "--kind", "eo-items", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    fields = data["fields"]
    # the source's id, behind a prefix naming the source (for --edition)
    assert fields["external_id"] == "campo-{codigo}"
    assert fields["found_on"] == {"column": "fecha", "date": "%d/%m/%Y"}
    # "Mina AP" is among the synonyms of ap_mine (words/synonyms.yaml)
    assert fields["category"]["values"] == {"Mina AP": "ap_mine", "UXO": "uxo"}
    assert fields["quantity"]["column"] == "cantidad"
    assert "comentario" in text  # left over, listed with values
    assert fields["geom"] == {
        "lon": "longitud",
        "lat": "latitud",
        "number": {"decimal": ",", "thousands": "."},
    }
    out.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(
        app, ["import", "eo-items", str(source), "--mapping", str(out), "--db", db_url]
    )
    assert result.exit_code == 0, result.output
    assert counts(db)["eo_item"] == 2


def test_forms_command(tmp_path: Path) -> None:
    result = runner.invoke(app, ["forms", "xlsform", str(tmp_path / "forms")])
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "forms").glob("*.xlsx"))) == 5


def test_unknown_kind_fails_cleanly(db_url: str, tmp_path: Path) -> None:
    runner.invoke(app, ["init", "--db", db_url])
    path = tmp_path / "x.csv"
    path.write_text("a\n1\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "minefields", str(path), "--db", db_url])
    assert result.exit_code == 1
    assert "unknown kind" in result.output
