# SPDX-License-Identifier: GPL-3.0-or-later
"""Quality management: inspections of released land, non-conformities, visits.

An :class:`Inspection` is the post-clearance inspection of one lot (released
ground of one organisation and method): the ISO 2859-1 plan it followed, the
sampling units drawn (:class:`SampleUnit`), what was found and the verdict.
A rejected lot raises a :class:`NonConformity`, whose corrective action is
followed to closure; :class:`MonitoringVisit` records QA of teams at work.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from shapely.geometry.base import BaseGeometry
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from demine.domain.vocab import (
    InspectionLevel,
    InspectionResult,
    Method,
    MonitoringOutcome,
    NonConformityStatus,
    RootCause,
    SampleShape,
    Severity,
    Stringency,
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


class Inspection(Record, BBox, Base):
    """Post-clearance inspection of a lot of released ground (IMAS 09.20).

    ``release_ids`` are the releases the lot is made of; ``geom`` holds the
    sampling units drawn, ``lot_geom`` the lot; the plan
    (code letter, sample size, Ac/Re) is kept as it was when drawn, so a
    later change of tables or stringency never rewrites a past verdict.
    """

    __tablename__ = "inspection"
    __table_args__ = (
        *spatial_indexes("inspection", "geom", "lot_geom"),
        bbox_index("inspection"),
        CheckConstraint("lot_m2 > 0 AND unit_m2 > 0", name="areas_positive"),
        CheckConstraint("reject_number > accept_number", name="re_above_ac"),
        CheckConstraint(
            "nonconforming_units IS NULL OR nonconforming_units >= 0",
            name="nonconforming_not_negative",
        ),
    )

    name: Mapped[str | None] = mapped_column(String(200))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    method: Mapped[Method | None] = mapped_column(vocab(Method, "method"))
    inspected_by_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    hazard_id: Mapped[int | None] = mapped_column(ForeignKey("hazard.id"), index=True)
    release_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    planned_on: Mapped[dt.date] = mapped_column(Date)
    inspected_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    lot_m2: Mapped[float] = mapped_column(Float)
    unit_m2: Mapped[float] = mapped_column(Float)
    lot_units: Mapped[int] = mapped_column(Integer)
    aql: Mapped[float] = mapped_column(Float)
    level: Mapped[InspectionLevel] = mapped_column(
        vocab(InspectionLevel, "inspection_level")
    )
    stringency: Mapped[Stringency] = mapped_column(vocab(Stringency, "stringency"))
    code_letter: Mapped[str] = mapped_column(String(1))
    plan_letter: Mapped[str] = mapped_column(String(1))
    sample_size: Mapped[int] = mapped_column(Integer)
    accept_number: Mapped[int] = mapped_column(Integer)
    reject_number: Mapped[int] = mapped_column(Integer)
    shape: Mapped[SampleShape] = mapped_column(vocab(SampleShape, "sample_shape"))
    lane_width_m: Mapped[float | None] = mapped_column(Float)
    seed: Mapped[int] = mapped_column(Integer)
    units_drawn: Mapped[int] = mapped_column(Integer)
    units_inspected: Mapped[int | None] = mapped_column(Integer)
    nonconforming_units: Mapped[int | None] = mapped_column(Integer)
    items_found: Mapped[int] = mapped_column(Integer, default=0)
    inspected_m2: Mapped[float] = mapped_column(Float, default=0.0)
    depth_cm: Mapped[float | None] = mapped_column(Float)
    inspection_method: Mapped[Method | None] = mapped_column(
        vocab(Method, "inspection_method")
    )
    result: Mapped[InspectionResult] = mapped_column(
        vocab(InspectionResult, "inspection_result"),
        default=InspectionResult.PLANNED,
        index=True,
    )
    cost_usd: Mapped[float | None] = mapped_column(Float)
    notes: Mapped[str | None] = mapped_column(Text)
    geom: Mapped[BaseGeometry | None] = mapped_column(Geometry("MULTIPOLYGON"))
    lot_geom: Mapped[BaseGeometry | None] = mapped_column(Geometry("MULTIPOLYGON"))


class SampleUnit(Record, Base):
    """One sampling unit of an inspection and what was found in it."""

    __tablename__ = "sample_unit"
    __table_args__ = (CheckConstraint("items_found >= 0", name="items_not_negative"),)

    inspection_id: Mapped[int] = mapped_column(
        ForeignKey("inspection.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    inspected: Mapped[bool] = mapped_column(Boolean, default=False)
    nonconforming: Mapped[bool] = mapped_column(Boolean, default=False)
    items_found: Mapped[int] = mapped_column(Integer, default=0)
    depth_cm: Mapped[float | None] = mapped_column(Float)
    notes: Mapped[str | None] = mapped_column(Text)
    geom: Mapped[BaseGeometry | None] = mapped_column(Geometry("POLYGON"))


class MonitoringVisit(Record, Base):
    """QA of a team at work: a checklist, its score and the verdict."""

    __tablename__ = "monitoring_visit"
    __table_args__ = (
        CheckConstraint("score >= 0 AND score <= 100", name="score_in_range"),
    )

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id"))
    hazard_id: Mapped[int | None] = mapped_column(ForeignKey("hazard.id"))
    visited_on: Mapped[dt.date] = mapped_column(Date, index=True)
    inspector: Mapped[str | None] = mapped_column(String(200))
    checklist: Mapped[dict[str, Any]] = mapped_column(default=dict)
    score: Mapped[float] = mapped_column(Float)
    outcome: Mapped[MonitoringOutcome] = mapped_column(
        vocab(MonitoringOutcome, "monitoring_outcome")
    )
    notes: Mapped[str | None] = mapped_column(Text)


class NonConformity(Record, Base):
    """A non-conformity, its root cause and corrective action, to closure.

    ``reopened_hazard_id`` is the hazard recorded for land found unsafe
    (closure of the old hazard is final; see :mod:`demine.domain.status`).
    """

    __tablename__ = "non_conformity"
    __table_args__ = (
        CheckConstraint(
            "closed_on IS NULL OR closed_on >= raised_on", name="closed_after_raised"
        ),
    )

    inspection_id: Mapped[int | None] = mapped_column(
        ForeignKey("inspection.id"), index=True
    )
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("monitoring_visit.id"))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    method: Mapped[Method | None] = mapped_column(vocab(Method, "method"))
    raised_on: Mapped[dt.date] = mapped_column(Date, index=True)
    severity: Mapped[Severity] = mapped_column(vocab(Severity, "severity"))
    description: Mapped[str] = mapped_column(Text)
    root_cause: Mapped[RootCause | None] = mapped_column(vocab(RootCause, "root_cause"))
    root_cause_detail: Mapped[str | None] = mapped_column(Text)
    corrective_action: Mapped[str | None] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(200))
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[NonConformityStatus] = mapped_column(
        vocab(NonConformityStatus, "non_conformity_status"),
        default=NonConformityStatus.OPEN,
        index=True,
    )
    action_taken_on: Mapped[dt.date | None] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    closure_note: Mapped[str | None] = mapped_column(Text)
    reopened_hazard_id: Mapped[int | None] = mapped_column(ForeignKey("hazard.id"))
