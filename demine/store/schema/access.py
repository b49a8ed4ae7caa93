# SPDX-License-Identifier: GPL-3.0-or-later
"""Who may use the register: users, API tokens, the audit trail, public layers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from demine.domain.vocab import Role
from demine.store.schema.base import Base, utcnow, vocab


class User(Base):
    """A person who logs in; clerks belong to the organisation they report for."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(vocab(Role, "role"), default=Role.VIEWER)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id"), index=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now()
    )
    # The interface language the user chose (en, az, ru); None: no preference.
    language: Mapped[str | None] = mapped_column(String(8))


class ApiToken(Base):
    """A bearer token for API clients; only its SHA-256 digest is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), index=True
    )
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now()
    )


class AuditEvent(Base):
    """One write to the register: who, when, what, and the record before/after."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_record", "entity", "record_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now()
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    action: Mapped[str] = mapped_column(String(20))
    entity: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class PublicLayer(Base):
    """A layer the administrator opened to anonymous readers (approved records)."""

    __tablename__ = "public_layer"

    layer: Mapped[str] = mapped_column(String(40), primary_key=True)
