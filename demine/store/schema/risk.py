# SPDX-License-Identifier: GPL-3.0-or-later
"""The published contamination risk: scored grid cells and risk per hazard.

Both tables hold the output of one scoring run (``demine predict publish``),
replaced whole by the next one; they are derived data, not register records,
so they carry no review state or audit columns.
"""

from __future__ import annotations

import datetime as dt

from shapely.geometry.base import BaseGeometry
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from demine.store.schema.base import (
    Base,
    BBox,
    Geometry,
    bbox_index,
    spatial_indexes,
    utcnow,
)


class RiskCell(BBox, Base):
    """One scored grid cell: its square in lon/lat, its risk (0 to 1), the
    interval around it, and whether it lies inside the model's area of
    applicability (outside, the risk is a guess and the map greys it out)."""

    __tablename__ = "risk_cell"
    __table_args__ = (
        *spatial_indexes("risk_cell", "geom"),
        bbox_index("risk_cell"),
        CheckConstraint("risk >= 0 AND risk <= 1", name="risk_in_unit_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    geom: Mapped[BaseGeometry | None] = mapped_column(Geometry("POLYGON"))
    risk: Mapped[float] = mapped_column(Float)
    risk_low: Mapped[float | None] = mapped_column(Float)
    risk_high: Mapped[float | None] = mapped_column(Float)
    applicable: Mapped[bool] = mapped_column(
        Boolean, default=True, server_default=true()
    )
    model: Mapped[str | None] = mapped_column(String(200))
    scored_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )


class HazardRisk(Base):
    """Cell risk aggregated over one hazardous area (a prioritisation criterion).

    ``risk`` is the mean risk of the cells whose centre lies inside the
    hazard, ``risk_max`` its riskiest cell, ``cells`` how many there are (0:
    the hazard is smaller than a cell and took its nearest cell's risk).
    ``applicable`` is false when most of the hazard's cells lie outside the
    model's area of applicability: prioritisation then leaves its risk out.
    """

    __tablename__ = "hazard_risk"
    __table_args__ = (
        CheckConstraint("risk >= 0 AND risk <= 1", name="risk_in_unit_range"),
        CheckConstraint("cells >= 0", name="cells_not_negative"),
    )

    hazard_id: Mapped[int] = mapped_column(
        ForeignKey("hazard.id", ondelete="CASCADE"), primary_key=True
    )
    risk: Mapped[float] = mapped_column(Float)
    risk_max: Mapped[float] = mapped_column(Float)
    cells: Mapped[int] = mapped_column(Integer, default=0)
    applicable: Mapped[bool] = mapped_column(
        Boolean, default=True, server_default=true()
    )
    model: Mapped[str | None] = mapped_column(String(200))
    scored_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )
