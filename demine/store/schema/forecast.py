# SPDX-License-Identifier: GPL-3.0-or-later
"""Forecast scenarios saved in the register, to compare them again later.

A scenario holds the same fields as a scenario file (docs/forecast.md),
checked by :func:`demine.analysis.forecast.scenario.parse_scenario` before
it is stored; it is a planning assumption, not a reported record, so it
carries no review state.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from demine.store.schema.base import Base, utcnow


class ForecastScenario(Base):
    """One named scenario of changes to the fitted forecast parameters."""

    __tablename__ = "forecast_scenario"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now()
    )
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now()
    )
