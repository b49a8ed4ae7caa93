# SPDX-License-Identifier: GPL-3.0-or-later
"""The map's low-zoom overviews, precomputed: records counted per grid cell.

Derived data, not register records (no review state of their own, no audit):
rebuilt whole per layer when the layer's tables change
(:mod:`demine.store.overview_cells`), so that a country-scale tile sums a few
thousand cells instead of every find of the register.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from demine.store.schema.base import Base, utcnow


class MapOverviewCell(Base):
    """Records of one layer in one Web Mercator grid cell (``level``: 2**level
    cells across the world; column ``gx`` and row ``gy`` from the north-west),
    of one combination of the layer's grouping keys, review state and
    reporting organisation: how many, and their summed area or quantity."""

    __tablename__ = "map_overview_cell"
    __table_args__ = (Index("ix_map_overview_cell", "layer", "level", "gx", "gy"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    layer: Mapped[str] = mapped_column(String(20))
    level: Mapped[int] = mapped_column(Integer)
    gx: Mapped[int] = mapped_column(Integer)
    gy: Mapped[int] = mapped_column(Integer)
    key1: Mapped[str | None] = mapped_column(String(40))
    key2: Mapped[str | None] = mapped_column(String(40))
    review_state: Mapped[str | None] = mapped_column(String(20))
    reported_by_id: Mapped[int | None] = mapped_column(Integer)
    records: Mapped[int] = mapped_column(Integer)
    weight: Mapped[float] = mapped_column(Float)


class MapOverviewState(Base):
    """What one layer's cells were built from: the fingerprint of its tables."""

    __tablename__ = "map_overview_state"

    layer: Mapped[str] = mapped_column(String(20), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(Text)
    built_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )
