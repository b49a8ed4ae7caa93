# SPDX-License-Identifier: GPL-3.0-or-later
"""What differs between SQLite and PostgreSQL, behind one small interface.

The rest of the store asks :func:`backend_of` for the register's
:class:`Backend` and calls it, instead of testing the dialect's name (the
seam pygeoapi puts between its API and its providers). A backend has a few
capabilities, read as flags, and the statements only one database knows:

- ``spatial_sql``: the database itself finds rows by a spatial index and
  makes vector tiles (PostGIS); otherwise Shapely and NumPy do, in Python;
- ``row_locks``: an edit locks its row (``SELECT ... FOR UPDATE``);
- ``copies``: large inserts go faster through ``COPY`` than row by row;
- bulk inserts and updates, blocks of ids, secondary indexes, deferred and
  checked foreign keys, emptying a table, and dates as the driver takes them.

Backends are chosen by dialect name from :data:`BACKENDS`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from sqlalchemy import Select, func, select
from sqlalchemy.engine import Connection

from demine.store.schema import Base

log = logging.getLogger(__name__)

Orphan = tuple[str, str, str]  # child table, child id, parent table


def quote(conn: Connection, name: str) -> str:
    """``name`` quoted as an identifier of the connection's database."""
    return conn.dialect.identifier_preparer.quote(name)


def _raw(conn: Connection) -> Any:
    raw = conn.connection.driver_connection
    assert raw is not None
    return raw


class Backend:
    """The operations whose SQL differs between the two databases."""

    name: ClassVar[str]
    spatial_sql: ClassVar[bool] = False
    row_locks: ClassVar[bool] = False
    copies: ClassVar[bool] = False

    def dates(self, days: pd.Series) -> NDArray[np.object_]:
        """A column of dates (datetime64) as the driver takes them."""
        raise NotImplementedError

    def insert_rows(
        self, conn: Connection, name: str, columns: Sequence[str], rows: list[Any]
    ) -> None:
        """Insert driver-ready ``rows`` (tuples in ``columns`` order)."""
        raise NotImplementedError

    def ids_written(self, conn: Connection, name: str) -> None:
        """Rows were written with their own ids: later inserts must not reuse them."""

    def reserve_ids(self, conn: Connection, name: str, n: int) -> NDArray[np.int64]:
        """``n`` unused ids of table ``name``, held for this transaction."""
        raise NotImplementedError

    def update_rows(
        self,
        conn: Connection,
        name: str,
        columns: list[str],
        data: list[list[Any]],
        ids: list[int],
        touch: bool,
    ) -> None:
        """Set ``columns`` (``data``, one list per column) of the rows ``ids``;
        ``touch`` moves each row's version and update time on."""
        raise NotImplementedError

    def secondary_indexes(self, conn: Connection, name: str) -> list[tuple[str, str]]:
        """(name, CREATE statement) of the table's indexes that back no constraint."""
        raise NotImplementedError

    def before_index_build(self, conn: Connection) -> None:
        """Prepare the transaction for building indexes over many rows."""

    @contextmanager
    def foreign_keys_deferred(self, conn: Connection) -> Iterator[None]:
        """Foreign keys checked once after a bulk load, not row by row."""
        raise NotImplementedError
        yield  # pragma: no cover

    def orphans(self, conn: Connection, names: Iterable[str]) -> list[Orphan]:
        """Rows of tables ``names`` whose foreign key names no parent."""
        raise NotImplementedError

    def clear(self, conn: Connection, name: str) -> None:
        """Delete every row of table ``name`` (inside the transaction)."""
        raise NotImplementedError

    def for_write(self, stmt: Select[Any]) -> Select[Any]:
        """``stmt`` reading a row the caller is about to change."""
        return stmt


