# SPDX-License-Identifier: GPL-3.0-or-later
"""Hazardous areas, the activities worked on them and their release products."""

from __future__ import annotations

import datetime as dt

from shapely.geometry.base import BaseGeometry
from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from demine.domain.vocab import (
    ActivityStatus,
    ActivityType,
    Evidence,
    HazardClass,
    HazardStatus,
    LandUse,
    Method,
    ReleaseKind,
    Reliability,
)
from demine.store.schema.base import (
    Base,
    BBox,
    Geometry,
    Record,
    bbox_index,
    spatial_indexes,
    vocab,
)


class Hazard(Record, BBox, Base):
    """A suspected or confirmed hazardous area (IMSMA "Land").

    ``area_m2`` is the geodesic area of ``geom``; the ``*_m2`` ledger columns
    are derived from release geometry by :mod:`demine.domain.ledger` whenever
    releases change, never typed in.
    """

    __tablename__ = "hazard"
    __table_args__ = (
        *spatial_indexes("hazard", "geom", "benchmark"),
        bbox_index("hazard"),
        CheckConstraint("estimated_devices >= 0", name="devices_not_negative"),
        CheckConstraint("reported_area_m2 >= 0", name="area_not_negative"),
    )

    name: Mapped[str | None] = mapped_column(String(200))
    hazard_class: Mapped[HazardClass] = mapped_column(
        vocab(HazardClass, "hazard_class")
    )
    status: Mapped[HazardStatus] = mapped_column(
        vocab(HazardStatus, "hazard_status"), default=HazardStatus.OPEN, index=True
    )
    contamination: Mapped[list[str]] = mapped_column(default=list)
    evidence: Mapped[Evidence | None] = mapped_column(vocab(Evidence, "evidence"))
    reliability: Mapped[Reliability | None] = mapped_column(
        vocab(Reliability, "reliability")
    )
    land_use: Mapped[LandUse | None] = mapped_column(vocab(LandUse, "land_use"))
    blockages: Mapped[list[str]] = mapped_column(default=list)
    estimated_devices: Mapped[int | None] = mapped_column(Integer)
    women: Mapped[int | None] = mapped_column(Integer)
    men: Mapped[int | None] = mapped_column(Integer)
    girls: Mapped[int | None] = mapped_column(Integer)
    boys: Mapped[int | None] = mapped_column(Integer)
    admin_area_id: Mapped[int | None] = mapped_column(
        ForeignKey("place.id"), index=True
    )
    settlement_id: Mapped[int | None] = mapped_column(ForeignKey("place.id"))
    recorded_on: Mapped[dt.date | None] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    reported_area_m2: Mapped[float | None] = mapped_column(Float)
    area_m2: Mapped[float] = mapped_column(Float, default=0.0)
    cancelled_m2: Mapped[float] = mapped_column(Float, default=0.0)
    reduced_m2: Mapped[float] = mapped_column(Float, default=0.0)
    cleared_m2: Mapped[float] = mapped_column(Float, default=0.0)
    remaining_m2: Mapped[float] = mapped_column(Float, default=0.0)
    notes: Mapped[str | None] = mapped_column(Text)
    geom: Mapped[BaseGeometry | None] = mapped_column(Geometry("MULTIPOLYGON"))
    benchmark: Mapped[BaseGeometry | None] = mapped_column(Geometry("POINT"))


class Activity(Record, Base):
    """NTS, TS, clearance, BAC, EOD spot task, QA/QC visit or EORE session."""

    __tablename__ = "activity"
    __table_args__ = (
        CheckConstraint(
            "end_date IS NULL OR start_date IS NULL OR end_date >= start_date",
            name="end_after_start",
        ),
    )

    name: Mapped[str | None] = mapped_column(String(200))
    activity_type: Mapped[ActivityType] = mapped_column(
        vocab(ActivityType, "activity_type"), index=True
    )
    status: Mapped[ActivityStatus] = mapped_column(
        vocab(ActivityStatus, "activity_status"), default=ActivityStatus.COMPLETED
    )
    method: Mapped[Method | None] = mapped_column(vocab(Method, "method"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    hazard_id: Mapped[int | None] = mapped_column(ForeignKey("hazard.id"), index=True)
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    team_days: Mapped[float | None] = mapped_column(Float)
    cost_usd: Mapped[float | None] = mapped_column(Float)


class Release(Record, BBox, Base):
    """A land-release product: ground cancelled, reduced or cleared.

    ``area_m2`` is the geodesic area of ``geom``; ``effective_m2`` is what the
    ledger credits after clipping to the hazard and removing ground released
    earlier; ``outside_m2`` and ``double_m2`` are what it did not credit.
    """

    __tablename__ = "release"
    __table_args__ = (
        *spatial_indexes("release", "geom"),
        bbox_index("release"),
        CheckConstraint("depth_cm IS NULL OR depth_cm >= 0", name="depth_not_negative"),
        CheckConstraint(
            "reported_area_m2 IS NULL OR reported_area_m2 >= 0",
            name="area_not_negative",
        ),
    )

    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activity.id"), index=True
    )
    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazard.id"), index=True)
    kind: Mapped[ReleaseKind] = mapped_column(vocab(ReleaseKind, "release_kind"))
    released_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    depth_cm: Mapped[float | None] = mapped_column(Float)
    reported_area_m2: Mapped[float | None] = mapped_column(Float)
    area_m2: Mapped[float] = mapped_column(Float, default=0.0)
    effective_m2: Mapped[float] = mapped_column(Float, default=0.0)
    outside_m2: Mapped[float] = mapped_column(Float, default=0.0)
    double_m2: Mapped[float] = mapped_column(Float, default=0.0)
    geom: Mapped[BaseGeometry | None] = mapped_column(Geometry("MULTIPOLYGON"))
