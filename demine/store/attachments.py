# SPDX-License-Identifier: GPL-3.0-or-later
"""Queries of attachments and of the records they belong to by key.

:mod:`demine.attachments` decides who may attach and read;
:mod:`demine.exchange.attachments` and
:mod:`demine.exchange.submission_media` carry files in and out; the
statements they need are here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from demine.store.listing import MODELS
from demine.store.schema import Attachment


def attachments_for(session: Session, kind: str, record_id: int) -> list[Attachment]:
    """A record's attachments, oldest first."""
    return list(
        session.scalars(
            select(Attachment)
            .where(Attachment.entity == kind, Attachment.record_id == record_id)
            .order_by(Attachment.id)
        )
    )


def all_attachments(session: Session) -> list[Attachment]:
    return list(session.scalars(select(Attachment).order_by(Attachment.id)))


def attachment_keys(session: Session) -> set[str]:
    """The keys of attachments carried in already (imports, submissions)."""
    return {k for k in session.scalars(select(Attachment.external_id)) if k}


def external_id_of(session: Session, kind: str, record_id: int) -> str | None:
    model: Any = MODELS[kind]
    return session.scalar(select(model.external_id).where(model.id == record_id))


def id_of_key(session: Session, kind: str, key: str) -> int | None:
    """The id of the ``kind`` record whose external id is ``key``."""
    model: Any = MODELS[kind]
    return session.scalar(select(model.id).where(model.external_id == key))


def record_of_key(
    session: Session, kinds: Iterable[str], key: str
) -> tuple[str, int, Any] | None:
    """(kind, id, geometry or None) of the first record of ``kinds`` keyed ``key``."""
    for kind in kinds:
        model: Any = MODELS[kind]
        geoms = [c for c in model.__table__.c if c.key == "geom"]
        row = session.execute(
            select(model.id, *geoms).where(model.external_id == key)
        ).first()
        if row is not None:
            return kind, int(row[0]), row[1] if len(row) > 1 else None
    return None
