# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine qa``, ``accreditation``, ``people``, ``training`` and ``cost``
driven like a user would, on the backend under test: the whole chain from
plan to closure, with a real field task (GeoPackage and XLSForm)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyogrio
import pytest
from pyxform.xls2xform import convert
from typer.testing import CliRunner

from demine.cli import app
from demine.store.database import Database
from tests.quality.conftest import Register, register

__all__ = ["register"]  # the fixture, shared with tests/quality

runner = CliRunner()

HELP = [
    ["qa"],
    ["qa", "plan"],
    ["qa", "sample"],
    ["qa", "record"],
    ["qa", "nc", "update"],
    ["qa", "nc", "reopen-land"],
    ["qa", "visit"],
    ["qa", "figures"],
    ["accreditation", "grant"],
    ["people", "add"],
    ["training", "expiring"],
    ["cost"],
]


@pytest.mark.parametrize("command", HELP)
def test_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def run(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def fails(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 1, result.output
    return result.output


def test_plan_prints_the_iso_plan() -> None:
    plan = run("qa", "plan", "--lot-size", "1000", "--aql", "1.0", "--level", "II")
    assert (plan["code_letter"], plan["sample_size"], plan["ac"], plan["re"]) == (
        "J",
        80,
        2,
        3,
    )
    area = run("qa", "plan", "--area", "48250", "--unit-m2", "100")
    assert (area["lot_size"], area["units"], area["sample_m2"]) == (482, 50, 5000.0)
    assert "not a column" in fails("qa", "plan", "--lot-size", "10", "--aql", "0.3")


def test_chain_from_sample_to_closure(
    db: Database, register: Register, db_url: str, tmp_path: Path
) -> None:
    url = db_url  # the register the fixture built: same file, or same schema
    task = tmp_path / "task"
    made = run(
        "qa", "sample", "--activity", str(register.activities["Aghdam CHA 0001"]),
        "--seed", "5", "--on", "2026-11-01", "--out", str(task), "--db", url,
    )  # fmt: skip
    assert made["sample_size"] == 125
    gpkg, form = (Path(f) for f in made["files"])
    assert set(pyogrio.list_layers(gpkg)[:, 0]) == {"sample_units", "lot"}
    units = pyogrio.read_dataframe(gpkg, layer="sample_units")
    assert len(units) == 125
    assert units["unit"].tolist() == list(range(1, 126))
    lot = pyogrio.read_dataframe(gpkg, layer="lot")
    assert units.geometry.within(lot.geometry.iloc[0].buffer(1e-9)).all()
    warnings: list[str] = []
    xform = convert(str(form), warnings=warnings).xform
    assert warnings == []
    assert f'id="demine_qa_{made["id"]}"' in xform
    # The field team's export: items in five units.
    results = tmp_path / "results.csv"
    with results.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(
            [
                "unit_result/unit",
                "unit_result/inspected",
                "unit_result/items_found",
                "unit_result/nonconforming",
            ]
        )
        for n in range(1, 126):
            writer.writerow([n, "yes", 1 if n % 25 == 0 else 0, ""])
    done = run("qa", "record", str(made["id"]), "--results", str(results),
               "--on", "2026-11-01", "--db", url)  # fmt: skip
    assert done["inspection"]["result"] == "rejected"
    nc = done["non_conformity"]["id"]
    run("qa", "nc", "update", str(nc), "--root-cause", "training",
        "--action", "Retrain; re-clear", "--owner", "Alpha", "--db", url)  # fmt: skip
    reopened = run("qa", "nc", "reopen-land", str(nc), "--db", url)
    hazard = reopened["hazard"]
    run("qa", "nc", "action", str(nc), "--on", "2026-11-01", "--db", url)
    assert "re-clear it first" in fails("qa", "nc", "close", str(nc), "--db", url)
    # Re-cleared with `demine add`, as an operator reports any clearance.
    ring = reopened["hazard"]["geom"]
    activity = tmp_path / "activity.json"
    activity.write_text(json.dumps({
        "activity_type": "clearance", "status": "completed", "method": "manual",
        "organisation_id": register.orgs["Alpha"], "hazard_id": hazard["id"],
        "start_date": "2026-10-01", "end_date": "2026-10-20"}))  # fmt: skip
    [aid] = run("add", "activity", str(activity), "--db", url)["ids"]
    release = tmp_path / "release.json"
    release.write_text(json.dumps({
        "hazard_id": hazard["id"], "activity_id": aid, "kind": "cleared",
        "released_on": "2026-10-20", "depth_cm": 20, "geom": ring}))  # fmt: skip
    run("add", "release", str(release), "--db", url)
    closed = run("qa", "nc", "close", str(nc), "--db", url)
    assert closed["status"] == "closed"
    figures = run("qa", "figures", "--db", url)
    assert figures["inspections"]["rejected"] == 1
    assert figures["inspections"]["items_found"] == 5
    assert figures["non_conformities"]["closed"] == 1


def test_accreditation_staff_training_and_cost_commands(
    db: Database, register: Register, db_url: str
) -> None:
    alpha = str(register.orgs["Alpha"])
    grant = run("accreditation", "grant", "--organisation", alpha,
                "--activity", "clearance", "--method", "manual",
                "--from", "2026-01-01", "--until", "2026-12-31",
                "--reference", "ACC/1", "--db", db_url)  # fmt: skip
    stop = run("accreditation", "suspend", str(grant["id"]), "--from", "2026-07-01",
               "--reason", "QA", "--db", db_url)  # fmt: skip
    listed = run("accreditation", "list", "--on", "2026-07-15", "--db", db_url)
    [org] = [o for o in listed if o["organisation_id"] == register.orgs["Alpha"]]
    assert org["status"] == "suspended"
    assert org["grants"][0]["suspensions"][0]["reason"] == "QA"
    assert "lifted" in runner.invoke(
        app, ["accreditation", "lift", str(stop["id"]), "--on", "2026-07-31",
              "--db", db_url]
    ).output  # fmt: skip
    history = run("accreditation", "history", alpha, "--db", db_url)
    assert [e["action"] for e in history["events"]] == ["create", "create", "lift"]
    person = run("people", "add", "--organisation", alpha, "--name", "Leyla Aliyeva",
                 "--role", "medic", "--team", str(register.teams["manual"]),
                 "--db", db_url)  # fmt: skip
    assert [p["full_name"] for p in run("people", "list", "--db", db_url)] == [
        "Leyla Aliyeva"
    ]
    assert "course" in runner.invoke(
        app, ["training", "course", "--code", "MED-1", "--title", "Medic",
              "--qualification", "medic", "--days", "15", "--validity-months", "24",
              "--db", db_url]
    ).output  # fmt: skip
    assert "session" in runner.invoke(
        app, ["training", "session", "--course", "1", "--from", "2026-01-05",
              "--until", "2026-01-19", "--db", db_url]
    ).output  # fmt: skip
    done = run("training", "result", "1", str(person["id"]), "--result", "passed",
               "--db", db_url)  # fmt: skip
    assert done["certificate"]["expires_on"] == "2028-01-18"
    soon = run("training", "expiring", "--on", "2027-12-01", "--db", db_url)
    assert [c["full_name"] for c in soon] == ["Leyla Aliyeva"]
    team = run("training", "team", str(register.teams["manual"]), "--from",
               "2026-02-01", "--until", "2026-02-28", "--db", db_url)  # fmt: skip
    assert team["qualified"] is False
    assert {s["role"] for s in team["shortfalls"]} == {"team_leader", "deminer"}
    cost = run("cost", "--by", "organisation", "--db", db_url)
    assert cost["total"]["cost_usd"] == 120_000.0
    assert "cannot group by" in fails("cost", "--by", "colour", "--db", db_url)
