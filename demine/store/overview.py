# SPDX-License-Identifier: GPL-3.0-or-later
"""Generalised record layers for the map's low zooms.

At country scale a tile would hold every hazard, release and EO find of the
register: megabytes per tile, more features than the tile has pixels. Up to
its ``max_zoom`` (``OVERVIEW_MAX_ZOOM``, or more for dense point layers) a
record layer is therefore drawn as a grid of ``CELLS`` x ``CELLS`` cells
per tile (4 screen pixels each): one feature per cell (its square, or its
centre for point layers) with the number of
records (``records``), their summed measure where the layer has one
(``area_m2`` of hazards and releases, ``quantity`` of EO finds) and the
``density`` the map colours by: hectares per km² for areas (of hazards, only
those not closed), records or items per km² for points. A record counts in
the cell holding its centre (bounding-box centre for areas), so it is
counted once however many tiles it crosses.

Tiles up to ``PRECOMPUTED_MAX_ZOOM`` sum the cells precomputed per register
version (:mod:`demine.store.overview_cells`); a period filter, and the EO
layer's zooms above, group the records when asked: PostGIS in SQL, SQLite
from the layer's frame in memory (:mod:`demine.store.layer_frames`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    cast,
    func,
    literal,
    select,
)

from demine.geo.mvt import encode_layer
from demine.geo.web_mercator import HALF_WORLD, MVT_EXTENT, to_mercator
from demine.store.backends import backend_of
from demine.store.database import Database
from demine.store.layer_frames import LayerFrame, layer_frame
from demine.store.overview_cells import (
    CELL_BITS,
    CELL_TOTALS,
    CELLS,
    PRECOMPUTED_MAX_ZOOM,
    precomputed_cells,
    record_centre_sql,
)
from demine.store.tile_filter import TileFilter
from demine.store.tile_layers import TileLayer
from demine.store.users import Principal

EXTENT = MVT_EXTENT
_M2_PER_HA = 10_000.0

__all__ = ["CELLS", "EXTENT", "overview_tile"]


def overview_tile(
    db: Database,
    spec: TileLayer,
    zxy: tuple[int, int, int],
    who: Principal | None,
    filters: list[ColumnElement[bool]],
    only: TileFilter | None = None,
) -> bytes:
    """The generalised tile z/x/y of ``spec`` (MVT bytes, maybe empty), of
    the records ``only`` lets through (organisation, period, status, class,
    method)."""
    only = only or TileFilter()
    cells = None
    if zxy[0] <= PRECOMPUTED_MAX_ZOOM and not only.dated:
        cells = precomputed_cells(
            db, spec, zxy, who, only.keyed(spec), only.organisation
        )
    if cells is None and backend_of(db).spatial_sql:
        keyed = _postgis_cells(db, spec, zxy, [*filters, *only.clauses(spec)])
        cells = per_cell(spec, keyed)
    elif cells is None:
        frame = layer_frame(db, spec, who, filters)
        cells = per_cell(spec, _frame_cells(spec, frame, zxy, only.mask(spec, frame)))
    return encode_cells(spec, zxy, cells)


def per_cell(spec: TileLayer, keyed: pd.DataFrame) -> pd.DataFrame:
    """Rows per cell and key combination (``cx``, ``cy``, keys, ``records``,
    ``weight``) summed per cell, with ``counted``: the measure the density
    is of (the weight, or the records; none of the ``unless`` records)."""
    overview = spec.overview
    assert overview is not None
    if keyed.empty:
        return pd.DataFrame(columns=list(CELL_TOTALS))
    measure = keyed["weight"] if overview.weight else keyed["records"]
    counted = measure.astype(float)
    if overview.unless is not None:
        prop, value = overview.unless
        counted = counted.where(keyed[prop].astype(object) != value, 0.0)
    return (
        keyed.assign(counted=counted)
        .groupby(["cx", "cy"], sort=False)[["records", "weight", "counted"]]
        .sum()
        .reset_index()
    )


def encode_cells(
    spec: TileLayer, zxy: tuple[int, int, int], cells: pd.DataFrame
) -> bytes:
    """One feature per cell of ``cells`` (``cx``, ``cy``, ``records``,
    ``weight``, ``counted``) with its totals and density, as MVT bytes."""
    overview = spec.overview
    assert overview is not None
    if cells.empty:
        return b""
    per_cell = cells
    z, _x, y = zxy
    cx = per_cell["cx"].to_numpy(dtype=float)
    cy = per_cell["cy"].to_numpy(dtype=float)
    km2 = cell_km2(z, y * CELLS + cy)
    counted_per = per_cell["counted"].to_numpy(dtype=float)
    if overview.hectares:
        counted_per = counted_per / _M2_PER_HA
    density = _two_digits(counted_per / km2).tolist()
    step = EXTENT / CELLS
    left = cx * step
    top = EXTENT - cy * step  # tile units with y up, as the encoder takes them
    if overview.squares:
        shapes = shapely.box(left, top - step, left + step, top)
    else:
        shapes = shapely.points(left + step / 2, top - step / 2)
    records = per_cell["records"].to_numpy(dtype=np.int64).tolist()
    totals = np.round(per_cell["weight"].to_numpy(dtype=float)).tolist()
    props: list[dict[str, object]] = []
    for i, count in enumerate(records):
        row: dict[str, object] = {"records": int(count)}
        if overview.weight:
            row[overview.weight] = float(totals[i])
        row["density"] = float(density[i])
        props.append(row)
    ids = range(1, len(props) + 1)
    return encode_layer(spec.name, np.asarray(shapes, dtype=object), ids, props, EXTENT)


def _two_digits(values: np.ndarray) -> np.ndarray:
    """Rounded to two significant digits: the ramp needs no more, and fewer
    distinct values keep the tile small."""
    magnitude = np.floor(np.log10(np.where(values > 0, values, 1.0)))
    scale = 10.0 ** (1 - magnitude)
    return np.where(values > 0, np.round(values * scale) / scale, 0.0)


def cell_km2(z: int, rows: np.ndarray) -> np.ndarray:
    """Ground area in km² of grid cells of a zoom-``z`` tile, by global row
    (0 at the north edge of the map, ``CELLS`` per tile)."""
    size = 2 * HALF_WORLD / 2 ** (z + CELL_BITS)
    my = HALF_WORLD - (np.asarray(rows, dtype=float) + 0.5) * size
    lat = 2 * np.arctan(np.exp(my / (HALF_WORLD / np.pi))) - np.pi / 2
    # Web Mercator stretches both sides by 1/cos(latitude).
    side_km = size * np.cos(lat) / 1000.0
    return np.asarray(side_km**2)


# --- PostGIS: grouped when asked --------------------------------------------


def _postgis_cells(
    db: Database,
    spec: TileLayer,
    zxy: tuple[int, int, int],
    filters: list[ColumnElement[bool]],
) -> pd.DataFrame:
    assert spec.overview is not None
    z, x, y = zxy
    cols = spec.model.__table__.c
    mx, my = record_centre_sql(spec)
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
    grouped = [near.c[k] for k in spec.overview.keys]
    stmt = select(
        near.c.cx,
        near.c.cy,
        *grouped,
        func.count(),
        func.coalesce(func.sum(near.c.w), 0.0),
    ).group_by(near.c.cx, near.c.cy, *grouped)
    with db.interactive() as conn:
        rows = conn.execute(stmt).all()
    names = ["cx", "cy", *spec.overview.keys, "records", "weight"]
    return pd.DataFrame([tuple(r) for r in rows], columns=names)


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


def _frame_cells(
    spec: TileLayer,
    frame: LayerFrame,
    zxy: tuple[int, int, int],
    passing: np.ndarray | None = None,
) -> pd.DataFrame:
    assert spec.overview is not None
    z, x, y = zxy
    keys = list(spec.overview.keys)
    names = ["cx", "cy", *keys, "records", "weight"]
    shift = spec.overview.max_zoom - z
    gx, gy = _world_cells(frame, spec.overview.max_zoom + CELL_BITS)
    cx, cy = gx >> shift, gy >> shift
    inside = ((cx // CELLS) == x) & ((cy // CELLS) == y)
    if passing is not None:
        inside &= passing
    if not inside.any():
        return pd.DataFrame(columns=names)
    weight = spec.overview.weight
    part = frame.values.loc[inside, keys].astype(object).fillna("")
    part["w"] = frame.values.loc[inside, weight].astype(float) if weight else 0.0
    part["cx"] = cx[inside] % CELLS
    part["cy"] = cy[inside] % CELLS
    grouped = (
        part.groupby(["cx", "cy", *keys], sort=False)["w"]
        .agg(["size", "sum"])
        .reset_index()
    )
    grouped.columns = names
    return grouped
