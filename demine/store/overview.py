# SPDX-License-Identifier: GPL-3.0-or-later
"""Generalised record layers for the map's low zooms.

At country scale a tile would hold every hazard, release and EO find of the
register: megabytes per tile, more features than the tile has pixels. Up to
its ``max_zoom`` (``OVERVIEW_MAX_ZOOM``, or more for dense point layers) a
record layer is therefore drawn as a grid of
``CELLS`` x ``CELLS`` cells per tile (4 screen pixels each): one feature per
cell and combination of the properties the map colours and filters by, with
the number of records (``records``) and a summed measure where the layer has
one (``area_m2`` of hazards and releases, ``quantity`` of EO finds). A record
counts in the cell holding its centre (bounding-box centre for areas), so it
is counted once however many tiles it crosses.

PostGIS groups and encodes in the database (``ST_AsMVT``). On SQLite the
centres and properties of a layer are read once per register version and
reader class and kept in memory; each tile is then a NumPy selection and a
pandas grouping of that frame.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    cast,
    func,
    literal,
    literal_column,
    select,
)

from demine.geo.mvt import encode_layer
from demine.geo.web_mercator import (
    EARTH_RADIUS,
    HALF_WORLD,
    MAX_LAT,
    MVT_EXTENT,
    to_mercator,
)
from demine.store.backends import backend_of
from demine.store.database import Database
from demine.store.layer_frames import LayerFrame, layer_frame, present
from demine.store.tile_filter import TileFilter
from demine.store.tile_layers import TileLayer
from demine.store.users import Principal

CELLS = 64  # cells across one overview tile
_CELL_BITS = CELLS.bit_length() - 1
EXTENT = MVT_EXTENT


def mercator_sql(
    lon: ColumnElement[Any], lat: ColumnElement[Any]
) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """Web Mercator (:mod:`demine.geo.web_mercator`) as SQL expressions
    (PostgreSQL)."""
    lat = func.least(func.greatest(lat, -MAX_LAT), MAX_LAT)
    x = EARTH_RADIUS * func.radians(lon)
    y = EARTH_RADIUS * func.ln(func.tan(np.pi / 4 + func.radians(lat) / 2))
    return x, y


def overview_tile(
    db: Database,
    spec: TileLayer,
    zxy: tuple[int, int, int],
    who: Principal | None,
    filters: list[ColumnElement[bool]],
    only: TileFilter | None = None,
) -> bytes:
    """The generalised tile z/x/y of ``spec`` (MVT bytes, maybe empty), of
    the records ``only`` lets through (organisation, period)."""
    only = only or TileFilter()
    if backend_of(db).spatial_sql:
        return _postgis_overview(db, spec, zxy, [*filters, *only.clauses(spec)])
    frame = layer_frame(db, spec, who, filters)
    return _encode_frame(spec, frame, zxy, only.mask(spec, frame))


# --- PostGIS ---------------------------------------------------------------


def _centre_sql(spec: TileLayer) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """Web Mercator x, y of each record's centre, in SQL.

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


