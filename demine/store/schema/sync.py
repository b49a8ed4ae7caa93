# SPDX-License-Identifier: GPL-3.0-or-later
"""What a register knows of the registers it syncs with (:mod:`demine.exchange.sync`).

``sync_peer`` names this register (``is_self``) and every other one it
exchanges change files with; ``sync_record`` says, per peer and record,
which version that peer is known to hold (the base an edit is made from);
``sync_conflict`` keeps an incoming edit of a record that changed here
too, with the base, this register's version and the peer's, until a
reviewer resolves it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from demine.domain.identity import UID_LENGTH
from demine.store.schema.base import Base, utcnow


class SyncPeer(Base):
    """This register (``is_self``) or one it exchanges changes with."""

    __tablename__ = "sync_peer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(UID_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    is_self: Mapped[bool] = mapped_column(Boolean, default=False)
    #: the register this one was checked out from
    origin: Mapped[bool] = mapped_column(Boolean, default=False)
    url: Mapped[str | None] = mapped_column(String(500))
    #: what a checkout made from this register holds (area, bbox, organisation)
    selection: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: the last change file written for it, and the last one applied from it
    exported_seq: Mapped[int] = mapped_column(Integer, default=0)
    imported_seq: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now()
    )


class SyncRecord(Base):
    """The version of one record a peer is known to hold."""

    __tablename__ = "sync_record"

    peer_id: Mapped[int] = mapped_column(ForeignKey("sync_peer.id"), primary_key=True)
    entity: Mapped[str] = mapped_column(String(40), primary_key=True)
    uid: Mapped[str] = mapped_column(String(UID_LENGTH), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    #: received from the peer and not yet acknowledged to it
    unacknowledged: Mapped[bool] = mapped_column(Boolean, default=False)


class SyncConflict(Base):
    """An incoming edit of a record that changed here since their common base."""

    __tablename__ = "sync_conflict"
    __table_args__ = (Index("ix_sync_conflict_record", "entity", "uid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    peer_id: Mapped[int] = mapped_column(ForeignKey("sync_peer.id"))
    entity: Mapped[str] = mapped_column(String(40))
    uid: Mapped[str] = mapped_column(String(UID_LENGTH))
    base_version: Mapped[int | None] = mapped_column(Integer)
    mine_version: Mapped[int] = mapped_column(Integer)
    theirs_version: Mapped[int] = mapped_column(Integer)
    base: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    mine: Mapped[dict[str, Any]] = mapped_column(JSON)
    theirs: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: open, or how it was resolved: theirs, mine, merged
    state: Mapped[str] = mapped_column(String(20), default="open")
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now()
    )
