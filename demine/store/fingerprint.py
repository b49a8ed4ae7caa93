# SPDX-License-Identifier: GPL-3.0-or-later
"""A cheap fingerprint of some tables: row counts and last changes.

Caches of results computed from the register (the priority ranking) keep a
result while the fingerprint of the tables it was read from is unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import Connection

from demine.store.bulk import table
from demine.store.schema import Base


def tables_fingerprint(conn: Connection, names: Iterable[str]) -> tuple[Any, ...]:
    """Name, row count, highest key and latest ``updated_at`` (or
    ``scored_at``) of each table in ``names`` that exists: changes on any
    insert, edit or delete."""
    parts: list[Any] = []
    present = set(inspect(conn).get_table_names())
    for name in names:
        if name not in present or name not in Base.metadata.tables:
            continue
        t = table(name)
        key = t.c[t.primary_key.columns.keys()[0]]
        stamp = next((t.c[c] for c in ("updated_at", "scored_at") if c in t.c), key)
        count, top, last = conn.execute(
            select(func.count(), func.max(key), func.max(stamp)).select_from(t)
        ).one()
        parts += [name, int(count), str(top), str(last)]
    return tuple(parts)
