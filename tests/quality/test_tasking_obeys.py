# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine plan`` obeys accreditation and qualification, on a real register.

Alpha is accredited for manual clearance only: its dog team may not work,
and the hazard only the dogs can reach is left unassigned with the reason.
Alpha's manual team is qualified until its deminers' certificates lapse in
June 2027 and is not sent anywhere after. The same plan, with the same
explanation, comes from the core, ``demine plan`` (table and ``--json``),
``GET /api/v1/plan`` and the ``/plan`` page.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
import shapely
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from demine.analysis.tasking.problem import TaskingOptions
from demine.analysis.tasking.register import plan_register
from demine.cli import app
from demine.domain.vocab import Role
from demine.quality import accreditations, people, training
from demine.server import create_app
from demine.settings import Settings
from demine.store.database import Database
from demine.store.editing import add_records
from demine.store.schema import Team
from demine.store.users import add_user, create_token
from tests.quality.conftest import TODAY, Register

D = dt.date
FIRST = D(2027, 1, 1)
ASK = ["--start", "2027-01", "--horizon", "12m", "--max-distance", "50"]
# The dogs' base, 100 km east of the others'; one hazard only they can reach.
DOGS_BASE = shapely.Point(48.0, 39.9)


def _hazard(db: Database, name: str, lon: float, lat: float) -> int:
    """An open CHA of about 0.9 ha."""
    geom = shapely.box(lon, lat, lon + 0.001, lat + 0.0009)
    [hid] = add_records(
        db,
        "hazard",
        [{"name": name, "hazard_class": "cha", "status": "open", "geom": geom}],
        today=TODAY,
    )
    return int(hid)


def _certified_team(db: Database, reg: Register) -> None:
    """Alpha's manual team: leader and medic certified to 2029, five deminers
    whose manual clearance certificates expire on 14 June 2027."""
    org, team = reg.orgs["Alpha"], reg.teams["manual"]
    course = {}
    for code, subject, months in (
        ("TL-1", "team_leader", 60), ("MED-1", "medic", 60),
        ("MC-1", "manual_clearance", 30),
    ):  # fmt: skip
        course[subject] = training.add_course(
            db, code=code, title=code, qualification=subject, duration_days=10,
            validity_months=months,
        )["id"]  # fmt: skip
    runs = {
        subject: training.add_session(
            db, course_id=c, starts_on=D(2024, 12, 2), ends_on=D(2024, 12, 15)
        )["id"]
        for subject, c in course.items()
    }
    for name, role, subject in (
        ("Aynur Mammadova", "team_leader", "team_leader"),
        ("Sabina Aliyeva", "medic", "medic"),
        *[(f"Deminer {i}", "deminer", "manual_clearance") for i in range(5)],
    ):
        row = {"full_name": name, "role": role, "organisation_id": org,
               "team_id": team, "joined_on": "2024-01-01"}  # fmt: skip
        person = people.add_person(db, row)["id"]
        training.record_attendance(
            db, runs[subject], person, result="passed", today=D(2025, 1, 10)
        )


@pytest.fixture
def tasked(db: Database, register: Register) -> Register:
    """The quality register with accreditation, staff and open hazards."""
    for org, method in (("Alpha", "manual"), ("Bravo", None)):
        accreditations.grant(
            db, organisation_id=register.orgs[org], activity_type="clearance",
            method=method, valid_from=D(2024, 11, 1), valid_until=D(2028, 10, 31),
        )  # fmt: skip
    _certified_team(db, register)
    with db.session(write=True) as session:
        dogs = session.get(Team, register.teams["dogs"])
        assert dogs is not None
        dogs.base = DOGS_BASE
    for i in range(8):
        register.hazards[f"near {i}"] = _hazard(db, f"Near {i}", 46.81 + i / 500, 39.9)
    register.hazards["far"] = _hazard(db, "Dogs only", 48.01, 39.9)
    return register


def _months(rows: list[dict[str, object]], team: int) -> set[str]:
    return {str(r["month"]) for r in rows if r["team_id"] == team}


