# SPDX-License-Identifier: GPL-3.0-or-later
"""Who may do what: accreditation of organisations, personnel and training.

:class:`Accreditation` grants an organisation a scope (activity type and
method) for a validity period; :class:`AccreditationSuspension` stops it for
a while. :class:`Person` rows hold personal data: the store shows them only to
administrators and to users of the person's organisation
(:mod:`demine.store.personal`), and so are their :class:`Attendance` and
:class:`Certificate` rows.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from demine.domain.vocab import (
    ActivityType,
    AttendanceResult,
    Method,
    PersonRole,
    Qualification,
    Sex,
)
from demine.store.schema.base import Base, Record, vocab


class Accreditation(Record, Base):
    """An organisation accredited for an activity type (and method) for a time."""

    __tablename__ = "accreditation"
    __table_args__ = (
        CheckConstraint("valid_until >= valid_from", name="until_after_from"),
    )

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id"), index=True
    )
    activity_type: Mapped[ActivityType] = mapped_column(
        vocab(ActivityType, "activity_type")
    )
    method: Mapped[Method | None] = mapped_column(vocab(Method, "method"))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(String(120))
    notes: Mapped[str | None] = mapped_column(Text)


class AccreditationSuspension(Record, Base):
    """An accreditation stopped from one date until another (or until lifted)."""

    __tablename__ = "accreditation_suspension"
    __table_args__ = (
        CheckConstraint(
            "ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"
        ),
    )

    accreditation_id: Mapped[int] = mapped_column(
        ForeignKey("accreditation.id"), index=True
    )
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)


class Person(Record, Base):
    """A member of an organisation's staff: deminer, team leader, medic..."""

    __tablename__ = "person"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    role: Mapped[PersonRole] = mapped_column(vocab(PersonRole, "person_role"))
    full_name: Mapped[str] = mapped_column(String(200))
    sex: Mapped[Sex | None] = mapped_column(vocab(Sex, "sex"))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    national_id: Mapped[str | None] = mapped_column(String(40))
    phone: Mapped[str | None] = mapped_column(String(40))
    joined_on: Mapped[dt.date | None] = mapped_column(Date)
    left_on: Mapped[dt.date | None] = mapped_column(Date)


class Course(Record, Base):
    """A course of the national training centre's catalogue."""

    __tablename__ = "course"

    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    qualification: Mapped[Qualification] = mapped_column(
        vocab(Qualification, "qualification")
    )
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    duration_days: Mapped[int] = mapped_column(Integer)
    validity_months: Mapped[int | None] = mapped_column(Integer)


class TrainingSession(Record, Base):
    """One run of a course: dates, place and instructor."""

    __tablename__ = "training_session"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="ends_after_start"),)

    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(String(200))
    instructor: Mapped[str | None] = mapped_column(String(200))
    capacity: Mapped[int | None] = mapped_column(Integer)


class Attendance(Record, Base):
    """A person on a training session, and the result."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_id", "person_id"),)

    session_id: Mapped[int] = mapped_column(
        ForeignKey("training_session.id"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    result: Mapped[AttendanceResult] = mapped_column(
        vocab(AttendanceResult, "attendance_result")
    )
    score: Mapped[float | None] = mapped_column(Float)


class Certificate(Record, Base):
    """A person's certificate in a qualification, valid until it expires."""

    __tablename__ = "certificate"
    __table_args__ = (
        CheckConstraint(
            "expires_on IS NULL OR expires_on >= issued_on", name="expires_after_issue"
        ),
    )

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("course.id"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("training_session.id"))
    qualification: Mapped[Qualification] = mapped_column(
        vocab(Qualification, "qualification")
    )
    number: Mapped[str | None] = mapped_column(String(60))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    revoked_on: Mapped[dt.date | None] = mapped_column(Date)
