# SPDX-License-Identifier: GPL-3.0-or-later
"""Files attached to records: photos, scanned maps, signed forms, PDFs.

The bytes live outside the database, content-addressed by SHA-256
(:mod:`demine.attachments.blobs`); a row says which record a file belongs to
and what was found when it was checked.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from demine.store.schema.base import Base, Record


class Attachment(Record, Base):
    """One file on one record (``entity`` and ``record_id``)."""

    __tablename__ = "attachment"
    __table_args__ = (
        Index("ix_attachment_record", "entity", "record_id"),
        CheckConstraint("size_bytes >= 0", name="size_not_negative"),
    )

    entity: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    thumbnail_sha256: Mapped[str | None] = mapped_column(String(64))
    taken_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    exif_lon: Mapped[float | None] = mapped_column(Float)
    exif_lat: Mapped[float | None] = mapped_column(Float)
    # Metres from the photo's EXIF position to the record's geometry.
    distance_m: Mapped[float | None] = mapped_column(Float)
    caption: Mapped[str | None] = mapped_column(Text)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
