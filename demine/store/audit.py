# SPDX-License-Identifier: GPL-3.0-or-later
"""The audit trail: every write through the API, with the record before and after.

Writes through the API and the forms add one event each (:func:`record_event`);
imports made by a person in the browser add theirs in bulk
(:func:`record_values`, :func:`insert_events`), in the same shape: a record
is the JSON-ready dict of :func:`demine.store.listing.to_dict`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from demine.store.database import Database
from demine.store.listing import json_value
from demine.store.schema import AuditEvent, Base, User

# Ids per IN (...) list: well under SQLite's limit of 32,766 parameters.
IDS_PER_QUERY = 10_000


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


def record_values(
    conn: Connection, kind: str, ids: Sequence[int]
) -> dict[int, dict[str, Any]]:
    """The stored records of ``kind`` with these ids, by id, as ``to_dict`` has them.

    One query per 10,000 ids, inside the caller's transaction.
    """
    table = Base.metadata.tables[kind]
    wanted = [int(i) for i in ids]
    out: dict[int, dict[str, Any]] = {}
    for start in range(0, len(wanted), IDS_PER_QUERY):
        part = wanted[start : start + IDS_PER_QUERY]
        for row in conn.execute(select(table).where(table.c.id.in_(part))):
            values = row._mapping
            out[int(values[table.c.id])] = {
                col.key: _json_safe(values[col]) for col in table.c
            }
    return out


def _json_safe(value: Any) -> Any:
    # PostgreSQL's JSON refuses NaN, which a bulk-written float column may hold.
    if isinstance(value, float) and math.isnan(value):
        return None
    return json_value(value)


def insert_events(conn: Connection, events: Sequence[Mapping[str, Any]]) -> None:
    """Add many audit events with one multi-row insert, in the caller's transaction.

    Each event has ``user_id``, ``action``, ``entity``, ``record_id``,
    ``before`` and ``after``; ``at`` too, or the time of writing.
    """
    if events:
        conn.execute(insert(AuditEvent), list(events))


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
