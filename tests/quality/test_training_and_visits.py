# SPDX-License-Identifier: GPL-3.0-or-later
"""Training results issue certificates; expiry warnings; team qualification
from the register; monitoring visits scored and raising non-conformities."""

from __future__ import annotations

import datetime as dt

import pytest

from demine.domain.monitoring import CHECKLIST
from demine.domain.vocab import Role
from demine.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RecordError,
)
from demine.quality import monitoring, nonconformities, people, training
from demine.quality.access import OPERATOR
from demine.store.audit import history
from demine.store.database import Database
from demine.store.users import Principal
from tests.quality.conftest import Register

D = dt.date


def staff(db: Database, reg: Register, team: str = "manual") -> dict[str, int]:
    """A manual team: leader, medic, five deminers."""
    org = reg.orgs["Alpha"]
    made = {}
    for name, role in (
        ("Aynur Mammadova", "team_leader"),
        ("Sabina Aliyeva", "medic"),
        *[(f"Deminer {i}", "deminer") for i in range(5)],
    ):
        row = {"full_name": name, "role": role, "organisation_id": org,
               "team_id": reg.teams[team], "joined_on": "2024-01-01"}  # fmt: skip
        made[name] = people.add_person(db, row)["id"]
    return made


def test_a_pass_issues_the_certificate_and_the_team_qualifies(
    db: Database, register: Register
) -> None:
    ids = staff(db, register)
    courses = {
        q: training.add_course(
            db, code=code, title=code, qualification=q, duration_days=10,
            validity_months=36,
        )["id"]
        for code, q in (("TL-1", "team_leader"), ("MED-1", "medic"),
                        ("MC-1", "manual_clearance"))
    }  # fmt: skip
    runs = {
        q: training.add_session(
            db, course_id=c, starts_on=D(2025, 1, 6), ends_on=D(2025, 1, 15)
        )["id"]
        for q, c in courses.items()
    }
    done = training.record_attendance(
        db, runs["team_leader"], ids["Aynur Mammadova"], result="passed",
        score=91, today=D(2025, 2, 1),
    )  # fmt: skip
    cert = done["certificate"]
    assert (cert["issued_on"], cert["expires_on"]) == ("2025-01-15", "2028-01-14")
    with pytest.raises(ConflictError, match="recorded already"):
        training.record_attendance(
            db, runs["team_leader"], ids["Aynur Mammadova"], result="passed",
            today=D(2025, 2, 1),
        )  # fmt: skip
    training.record_attendance(
        db, runs["medic"], ids["Sabina Aliyeva"], result="passed", today=D(2025, 2, 1)
    )
    team = register.teams["manual"]
    short = training.team_qualification(db, team, D(2025, 3, 1), D(2025, 3, 31))
    assert not short["qualified"]
    assert short["shortfalls"] == [
        {"role": "deminer", "qualification": "manual_clearance", "needed": 4, "held": 0}
    ]
    for i in range(4):
        training.record_attendance(
            db, runs["manual_clearance"], ids[f"Deminer {i}"],
            result="passed" if i < 3 else "failed", today=D(2025, 2, 1),
        )  # fmt: skip
    assert not training.team_qualification(db, team, D(2025, 3, 1), D(2025, 3, 31))[
        "qualified"
    ]
    training.record_attendance(
        db, runs["manual_clearance"], ids["Deminer 4"], result="passed",
        today=D(2025, 2, 1),
    )  # fmt: skip
    assert training.team_qualification(db, team, D(2025, 3, 1), D(2025, 3, 31))[
        "qualified"
    ]
    # Qualification lapses with the certificates: not in 2028.
    later = training.team_qualification(db, team, D(2028, 1, 1), D(2028, 1, 31))
    assert not later["qualified"]
    # Warnings 60 days before expiry, for those who may read them.
    soon = training.expiring(db, OPERATOR, today=D(2027, 11, 20))
    assert {c["qualification"] for c in soon} == {
        "team_leader", "medic", "manual_clearance"
    }  # fmt: skip
    assert training.expiring(db, OPERATOR, today=D(2027, 11, 10)) == []
    stranger = Principal(99, "other", Role.CLERK, register.orgs["Bravo"])
    assert training.expiring(db, stranger, today=D(2027, 11, 20)) == []