@pytest.mark.parametrize("solver", ["milp", "greedy"])
def test_teams_work_only_while_accredited_and_qualified(
    db: Database, tasked: Register, solver: str
) -> None:
    options = TaskingOptions(
        months=12, start=FIRST, max_distance_km=50, time_limit=10, solver=solver
    )  # type: ignore[arg-type]
    result = plan_register(db, options, top=100)
    data = result.as_dict()
    manual, dogs, bravo = (tasked.teams[k] for k in ("manual", "dogs", "bravo"))
    # Qualified January to May 2027 (certificates expire on 14 June): worked
    # then, never after.
    assert _months(data["plan"], manual) == {f"2027-0{m}" for m in range(1, 6)}
    # Bravo is accredited for every clearance method and has no staff
    # recorded (not under the qualification rule): it works all year.
    assert _months(data["plan"], bravo) == {f"2027-{m:02d}" for m in range(1, 13)}
    # Alpha holds no accreditation for dogs: its dog team works nothing.
    assert _months(data["plan"], dogs) == set()
    teams = {t["team_id"]: t for t in data["teams"]}
    assert teams[manual]["not_qualified"] == "2027-06 to 2027-12"
    assert teams[manual]["not_accredited"] == ""
    assert teams[dogs]["not_accredited"] == "2027-01 to 2027-12"
    assert teams[bravo]["not_accredited"] == teams[bravo]["not_qualified"] == ""
    # Capacity counts only the months a team may work.
    assert teams[manual]["capacity_m2"] == pytest.approx(5 * 22 * 100.0)
    assert teams[dogs]["capacity_m2"] == 0
    assert (data["teams_under_accreditation"], data["teams_under_qualification"]) == (
        3,
        1,
    )
    # The hazard only the dogs reach is explained, and only that one.
    [why] = data["unassigned"]
    assert why["hazard_id"] == tasked.hazards["far"]
    assert why["methods"] == ["mdd"]
    assert why["whole_horizon"] is True
    assert why["months"] == [f"2027-{m:02d}" for m in range(1, 13)]
    assert why["reason"] == (
        "no team within reach accredited and qualified for Clearance (Mine "
        "detection dogs) in 2027-01 to 2027-12 (not accredited)"
    )


def test_without_the_rules_the_same_register_plans_every_team(
    db: Database, register: Register
) -> None:
    """The rules bite only once the register holds accreditation and staff:
    the same teams and hazards, with neither recorded, all work."""
    with db.session(write=True) as session:
        dogs = session.get(Team, register.teams["dogs"])
        assert dogs is not None
        dogs.base = DOGS_BASE
    for i in range(8):
        _hazard(db, f"Near {i}", 46.81 + i / 500, 39.9)
    far = _hazard(db, "Dogs only", 48.01, 39.9)
    options = TaskingOptions(months=12, start=FIRST, max_distance_km=50, time_limit=10)
    data = plan_register(db, options, top=100).as_dict()
    assert data["unassigned"] == []
    assert far in {r["hazard_id"] for r in data["plan"]}
    assert len(_months(data["plan"], register.teams["manual"])) == 12


def test_the_reason_is_in_the_command_api_and_page(
    db: Database, db_url: str, tasked: Register
) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["plan", "--db", db_url, *ASK, "--json"])
    assert result.exit_code == 0, result.output
    [why] = json.loads(result.stdout)["unassigned"]
    assert why["hazard_id"] == tasked.hazards["far"]
    text = runner.invoke(app, ["plan", "--db", db_url, *ASK, "--rows", "0"])
    assert text.exit_code == 0, text.output
    flat = " ".join(text.stdout.split())
    assert "Hazards left unassigned: no team accredited and qualified" in flat
    assert "Teams not tasked in some months" in flat
    assert "2027-06 to 2027-12" in flat
    with _reviewer(db) as client:
        api = client.get(
            "/api/v1/plan",
            params={"start": "2027-01", "horizon": "12m", "max_distance_km": 50},
        )
        assert api.status_code == 200, api.text
        assert api.json()["unassigned"] == json.loads(result.stdout)["unassigned"]
        page = client.get(
            "/plan",
            params={"run": "true", "start": "2027-01", "max_distance_km": "50"},
        )
        assert page.status_code == 200, page.text
        assert 'id="plan-unassigned"' in page.text
        assert why["reason"] in page.text
        assert 'id="plan-barred-teams"' in page.text


def _reviewer(db: Database) -> TestClient:
    user = add_user(db, "planner", "correct horse battery", Role.REVIEWER, None)
    token = create_token(db, user.id, "tests")
    server = create_app(Settings(database_url=db.url, secret_key="k"), db)
    return TestClient(server, headers={"Authorization": f"Bearer {token}"})
