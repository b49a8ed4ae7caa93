# SPDX-License-Identifier: GPL-3.0-or-later
"""The low-zoom overviews, precomputed in the register (issue 20).

A cold zoom-8 tile of EO finds summed ~300,000 finds per request (about a
second on PostGIS; on SQLite every worker first read a million finds into
memory). The record layers are therefore counted once per grid cell at every
overview zoom into ``map_overview_cell``, per combination of grouping keys,
review state and reporting organisation, so that each reader still sees only
what :func:`demine.store.listing.visible` lets through and the organisation,
status, class and method filters still apply. A tile then sums at most
64 x 64 cells per key combination.

The cells are rebuilt whole for a layer when the fingerprint of its tables
(row count, highest id, newest audit event)
differs from the one they were built from: checked once per register version
and process, on the first grouped tile asked for after a write, and right
after the demo is built. Rebuilds take the write lock (SQLite) or an advisory
lock (PostgreSQL), so two servers never build the same layer at once.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Integer,
    LargeBinary,
    String,
    Table,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    literal_column,
    select,
    text,
    type_coerce,
)
from sqlalchemy.engine import Connection
from sqlalchemy.sql.dml import Insert

from demine.geo.web_mercator import (
    EARTH_RADIUS,
    HALF_WORLD,
    MAX_LAT,
    to_mercator,
)
from demine.store.database import Database, mark_written
from demine.store.layer_frames import point_coordinates
from demine.store.listing import visible
from demine.store.register_version import register_version
from demine.store.schema import AuditEvent, Base, MapOverviewCell, MapOverviewState
from demine.store.tile_layers import OVERVIEW_MAX_ZOOM, SPECS, TileLayer
from demine.store.users import Principal

CELL_BITS = 6  # 64 cells across a tile
CELLS = 2**CELL_BITS
# Tiles up to this zoom read the precomputed cells; the EO layer's grouped
# zooms above it (11, 12) hold few enough finds to group when asked.
PRECOMPUTED_MAX_ZOOM = OVERVIEW_MAX_ZOOM
FINEST = PRECOMPUTED_MAX_ZOOM + CELL_BITS
REBUILT_WHILE_WAITING = 200_000
CELL_TOTALS = ("cx", "cy", "records", "weight", "counted")

log = logging.getLogger(__name__)
KEY_COLUMNS = ("key1", "key2")

_CELL: Table = MapOverviewCell.__table__  # type: ignore[assignment]
_STATE: Table = MapOverviewState.__table__  # type: ignore[assignment]


def grouping_keys(spec: TileLayer) -> list[str]:
    """The layer's grouping keys kept in ``key1``/``key2`` (review state has
    its own column)."""
    assert spec.overview is not None
    keys = [k for k in spec.overview.keys if k != "review_state"]
    assert len(keys) <= len(KEY_COLUMNS)
    return keys


def _sources(spec: TileLayer) -> list[str]:
    # A release's method is its activity's: an edited activity changes it.
    names = [spec.model.__tablename__]
    return names + (["activity"] if spec.related is not None else [])


def _fingerprint(conn: Connection, spec: TileLayer) -> str:
    """Row count and highest id of the layer's tables and the newest audit
    event about them (every edit, review and repair records one).

    Not :func:`demine.store.fingerprint.tables_fingerprint`: its latest
    ``updated_at`` reads every row (2 s for a million finds), and this runs
    on the first grouped tile after any write.
    """
    parts: list[object] = []
    for name in _sources(spec):
        t = Base.metadata.tables[name]
        parts += list(conn.execute(select(func.count(), func.max(t.c.id))).one())
    audit = conn.execute(
        select(func.max(AuditEvent.id)).where(AuditEvent.entity.in_(_sources(spec)))
    ).scalar_one()
    return repr((*parts, audit))


def _stored_fingerprint(conn: Connection, spec: TileLayer) -> str | None:
    found = conn.execute(
        select(_STATE.c.fingerprint).where(_STATE.c.layer == spec.name)
    ).scalar_one_or_none()
    return None if found is None else str(found)


# Per Database: layer -> the register version its cells were last found fresh at.
_CHECKED: weakref.WeakKeyDictionary[Database, dict[str, str]] = (
    weakref.WeakKeyDictionary()
)
_LOCK = threading.Lock()
_LAYER_LOCKS: dict[tuple[int, str], threading.Lock] = {}


def ensure_fresh(db: Database, spec: TileLayer) -> bool:
    """Whether ``spec``'s cells are current, rebuilding them first if its
    tables changed since they were built.

    Cheap when nothing changed: one comparison of register versions; after a
    write, one fingerprint query per layer and process. A layer of more than
    ``REBUILT_WHILE_WAITING`` records is rebuilt in a background thread
    instead (seconds at national scale): until then its tiles are grouped
    from the records themselves, as before there were overviews.
    """
    version = register_version(db).current()
    with _LOCK:
        checked = _CHECKED.setdefault(db, {})
        if checked.get(spec.name) == version:
            return True
        lock = _LAYER_LOCKS.setdefault((id(db), spec.name), threading.Lock())
    # The first tiles of a new version arrive together: one thread checks.
    with lock:
        if checked.get(spec.name) == version:
            return True
        with db.transaction() as conn:
            now = _fingerprint(conn, spec)
            fresh = now == _stored_fingerprint(conn, spec)
            rows = conn.execute(
                select(func.count()).select_from(spec.model.__table__)
            ).scalar_one()
        if not fresh and rows > REBUILT_WHILE_WAITING:
            _rebuild_in_background(db, spec)
            return False
        if not fresh:
            rebuild(db, spec)
        checked[spec.name] = version
        return True


_BUILDING: set[tuple[int, str]] = set()


def _rebuild_in_background(db: Database, spec: TileLayer) -> None:
    key = (id(db), spec.name)
    with _LOCK:
        if key in _BUILDING:
            return
        _BUILDING.add(key)

    def run() -> None:
        try:
            rebuild(db, spec)
        except Exception:  # the next tile tries again; tiles meanwhile are live
            log.exception("rebuilding the %s overview failed", spec.name)
        finally:
            with _LOCK:
                _BUILDING.discard(key)

    threading.Thread(target=run, name=f"overview-{spec.name}", daemon=True).start()


def refresh_overviews(db: Database) -> list[str]:
    """Rebuild the cells of every grouped layer whose tables changed; the
    names of the layers rebuilt."""
    return [
        spec.name
        for spec in SPECS.values()
        if spec.overview is not None and rebuild(db, spec)
    ]


def rebuild(db: Database, spec: TileLayer) -> bool:
    """Count ``spec``'s records into cells again, unless they are current;
    whether it did."""
    postgres = db.dialect == "postgresql"
    with db.transaction() as conn:
        before = _fingerprint(conn, spec)
        if _stored_fingerprint(conn, spec) == before:
            return False
    # On SQLite the layer is read first (outside the write lock); a write
    # made meanwhile changes the fingerprint, so the next check rebuilds.
    finest = None if postgres else _finest_from_frame(db, spec)
    with db.transaction(write=True) as conn:
        if postgres:
            conn.execute(
                text("SELECT pg_advisory_xact_lock(hashtext(:k))"),
                {"k": f"demine-overview-{spec.name}"},
            )
            before = _fingerprint(conn, spec)
        if _stored_fingerprint(conn, spec) == before:
            return False
        conn.execute(delete(_CELL).where(_CELL.c.layer == spec.name))
        if finest is None:
            conn.execute(_finest_in_sql(spec))
        elif len(finest):
            _insert_rows(conn, finest)
        for level in range(FINEST - 1, CELL_BITS - 1, -1):
            conn.execute(_coarser(spec.name, level))
        conn.execute(delete(_STATE).where(_STATE.c.layer == spec.name))
        conn.execute(insert(_STATE).values(layer=spec.name, fingerprint=before))
    return True


def _finest_from_frame(db: Database, spec: TileLayer) -> pd.DataFrame:
    """The finest cells, grouped in pandas from every record of the layer
    (SQLite: no Web Mercator in its SQL). Only the columns counted are read."""
    assert spec.overview is not None
    cols = spec.model.__table__.c
    keys = grouping_keys(spec)
    weight = spec.overview.weight
    text = [type_coerce(_unlabelled(spec.column(k)), String) for k in keys]
    text.append(type_coerce(cols.review_state, String))
    numbers = [cols.reported_by_id, cols[weight] if weight else literal(0.0)]
    place: list[ColumnElement[Any]]
    if "min_lon" in cols:
        place = [(cols.min_lon + cols.max_lon) / 2, (cols.min_lat + cols.max_lat) / 2]
        placed = [cols.min_lon.is_not(None)]
    else:
        place = [type_coerce(cols[spec.geometry], LargeBinary)]
        placed = []
    stmt = select(*text, *numbers, *place).where(
        cols[spec.geometry].is_not(None), *placed
    )
    with db.transaction() as conn:
        rows = conn.execute(stmt).cursor.fetchall()
    names = [*KEY_COLUMNS[: len(keys)], "review_state", "org", "weight"]
    names += ["lon", "lat"] if len(place) == 2 else ["wkb"]
    frame = pd.DataFrame.from_records(rows, columns=names)
    if "wkb" in frame:
        lonlat = point_coordinates(tuple(frame.pop("wkb")))
    else:
        lonlat = frame[["lon", "lat"]].to_numpy(dtype=float)
    mx, my = to_mercator(lonlat.reshape(-1, 2)).T
    n = 2**FINEST
    frame["gx"] = np.clip(np.floor((mx + HALF_WORLD) / (2 * HALF_WORLD) * n), 0, n - 1)
    frame["gy"] = np.clip(np.floor((HALF_WORLD - my) / (2 * HALF_WORLD) * n), 0, n - 1)
    for column in KEY_COLUMNS:
        # Missing keys as "" (groupby drops NaN groups); back to None below.
        frame[column] = frame[column].fillna("") if column in frame else ""
    frame["review_state"] = frame["review_state"].fillna("")
    frame["org"] = frame["org"].fillna(-1).astype(np.int64)
    frame["weight"] = frame["weight"].fillna(0.0).astype(float)
    groups = ["gx", "gy", *KEY_COLUMNS, "review_state", "org"]
    cells = (
        frame.groupby(groups, sort=False)["weight"].agg(["size", "sum"]).reset_index()
    )
    out = pd.DataFrame(
        {
            "layer": spec.name,
            "level": FINEST,
            "gx": cells["gx"].astype(np.int64),
            "gy": cells["gy"].astype(np.int64),
        }
    )
    for column in (*KEY_COLUMNS, "review_state"):
        out[column] = cells[column].replace("", None)
    org = cells["org"]
    out["reported_by_id"] = org.astype(object).where(org >= 0, None)
    out["records"] = cells["size"].astype(np.int64)
    out["weight"] = cells["sum"].astype(float)
    return out


def _insert_rows(conn: Connection, cells: pd.DataFrame) -> None:
    """Bulk insert of cells through the driver (a hundred thousand rows)."""
    names = list(cells.columns)
    sql = (
        f"INSERT INTO map_overview_cell ({', '.join(names)}) "
        f"VALUES ({', '.join('?' for _ in names)})"
    )
    values = [
        tuple(None if v is None or v is pd.NA else _plain(v) for v in row)
        for row in cells.itertuples(index=False, name=None)
    ]
    conn.exec_driver_sql(sql, values)
    mark_written(conn)


def _plain(value: object) -> object:
    return value.item() if isinstance(value, np.generic) else value


def _finest_in_sql(spec: TileLayer) -> Insert:
    """INSERT ... SELECT of the finest cells, grouped in PostgreSQL."""
    assert spec.overview is not None
    cols = spec.model.__table__.c
    mx, my = record_centre_sql(spec)
    n = 2**FINEST
    gx = cast(func.floor((mx + HALF_WORLD) / (2 * HALF_WORLD) * n), Integer)
    gy = cast(func.floor((HALF_WORLD - my) / (2 * HALF_WORLD) * n), Integer)
    keys: list[ColumnElement[object]] = [
        cast(_unlabelled(spec.column(k)), _CELL.c.key1.type)
        for k in grouping_keys(spec)
    ]
    keys += [literal(None, _CELL.c.key1.type)] * (len(KEY_COLUMNS) - len(keys))
    weight = spec.overview.weight
    total = func.sum(cols[weight]) if weight else literal(0.0)
    gx_l, gy_l = gx.label("gx"), gy.label("gy")
    labelled = [k.label(c) for k, c in zip(keys, KEY_COLUMNS, strict=True)]
    state = cast(cols.review_state, _CELL.c.review_state.type).label("review_state")
    grouped = (
        select(
            literal(spec.name).label("layer"),
            literal(FINEST).label("level"),
            gx_l,
            gy_l,
            *labelled,
            state,
            cols.reported_by_id,
            func.count().label("records"),
            func.coalesce(total, 0.0).label("weight"),
        )
        .where(cols[spec.geometry].is_not(None), *_placed(spec))
        .group_by(gx, gy, *keys, cols.review_state, cols.reported_by_id)
    )
    names = ["layer", "level", "gx", "gy", *KEY_COLUMNS, "review_state"]
    names += ["reported_by_id", "records", "weight"]
    return insert(_CELL).from_select(names, grouped)


def _unlabelled(column: ColumnElement[object]) -> ColumnElement[object]:
    return getattr(column, "element", column)


def mercator_sql(
    lon: ColumnElement[Any], lat: ColumnElement[Any]
) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """Web Mercator (:mod:`demine.geo.web_mercator`) as SQL expressions
    (PostgreSQL)."""
    lat = func.least(func.greatest(lat, -MAX_LAT), MAX_LAT)
    x = EARTH_RADIUS * func.radians(lon)
    y = EARTH_RADIUS * func.ln(func.tan(np.pi / 4 + func.radians(lat) / 2))
    return x, y


def record_centre_sql(
    spec: TileLayer,
) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """Web Mercator x, y of each record's centre, in SQL (PostgreSQL).

    Plain arithmetic on longitude and latitude: ST_Transform per row made a
    zoom-8 tile of a million finds cost seconds.
    """
    cols = spec.model.__table__.c
    if "min_lon" in cols:
        lon = (cols.min_lon + cols.max_lon) / 2
        lat = (cols.min_lat + cols.max_lat) / 2
    else:
        lon = func.ST_X(cols[spec.geometry])
        lat = func.ST_Y(cols[spec.geometry])
    return mercator_sql(lon, lat)


def _placed(spec: TileLayer) -> list[ColumnElement[bool]]:
    cols = spec.model.__table__.c
    return [cols.min_lon.is_not(None)] if "min_lon" in cols else []


def _coarser(layer: str, level: int) -> Insert:
    """INSERT ... SELECT of the cells at ``level`` from those at ``level + 1``."""
    c = _CELL.c
    # Integer division; cell indices are never negative.
    two = literal_column("2", Integer)  # no bound parameter: GROUP BY repeats it
    gx, gy = (c.gx // two).label("gx"), (c.gy // two).label("gy")
    grouped = (
        select(
            c.layer,
            literal(level).label("level"),
            gx,
            gy,
            c.key1,
            c.key2,
            c.review_state,
            c.reported_by_id,
            func.sum(c.records).label("records"),
            func.sum(c.weight).label("weight"),
        )
        .where(c.layer == layer, c.level == level + 1)
        .group_by(
            c.layer,
            c.gx // two,
            c.gy // two,
            c.key1,
            c.key2,
            c.review_state,
            c.reported_by_id,
        )
    )
    names = ["layer", "level", "gx", "gy", *KEY_COLUMNS, "review_state"]
    names += ["reported_by_id", "records", "weight"]
    return insert(_CELL).from_select(names, grouped)


def precomputed_cells(
    db: Database,
    spec: TileLayer,
    zxy: tuple[int, int, int],
    who: Principal | None,
    keyed: Mapping[str, object],
    organisation: int | None,
) -> pd.DataFrame | None:
    """The cells of tile z/x/y that ``who`` may see: columns ``cx``, ``cy``
    (0-63 in the tile), ``records``, ``weight`` and ``counted`` (the measure
    the density is of).

    ``keyed`` keeps cells whose grouping key equals the value (the map's
    status, class and method filters); ``organisation`` one organisation's.
    None while the cells are being rebuilt.
    """
    if not ensure_fresh(db, spec):
        return None
    z, x, y = zxy
    c = _CELL.c
    keys = grouping_keys(spec)
    where = [
        c.layer == spec.name,
        c.level == z + CELL_BITS,
        c.gx >= x * CELLS,
        c.gx < (x + 1) * CELLS,
        c.gy >= y * CELLS,
        c.gy < (y + 1) * CELLS,
        visible(_CELL, who),
    ]
    for key, value in keyed.items():
        where.append(c[KEY_COLUMNS[keys.index(key)]] == str(value))
    if organisation is not None:
        where.append(c.reported_by_id == organisation)
    assert spec.overview is not None
    measure = c.weight if spec.overview.weight else c.records
    counted: ColumnElement[Any] = measure
    if spec.overview.unless is not None:
        prop, value = spec.overview.unless
        unless = c[KEY_COLUMNS[keys.index(prop)]]
        # NULL keys count: only the value named is left out.
        counted = case((unless == value, literal(0.0)), else_=measure)
    stmt = (
        select(
            (c.gx - x * CELLS).label("cx"),
            (c.gy - y * CELLS).label("cy"),
            func.sum(c.records),
            func.sum(c.weight),
            func.sum(counted),
        )
        .where(*where)
        .group_by(c.gx, c.gy)
    )
    with db.interactive() as conn:
        rows = conn.execute(stmt).cursor.fetchall()
    return pd.DataFrame.from_records(rows, columns=list(CELL_TOTALS))
