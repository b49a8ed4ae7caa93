# SPDX-License-Identifier: GPL-3.0-or-later
"""Declarative base and the columns every register record carries."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    event,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from demine.domain.identity import UID_LENGTH, new_uid
from demine.domain.vocab import ReviewState
from demine.store.types import Geometry

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def vocab(enum: type[StrEnum], name: str) -> Enum:
    """A vocabulary column: text of the enum's values with a CHECK constraint.

    The CHECK is added by :func:`_vocab_check` when the column joins its table.
    """
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


@event.listens_for(Column, "after_parent_attach")
def _vocab_check(column: Column[Any], table: Any) -> None:
    """CHECK a vocabulary column with ``=`` tests joined by OR.

    SQLite evaluates ``x IN ('a', 'b', ...)`` in a CHECK by building a
    temporary table for every row, which made bulk loads four times slower;
    an OR of equalities is just as strict and costs nothing.
    """
    # Only our own tables: Alembic copies columns into tables of its own, and
    # the migrations spell their constraints out.
    if not isinstance(table, Table) or table.metadata is not METADATA:
        return
    if not isinstance(column.type, Enum):
        return
    if column.type.native_enum or not column.type.enums:
        return
    tests = " OR ".join(f"{column.name} = '{v}'" for v in column.type.enums)
    table.append_constraint(CheckConstraint(tests, name=column.type.name))


METADATA = MetaData(naming_convention=NAMING)


class Base(DeclarativeBase):
    metadata = METADATA
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Record:
    """Columns shared by every register record.

    ``uid`` is the record's global identity, a UUID given at creation
    (:mod:`demine.domain.identity`): exports carry it and imports match on
    it first. ``external_id`` is the id the record has in the source it came
    from, so a re-import of that source updates instead of duplicating;
    ``version`` increments on every update so two concurrent edits can be
    told apart.
    """

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(UID_LENGTH), unique=True, default=new_uid)
    external_id: Mapped[str | None] = mapped_column(String(120), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now()
    )
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True),
        default=utcnow,
        onupdate=utcnow,
        server_default=func.now(),
    )
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    review_state: Mapped[ReviewState] = mapped_column(
        vocab(ReviewState, "review_state"),
        default=ReviewState.APPROVED,
        server_default=ReviewState.APPROVED.value,
    )

    @declared_attr
    def reported_by_id(cls) -> Mapped[int | None]:  # noqa: N805
        return mapped_column(ForeignKey("organisation.id"), index=True)


class BBox:
    """Bounding-box columns: the spatial index on SQLite, a cheap filter on both."""

    min_lon: Mapped[float | None] = mapped_column(Float)
    min_lat: Mapped[float | None] = mapped_column(Float)
    max_lon: Mapped[float | None] = mapped_column(Float)
    max_lat: Mapped[float | None] = mapped_column(Float)


def spatial_indexes(table: str, *geom_columns: str) -> tuple[Index, ...]:
    """A bbox index (both backends) and GiST indexes (PostgreSQL only)."""
    indexes: list[Index] = []
    for col in geom_columns:
        idx = Index(f"ix_{table}_{col}_gist", col, postgresql_using="gist")
        indexes.append(idx.ddl_if(dialect="postgresql"))
    return tuple(indexes)


def bbox_index(table: str) -> Index:
    return Index(f"ix_{table}_bbox", "min_lon", "max_lon", "min_lat", "max_lat")


__all__ = [
    "BBox",
    "Base",
    "Geometry",
    "Record",
    "bbox_index",
    "spatial_indexes",
    "utcnow",
    "vocab",
]
