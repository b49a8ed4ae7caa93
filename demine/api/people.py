# SPDX-License-Identifier: GPL-3.0-or-later
"""Accreditation, staff, training and cost efficiency over HTTP.

Administrators accredit organisations, keep the course catalogue and
schedule sessions; administrators and an organisation's own staff add its
people and record their training results. People, attendance and
certificates are personal data: only administrators and the person's own
organisation read them (:mod:`demine.store.personal`), here and through
``/api/v1/records/person``. A team's qualification names nobody, so any
logged-in user may read it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from pydantic import BaseModel, Field

from demine.analysis.cost_efficiency import cost_efficiency
from demine.quality import accreditations, people, training
from demine.serving.deps import Admin, DbDep, User
from demine.store import people as people_store

router = APIRouter(prefix="/api/v1", tags=["people"])

ID_MAX = 2**31 - 1
Id = Annotated[int, PathParam(ge=1, le=ID_MAX)]
OptionalId = Annotated[int | None, Query(ge=1, le=ID_MAX)]


class NewAccreditation(BaseModel):
    organisation_id: int = Field(ge=1, le=ID_MAX)
    activity_type: str = Field(max_length=32)
    method: str | None = Field(default=None, max_length=32)
    valid_from: dt.date
    valid_until: dt.date
    reference: str | None = Field(default=None, max_length=120)
    notes: str | None = Field(default=None, max_length=4000)


class NewSuspension(BaseModel):
    starts_on: dt.date
    ends_on: dt.date | None = None
    reason: str = Field(min_length=1, max_length=4000)


class Lifting(BaseModel):
    ends_on: dt.date


@router.get("/accreditations")
def accreditation_register(
    db: DbDep, who: User, on: dt.date | None = None
) -> list[dict[str, Any]]:
    """Every organisation's accreditations, suspensions and validity on a day."""
    return accreditations.register(db, on)


@router.post("/accreditations", status_code=201)
def accredit(body: NewAccreditation, db: DbDep, who: Admin) -> dict[str, Any]:
    """Accredit an organisation for an activity type (and method) for a period."""
    return accreditations.grant(db, **body.model_dump(), who=who)


@router.post("/accreditations/{accreditation_id}/suspend", status_code=201)
def suspend(
    accreditation_id: Id, body: NewSuspension, db: DbDep, who: Admin
) -> dict[str, Any]:
    """Suspend an accreditation from a day, until a day or until lifted."""
    return accreditations.suspend(db, accreditation_id, **body.model_dump(), who=who)


@router.post("/accreditation-suspensions/{suspension_id}/lift")
def lift(suspension_id: Id, body: Lifting, db: DbDep, who: Admin) -> dict[str, Any]:
    """End a suspension (``ends_on`` is its last day)."""
    return accreditations.lift(db, suspension_id, ends_on=body.ends_on, who=who)


@router.get("/organisations/{organisation_id}/accreditation")
def accreditation_history(organisation_id: Id, db: DbDep, who: User) -> dict[str, Any]:
    """An organisation's accreditations and suspensions with their audit trail."""
    return accreditations.history(db, organisation_id)


class NewPerson(BaseModel):
    full_name: str = Field(min_length=1, max_length=200)
    role: str = Field(max_length=32)
    organisation_id: int | None = Field(default=None, ge=1, le=ID_MAX)
    team_id: int | None = Field(default=None, ge=1, le=ID_MAX)
    sex: str | None = Field(default=None, max_length=16)
    birth_date: dt.date | None = None
    national_id: str | None = Field(default=None, max_length=40)
    phone: str | None = Field(default=None, max_length=40)
    joined_on: dt.date | None = None
    left_on: dt.date | None = None
    external_id: str | None = Field(default=None, max_length=120)


class PersonEdit(BaseModel):
    version: int = Field(ge=1, le=ID_MAX)
    changes: dict[str, Any]


@router.get("/people")
def staff(
    db: DbDep,
    who: User,
    organisation_id: OptionalId = None,
    team_id: OptionalId = None,
) -> list[dict[str, Any]]:
    """The people ``who`` may read (administrators: all; others: their own
    organisation's)."""
    with db.transaction() as conn:
        return people_store.people_of(
            conn, who, organisation_id=organisation_id, team_id=team_id
        )


