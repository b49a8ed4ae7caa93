# SPDX-License-Identifier: GPL-3.0-or-later
"""Training and certification: courses, sessions, results, certificates.

The national training centre's catalogue holds courses (NTS, manual
clearance, EOD levels 1–3, medics, QA inspectors...); each course qualifies
its graduates in one :class:`~demine.domain.vocab.Qualification` for
``validity_months``. A passed session issues the certificate, valid from
the session's last day; certificates are flagged 60 days before they
expire (:func:`expiring`), and a team is qualified while its members'
certificates cover what its method needs (:func:`team_qualification`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from demine.domain.qualification import (
    WARNING_DAYS,
    months_qualified,
    team_shortfalls,
)
from demine.domain.records import parse_enum
from demine.domain.vocab import AttendanceResult, Method, Qualification
from demine.errors import ConflictError, NotFoundError, RecordError
from demine.i18n import N_, _
from demine.quality.access import require_admin, require_own_or_admin, user_id
from demine.store import people as people_store
from demine.store import quality as store
from demine.store.database import Database
from demine.store.personal import may_read_people
from demine.store.schema import (
    Attendance,
    Certificate,
    Course,
    Person,
    Team,
    TrainingSession,
)
from demine.store.users import Principal


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months, the last day of a shorter month if need be."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for dom in range(day.day, 27, -1):
        try:
            return dt.date(year, month, dom)
        except ValueError:
            continue
    return dt.date(year, month, min(day.day, 28))


def add_course(
    db: Database,
    *,
    code: str,
    title: str,
    qualification: str,
    duration_days: int,
    validity_months: int | None = None,
    provider_id: int | None = None,
    who: Principal | None = None,
) -> dict[str, Any]:
    """Add a course to the catalogue (administrators: the training centre)."""
    require_admin(who, N_("change the course catalogue"))
    if not code.strip() or not title.strip():
        raise RecordError(
            _("a course needs a code and a title"), entity="course", field="code"
        )
    if duration_days < 1:
        raise RecordError(
            _("must be at least 1 day"), entity="course", field="duration_days"
        )
    if validity_months is not None and not 1 <= validity_months <= 120:
        raise RecordError(
            _("must be 1 to 120 months"), entity="course", field="validity_months"
        )
    subject = parse_enum(
        Qualification, qualification, entity="course", field="qualification"
    )
    with db.session(write=True) as session:
        course = Course(
            code=code.strip()[:40],
            title=title.strip()[:200],
            qualification=subject,
            duration_days=duration_days,
            validity_months=validity_months,
            provider_id=provider_id,
        )
        return store.add_with_event(session, course, user_id(who))


def add_session(
    db: Database,
    *,
    course_id: int,
    starts_on: dt.date,
    ends_on: dt.date,
    place: str | None = None,
    instructor: str | None = None,
    capacity: int | None = None,
    who: Principal | None = None,
) -> dict[str, Any]:
    """Schedule a run of a course."""
    require_admin(who, N_("schedule training"))
    if ends_on < starts_on:
        raise RecordError(
            _("ends before it starts"), entity="training_session", field="ends_on"
        )
    if capacity is not None and capacity < 1:
        raise RecordError(
            _("must be at least 1"), entity="training_session", field="capacity"
        )
    with db.session(write=True) as session:
        if session.get(Course, course_id) is None:
            raise RecordError(
                _("no course with id %(id)s", id=course_id), field="course_id"
            )
        obj = TrainingSession(
            course_id=course_id,
            starts_on=starts_on,
            ends_on=ends_on,
            place=(place or "").strip()[:200] or None,
            instructor=(instructor or "").strip()[:200] or None,
            capacity=capacity,
        )
        return store.add_with_event(session, obj, user_id(who))


def record_attendance(
    db: Database,
    session_id: int,
    person_id: int,
    *,
    result: str,
    score: float | None = None,
    who: Principal | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Record a person's result on a session; a pass issues the certificate."""
    today = today or dt.date.today()
    outcome = parse_enum(AttendanceResult, result, entity="attendance", field="result")
    if score is not None and not 0 <= score <= 100:
        raise RecordError(_("must be 0 to 100"), entity="attendance", field="score")
    with db.session(write=True) as session:
        run = session.get(TrainingSession, session_id)
        person = session.get(Person, person_id)
        if run is None:
            raise NotFoundError(_("no training session with id %(id)s", id=session_id))
        if person is None or (
            who is not None and not may_read_people(who, person.organisation_id)
        ):
            raise NotFoundError(_("no person with id %(id)s", id=person_id))
        require_own_or_admin(who, person.organisation_id, N_("record training results"))
        if run.ends_on > today and outcome is not AttendanceResult.ABSENT:
            raise RecordError(
                _(
                    "the session ends %(day)s: record results after it",
                    day=run.ends_on.isoformat(),
                ),
                entity="attendance",
                field="result",
            )
        taken = (
            session.query(Attendance)
            .filter_by(session_id=session_id, person_id=person_id)
            .first()
        )
        if taken is not None:
            raise ConflictError(
                _(
                    "%(name)s's result on session %(id)s is recorded already",
                    name=person.full_name,
                    id=session_id,
                ),
                current={"result": taken.result.value},
                submitted={"result": outcome.value},
            )
        attendance = Attendance(
            session_id=session_id, person_id=person_id, result=outcome, score=score
        )
        after = store.add_with_event(session, attendance, user_id(who))
        cert = None
        if outcome is AttendanceResult.PASSED:
            course = session.get(Course, run.course_id)
            assert course is not None
            expires = (
                add_months(run.ends_on, course.validity_months) - dt.timedelta(days=1)
                if course.validity_months
                else None
            )
            cert = store.add_with_event(
                session,
                Certificate(
                    person_id=person_id,
                    course_id=course.id,
                    session_id=session_id,
                    qualification=course.qualification,
                    number=f"{course.code}-{session_id}-{person_id}",
                    issued_on=run.ends_on,
                    expires_on=expires,
                ),
                user_id(who),
            )
        return {"attendance": after, "certificate": cert}


