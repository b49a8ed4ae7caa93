# SPDX-License-Identifier: GPL-3.0-or-later
"""Victim assistance (IMAS 13.10): survivors, their needs, the steps taken.

Sensitive personal data: only the assistance role reads these tables, every
read is audited (:mod:`demine.assistance.survivors`), and nothing here is
exported or reported except aggregated or under the survivor's ``code``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from demine.domain.vocab import AssistanceStep, NeedKind
from demine.store.schema.base import Base, Record, vocab


class Survivor(Record, Base):
    """A victim who survived, as known to the assistance programme."""

    __tablename__ = "survivor"

    victim_id: Mapped[int] = mapped_column(ForeignKey("victim.id"), unique=True)
    # The pseudonym that exports and reports carry instead of the name.
    code: Mapped[str] = mapped_column(String(20), unique=True)
    full_name: Mapped[str | None] = mapped_column(String(200))
    contact: Mapped[str | None] = mapped_column(Text)
    consent_on: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)


class SurvivorNeed(Record, Base):
    """One need of a survivor; met once ``met_on`` is set."""

    __tablename__ = "survivor_need"
    __table_args__ = (
        CheckConstraint(
            "met_on IS NULL OR identified_on IS NULL OR met_on >= identified_on",
            name="met_after_identified",
        ),
    )

    survivor_id: Mapped[int] = mapped_column(
        ForeignKey("survivor.id", ondelete="CASCADE"), index=True
    )
    need: Mapped[NeedKind] = mapped_column(vocab(NeedKind, "need_kind"))
    identified_on: Mapped[dt.date | None] = mapped_column(Date)
    met_on: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)


class AssistanceEvent(Record, Base):
    """A referral to a service provider, a service delivered, or a follow-up."""

    __tablename__ = "assistance_event"

    survivor_id: Mapped[int] = mapped_column(
        ForeignKey("survivor.id", ondelete="CASCADE"), index=True
    )
    need_id: Mapped[int | None] = mapped_column(
        ForeignKey("survivor_need.id", ondelete="SET NULL"), index=True
    )
    step: Mapped[AssistanceStep] = mapped_column(
        vocab(AssistanceStep, "assistance_step")
    )
    provider: Mapped[str | None] = mapped_column(String(200))
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
