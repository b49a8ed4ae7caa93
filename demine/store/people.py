# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading people, teams' members and certificates.

Functions returning names or personal details take the reader and apply
:func:`demine.store.personal.personal_clause`; those returning only counts
and qualification (for tasking and team pages) read every row, since a
team's qualification names nobody.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from demine.domain.qualification import Certificate as Held
from demine.domain.qualification import Member
from demine.domain.vocab import PersonRole, Qualification, ReviewState
from demine.store.personal import personal_clause
from demine.store.schema import (
    Accreditation,
    AccreditationSuspension,
    Attendance,
    Certificate,
    Course,
    Organisation,
    Person,
    Team,
    TrainingSession,
)
from demine.store.users import Principal

APPROVED = ReviewState.APPROVED.value


def _text(value: Any) -> Any:
    return getattr(value, "value", value)


def members_of(conn: Connection, team_ids: Iterable[int]) -> dict[int, list[Member]]:
    """Approved members of each team, for qualification (no personal data)."""
    wanted = sorted({int(t) for t in team_ids})
    out: dict[int, list[Member]] = {t: [] for t in wanted}
    if not wanted:
        return out
    p = Person.__table__.c
    rows = conn.execute(
        select(p.id, p.team_id, p.role, p.joined_on, p.left_on).where(
            p.team_id.in_(wanted), p.review_state == APPROVED
        )
    )
    for r in rows:
        out[int(r.team_id)].append(
            Member(int(r.id), PersonRole(_text(r.role)), r.joined_on, r.left_on)
        )
    return out


def certificates_of(conn: Connection, person_ids: Iterable[int]) -> list[Held]:
    """Approved certificates of these people, for qualification."""
    wanted = sorted({int(p) for p in person_ids})
    if not wanted:
        return []
    c = Certificate.__table__.c
    out: list[Held] = []
    for start in range(0, len(wanted), 10_000):
        part = wanted[start : start + 10_000]
        rows = conn.execute(
            select(
                c.person_id, c.qualification, c.issued_on, c.expires_on, c.revoked_on
            ).where(c.person_id.in_(part), c.review_state == APPROVED)
        )
        out.extend(
            Held(
                int(r.person_id),
                Qualification(_text(r.qualification)),
                r.issued_on,
                r.expires_on,
                r.revoked_on,
            )
            for r in rows
        )
    return out


def expiring_certificates(
    conn: Connection,
    who: Principal | None,
    first: dt.date,
    last: dt.date,
) -> list[dict[str, Any]]:
    """Certificates ``who`` may read that expire from ``first`` to ``last``,
    unrevoked and not renewed by a later one, with the holder's name,
    organisation and team."""
    c, p = Certificate.__table__.c, Person.__table__.c
    o, t = Organisation.__table__.c, Team.__table__.c
    later = Certificate.__table__.alias("later")
    renewed = (
        select(later.c.id)
        .where(
            later.c.person_id == c.person_id,
            later.c.qualification == c.qualification,
            later.c.id != c.id,
            later.c.revoked_on.is_(None),
            later.c.review_state == APPROVED,
            later.c.expires_on.is_(None) | (later.c.expires_on > c.expires_on),
        )
        .exists()
    )
    stmt = (
        select(
            c.id,
            c.person_id,
            c.qualification,
            c.number,
            c.issued_on,
            c.expires_on,
            p.full_name,
            p.role,
            p.organisation_id,
            p.team_id,
            o.acronym.label("organisation"),
            t.name.label("team"),
        )
        .join(Person.__table__, p.id == c.person_id)
        .join(Organisation.__table__, o.id == p.organisation_id)
        .outerjoin(Team.__table__, t.id == p.team_id)
        .where(
            c.expires_on >= first,
            c.expires_on <= last,
            c.revoked_on.is_(None),
            c.review_state == APPROVED,
            ~renewed,
            personal_clause(Certificate, who),
        )
        .order_by(c.expires_on, c.id)
    )
    return [{k: _text(v) for k, v in r._mapping.items()} for r in conn.execute(stmt)]


