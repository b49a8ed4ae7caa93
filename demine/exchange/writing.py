# SPDX-License-Identifier: GPL-3.0-or-later
"""Writing one checked batch: new rows in bulk, changed rows updated.

Rows whose external id is already in the register are compared with what
is stored, field by field, and only the ones that differ are updated, so
importing the same file twice changes nothing the second time (not even
``version``). Columns the register derives (bounding box, geodesic area)
are filled here; the ledger is recomputed by the caller afterwards.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import shapely
from sqlalchemy.engine import Connection

from demine.domain.identity import new_uids
from demine.domain.vocab import ReviewState
from demine.exchange.entities import BBOX, EntitySpec, FieldSpec, entity
from demine.exchange.staging import Batch
from demine.geo.area import geodesic_area
from demine.store.backends import backend_of
from demine.store.bulk import indexes_rebuilt, insert_frame
from demine.store.gazetteer import place_frame
from demine.store.upsert import copy_frame, read_by_ids, update_frame

log = logging.getLogger(__name__)

Advance = Callable[[int], None]
# Above this many rows, columns are typed for the bulk path's vectorised
# conversions; below, plain objects are as fast.
BULK_ROWS = 5_000

# Entities whose bbox columns follow which geometry column.
BBOX_OF = {
    "hazard": "geom",
    "release": "geom",
    "place": "boundary",
    "reference_feature": "geom",
}


def write_batch(
    conn: Connection,
    batch: Batch,
    ids: np.ndarray,
    existing: np.ndarray,
    advance: Advance | None = None,
) -> tuple[int, int]:
    """Insert the batch's new rows and update its changed ones.

    Returns ``(inserted, updated)``.
    """
    spec = entity(batch.kind)
    frame = _columns(spec, batch)
    frame.insert(0, "id", ids)
    new = frame[~existing].reset_index(drop=True)
    inserted = 0
    if len(new):
        new = _with_defaults(spec, new)
        new = _derived(batch.kind, new)
        # Rows without their admin area or settlement get those they lie in.
        new = place_frame(conn, batch.kind, new)
        large = backend_of(conn).copies and len(new) > BULK_ROWS
        write = copy_frame if large else insert_frame
        with indexes_rebuilt(conn, batch.kind, len(new)):
            inserted = write(conn, batch.kind, new, progress=advance)
    updated = _update(conn, spec, frame[existing].reset_index(drop=True))
    if advance is not None and existing.any():
        advance(int(existing.sum()))
    return inserted, updated


def _columns(spec: EntitySpec, batch: Batch) -> pd.DataFrame:
    """Table columns from the batch's fields (references as their ids)."""
    out: dict[str, Any] = {}
    for fs in spec.importable():
        if fs.name not in batch.frame:
            continue
        column = fs.column if fs.type == "ref" else fs.name
        values = batch.frame[column]
        if fs.type == "geometry":
            values = values.to_numpy(dtype=object)
        elif fs.type == "vocab" and len(values) > BULK_ROWS:
            # A few distinct values: as categories the bulk path turns them
            # into text at once rather than one by one.
            values = pd.Series(pd.Categorical(values), index=values.index)
        elif fs.type == "text" and values.dtype == object and len(values) > BULK_ROWS:
            values = values.astype("str")
        out[column] = values
    frame = pd.DataFrame(out, index=batch.frame.index)
    review = batch.review.copy()
    review[pd.isna(review)] = ReviewState.APPROVED.value
    if "review_state" in frame:
        given = frame["review_state"].to_numpy(dtype=object)
        frame["review_state"] = np.where(pd.isna(given), review, given)
    else:
        frame["review_state"] = review
    return frame.reset_index(drop=True)


def _with_defaults(spec: EntitySpec, frame: pd.DataFrame) -> pd.DataFrame:
    """Missing values of NOT NULL columns that have a default get it."""
    for col in spec.table.c:
        if col.name not in frame or col.nullable or col.default is None:
            continue
        default = col.default
        values = frame[col.name]
        missing = _missing(values)
        if not missing.any():
            continue
        if col.name == "uid":
            filled = values.astype(object).copy()
            filled[missing] = new_uids(int(missing.sum()))
        elif getattr(default, "is_scalar", False):
            fill = default.arg  # type: ignore[attr-defined]
            fill = getattr(fill, "value", fill)
            filled = values.astype(object).copy()
            filled[missing] = [fill] * int(missing.sum())
        else:
            make = default.arg  # type: ignore[attr-defined]
            filled = values.astype(object).copy()
            filled[missing] = [make(None) for _ in range(int(missing.sum()))]
        frame[col.name] = filled
    return frame


def _missing(values: pd.Series) -> np.ndarray:
    if values.dtype == object:
        return np.array(
            [v is None or (isinstance(v, float) and np.isnan(v)) for v in values],
            dtype=bool,
        )
    return np.asarray(pd.isna(values), dtype=bool)


