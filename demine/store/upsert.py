# SPDX-License-Identifier: GPL-3.0-or-later
"""Bulk upsert support: look records up by key, reserve ids, update in bulk.

These complete :mod:`demine.store.bulk` for imports that insert some rows
and update others, all inside the caller's transaction. Updates go through
``executemany`` on SQLite and through ``COPY`` into a temporary table and one
``UPDATE ... FROM`` on PostgreSQL; each updated row's ``version`` goes up by
one and its ``updated_at`` is set.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from demine.store.bulk import _column_values, quote, read_frame, table

log = logging.getLogger(__name__)

# Values per IN (...) list: well under SQLite's limit of 32,766 parameters.
IN_CHUNK = 10_000


def chunks(values: Sequence[Any], size: int = IN_CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def count_rows(conn: Connection, name: str) -> int:
    return int(conn.execute(select(func.count()).select_from(table(name))).scalar_one())


def ids_by_key(
    conn: Connection, name: str, column: str, keys: Iterable[Any]
) -> dict[Any, int]:
    """``{key: id}`` for the rows of table ``name`` whose ``column`` is a key.

    Keys not found are absent. When the keys are many compared with the
    table, the whole column is read once instead of in ``IN`` lists.
    """
    wanted = list(dict.fromkeys(k for k in keys if k is not None))
    if not wanted:
        return {}
    tbl = table(name)
    col = tbl.c[column]
    found: dict[Any, int] = {}
    if len(wanted) > IN_CHUNK and count_rows(conn, name) < 4 * len(wanted):
        rows = conn.execute(select(col, tbl.c.id).where(col.is_not(None))).all()
        keyset = set(wanted)
        return {k: int(i) for k, i in rows if k in keyset}
    for part in chunks(wanted):
        rows = conn.execute(select(col, tbl.c.id).where(col.in_(part))).all()
        found.update({k: int(i) for k, i in rows})
    return found


def reserve_ids(conn: Connection, name: str, n: int) -> NDArray[np.int64]:
    """``n`` unused ids for table ``name``, so related rows can refer to them
    before they are written."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if conn.dialect.name == "postgresql":
        rows = conn.exec_driver_sql(
            "SELECT nextval(pg_get_serial_sequence(%(t)s, 'id')) "
            "FROM generate_series(1, %(n)s)",
            {"t": name, "n": n},
        ).all()
        return np.sort(np.fromiter((r[0] for r in rows), dtype=np.int64, count=n))
    tbl = table(name)
    top = conn.execute(select(func.coalesce(func.max(tbl.c.id), 0))).scalar_one()
    return np.arange(int(top) + 1, int(top) + 1 + n, dtype=np.int64)


def read_by_ids(
    conn: Connection, name: str, columns: Sequence[str], ids: Sequence[int]
) -> pd.DataFrame:
    """Rows of ``name`` with the given ids (any order), geometries decoded."""
    tbl = table(name)
    cols = ["id", *[c for c in columns if c != "id"]]
    parts = [
        read_frame(conn, name, cols, tbl.c.id.in_([int(i) for i in part]))
        for part in chunks(list(ids))
    ]
    if not parts:
        return read_frame(conn, name, cols, tbl.c.id.in_([]))
    return pd.concat(parts, ignore_index=True)


def update_frame(conn: Connection, name: str, frame: pd.DataFrame) -> int:
    """Set the columns of ``frame`` on the rows its ``id`` column names.

    Returns the number of rows updated; bumps ``version`` and ``updated_at``.
    """
    if frame.empty:
        return 0
    tbl = table(name)
    columns = [c for c in frame.columns if c != "id" and c in tbl.c]
    dialect = conn.dialect.name
    data = [_column_values(tbl.c[c].type, frame[c], dialect) for c in columns]
    ids = [int(i) for i in frame["id"]]
    if dialect == "postgresql":
        _update_postgres(conn, name, columns, data, ids)
    else:
        _update_sqlite(conn, name, columns, data, ids)
    log.info("updated %d %s rows", len(ids), name)
    return len(ids)


def _update_sqlite(
    conn: Connection,
    name: str,
    columns: list[str],
    data: list[list[Any]],
    ids: list[int],
) -> None:
    sets = ", ".join(f"{quote(conn, c)} = ?" for c in columns)
    sql = (
        f"UPDATE {quote(conn, name)} SET {sets}, version = version + 1, "
        "updated_at = ? WHERE id = ?"
    )
    # The text SQLAlchemy itself stores for a DateTime on SQLite (UTC).
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    rows = [(*values, now, i) for *values, i in zip(*data, ids, strict=True)]
    raw = conn.connection.driver_connection
    assert raw is not None
    raw.executemany(sql, rows)


def _update_postgres(
    conn: Connection,
    name: str,
    columns: list[str],
    data: list[list[Any]],
    ids: list[int],
) -> None:
    target = quote(conn, name)
    temp = quote(conn, f"_upsert_{name}")
    cols = ", ".join(quote(conn, c) for c in ["id", *columns])
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {temp}")
    conn.exec_driver_sql(
        f"CREATE TEMPORARY TABLE {temp} AS SELECT {cols} FROM {target} WITH NO DATA"
    )
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy(f"COPY {temp} ({cols}) FROM STDIN") as copy:
        for row in zip(ids, *data, strict=True):
            copy.write_row(row)
    sets = ", ".join(f"{quote(conn, c)} = u.{quote(conn, c)}" for c in columns)
    conn.exec_driver_sql(
        f"UPDATE {target} AS t SET {sets}, version = t.version + 1, "
        f"updated_at = now() FROM {temp} AS u WHERE t.id = u.id"
    )
    conn.exec_driver_sql(f"DROP TABLE {temp}")
