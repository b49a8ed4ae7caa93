# SPDX-License-Identifier: GPL-3.0-or-later
"""Records as a change file has them, and back into staged batches.

A record travels as the exporter's row (:func:`entity_frame`); conflicts
keep rows as plain JSON values (geometry as WKT, dates as ISO text), which
the conflict page shows and a resolution stages again through the
importer's checks (:func:`stage_rows`), like any file.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd
import shapely
from sqlalchemy.engine import Connection

from demine.errors import ImportRejectedError
from demine.exchange.checks import Problems
from demine.exchange.entities import entity
from demine.exchange.exporter import entity_frame
from demine.exchange.formats import SourceTable
from demine.exchange.mapping import apply_mapping
from demine.exchange.native import native_mapping
from demine.exchange.staging import Batch, PlaceIndex, Staging, check_staged
from demine.store.bulk import table

IDS_PER_READ = 10_000


def exported_rows(
    conn: Connection, kind: str, ids: list[int], keys: dict[str, dict[int, str]]
) -> pd.DataFrame:
    """The exporter's rows of these records, read a slice of ids at a time."""
    tbl = table(kind)
    frames = [
        entity_frame(conn, kind, keys, tbl.c.id.in_(ids[i : i + IDS_PER_READ]))
        for i in range(0, max(len(ids), 1), IDS_PER_READ)
    ]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def plain_rows(kind: str, frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """uid -> the row's content fields as JSON values (derived ones left out)."""
    spec = entity(kind)
    fields = [f for f in spec.fields if not f.derived and f.name in frame]
    main = spec.main_geometry
    columns = {f.name: frame[f.name].tolist() for f in fields}
    geoms = (
        frame["geometry"].tolist() if main is not None and "geometry" in frame else None
    )
    out: dict[str, dict[str, Any]] = {}
    for pos, uid in enumerate(frame["uid"].tolist()):
        row = {f.name: _plain(f.type, columns[f.name][pos]) for f in fields}
        if geoms is not None:
            row[main] = _geometry(geoms[pos])  # type: ignore[index]
        out[str(uid)] = row
    return out


def _plain(kind: str, value: Any) -> Any:
    if value is None or (not isinstance(value, list | dict) and _missing(value)):
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if kind == "bool":
        return bool(value)
    if isinstance(value, np.generic):
        return value.item()
    if kind == "geometry":
        return _geometry(shapely.from_wkt(value)) if isinstance(value, str) else None
    return str(value)


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _geometry(value: Any) -> str | None:
    """Normalised WKT: the same shape is the same text, single or multi part."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if value.is_empty:
        return None
    parts = shapely.get_parts(value)
    if len(parts) == 1:
        value = parts[0]
    return str(shapely.to_wkt(shapely.normalize(value), rounding_precision=-1))


def same_content(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Two plain rows hold the same content (numbers within rounding)."""
    for name in set(a) | set(b):
        x, y = a.get(name), b.get(name)
        if isinstance(x, float) and isinstance(y, float | int):
            if not math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-9):
                return False
        elif x != y:
            return False
    return True


def stage_rows(
    kind: str, rows: list[dict[str, Any]], where: str, places: PlaceIndex
) -> Batch:
    """Plain rows checked as an import checks a file's (``where`` names them)."""
    spec = entity(kind)
    frame = pd.DataFrame(rows, dtype=object)
    geometry = None
    main = spec.main_geometry
    if main is not None and main in frame:
        texts = frame.pop(main).tolist()
        geometry = np.array(
            [shapely.from_wkt(t) if t else None for t in texts], dtype=object
        )
    numbers = np.arange(1, len(frame) + 1, dtype=np.int64)
    table = SourceTable(where, "gpkg", frame, numbers, geometry=geometry)
    problems = Problems(where, numbers)
    mapping, _unused = native_mapping(kind, table)
    staged = apply_mapping(mapping, table, problems)
    result = Staging(files=[where])
    check_staged(staged, places, dt.date.today(), None, result)
    found = problems.items + result.problems
    if found:
        raise ImportRejectedError(found, where)
    return result.batches[kind]