def revoke_certificate(
    db: Database,
    certificate_id: int,
    *,
    revoked_on: dt.date,
    who: Principal | None = None,
) -> dict[str, Any]:
    require_admin(who, N_("revoke certificates"))
    with db.session(write=True) as session:
        cert = store.load(session, Certificate, certificate_id)
        if revoked_on < cert.issued_on:
            raise RecordError(
                _("is before the certificate was issued"), field="revoked_on"
            )
        return store.change_with_event(
            session, cert, {"revoked_on": revoked_on}, user_id(who), "revoke"
        )


def expiring(
    db: Database,
    who: Principal | None,
    *,
    today: dt.date | None = None,
    days: int = WARNING_DAYS,
) -> list[dict[str, Any]]:
    """Certificates ``who`` may read that expire within ``days`` of ``today``."""
    today = today or dt.date.today()
    with db.transaction() as conn:
        rows = people_store.expiring_certificates(
            conn, who, today, today + dt.timedelta(days=days)
        )
    for row in rows:
        row["days_left"] = (row["expires_on"] - today).days
        for key in ("issued_on", "expires_on"):
            row[key] = row[key].isoformat()
    return rows


def _shortfall_dict(s: Any) -> dict[str, Any]:
    return {
        "role": s.role.value,
        "qualification": s.qualification.value,
        "needed": s.needed,
        "held": s.held,
    }


def team_qualification(
    db: Database, team_id: int, first: dt.date, last: dt.date
) -> dict[str, Any]:
    """Whether the team is qualified every day from ``first`` to ``last``."""
    if last < first:
        raise RecordError(_("the period ends before it starts"), field="to")
    with db.session() as session:
        team = session.get(Team, team_id)
        if team is None:
            raise NotFoundError(_("no team with id %(id)s", id=team_id))
        method = Method(team.method)
        conn = session.connection()
        members = people_store.members_of(conn, [team_id])[team_id]
        certs = people_store.certificates_of(conn, [m.person_id for m in members])
    short = team_shortfalls(method, members, certs, first, last)
    return {
        "team_id": team_id,
        "team": team.name,
        "method": method.value,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "members": len(members),
        "qualified": not short,
        "shortfalls": [_shortfall_dict(s) for s in short],
    }


def qualification_by_month(
    db: Database, teams: Sequence[Mapping[str, Any]], months: Sequence[dt.date]
) -> dict[int, list[list[dict[str, Any]]]]:
    """Shortfalls of each team in each month (``months``: first days, plus the
    first day after the horizon), for tasking."""
    ids = [int(t["id"]) for t in teams]
    with db.transaction() as conn:
        members = people_store.members_of(conn, ids)
        people = [m.person_id for group in members.values() for m in group]
        certs = people_store.certificates_of(conn, people)
    by_person: dict[int, list[Any]] = {}
    for cert in certs:
        by_person.setdefault(cert.person_id, []).append(cert)
    out: dict[int, list[list[dict[str, Any]]]] = {}
    for team in teams:
        tid = int(team["id"])
        own = members.get(tid, [])
        held = [c for m in own for c in by_person.get(m.person_id, [])]
        per_month = months_qualified(Method(team["method"]), own, held, months)
        out[tid] = [[_shortfall_dict(s) for s in month] for month in per_month]
    return out