class SQLite(Backend):
    """One file, no server; spatial work in Shapely and NumPy."""

    name = "sqlite"

    def dates(self, days: pd.Series) -> NDArray[np.object_]:
        # The text SQLAlchemy itself stores for a Date on SQLite.
        return days.dt.strftime("%Y-%m-%d").to_numpy(dtype=object)

    def insert_rows(
        self, conn: Connection, name: str, columns: Sequence[str], rows: list[Any]
    ) -> None:
        cols = ", ".join(quote(conn, c) for c in columns)
        marks = ", ".join("?" for _ in columns)
        sql = f"INSERT INTO {quote(conn, name)} ({cols}) VALUES ({marks})"
        _raw(conn).executemany(sql, rows)

    def reserve_ids(self, conn: Connection, name: str, n: int) -> NDArray[np.int64]:
        # One writer at a time on SQLite: the highest id is the last one.
        tbl = Base.metadata.tables[name]
        top = conn.execute(select(func.coalesce(func.max(tbl.c.id), 0))).scalar_one()
        return np.arange(int(top) + 1, int(top) + 1 + n, dtype=np.int64)

    def update_rows(
        self,
        conn: Connection,
        name: str,
        columns: list[str],
        data: list[list[Any]],
        ids: list[int],
        touch: bool,
    ) -> None:
        sets = ", ".join(f"{quote(conn, c)} = ?" for c in columns)
        if touch:
            sets += ", version = version + 1, updated_at = ?"
            # The text SQLAlchemy itself stores for a DateTime on SQLite (UTC).
            now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
            data = [*data, [now] * len(ids)]
        sql = f"UPDATE {quote(conn, name)} SET {sets} WHERE id = ?"
        rows = [(*values, i) for *values, i in zip(*data, ids, strict=True)]
        _raw(conn).executemany(sql, rows)

    def secondary_indexes(self, conn: Connection, name: str) -> list[tuple[str, str]]:
        rows = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master "
            "WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
            (name,),
        ).all()
        return [(str(n), str(sql)) for n, sql in rows]

    @contextmanager
    def foreign_keys_deferred(self, conn: Connection) -> Iterator[None]:
        # The pragma is ignored inside a transaction: set it outside one.
        raw = _raw(conn)
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            yield
        finally:
            raw.execute("PRAGMA foreign_keys=ON")

    def orphans(self, conn: Connection, names: Iterable[str]) -> list[Orphan]:
        broken: list[Any] = []
        for name in names:
            broken += conn.exec_driver_sql(
                f"PRAGMA foreign_key_check({quote(conn, name)})"
            ).all()
        return [(t, str(r), p) for t, r, p, _ in broken]

    def clear(self, conn: Connection, name: str) -> None:
        # SQLite's unqualified DELETE truncates.
        conn.exec_driver_sql(f"DELETE FROM {quote(conn, name)}")