@router.post("/people", status_code=201)
def add_person(body: NewPerson, db: DbDep, who: User) -> dict[str, Any]:
    """Add a member of staff (administrators, or the organisation's own staff)."""
    row = {k: v for k, v in body.model_dump().items() if v is not None}
    return people.add_person(db, row, who)


@router.patch("/people/{person_id}")
def edit_person(
    person_id: Id, body: PersonEdit, db: DbDep, who: User
) -> dict[str, Any]:
    """Change a member of staff (moving teams, leaving...)."""
    return people.update_person(
        db, person_id, body.changes, version=body.version, who=who
    )


class NewCourse(BaseModel):
    code: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=200)
    qualification: str = Field(max_length=32)
    duration_days: int = Field(ge=1, le=365)
    validity_months: int | None = Field(default=None, ge=1, le=120)
    provider_id: int | None = Field(default=None, ge=1, le=ID_MAX)


class NewSession(BaseModel):
    course_id: int = Field(ge=1, le=ID_MAX)
    starts_on: dt.date
    ends_on: dt.date
    place: str | None = Field(default=None, max_length=200)
    instructor: str | None = Field(default=None, max_length=200)
    capacity: int | None = Field(default=None, ge=1, le=10_000)


class SessionResult(BaseModel):
    person_id: int = Field(ge=1, le=ID_MAX)
    result: str = Field(max_length=16)
    score: float | None = Field(default=None, ge=0, le=100)


@router.get("/training/courses")
def courses(db: DbDep, who: User) -> list[dict[str, Any]]:
    """The training centre's course catalogue."""
    with db.transaction() as conn:
        return people_store.courses(conn)


@router.post("/training/courses", status_code=201)
def add_course(body: NewCourse, db: DbDep, who: Admin) -> dict[str, Any]:
    """Add a course to the catalogue."""
    return training.add_course(db, **body.model_dump(), who=who)


@router.get("/training/sessions")
def sessions(
    db: DbDep, who: User, course_id: OptionalId = None
) -> list[dict[str, Any]]:
    """Sessions, newest first, with their course."""
    with db.transaction() as conn:
        return people_store.sessions(conn, course_id)


@router.post("/training/sessions", status_code=201)
def add_session(body: NewSession, db: DbDep, who: Admin) -> dict[str, Any]:
    """Schedule a session of a course."""
    return training.add_session(db, **body.model_dump(), who=who)


@router.post("/training/sessions/{session_id}/results", status_code=201)
def session_result(
    session_id: Id, body: SessionResult, db: DbDep, who: User
) -> dict[str, Any]:
    """A person's result on a session; a pass issues the certificate."""
    return training.record_attendance(
        db, session_id, body.person_id, result=body.result, score=body.score, who=who
    )


@router.get("/certificates/expiring")
def expiring(
    db: DbDep,
    who: User,
    days: Annotated[int, Query(ge=1, le=3650)] = 60,
    on: dt.date | None = None,
) -> list[dict[str, Any]]:
    """Certificates ``who`` may read that expire within ``days`` (default 60)."""
    return training.expiring(db, who, today=on, days=days)


@router.get("/teams/{team_id}/qualification")
def team_qualification(
    team_id: Id,
    db: DbDep,
    who: User,
    start: Annotated[dt.date | None, Query(alias="from")] = None,
    end: Annotated[dt.date | None, Query(alias="to")] = None,
) -> dict[str, Any]:
    """Whether the team's members hold the certificates its method needs, every
    day of the period, and what is missing if not."""
    first = start or dt.date.today()
    return training.team_qualification(db, team_id, first, end or first)


@router.get("/cost-efficiency")
def cost(
    db: DbDep,
    who: User,
    by: Annotated[str, Query(max_length=60)] = "organisation,method,year",
) -> dict[str, Any]:
    """USD per m² released and per item found, grouped, with the coverage."""
    keys = [k.strip() for k in by.split(",") if k.strip()]
    with db.transaction() as conn:
        return cost_efficiency(conn, keys)
