# SPDX-License-Identifier: GPL-3.0-or-later
"""The audit trail: every write through the API, with the record before and after."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from demine.store.database import Database
from demine.store.schema import AuditEvent, User


def record_event(
    session: Session,
    *,
    user_id: int | None,
    action: str,
    entity: str,
    record_id: int,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """Add one audit event in the caller's transaction, so both commit or neither."""
    session.add(
        AuditEvent(
            user_id=user_id,
            action=action,
            entity=entity,
            record_id=record_id,
            before=before,
            after=after,
        )
    )


def history(db: Database, entity: str, record_id: int) -> list[dict[str, Any]]:
    """Every audit event of one record, oldest first."""
    stmt = (
        select(AuditEvent, User.username)
        .outerjoin(User, User.id == AuditEvent.user_id)
        .where(AuditEvent.entity == entity, AuditEvent.record_id == record_id)
        .order_by(AuditEvent.id)
    )
    with db.session() as session:
        return [
            {
                "at": event.at.isoformat(),
                "user": username,
                "action": event.action,
                "before": event.before,
                "after": event.after,
            }
            for event, username in session.execute(stmt)
        ]