def _postgis_overview(
    db: Database,
    spec: TileLayer,
    zxy: tuple[int, int, int],
    filters: list[ColumnElement[bool]],
) -> bytes:
    assert spec.overview is not None
    z, x, y = zxy
    cols = spec.model.__table__.c
    size = 2 * HALF_WORLD / 2**z
    minx, maxy = -HALF_WORLD + x * size, HALF_WORLD - y * size
    cell = size / CELLS
    mx, my = _centre_sql(spec)
    env = func.ST_TileEnvelope(z, x, y)
    keys = [spec.column(k) for k in spec.overview.keys]
    weight = (
        cols[spec.overview.weight]
        if spec.overview.weight
        else literal(0.0, type_=Float)
    )
    # The same cell arithmetic as _world_cells, so that a record on a tile's
    # edge falls in exactly one tile here too.
    across = 2**z * CELLS
    gx = func.floor((mx + HALF_WORLD) / (2 * HALF_WORLD) * across)
    gy = func.floor((HALF_WORLD - my) / (2 * HALF_WORLD) * across)
    near = (
        select(
            *(k.label(k.name) for k in keys),
            weight.label("w"),
            cast(gx - x * CELLS, Integer).label("cx"),
            cast(gy - y * CELLS, Integer).label("cy"),
        )
        .where(
            cols[spec.geometry].op("&&")(func.ST_Transform(env, 4326)),
            cols[spec.geometry].is_not(None),
            gx >= x * CELLS,
            gx < (x + 1) * CELLS,
            gy >= y * CELLS,
            gy < (y + 1) * CELLS,
            *filters,
        )
        .subquery("near")
    )
    cx, cy = near.c.cx, near.c.cy
    if spec.overview.squares:
        shape = func.ST_MakeEnvelope(
            minx + cx * cell,
            maxy - (cy + 1) * cell,
            minx + (cx + 1) * cell,
            maxy - cy * cell,
            3857,
        )
    else:
        shape = func.ST_SetSRID(
            func.ST_MakePoint(minx + (cx + 0.5) * cell, maxy - (cy + 0.5) * cell), 3857
        )
    grouped = [near.c[k] for k in spec.overview.keys]
    props = [*grouped, func.count().label("records")]
    if spec.overview.weight:
        total = func.round(cast(func.sum(near.c.w), Float))
        props.append(total.label(spec.overview.weight))
    inner = (
        select(*props, func.ST_AsMVTGeom(shape, env, EXTENT, 0, True).label("geom"))
        .group_by(cx, cy, *grouped)
        .subquery("mvt")
    )
    stmt = select(
        func.ST_AsMVT(literal_column("mvt"), spec.name, EXTENT, "geom")
    ).select_from(inner)
    with db.interactive() as conn:
        data = conn.execute(stmt).scalar_one()
    return bytes(data or b"")


# --- SQLite: grouped from the layer's frame ---------------------------------


def _world_cells(frame: LayerFrame, level: int) -> tuple[np.ndarray, np.ndarray]:
    """Cell column and row (from the north-west) with 2**level cells across."""
    key = f"world_cells_{level}"
    cells = frame.derived.get(key)
    if cells is None:
        mx, my = to_mercator(np.column_stack([frame.lon, frame.lat])).T
        n = 2**level
        gx = np.floor((mx + HALF_WORLD) / (2 * HALF_WORLD) * n).astype(np.int64)
        gy = np.floor((HALF_WORLD - my) / (2 * HALF_WORLD) * n).astype(np.int64)
        cells = frame.derived[key] = (np.clip(gx, 0, n - 1), np.clip(gy, 0, n - 1))
    return cells  # type: ignore[return-value]


def _encode_frame(
    spec: TileLayer,
    frame: LayerFrame,
    zxy: tuple[int, int, int],
    passing: np.ndarray | None = None,
) -> bytes:
    assert spec.overview is not None
    z, x, y = zxy
    shift = spec.overview.max_zoom - z
    gx, gy = _world_cells(frame, spec.overview.max_zoom + _CELL_BITS)
    cx, cy = gx >> shift, gy >> shift
    inside = ((cx // CELLS) == x) & ((cy // CELLS) == y)
    if passing is not None:
        inside &= passing
    if not inside.any():
        return b""
    keys = list(spec.overview.keys)
    weight = spec.overview.weight
    part = frame.values.loc[inside, keys].copy()
    part["w"] = frame.values.loc[inside, weight].astype(float) if weight else 0.0
    part["cx"] = cx[inside] % CELLS
    part["cy"] = cy[inside] % CELLS
    grouped = (
        part.groupby(["cx", "cy", *keys], observed=True, dropna=False)["w"]
        .agg(["size", "sum"])
        .reset_index()
    )
    step = EXTENT / CELLS
    left = grouped["cx"].to_numpy() * step
    # Tile units with y up, as the encoder takes them.
    top = EXTENT - grouped["cy"].to_numpy() * step
    if spec.overview.squares:
        shapes = shapely.box(left, top - step, left + step, top)
    else:
        shapes = shapely.points(left + step / 2, top - step / 2)
    records = grouped["size"].to_numpy().tolist()
    totals = np.round(grouped["sum"].to_numpy()).tolist()
    values = {k: grouped[k].tolist() for k in keys}
    props: list[dict[str, object]] = []
    for i, count in enumerate(records):
        row: dict[str, object] = {k: present(values[k][i]) for k in keys}
        row["records"] = int(count)
        if weight:
            row[weight] = float(totals[i])
        props.append(row)
    ids = range(1, len(props) + 1)
    return encode_layer(spec.name, np.asarray(shapes, dtype=object), ids, props, EXTENT)
