# SPDX-License-Identifier: GPL-3.0-or-later
"""Handover of released land to its user (IMAS 08.30): the certificate."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from demine.domain.vocab import LandUse
from demine.store.schema.base import Base, Record, vocab


class Handover(Record, Base):
    """A handover certificate for one hazard's released land.

    ``number`` is printed on the certificate; ``code`` is the unguessable
    part of the public verification address its QR code carries. The
    handover itself (who received the land, when) is recorded when the
    signed certificate comes back: until then ``handed_over_on`` is empty
    and the land counts as released but not yet handed over.
    """

    __tablename__ = "handover"
    __table_args__ = (
        CheckConstraint("released_m2 >= 0", name="released_not_negative"),
        CheckConstraint(
            "handed_over_on IS NULL OR handed_over_on >= issued_on",
            name="handed_over_after_issue",
        ),
    )

    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazard.id"), index=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    issued_on: Mapped[dt.date] = mapped_column(Date)
    issued_by: Mapped[str] = mapped_column(String(200))
    released_m2: Mapped[float] = mapped_column(Float, default=0.0)
    recipient_authority: Mapped[str] = mapped_column(String(200))
    intended_land_use: Mapped[LandUse | None] = mapped_column(
        vocab(LandUse, "land_use")
    )
    language: Mapped[str] = mapped_column(String(8), default="en")
    received_by: Mapped[str | None] = mapped_column(String(200))
    handed_over_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