def test_results_wait_for_the_end_of_the_session(
    db: Database, register: Register
) -> None:
    ids = staff(db, register)
    course = training.add_course(
        db, code="MED-1", title="Medic", qualification="medic", duration_days=10,
        validity_months=24,
    )  # fmt: skip
    run = training.add_session(
        db, course_id=course["id"], starts_on=D(2026, 3, 1), ends_on=D(2026, 3, 10)
    )
    with pytest.raises(RecordError, match="record results after it"):
        training.record_attendance(
            db, run["id"], ids["Sabina Aliyeva"], result="passed", today=D(2026, 3, 5)
        )
    outsider = Principal(98, "bravo", Role.CLERK, register.orgs["Bravo"])
    with pytest.raises(NotFoundError):  # hidden, not forbidden
        training.record_attendance(
            db, run["id"], ids["Sabina Aliyeva"], result="passed", who=outsider,
            today=D(2026, 3, 20),
        )  # fmt: skip


def test_an_unsatisfactory_visit_raises_a_non_conformity(
    db: Database, register: Register
) -> None:
    answers = {i.key: "yes" for i in CHECKLIST}
    good = monitoring.record_visit(
        db, organisation_id=register.orgs["Alpha"], team_id=register.teams["manual"],
        visited_on=D(2026, 5, 4), answers=answers, today=D(2026, 6, 1),
    )  # fmt: skip
    assert (good["visit"]["score"], good["visit"]["outcome"]) == (100.0, "satisfactory")
    assert good["non_conformity"] is None
    bad = monitoring.record_visit(
        db, organisation_id=register.orgs["Alpha"], team_id=register.teams["manual"],
        visited_on=D(2026, 5, 5), answers={**answers, "ppe": "no"},
        today=D(2026, 6, 1),
    )  # fmt: skip
    assert bad["visit"]["outcome"] == "unsatisfactory"
    nc = bad["non_conformity"]
    assert (nc["severity"], nc["visit_id"]) == ("critical", bad["visit"]["id"])
    assert "ppe" in nc["description"]
    with pytest.raises(RecordError, match="no answer for"):
        monitoring.record_visit(
            db, organisation_id=register.orgs["Alpha"], visited_on=D(2026, 5, 5),
            answers={"ppe": "yes"}, today=D(2026, 6, 1),
        )  # fmt: skip
    with pytest.raises(RecordError, match="team"):
        monitoring.record_visit(
            db, organisation_id=register.orgs["Alpha"], team_id=register.teams["bravo"],
            visited_on=D(2026, 5, 5), answers=answers, today=D(2026, 6, 1),
        )  # fmt: skip
    viewer = Principal(97, "v", Role.VIEWER, None)
    with pytest.raises(PermissionDeniedError):
        monitoring.record_visit(
            db, organisation_id=register.orgs["Alpha"], visited_on=D(2026, 5, 5),
            answers=answers, who=viewer, today=D(2026, 6, 1),
        )  # fmt: skip
    assert [
        e["action"] for e in history(db, "monitoring_visit", bad["visit"]["id"])
    ] == ["create"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("organisation_id", 99_999), ("team_id", 99_999), ("inspection_id", 99_999)],
)
def test_a_non_conformity_naming_a_missing_record_is_refused_on_its_field(
    db: Database, register: Register, field: str, value: int
) -> None:
    fields = {"organisation_id": register.orgs["Alpha"], "description": "x"}
    with pytest.raises(RecordError) as caught:
        nonconformities.raise_non_conformity(
            db, {**fields, field: value}, OPERATOR, today=D(2026, 7, 1)
        )
    assert caught.value.field == field
    assert str(value) in str(caught.value)
