# SPDX-License-Identifier: GPL-3.0-or-later
"""EORE sessions, quality management findings and funding."""

from __future__ import annotations

import datetime as dt

from shapely.geometry.base import BaseGeometry
from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from demine.domain.vocab import EOREMethod, FundingKind, QMKind, Severity
from demine.store.schema.base import Base, Geometry, Record, spatial_indexes, vocab


class EORESession(Record, Base):
    """Explosive ordnance risk education delivered, with SADD beneficiaries."""

    __tablename__ = "eore_session"
    __table_args__ = (
        *spatial_indexes("eore_session", "geom"),
        CheckConstraint(
            "women >= 0 AND men >= 0 AND girls >= 0 AND boys >= 0",
            name="beneficiaries_not_negative",
        ),
    )

    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id"), index=True
    )
    place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id"))
    method: Mapped[EOREMethod] = mapped_column(vocab(EOREMethod, "eore_method"))
    held_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    women: Mapped[int] = mapped_column(Integer, default=0)
    men: Mapped[int] = mapped_column(Integer, default=0)
    girls: Mapped[int] = mapped_column(Integer, default=0)
    boys: Mapped[int] = mapped_column(Integer, default=0)
    geom: Mapped[BaseGeometry | None] = mapped_column(Geometry("POINT"))


class QMFinding(Record, Base):
    """A quality management inspection and any non-conformity it found."""

    __tablename__ = "qm_finding"

    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activity.id"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id"), index=True
    )
    kind: Mapped[QMKind] = mapped_column(vocab(QMKind, "qm_kind"))
    inspected_on: Mapped[dt.date | None] = mapped_column(Date)
    severity: Mapped[Severity] = mapped_column(
        vocab(Severity, "severity"), default=Severity.NONE
    )
    non_conformity: Mapped[str | None] = mapped_column(Text)
    corrective_action: Mapped[str | None] = mapped_column(Text)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)


class Funding(Record, Base):
    """A pledge, disbursement or expenditure from a donor to a project."""

    __tablename__ = "funding"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),)

    donor_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id"), index=True
    )
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    project: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[FundingKind] = mapped_column(vocab(FundingKind, "funding_kind"))
    dated_on: Mapped[dt.date | None] = mapped_column(Date)
    amount: Mapped[float] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    amount_usd: Mapped[float | None] = mapped_column(Float)
    notes: Mapped[str | None] = mapped_column(Text)
