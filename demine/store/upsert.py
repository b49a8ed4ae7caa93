# SPDX-License-Identifier: GPL-3.0-or-later
"""Bulk upsert support: look records up by key, reserve ids, update in bulk.

These complete :mod:`demine.store.bulk` for imports that insert some rows
and update others, all inside the caller's transaction. Updates go through
``executemany`` on SQLite and through ``COPY`` into a temporary table and one
``UPDATE ... FROM`` on PostgreSQL; each updated row's ``version`` goes up by
one and its ``updated_at`` is set.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from numpy.typing import NDArray
from psycopg.copy import QueuedLibpqWriter
from sqlalchemy import JSON, Boolean, Date, DateTime, func, select
from sqlalchemy.engine import Connection

from demine.store.backends import backend_of, quote
from demine.store.bulk import (
    Progress,
    column_values,
    read_frame,
    table,
    with_defaults,
)
from demine.store.database import mark_written
from demine.store.types import Geometry, encode_many

log = logging.getLogger(__name__)

# Values per IN (...) list: well under SQLite's limit of 32,766 parameters.
IN_CHUNK = 10_000
# Rows per block of COPY text: small enough that the server parses one block
# while the next is formatted, and that memory stays bounded.
COPY_BLOCK = 20_000
# COPY's text format: the backslash first, or the others' escapes double up.
COPY_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))


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
    rows_now = count_rows(conn, name)
    if rows_now == 0:
        return {}
    present = pd.Series(keys if isinstance(keys, pd.Series) else list(keys)).dropna()
    wanted = pd.unique(present).tolist()
    if not wanted:
        return {}
    tbl = table(name)
    col = tbl.c[column]
    found: dict[Any, int] = {}
    if len(wanted) > IN_CHUNK and rows_now < 4 * len(wanted):
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
    return backend_of(conn).reserve_ids(conn, name, n)


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


def update_frame(
    conn: Connection, name: str, frame: pd.DataFrame, *, touch: bool = True
) -> int:
    """Set the columns of ``frame`` on the rows its ``id`` column names.

    Returns the number of rows updated. With ``touch`` (the default) each
    row's ``version`` goes up and ``updated_at`` is set; derived columns
    (areas, the ledger) are written with ``touch=False``, since they change
    no record's content.
    """
    if frame.empty:
        return 0
    tbl = table(name)
    columns = [c for c in frame.columns if c != "id" and c in tbl.c]
    backend = backend_of(conn)
    data = [column_values(tbl.c[c].type, frame[c], backend.name) for c in columns]
    ids = [int(i) for i in frame["id"]]
    mark_written(conn)
    backend.update_rows(conn, name, columns, data, ids, touch)
    log.info("updated %d %s rows", len(ids), name)
    return len(ids)


def copy_frame(
    conn: Connection,
    name: str,
    frame: pd.DataFrame,
    *,
    progress: Progress | None = None,
) -> int:
    """Insert ``frame`` into table ``name`` on PostgreSQL with one COPY.

    The same values as :func:`demine.store.bulk.insert_frame` (through its
    column conversion), but the COPY text is built a column at a time with
    vectorised string operations instead of row by row, which takes the
    client's share of a million-row load from seconds to about one. Ids
    must be in ``frame`` (see :func:`reserve_ids`).
    """
    if frame.empty:
        return 0
    tbl = table(name)
    frame = with_defaults(tbl, frame)
    columns = [c for c in frame.columns if c in tbl.c]
    cols = ", ".join(quote(conn, c) for c in columns)
    raw = conn.connection.driver_connection
    assert raw is not None
    mark_written(conn)
    statement = f"COPY {quote(conn, name)} ({cols}) FROM STDIN"
    with (
        raw.cursor() as cur,
        cur.copy(statement, writer=QueuedLibpqWriter(cur)) as copy,
    ):
        # The queued writer sends from its own thread, so the server parses
        # one block while this thread formats the next.
        for start in range(0, len(frame), COPY_BLOCK):
            part = frame.iloc[start : start + COPY_BLOCK]
            copy.write(_copy_text(part, columns, tbl))
            if progress is not None:
                progress(len(part))
    return len(frame)


def _copy_text(part: pd.DataFrame, columns: list[str], tbl: Any) -> memoryview:
    """Rows of ``part`` in COPY's text format: tabs, newlines, ``\\N``.

    Columns are joined into lines by Arrow's compute kernels: joining a
    million rows in pandas costs seconds, in Arrow a fraction of one.
    """
    texts = [
        _copy_column(part[c].reset_index(drop=True), tbl.c[c].type) for c in columns
    ]
    # The last column carries the line's newline.
    last = pc.fill_null(texts[-1], "\\N")
    texts[-1] = pc.binary_join_element_wise(last, pa.scalar(""), "\n")
    lines = pc.binary_join_element_wise(
        *texts, "\t", null_handling="replace", null_replacement="\\N"
    )
    if isinstance(lines, pa.ChunkedArray):
        lines = lines.combine_chunks()
    # The lines lie end to end in the array's data buffer: send that as is.
    _, offsets, data = lines.buffers()
    assert offsets is not None
    assert data is not None
    ends = np.frombuffer(offsets, dtype=np.int32)
    first, last = ends[lines.offset], ends[lines.offset + len(lines)]
    return memoryview(data)[first:last]


# Hex EWKB of a 2D point in EPSG:4326, little-endian: type 1 with the SRID
# flag, then the SRID; the two coordinates follow.
POINT_4326 = "0101000020E6100000"
HEX = np.array(list("0123456789ABCDEF"))


def _geometry_text(geoms: np.ndarray) -> tuple[pd.Series, np.ndarray]:
    """Hex EWKB of each geometry (None for empty ones), and the NULL mask.

    Points, the bulk of large loads (EO items, accidents), are spelled out
    from their coordinates with array operations; other shapes go through
    Shapely's writer.
    """
    missing = np.asarray(shapely.is_missing(geoms) | shapely.is_empty(geoms), bool)
    points = ~missing & (shapely.get_type_id(geoms) == 0) & ~shapely.has_z(geoms)
    out = np.full(len(geoms), "", dtype=object)
    if points.any():
        xy = shapely.get_coordinates(geoms[points]).astype("<f8")
        raw = xy.view(np.uint8).reshape(-1, 16)
        chars = np.empty((len(raw), 32), dtype="<U1")
        chars[:, 0::2] = HEX[raw >> 4]
        chars[:, 1::2] = HEX[raw & 15]
        body = chars.view("<U32").ravel()
        out[points] = np.char.add(POINT_4326, body)
    other = ~missing & ~points
    if other.any():
        out[other] = encode_many(geoms[other], "postgresql")
    return pd.Series(out, dtype=object), missing


def _copy_column(values: pd.Series, col_type: Any) -> pa.Array:
    """One column as COPY text, converted by type without a Python loop
    where the type allows; null where the value is missing."""
    # Only text can hold the characters COPY needs escaped.
    free_text = False
    missing = (
        np.asarray(pd.isna(values), dtype=bool) if values.dtype != object else None
    )
    if isinstance(col_type, Geometry):
        text, missing = _geometry_text(values.to_numpy(dtype=object))
    elif isinstance(col_type, Date | DateTime) and values.dtype != object:
        stamps = pd.to_datetime(values)
        unit = "datetime64[D]" if isinstance(col_type, Date) else "datetime64[us]"
        text = pd.Series(np.datetime_as_string(stamps.to_numpy(unit)))
    elif isinstance(col_type, Boolean) and values.dtype != object:
        text = pd.Series(np.where(values.to_numpy(dtype=bool), "t", "f"))
    elif values.dtype == object or isinstance(col_type, JSON | Date | DateTime):
        # Lists, dicts, enums, dates as objects: the bulk path's conversion.
        converted = column_values(col_type, values, "postgresql")
        series = pd.Series(converted, dtype=object)
        missing = series.isna().to_numpy(dtype=bool)
        text = series.map(str, na_action="ignore").astype("str")
        free_text = True
    else:
        free_text = pd.api.types.is_string_dtype(values.dtype)
        text = values.astype("str")
    if missing is None:
        missing = text.isna().to_numpy(dtype=bool)
    arrow = pa.array(text.astype("str"), type=pa.string())
    if free_text and pc.any(pc.match_substring_regex(arrow, r"[\\\t\n\r]")).as_py():
        for char, escaped in COPY_ESCAPES:
            arrow = pc.replace_substring(arrow, char, escaped)
    if missing.any():
        arrow = pc.if_else(pa.array(missing), pa.scalar(None, pa.string()), arrow)
    return arrow
