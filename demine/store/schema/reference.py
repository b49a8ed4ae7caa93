# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference layers and the audit record of geometry repairs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shapely.geometry.base import BaseGeometry
from sqlalchemy import DateTime, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from demine.domain.vocab import ReferenceKind
from demine.store.schema.base import (
    Base,
    BBox,
    Geometry,
    Record,
    bbox_index,
    spatial_indexes,
    utcnow,
    vocab,
)


class ReferenceFeature(Record, BBox, Base):
    """A road, power line, project, heritage site, protected area, front line ..."""

    __tablename__ = "reference_feature"
    __table_args__ = (
        *spatial_indexes("reference_feature", "geom"),
        bbox_index("reference_feature"),
    )

    kind: Mapped[ReferenceKind] = mapped_column(
        vocab(ReferenceKind, "reference_kind"), index=True
    )
    name: Mapped[str | None] = mapped_column(String(200))
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    geom: Mapped[BaseGeometry | None] = mapped_column(Geometry("GEOMETRY"))


class GeometryRepair(Base):
    """An audit record: one geometry changed by ``demine validate --repair``."""

    __tablename__ = "geometry_repair"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer, index=True)
    rule: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    before_wkb: Mapped[bytes | None] = mapped_column(LargeBinary)
    repaired_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )
