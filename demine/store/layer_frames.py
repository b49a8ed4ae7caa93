# SPDX-License-Identifier: GPL-3.0-or-later
"""A map layer's records held in memory on SQLite, per register version.

SQLite has no spatial index on point records (EO finds, accidents): a tile of
them had to read every point of the register, a second per tile at medium
scale. A layer's frame — each visible record's place and the properties its
tiles carry — is read once per register version and reader class and kept;
tiles are then NumPy selections of it. Any write changes the version and so
makes every older frame unreachable (see :mod:`demine.store.register_version`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    LargeBinary,
    String,
    and_,
    select,
    type_coerce,
)

from demine.store.database import Database
from demine.store.listing import visibility_class
from demine.store.register_version import register_version
from demine.store.tile_layers import TileLayer
from demine.store.users import Principal

FRAMES_KEPT = 16


@dataclass(frozen=True)
class LayerFrame:
    """Every visible record of a layer: where it is and what its tiles carry.

    ``lon``/``lat`` are the record's centre (its point, or its bounding-box
    centre for areas); ``values`` has one column per property, text columns
    as categories so a million finds cost a few bytes each.
    """

    lon: np.ndarray
    lat: np.ndarray
    values: pd.DataFrame
    # What users of the frame derive from it once (grid cells), by name.
    derived: dict[str, object] = field(default_factory=dict)


class _Kept:
    """The most recently used frames, at most FRAMES_KEPT."""

    def __init__(self) -> None:
        self._frames: OrderedDict[Hashable, LayerFrame] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[Hashable, threading.Lock] = {}

    def builder(self, key: Hashable) -> threading.Lock:
        """The lock held while ``key``'s frame is read: one reader, not twenty."""
        with self._lock:
            return self._building.setdefault(key, threading.Lock())

    def built(self, key: Hashable) -> None:
        with self._lock:
            self._building.pop(key, None)

    def get(self, key: Hashable) -> LayerFrame | None:
        with self._lock:
            frame = self._frames.get(key)
            if frame is not None:
                self._frames.move_to_end(key)
            return frame

    def put(self, key: Hashable, frame: LayerFrame) -> None:
        with self._lock:
            self._frames[key] = frame
            while len(self._frames) > FRAMES_KEPT:
                self._frames.popitem(last=False)


_KEPT = _Kept()


def layer_frame(
    db: Database,
    spec: TileLayer,
    who: Principal | None,
    filters: list[ColumnElement[bool]],
) -> LayerFrame:
    """The frame of ``spec`` for readers like ``who`` (``filters`` say what
    they may see), read now or kept from an earlier tile of this version."""
    version = register_version(db).current()
    key = (db.url, spec.name, visibility_class(who), version)
    frame = _KEPT.get(key)
    if frame is not None:
        return frame
    # The first tiles of a new version arrive together: the others wait for
    # the one reading the frame instead of each reading it again.
    with _KEPT.builder(key):
        frame = _KEPT.get(key)
        if frame is None:
            frame = _read(db, spec, filters)
            _KEPT.put(key, frame)
    _KEPT.built(key)
    return frame


def frame_columns(spec: TileLayer) -> list[str]:
    """The properties a frame holds: the tiles' and the grouped tiles'."""
    names = list(spec.properties)
    if spec.overview is not None:
        names += spec.overview.keys
        names += [spec.overview.weight] if spec.overview.weight else []
    return list(dict.fromkeys(names))


def _read(
    db: Database, spec: TileLayer, filters: list[ColumnElement[bool]]
) -> LayerFrame:
    cols = spec.model.__table__.c
    names = frame_columns(spec)
    where = [*filters, cols[spec.geometry].is_not(None)]
    areas = "min_lon" in cols
    if areas:
        where.append(cols.min_lon.is_not(None))
        place: list[Any] = [
            ((cols.min_lon + cols.max_lon) / 2).label("lon"),
            ((cols.min_lat + cols.max_lat) / 2).label("lat"),
        ]
    else:
        # The WKB as stored: one vectorised parse instead of a Shapely object
        # per row from the column type.
        place = [type_coerce(cols[spec.geometry], LargeBinary).label("wkb")]
    stmt = select(*(_stored(spec.column(n)) for n in names), *place)
    with db.transaction() as conn:
        # Every column is a plain number, text or bytes: the driver's tuples
        # need no conversion, so SQLAlchemy's rows are skipped.
        rows = conn.execute(stmt.where(and_(*where))).cursor.fetchall()
    n = len(names)
    columns = list(zip(*rows, strict=True)) if rows else [()] * (n + len(place))
    if areas:
        lonlat = np.column_stack([np.array(c, dtype=float) for c in columns[n:]])
    else:
        lonlat = point_coordinates(columns[n])
    lonlat = lonlat.reshape(-1, 2)
    values = pd.DataFrame(
        {name: _column(list(columns[i])) for i, name in enumerate(names)}
    )
    return LayerFrame(lonlat[:, 0].copy(), lonlat[:, 1].copy(), values)


# A 2D point in little-endian WKB: byte order, geometry type, x, y.
_POINT_WKB = np.dtype([("order", "u1"), ("type", "<u4"), ("x", "<f8"), ("y", "<f8")])


def point_coordinates(blobs: tuple[bytes, ...]) -> np.ndarray:
    """Lon/lat of WKB points; read straight from the bytes when all are plain."""
    if blobs and {len(b) for b in blobs} == {_POINT_WKB.itemsize}:
        raw = np.frombuffer(b"".join(blobs), dtype=_POINT_WKB)
        if (raw["order"] == 1).all() and (raw["type"] == 1).all():
            return np.column_stack([raw["x"], raw["y"]])
    points = shapely.from_wkb(np.array(blobs, dtype=object))
    return shapely.get_coordinates(points)


def _stored(column: ColumnElement[Any]) -> ColumnElement[Any]:
    """Numbers as they are; anything else as the text SQLite stores.

    Vocabulary values and ISO dates are what the tiles carry, and skipping
    the column types' conversions (to members, to dates) is most of the cost
    of reading a million rows.
    """
    if isinstance(column.type, Integer | Float):
        return column
    return type_coerce(column, String).label(column.name)


def _column(values: list[object]) -> pd.Series:
    kinds = {type(v) for v in values if v is not None}
    if kinds <= {int}:
        return pd.Series(pd.array(values, dtype="Int64"))
    if kinds <= {int, float}:
        return pd.Series(values, dtype=float)
    return pd.Series(pd.Categorical(values))


def present(value: object) -> object:
    """A frame's missing value (None, NaN, NA) as None: left out of a tile."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    return value
