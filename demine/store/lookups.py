# SPDX-License-Identifier: GPL-3.0-or-later
"""Small reads that the import rules, the forms and the CLI make of the
register: which hazards had a technical survey, when each was last released,
the values of a column by record, the organisations, whether it is empty."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from demine.domain.vocab import ActivityType, ReviewState
from demine.store.bulk import table
from demine.store.upsert import chunks


def technically_surveyed(conn: Connection, hazard_ids: Iterable[int]) -> set[int]:
    """The hazards among ``hazard_ids`` with a technical survey in the register."""
    out: set[int] = set()
    act = table("activity")
    for part in chunks([int(i) for i in hazard_ids]):
        rows = conn.execute(
            select(act.c.hazard_id).where(
                act.c.hazard_id.in_(part), act.c.activity_type == ActivityType.TS.value
            )
        ).all()
        out.update(int(r[0]) for r in rows)
    return out


def last_release_on(conn: Connection, hazard_ids: Iterable[int]) -> dict[int, object]:
    """Hazard id -> the date of its last approved release (hazards with one)."""
    rel = table("release")
    last: dict[int, object] = {}
    for part in chunks([int(i) for i in hazard_ids]):
        rows = conn.execute(
            select(rel.c.hazard_id, func.max(rel.c.released_on))
            .where(
                rel.c.hazard_id.in_(part),
                rel.c.review_state == ReviewState.APPROVED.value,
            )
            .group_by(rel.c.hazard_id)
        ).all()
        last.update({int(h): d for h, d in rows})
    return last


def column_values(conn: Connection, kind: str, column: str) -> list[tuple[str, int]]:
    """(value, id) of every record of ``kind`` with ``column`` filled in."""
    tbl = table(kind)
    rows = conn.execute(
        select(tbl.c[column], tbl.c.id).where(tbl.c[column].is_not(None))
    ).all()
    return [(str(value), int(i)) for value, i in rows]


def organisation_names(conn: Connection) -> list[tuple[int, str]]:
    """(id, name) of every organisation, by name."""
    org = table("organisation")
    rows = conn.execute(select(org.c.id, org.c.name).order_by(org.c.name)).all()
    return [(int(i), str(n)) for i, n in rows]


def register_is_empty(conn: Connection) -> bool:
    """Whether the register holds neither hazards nor organisations."""
    return not any(
        conn.execute(select(func.count()).select_from(table(t))).scalar_one()
        for t in ("hazard", "organisation")
    )