class PostgreSQL(Backend):
    """PostgreSQL with PostGIS: the server does the spatial work."""

    name = "postgresql"
    spatial_sql = True
    row_locks = True
    copies = True
    # A sort that fits in memory builds a million-row index in one pass; the
    # 64 MB default spills to disk.
    INDEX_BUILD_MEMORY = "256MB"

    def dates(self, days: pd.Series) -> NDArray[np.object_]:
        return np.array(days.dt.date, dtype=object)

    def insert_rows(
        self, conn: Connection, name: str, columns: Sequence[str], rows: list[Any]
    ) -> None:
        cols = ", ".join(quote(conn, c) for c in columns)
        with (
            _raw(conn).cursor() as cur,
            cur.copy(f"COPY {quote(conn, name)} ({cols}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def ids_written(self, conn: Connection, name: str) -> None:
        conn.exec_driver_sql(
            "SELECT setval(pg_get_serial_sequence(%(t)s, 'id'), "
            f"(SELECT COALESCE(MAX(id), 1) FROM {quote(conn, name)}))",
            {"t": name},
        )

    def reserve_ids(self, conn: Connection, name: str, n: int) -> NDArray[np.int64]:
        # One block of n ids in one statement (a million nextval calls take
        # seconds). The EXCLUSIVE lock, held to the end of the transaction,
        # keeps every other writer of the table, and so every other call of
        # its sequence, out of the block; readers are not blocked.
        conn.exec_driver_sql(f"LOCK TABLE {quote(conn, name)} IN EXCLUSIVE MODE")
        last = conn.exec_driver_sql(
            "SELECT setval(seq, nextval(seq) + %(n)s - 1) "
            "FROM pg_get_serial_sequence(%(t)s, 'id') AS seq",
            {"t": name, "n": n},
        ).scalar_one()
        return np.arange(int(last) - n + 1, int(last) + 1, dtype=np.int64)

    def update_rows(
        self,
        conn: Connection,
        name: str,
        columns: list[str],
        data: list[list[Any]],
        ids: list[int],
        touch: bool,
    ) -> None:
        # COPY into a temporary table, then one UPDATE ... FROM it.
        target = quote(conn, name)
        temp = quote(conn, f"_upsert_{name}")
        cols = ", ".join(quote(conn, c) for c in ["id", *columns])
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {temp}")
        conn.exec_driver_sql(
            f"CREATE TEMPORARY TABLE {temp} AS SELECT {cols} FROM {target} WITH NO DATA"
        )
        with (
            _raw(conn).cursor() as cur,
            cur.copy(f"COPY {temp} ({cols}) FROM STDIN") as copy,
        ):
            for row in zip(ids, *data, strict=True):
                copy.write_row(row)
        sets = ", ".join(f"{quote(conn, c)} = u.{quote(conn, c)}" for c in columns)
        if touch:
            sets += ", version = t.version + 1, updated_at = now()"
        conn.exec_driver_sql(
            f"UPDATE {target} AS t SET {sets} FROM {temp} AS u WHERE t.id = u.id"
        )
        conn.exec_driver_sql(f"DROP TABLE {temp}")

    def secondary_indexes(self, conn: Connection, name: str) -> list[tuple[str, str]]:
        rows = conn.exec_driver_sql(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE schemaname = current_schema() AND tablename = %(t)s "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint "
            "WHERE conrelid = to_regclass(%(t)s))",
            {"t": name},
        ).all()
        return [(str(n), str(sql)) for n, sql in rows]

    def before_index_build(self, conn: Connection) -> None:
        # Only for this transaction.
        conn.exec_driver_sql(
            f"SET LOCAL maintenance_work_mem = '{self.INDEX_BUILD_MEMORY}'"
        )

    @contextmanager
    def foreign_keys_deferred(self, conn: Connection) -> Iterator[None]:
        # session_replication_role = replica skips the per-row FK triggers
        # (half the cost of a COPY); it needs superuser rights, and without
        # them loads simply keep the row-by-row checks.
        raw = _raw(conn)
        try:
            # psycopg opens the transaction SQLAlchemy's begin() then adopts.
            raw.execute("SET session_replication_role = replica")
        except Exception:
            raw.rollback()
            log.info("no privilege to defer foreign keys; checking row by row")
        try:
            yield
        finally:
            if not raw.closed:
                raw.rollback()
                raw.execute("SET session_replication_role = origin")
                raw.commit()

    def orphans(self, conn: Connection, names: Iterable[str]) -> list[Orphan]:
        # Nothing to find when the triggers checked every row already.
        role = conn.exec_driver_sql("SHOW session_replication_role").scalar_one()
        if role != "replica":
            return []
        found: list[Orphan] = []
        for name in names:
            for fk in Base.metadata.tables[name].foreign_keys:
                child, parent = quote(conn, name), quote(conn, fk.column.table.name)
                col, ref = quote(conn, fk.parent.name), quote(conn, fk.column.name)
                rows = conn.exec_driver_sql(
                    f"SELECT c.id FROM {child} c WHERE c.{col} IS NOT NULL AND NOT "
                    f"EXISTS (SELECT 1 FROM {parent} p WHERE p.{ref} = c.{col}) "
                    "LIMIT 5"
                ).all()
                found += [(name, str(r[0]), fk.column.table.name) for r in rows]
        return found

    def clear(self, conn: Connection, name: str) -> None:
        # TRUNCATE is transactional on PostgreSQL and far quicker than DELETE
        # over millions of rows.
        conn.exec_driver_sql(f"TRUNCATE TABLE {quote(conn, name)}")

    def for_write(self, stmt: Select[Any]) -> Select[Any]:
        return stmt.with_for_update()


BACKENDS: dict[str, Backend] = {b.name: b for b in (SQLite(), PostgreSQL())}


def backend_of(bind: Any) -> Backend:
    """The backend of a connection, engine, session, :class:`Database` or
    dialect name."""
    if isinstance(bind, str):
        name = bind
    elif hasattr(bind, "get_bind"):  # an ORM session
        name = bind.get_bind().dialect.name
    elif hasattr(bind, "engine"):  # a Connection, or demine's Database
        name = bind.engine.dialect.name
    else:
        name = bind.dialect.name
    try:
        return BACKENDS[name]
    except KeyError:
        raise ValueError(f"no demine backend for the {name!r} database") from None