def _derived(kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Bounding box and geodesic area, as the register keeps them."""
    column = BBOX_OF.get(kind)
    if column is None or column not in frame:
        return frame
    geoms = frame[column].to_numpy(dtype=object)
    bounds = shapely.bounds(geoms)
    frame = frame.copy()
    for i, name in enumerate(BBOX):
        frame[name] = bounds[:, i]
    if kind in ("hazard", "release"):
        present = ~shapely.is_missing(geoms)
        area = np.zeros(len(geoms))
        if present.any():
            area[present] = geodesic_area(geoms[present])
        frame["area_m2"] = area
        if kind == "hazard":
            frame["remaining_m2"] = area
            for name in ("cancelled_m2", "reduced_m2", "cleared_m2"):
                frame[name] = 0.0
        else:
            for name in ("effective_m2", "outside_m2", "double_m2"):
                frame[name] = 0.0
    return frame


def _update(conn: Connection, spec: EntitySpec, frame: pd.DataFrame) -> int:
    """Update the rows that differ from what is stored; return how many."""
    if frame.empty:
        return 0
    # A record's uid never changes: a row matched by its external id keeps
    # the stored one, whatever the file says.
    frame = frame.drop(columns=["uid"], errors="ignore")
    # What a missing value would be stored as, so "missing" and the default
    # compare equal.
    frame = _with_defaults(spec, frame)
    columns = [c for c in frame.columns if c != "id"]
    stored = read_by_ids(conn, spec.kind, columns, frame["id"].tolist())
    stored = stored.set_index("id").loc[frame["id"].to_numpy()].reset_index()
    changed = np.zeros(len(frame), dtype=bool)
    for column in columns:
        fs = _spec_of(spec, column)
        changed |= ~same(fs, frame[column], stored[column])
    if not changed.any():
        return 0
    rows = _derived(spec.kind, frame[changed].reset_index(drop=True))
    return update_frame(conn, spec.kind, rows)


def _spec_of(spec: EntitySpec, column: str) -> FieldSpec | None:
    for fs in spec.fields:
        if fs.column == column:
            return fs
    return None


def same(fs: FieldSpec | None, new: pd.Series, old: pd.Series) -> np.ndarray:
    """Row-wise equality of incoming and stored values of one column."""
    kind = fs.type if fs is not None else "text"
    if kind == "geometry":
        return same_geometry(new.to_numpy(dtype=object), old.to_numpy(dtype=object))
    if kind in ("int", "float", "ref"):
        a = pd.to_numeric(new, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        b = pd.to_numeric(old, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        return np.asarray(np.isclose(a, b, rtol=1e-12, equal_nan=True), dtype=bool)
    if kind == "date":
        a = pd.to_datetime(pd.Series(new), errors="coerce").to_numpy("datetime64[D]")
        b = pd.to_datetime(pd.Series(old), errors="coerce").to_numpy("datetime64[D]")
        return np.asarray((a == b) | (np.isnat(a) & np.isnat(b)), dtype=bool)
    left, right = _objects(new), _objects(old)
    if kind in ("vocabs", "json"):
        pairs = zip(left, right, strict=True)
        return np.array([x == y for x, y in pairs], dtype=bool)
    return np.asarray(left == right, dtype=bool)


def _objects(values: pd.Series) -> np.ndarray:
    """Plain Python values (None for missing, enums as text) in an array."""
    arr: np.ndarray = np.array(values.to_numpy(dtype=object), dtype=object)
    if values.dtype != object:
        arr[np.asarray(pd.isna(values), dtype=bool)] = None
        return arr
    return np.array([_plain(v) for v in arr] + [None], dtype=object)[:-1]


# A coordinate that moved less than this (in degrees, about 0.1 mm) did not
# move: what a format's number precision costs is not an edit.
GEOMETRY_TOLERANCE = 1e-9


def same_geometry(new: np.ndarray, old: np.ndarray) -> np.ndarray:
    """Row-wise: the same shape, whatever the ring orientation and start vertex.

    A Shapefile stores outer rings clockwise and may start them elsewhere, so
    a hazard exported and imported again comes back with its vertices in
    another order; that is the same ground, not a change.
    """
    a, b = _wkb(new), _wkb(old)
    out = np.array([x == y for x, y in zip(a, b, strict=True)], dtype=bool)
    both = ~out & np.array(
        [x is not None and y is not None for x, y in zip(a, b, strict=True)],
        dtype=bool,
    )
    if both.any():
        left = shapely.normalize(shapely.from_wkb(np.array(a, dtype=object)[both]))
        right = shapely.normalize(shapely.from_wkb(np.array(b, dtype=object)[both]))
        out[both] = shapely.equals_exact(left, right, tolerance=GEOMETRY_TOLERANCE)
    return out


def _wkb(geoms: np.ndarray) -> list[bytes | None]:
    out: list[bytes | None] = [None] * len(geoms)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if present.any():
        wkb = shapely.to_wkb(geoms[present])
        for i, b in zip(np.flatnonzero(present), wkb, strict=True):
            out[int(i)] = b
    return out


def _plain(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.ndarray | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, np.bool_):
        return bool(value)
    return getattr(value, "value", value)
