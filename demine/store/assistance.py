# SPDX-License-Identifier: GPL-3.0-or-later
"""Queries of victim assistance: survivors, their needs and the steps taken.

Who may call them is decided in :mod:`demine.assistance` (the assistance
role alone); these only read and write.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from demine.domain.vocab import AssistanceStep
from demine.store.schema import (
    Accident,
    AssistanceEvent,
    AuditEvent,
    Survivor,
    SurvivorNeed,
    Victim,
)


def audit_reads(session: Session, user_id: int, action: str, ids: list[int]) -> None:
    """One audit row per survivor read, in the reading transaction."""
    if ids:
        session.execute(
            insert(AuditEvent),
            [
                {
                    "user_id": user_id,
                    "action": action,
                    "entity": "survivor",
                    "record_id": i,
                    "at": dt.datetime.now(dt.UTC),
                }
                for i in ids
            ],
        )


def needs_of(session: Session, survivor_id: int) -> list[SurvivorNeed]:
    return list(
        session.scalars(
            select(SurvivorNeed)
            .where(SurvivorNeed.survivor_id == survivor_id)
            .order_by(SurvivorNeed.id)
        )
    )


def steps_of(session: Session, survivor_id: int) -> list[AssistanceEvent]:
    return list(
        session.scalars(
            select(AssistanceEvent)
            .where(AssistanceEvent.survivor_id == survivor_id)
            .order_by(AssistanceEvent.occurred_on, AssistanceEvent.id)
        )
    )


def survivor_rows(session: Session) -> list[tuple[Any, ...]]:
    """(id, code, full name, sex, age) of every survivor, by id."""
    rows = session.execute(
        select(Survivor.id, Survivor.code, Survivor.full_name, Victim.sex, Victim.age)
        .join(Victim, Victim.id == Survivor.victim_id)
        .order_by(Survivor.id)
    )
    return [tuple(r) for r in rows]


def open_needs(session: Session) -> dict[int, int]:
    """Needs not yet met, by survivor id."""
    counts: dict[int, int] = {}
    for sid, met in session.execute(
        select(SurvivorNeed.survivor_id, SurvivorNeed.met_on)
    ):
        if met is None:
            counts[sid] = counts.get(sid, 0) + 1
    return counts


def people(conn: Connection) -> list[tuple[Any, ...]]:
    """(survivor id, sex, age, day of the accident) of every survivor."""
    rows = conn.execute(
        select(Survivor.id, Victim.sex, Victim.age, Accident.occurred_on)
        .join(Victim, Victim.id == Survivor.victim_id)
        .join(Accident, Accident.id == Victim.accident_id)
    )
    return [tuple(r) for r in rows]


def need_states(conn: Connection) -> list[tuple[Any, ...]]:
    """(need, day it was met or None) of every need identified."""
    rows = conn.execute(select(SurvivorNeed.need, SurvivorNeed.met_on))
    return [tuple(r) for r in rows]


def first_services(conn: Connection) -> dict[int, dt.date]:
    """The day of each survivor's first service delivered."""
    rows = conn.execute(
        select(AssistanceEvent.survivor_id, func.min(AssistanceEvent.occurred_on))
        .where(AssistanceEvent.step == AssistanceStep.SERVICE.value)
        .group_by(AssistanceEvent.survivor_id)
    ).all()
    return {int(r[0]): r[1] for r in rows}