def people_of(
    conn: Connection,
    who: Principal | None,
    *,
    organisation_id: int | None = None,
    team_id: int | None = None,
) -> list[dict[str, Any]]:
    """People ``who`` may read, with their valid certificates' subjects."""
    p = Person.__table__.c
    stmt = select(Person.__table__).where(personal_clause(Person, who))
    if organisation_id is not None:
        stmt = stmt.where(p.organisation_id == organisation_id)
    if team_id is not None:
        stmt = stmt.where(p.team_id == team_id)
    rows = [
        {k: _text(v) for k, v in r._mapping.items()}
        for r in conn.execute(stmt.order_by(p.organisation_id, p.team_id, p.id))
    ]
    return rows


def certificates_for(
    conn: Connection, who: Principal | None, person_ids: Iterable[int]
) -> list[dict[str, Any]]:
    c = Certificate.__table__.c
    wanted = sorted({int(i) for i in person_ids})
    if not wanted:
        return []
    stmt = (
        select(Certificate.__table__)
        .where(c.person_id.in_(wanted), personal_clause(Certificate, who))
        .order_by(c.person_id, c.expires_on)
    )
    return [{k: _text(v) for k, v in r._mapping.items()} for r in conn.execute(stmt)]


def courses(conn: Connection) -> list[dict[str, Any]]:
    c = Course.__table__.c
    rows = conn.execute(select(Course.__table__).order_by(c.code))
    return [{k: _text(v) for k, v in r._mapping.items()} for r in rows]


def sessions(conn: Connection, course_id: int | None = None) -> list[dict[str, Any]]:
    s, c = TrainingSession.__table__.c, Course.__table__.c
    stmt = select(TrainingSession.__table__, c.code, c.title, c.qualification).join(
        Course.__table__, c.id == s.course_id
    )
    if course_id is not None:
        stmt = stmt.where(s.course_id == course_id)
    rows = conn.execute(stmt.order_by(s.starts_on.desc(), s.id))
    return [{k: _text(v) for k, v in r._mapping.items()} for r in rows]


def active_teams(conn: Connection) -> list[dict[str, Any]]:
    t, o = Team.__table__.c, Organisation.__table__.c
    rows = conn.execute(
        select(t.id, t.name, t.method, t.organisation_id, o.acronym)
        .join(Organisation.__table__, o.id == t.organisation_id)
        .where(t.active.is_(True))
        .order_by(t.id)
    )
    return [{k: _text(v) for k, v in r._mapping.items()} for r in rows]


def accreditation_rows(
    conn: Connection, organisation_id: int | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Accreditations (with the organisation's name) and their suspensions."""
    a, o = Accreditation.__table__.c, Organisation.__table__.c
    s = AccreditationSuspension.__table__.c
    stmt = select(
        Accreditation.__table__, o.name.label("organisation"), o.acronym
    ).join(Organisation.__table__, o.id == a.organisation_id)
    if organisation_id is not None:
        stmt = stmt.where(a.organisation_id == organisation_id)
    grants = [
        {k: _text(v) for k, v in r._mapping.items()}
        for r in conn.execute(stmt.order_by(o.name, a.activity_type, a.valid_from))
    ]
    ids = [g["id"] for g in grants]
    stops = (
        [
            {k: _text(v) for k, v in r._mapping.items()}
            for r in conn.execute(
                select(AccreditationSuspension.__table__)
                .where(s.accreditation_id.in_(ids))
                .order_by(s.starts_on)
            )
        ]
        if ids
        else []
    )
    return grants, stops


def holders(conn: Connection, qualification: str, day: dt.date) -> int:
    """How many people hold a valid certificate in ``qualification`` on ``day``."""
    c = Certificate.__table__.c
    rows = conn.execute(
        select(c.person_id)
        .where(
            c.qualification == qualification,
            c.issued_on <= day,
            and_(c.expires_on.is_(None) | (c.expires_on >= day)),
            c.revoked_on.is_(None) | (c.revoked_on > day),
            c.review_state == APPROVED,
        )
        .distinct()
    )
    return len(rows.all())


def attendance_of(
    session: Session, session_id: int, person_id: int
) -> Attendance | None:
    """A person's recorded result on a session, if any."""
    return session.scalars(
        select(Attendance).where(
            Attendance.session_id == session_id, Attendance.person_id == person_id
        )
    ).first()
