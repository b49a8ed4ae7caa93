# SPDX-License-Identifier: GPL-3.0-or-later
"""Organisations, their teams, and places (admin areas and settlements)."""

from __future__ import annotations

import datetime as dt

from shapely.geometry.base import BaseGeometry
from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from demine.domain.vocab import AccreditationStatus, Method, OrganisationType, PlaceType
from demine.store.schema.base import (
    Base,
    BBox,
    Geometry,
    Record,
    bbox_index,
    spatial_indexes,
    vocab,
)


class Organisation(Record, Base):
    """A clearing body, authority, NGO, company or donor."""

    __tablename__ = "organisation"

    name: Mapped[str] = mapped_column(String(200))
    acronym: Mapped[str | None] = mapped_column(String(40))
    org_type: Mapped[OrganisationType] = mapped_column(
        vocab(OrganisationType, "organisation_type")
    )
    country: Mapped[str | None] = mapped_column(String(80))
    accreditation: Mapped[AccreditationStatus] = mapped_column(
        vocab(AccreditationStatus, "accreditation_status"),
        default=AccreditationStatus.NONE,
    )
    accredited_until: Mapped[dt.date | None] = mapped_column(Date)


class Team(Record, Base):
    """A deployable team: method, size, productivity and daily cost."""

    __tablename__ = "team"
    __table_args__ = spatial_indexes("team", "base")

    name: Mapped[str] = mapped_column(String(120))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id"), index=True
    )
    method: Mapped[Method] = mapped_column(vocab(Method, "method"))
    size: Mapped[int] = mapped_column(Integer)
    productivity_m2_day: Mapped[float] = mapped_column(Float)
    cost_per_day_usd: Mapped[float] = mapped_column(Float)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    base: Mapped[BaseGeometry | None] = mapped_column(Geometry("POINT"))


class Place(Record, BBox, Base):
    """An admin area or a settlement (with population and planned return)."""

    __tablename__ = "place"
    __table_args__ = (
        *spatial_indexes("place", "location", "boundary"),
        bbox_index("place"),
    )

    name: Mapped[str] = mapped_column(String(200), index=True)
    place_type: Mapped[PlaceType] = mapped_column(vocab(PlaceType, "place_type"))
    code: Mapped[str | None] = mapped_column(String(40))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("place.id"), index=True)
    population: Mapped[int | None] = mapped_column(Integer)
    displaced_population: Mapped[int | None] = mapped_column(Integer)
    planned_return_on: Mapped[dt.date | None] = mapped_column(Date)
    location: Mapped[BaseGeometry | None] = mapped_column(Geometry("POINT"))
    boundary: Mapped[BaseGeometry | None] = mapped_column(Geometry("MULTIPOLYGON"))
