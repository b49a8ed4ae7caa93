# SPDX-License-Identifier: GPL-3.0-or-later
"""Bulk paths: DataFrames in and out of register tables.

Writes go through the driver's fastest path (``executemany`` on SQLite,
``COPY`` on PostgreSQL) inside the caller's transaction, so a failure leaves
nothing behind. Values are converted column by column, never row by row in
Python beyond what the driver itself does.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from enum import Enum
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    LargeBinary,
    Table,
    select,
    type_coerce,
)
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from demine.domain.identity import new_uids
from demine.errors import StoreError
from demine.i18n import _
from demine.i18n.numbers import number
from demine.store.backends import backend_of, quote
from demine.store.database import mark_written
from demine.store.schema import Base
from demine.store.types import Geometry, decode_many, encode_many

log = logging.getLogger(__name__)

Progress = Callable[[int], None]
CHUNK = 50_000


def table(name: str) -> Table:
    """The register table called ``name``."""
    return Base.metadata.tables[name]


def column_values(col_type: Any, values: pd.Series, dialect: str) -> list[Any]:
    """Convert one column to what the driver wants, vectorised where possible."""
    if isinstance(col_type, Geometry):
        return encode_many(values.to_numpy(dtype=object), dialect)
    missing = pd.isna(values).to_numpy() if values.dtype != object else None
    if isinstance(col_type, JSON):
        return [None if _is_na(v) else json.dumps(_plain(v)) for v in values]
    if isinstance(col_type, Date | DateTime):
        conv = pd.to_datetime(values, utc=isinstance(col_type, DateTime))
        if isinstance(col_type, Date):
            out = backend_of(dialect).dates(conv)
        else:
            out = np.array(conv.dt.to_pydatetime(), dtype=object)
        out[pd.isna(conv).to_numpy()] = None
        return out.tolist()
    # astype(object) turns numpy scalars into plain Python ones, which every
    # driver adapts; enums become their text.
    out = values.to_numpy(dtype=object, copy=True)
    if missing is None:
        missing = np.array([_is_na(v) for v in out], dtype=bool)
        out = np.array(
            [v.value if isinstance(v, Enum) else v for v in out], dtype=object
        )
    if isinstance(col_type, Boolean):
        out = np.array([bool(v) for v in out], dtype=object)
    out[missing] = None
    return out.tolist()


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | np.ndarray):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    return value


def _is_na(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, list | tuple | np.ndarray | dict):
        return False
    return bool(pd.isna(value))


def _rows(
    frame: pd.DataFrame, tbl: Table, dialect: str
) -> tuple[list[str], list[list[Any]]]:
    columns = [c for c in frame.columns if c in tbl.c]
    unknown = set(frame.columns) - set(columns)
    if unknown:
        log.debug("ignoring columns not in %s: %s", tbl.name, sorted(unknown))
    data = [column_values(tbl.c[c].type, frame[c], dialect) for c in columns]
    return columns, data


def insert_frame(
    conn: Connection,
    name: str,
    frame: pd.DataFrame,
    *,
    progress: Progress | None = None,
) -> int:
    """Insert every row of ``frame`` into table ``name``; returns the count.

    Columns not in the table are ignored. If ``frame`` carries ``id`` values
    the PostgreSQL sequence is moved past them.
    """
    if frame.empty:
        return 0
    tbl = table(name)
    backend = backend_of(conn)
    frame = with_defaults(tbl, frame)
    mark_written(conn)
    for start in range(0, len(frame), CHUNK):
        part = frame.iloc[start : start + CHUNK]
        columns, data = _rows(part, tbl, backend.name)
        backend.insert_rows(conn, name, columns, list(zip(*data, strict=True)))
        if progress is not None:
            progress(len(part))
    if "id" in frame.columns:
        backend.ids_written(conn, name)
    return len(frame)


def with_defaults(tbl: Table, frame: pd.DataFrame) -> pd.DataFrame:
    """Fill the Python-side column defaults the ORM would have applied.

    Columns with a server default are left to the database.
    """
    extra: dict[str, Any] = {}
    for col in tbl.c:
        if col.name in frame.columns or col.default is None:
            continue
        if col.name == "uid":
            # A million ids in one vectorised pass, not a million calls.
            extra[col.name] = new_uids(len(frame))
            continue
        if col.server_default is not None or col.primary_key:
            continue
        default = col.default
        if getattr(default, "is_scalar", False):
            extra[col.name] = default.arg  # type: ignore[attr-defined]
        elif getattr(default, "is_callable", False):
            make = default.arg  # type: ignore[attr-defined]
            extra[col.name] = [make(None) for _unused in range(len(frame))]
    return frame.assign(**extra) if extra else frame


def read_frame(
    conn: Connection,
    name: str,
    columns: Sequence[str] | None = None,
    where: ColumnElement[bool] | None = None,
) -> pd.DataFrame:
    """Read columns of table ``name`` into a DataFrame; geometries decoded.

    Geometry columns are fetched raw and decoded in one vectorised call rather
    than one Shapely object per row through the type's result processor.
    """
    tbl = table(name)
    names = list(columns) if columns is not None else [c.name for c in tbl.c]
    geo = {n for n in names if isinstance(tbl.c[n].type, Geometry)}
    selected = [_raw(tbl, n) if n in geo else tbl.c[n] for n in names]
    stmt = select(*selected)
    if where is not None:
        stmt = stmt.where(where)
    result = conn.execute(stmt.order_by(tbl.c.id) if "id" in tbl.c else stmt)
    # Columns from transposed tuples: building a frame from Row objects makes
    # pandas probe each row's attributes, which costs seconds per 100k rows.
    rows = [tuple(r) for r in result.fetchall()]
    values: list[tuple[Any, ...]] = (
        list(zip(*rows, strict=True)) if rows else [() for _unused in names]
    )
    frame = pd.DataFrame(
        {n: pd.Series(c, dtype=object) for n, c in zip(names, values, strict=True)}
    )
    for n in names:
        if n not in geo:
            frame[n] = frame[n].infer_objects()
    for n in geo:
        frame[n] = decode_many(frame[n].to_numpy(dtype=object))
    return frame


def _raw(tbl: Table, name: str) -> ColumnElement[Any]:
    return type_coerce(tbl.c[name], LargeBinary()).label(name)


# Below this many rows, rebuilding a table's indexes costs more than it saves.
REBUILD_ROWS = 20_000


def secondary_indexes(conn: Connection, name: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the table's indexes that back no constraint."""
    return backend_of(conn).secondary_indexes(conn, name)


