# SPDX-License-Identifier: GPL-3.0-or-later
"""Accidents and their victims."""

from __future__ import annotations

import datetime as dt

from shapely.geometry.base import BaseGeometry
from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from demine.domain.vocab import AccidentType, Outcome, Sex, VictimActivity, VictimStatus
from demine.store.schema.base import Base, Geometry, Record, spatial_indexes, vocab


class Accident(Record, Base):
    """An explosive accident: demining or not."""

    __tablename__ = "accident"
    __table_args__ = spatial_indexes("accident", "geom")

    accident_type: Mapped[AccidentType] = mapped_column(
        vocab(AccidentType, "accident_type")
    )
    occurred_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    hazard_id: Mapped[int | None] = mapped_column(ForeignKey("hazard.id"), index=True)
    admin_area_id: Mapped[int | None] = mapped_column(
        ForeignKey("place.id"), index=True
    )
    eo_model_id: Mapped[int | None] = mapped_column(ForeignKey("eo_model.id"))
    description: Mapped[str | None] = mapped_column(Text)
    geom: Mapped[BaseGeometry | None] = mapped_column(Geometry("POINT"))


class Victim(Record, Base):
    """One person killed or injured, disaggregated by sex and age."""

    __tablename__ = "victim"
    __table_args__ = (
        CheckConstraint("age IS NULL OR (age >= 0 AND age <= 120)", name="age_range"),
    )

    accident_id: Mapped[int] = mapped_column(ForeignKey("accident.id"), index=True)
    sex: Mapped[Sex] = mapped_column(vocab(Sex, "sex"), default=Sex.UNKNOWN)
    age: Mapped[int | None] = mapped_column(Integer)
    #: When the exact age is unknown: a range of years, inclusive, written
    #: ``LOW-HIGH`` or ``LOW-`` (open above), e.g. ``0-17`` for "a child".
    age_group: Mapped[str | None] = mapped_column(String(16))
    #: Injured with an amputation (null: not recorded).
    amputation: Mapped[bool | None] = mapped_column(Boolean)
    outcome: Mapped[Outcome] = mapped_column(vocab(Outcome, "outcome"))
    status: Mapped[VictimStatus] = mapped_column(
        vocab(VictimStatus, "victim_status"), default=VictimStatus.CIVILIAN
    )
    activity: Mapped[VictimActivity] = mapped_column(
        vocab(VictimActivity, "victim_activity"), default=VictimActivity.UNKNOWN
    )
