# SPDX-License-Identifier: GPL-3.0-or-later
"""The EO catalogue and the explosive ordnance items found."""

from __future__ import annotations

import datetime as dt

from shapely.geometry.base import BaseGeometry
from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from demine.domain.vocab import DisposalMethod, EOCategory, EOCondition
from demine.store.schema.base import Base, Geometry, Record, spatial_indexes, vocab


class EOModel(Record, Base):
    """A catalogue entry: PMN-2, TM-62M, OZM-72, PFM-1, 9N210 ..."""

    __tablename__ = "eo_model"

    model: Mapped[str] = mapped_column(String(80), unique=True)
    category: Mapped[EOCategory] = mapped_column(vocab(EOCategory, "eo_category"))
    subcategory: Mapped[str | None] = mapped_column(String(80))
    origin: Mapped[str | None] = mapped_column(String(80))
    description: Mapped[str | None] = mapped_column(Text)


class EOItem(Record, Base):
    """Items of one model found at one place on one day."""

    __tablename__ = "eo_item"
    __table_args__ = (
        *spatial_indexes("eo_item", "geom"),
        CheckConstraint("quantity >= 1", name="quantity_positive"),
        CheckConstraint("depth_cm IS NULL OR depth_cm >= 0", name="depth_not_negative"),
    )

    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activity.id"), index=True
    )
    hazard_id: Mapped[int | None] = mapped_column(ForeignKey("hazard.id"), index=True)
    eo_model_id: Mapped[int | None] = mapped_column(ForeignKey("eo_model.id"))
    # Denormalised from the catalogue so national counts need no join.
    category: Mapped[EOCategory] = mapped_column(
        vocab(EOCategory, "eo_category"), index=True
    )
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    found_on: Mapped[dt.date | None] = mapped_column(Date)
    depth_cm: Mapped[float | None] = mapped_column(Float)
    condition: Mapped[EOCondition] = mapped_column(
        vocab(EOCondition, "eo_condition"), default=EOCondition.UNKNOWN
    )
    disposal: Mapped[DisposalMethod | None] = mapped_column(
        vocab(DisposalMethod, "disposal_method")
    )
    geom: Mapped[BaseGeometry | None] = mapped_column(Geometry("POINT"))