@contextmanager
def indexes_rebuilt(conn: Connection, name: str, rows: int) -> Iterator[None]:
    """Drop the table's secondary indexes around a large insert, then rebuild.

    Building an index once over sorted data is several times faster than
    updating it row by row; inside the caller's transaction, a failure
    restores the indexes with everything else.
    """
    if rows < REBUILD_ROWS:
        yield
        return
    indexes = secondary_indexes(conn, name)
    for index, _unused in indexes:
        conn.exec_driver_sql(f"DROP INDEX {quote(conn, index)}")
    yield
    if indexes:
        backend_of(conn).before_index_build(conn)
    for _unused, create in indexes:
        conn.exec_driver_sql(create)


@contextmanager
def foreign_keys_deferred(conn: Connection) -> Iterator[None]:
    """Check foreign keys once after a bulk load, not row by row.

    Enter it outside a transaction, then begin one, load, and call
    :func:`check_foreign_keys` before committing. On SQLite this turns the
    ``foreign_keys`` pragma off (it is ignored inside a transaction). On
    PostgreSQL it sets ``session_replication_role = replica``, which skips
    the per-row FK triggers (half the cost of a COPY); that needs superuser
    rights, and without them loads simply keep the row-by-row checks.
    """
    with backend_of(conn).foreign_keys_deferred(conn):
        yield


def check_foreign_keys(conn: Connection, tables: Iterable[str] | None = None) -> None:
    """Raise StoreError if any row of ``tables`` (default all) has a missing parent."""
    names = list(tables) if tables is not None else list(Base.metadata.tables)
    found = backend_of(conn).orphans(conn, names)
    if found:
        sample = ", ".join(f"{t} row {r} -> {p}" for t, r, p in found[:5])
        raise StoreError(
            _(
                "%(n)s rows reference records that do not exist: %(sample)s",
                n=number(len(found)),
                sample=sample,
            )
        )
