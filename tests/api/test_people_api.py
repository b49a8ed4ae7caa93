# SPDX-License-Identifier: GPL-3.0-or-later
"""Personal data stays with administrators and the person's organisation;
accreditation scope is enforced on every path an activity can take."""

from __future__ import annotations

import json
from pathlib import Path

import pyogrio
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from demine.cli import app as cli
from demine.errors import RecordError
from demine.store.database import Database
from demine.store.public import set_public_layers
from tests.api.conftest import Seed

runner = CliRunner()


def names(client: TestClient, path: str) -> set[str]:
    body = client.get(path).json()
    items = body["items"] if isinstance(body, dict) else body
    return {r["full_name"] for r in items}


def test_people_lists_hold_only_whom_the_reader_may_see(
    as_role: dict[str, TestClient],
) -> None:
    both = {"Alpha Deminer", "Bravo Deminer"}
    for path in ("/api/v1/records/person", "/api/v1/people"):
        assert names(as_role["admin"], path) == both
        assert names(as_role["clerk"], path) == {"Alpha Deminer"}
        assert names(as_role["other_clerk"], path) == {"Bravo Deminer"}
        assert names(as_role["reviewer"], path) == set()
        assert names(as_role["viewer"], path) == set()
    assert as_role["anonymous"].get("/api/v1/records/person").status_code == 401
    expiring = "/api/v1/certificates/expiring?on=2026-11-01"
    assert len(as_role["admin"].get(expiring).json()) == 2
    mine = as_role["clerk"].get(expiring).json()
    assert [c["full_name"] for c in mine] == ["Alpha Deminer"]
    assert mine[0]["days_left"] == 49
    assert as_role["reviewer"].get(expiring).json() == []


def test_personal_data_is_never_public_nor_in_the_default_export(
    db: Database, seed: Seed, db_url: str, tmp_path: Path
) -> None:
    with pytest.raises(RecordError, match="unknown layer"):
        set_public_layers(db, ["hazard", "person"])
    out = tmp_path / "register.gpkg"
    result = runner.invoke(cli, ["export", str(out), "--db", db_url])
    assert result.exit_code == 0, result.output
    layers = set(pyogrio.list_layers(out)[:, 0])
    assert not layers & {"person", "people", "certificate", "certificates"}
    assert b"AZE-alpha-0001" not in out.read_bytes()
    assert b"Alpha Deminer" not in out.read_bytes()


def test_ogc_collections_hold_no_personal_data(as_role: dict[str, TestClient]) -> None:
    ids = {
        c["id"] for c in as_role["admin"].get("/ogc/collections").json()["collections"]
    }
    assert not {"person", "people", "certificate", "certificates"} & ids


def accredit(admin: TestClient, org: int, **scope: str) -> int:
    body = {"organisation_id": org, "activity_type": "clearance"} | scope
    made = admin.post("/api/v1/accreditations", json=body)
    assert made.status_code == 201, made.text
    return made.json()["id"]


def activity(org: int, hazard: int, **fields: object) -> dict:
    return {
        "activity_type": "clearance",
        "status": "completed",
        "method": "manual",
        "organisation_id": org,
        "hazard_id": hazard,
        "start_date": "2026-03-01",
        "end_date": "2026-03-20",
        **fields,
    }


def test_activities_outside_scope_are_refused_with_the_reason(
    as_role: dict[str, TestClient], seed: Seed
) -> None:
    admin, reviewer = as_role["admin"], as_role["reviewer"]
    alpha, cha = seed.orgs["Alpha Demining"], seed.hazards["cha"]
    grant = accredit(
        admin, alpha, method="manual", valid_from="2026-01-01", valid_until="2026-06-30"
    )
    ok = reviewer.post(
        "/api/v1/records/activity", json={"fields": activity(alpha, cha)}
    )
    assert ok.status_code == 201, ok.text
    for bad, words in (
        ({"method": "mechanical"}, "not accredited for clearance (mechanical)"),
        ({"end_date": "2026-07-15"}, "on 2026-07-01 to 2026-07-15"),
    ):
        refused = reviewer.post(
            "/api/v1/records/activity", json={"fields": activity(alpha, cha, **bad)}
        )
        assert refused.status_code == 422, refused.text
        assert words in refused.json()["error"]
        assert refused.json()["field"] == "organisation_id"
    # A suspension refuses work in its days, on edits too.
    stop = admin.post(
        f"/api/v1/accreditations/{grant}/suspend",
        json={"starts_on": "2026-03-10", "reason": "QA: lot rejected"},
    )
    assert stop.status_code == 201
    current = ok.json()
    edit = reviewer.patch(
        f"/api/v1/records/activity/{current['id']}",
        json={"version": current["version"], "changes": {"name": "renamed"}},
    )
    assert edit.status_code == 422
    assert "on 2026-03-10 to 2026-03-20" in edit.json()["error"]
    assert "(suspended for part)" in edit.json()["error"]
    history = admin.get(f"/api/v1/organisations/{alpha}/accreditation").json()
    assert [e["action"] for e in history["events"]] == ["create", "create"]
    lifted = admin.post(
        f"/api/v1/accreditation-suspensions/{stop.json()['id']}/lift",
        json={"ends_on": "2026-03-31"},
    )
    assert lifted.status_code == 200
    # An organisation without any accreditation record is not under the rule.
    bravo = seed.orgs["Bravo Clearance"]
    free = reviewer.post(
        "/api/v1/records/activity", json={"fields": activity(bravo, cha)}
    )
    assert free.status_code == 201, free.text


def test_imports_and_the_command_line_obey_the_scope(
    as_role: dict[str, TestClient], seed: Seed, db_url: str, tmp_path: Path
) -> None:
    alpha, cha = seed.orgs["Alpha Demining"], seed.hazards["cha"]
    accredit(
        as_role["admin"], alpha, method="manual",
        valid_from="2026-01-01", valid_until="2026-06-30",
    )  # fmt: skip
    accredit(
        as_role["admin"], alpha, activity_type="nts",
        valid_from="2026-01-01", valid_until="2026-06-30",
    )  # fmt: skip
    path = tmp_path / "activity.json"
    path.write_text(json.dumps(activity(alpha, cha, method="mdd")))
    result = runner.invoke(cli, ["add", "activity", str(path), "--db", db_url])
    assert result.exit_code == 1
    assert "not accredited for clearance (mdd)" in result.output
    table = tmp_path / "activities.csv"
    table.write_text(
        "external_id,activity_type,status,method,organisation,start_date,end_date\n"
        "A1,nts,completed,drone,Alpha Demining,2026-02-01,2026-02-10\n"
        "A2,nts,completed,drone,Alpha Demining,2026-08-01,2026-08-10\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        cli, ["import", "activities", str(table), "--db", db_url, "--dry-run"]
    )
    assert result.exit_code == 1, result.output
    assert "not accredited for nts (drone) on 2026-08-01 to 2026-08-10" in (
        result.output.replace("\n", " ")
    )
    assert "1 problem in 1 row; nothing was written" in result.output


def test_staff_are_added_by_their_own_organisation(
    as_role: dict[str, TestClient], seed: Seed
) -> None:
    alpha, bravo = seed.orgs["Alpha Demining"], seed.orgs["Bravo Clearance"]
    body = {"full_name": "Leyla Mammadova", "role": "medic", "organisation_id": bravo}
    assert as_role["clerk"].post("/api/v1/people", json=body).status_code == 403
    made = as_role["other_clerk"].post("/api/v1/people", json=body)
    assert made.status_code == 201
    bad = as_role["admin"].post(
        "/api/v1/people",
        json={"full_name": " ", "role": "pilot", "organisation_id": alpha,
              "birth_date": "2020-01-01"},
    )  # fmt: skip
    assert bad.status_code == 422
    error = bad.json()["error"]
    for field in ("full_name", "role", "birth_date"):
        assert field in error
