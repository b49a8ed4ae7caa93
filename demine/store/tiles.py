# SPDX-License-Identifier: GPL-3.0-or-later
"""Mapbox vector tiles of the map layers.

PostGIS makes them in the database (``ST_AsMVTGeom`` + ``ST_AsMVT``); on
SQLite the bounding-box columns pick the features, Shapely clips and snaps
them and :mod:`demine.geo.mvt` encodes the layer (``mapbox-vector-tile``
for any geometry it does not take). Both see only what the reader may see.
Layers: the record layers (hazard, release, eo_item, accident), settlements
and the published contamination risk cells.
"""

from __future__ import annotations

from collections.abc import Sequence

import mapbox_vector_tile
import numpy as np
import shapely
from sqlalchemy import (
    ColumnElement,
    Date,
    DateTime,
    Text,
    and_,
    cast,
    func,
    literal_column,
    select,
)

from demine.errors import NotFoundError, RecordError
from demine.geo.mvt import encodable, encode_layer
from demine.geo.web_mercator import HALF_WORLD, MVT_EXTENT, to_lonlat, to_mercator
from demine.i18n import _
from demine.store.backends import backend_of
from demine.store.database import Database
from demine.store.layer_frames import layer_frame, present
from demine.store.listing import bbox_clause
from demine.store.overview import overview_tile
from demine.store.tile_filter import TileFilter
from demine.store.tile_layers import SPECS, TileLayer
from demine.store.users import Principal

EXTENT = MVT_EXTENT
BUFFER = 64
MAX_ZOOM = 22


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """Web Mercator bounds (minx, miny, maxx, maxy) of tile z/x/y."""
    if not 0 <= z <= MAX_ZOOM or not (0 <= x < 2**z and 0 <= y < 2**z):
        raise RecordError(_("no tile %(z)s/%(x)s/%(y)s", z=z, x=x, y=y), field="tile")
    size = 2 * HALF_WORLD / 2**z
    minx = -HALF_WORLD + x * size
    maxy = HALF_WORLD - y * size
    return minx, maxy - size, minx + size, maxy


def render_tile(
    db: Database,
    layer: str,
    z: int,
    x: int,
    y: int,
    who: Principal | None,
    only: TileFilter | None = None,
) -> bytes:
    """The tile z/x/y of ``layer`` as Mapbox Vector Tile bytes (maybe empty),
    with only the records ``only`` lets through (organisation, period)."""
    if layer not in SPECS:
        raise NotFoundError(_("no map layer %(layer)r", layer=layer))
    bounds = tile_bounds(z, x, y)
    spec = SPECS[layer]
    only = only or TileFilter()
    if spec.overview is not None and z <= spec.overview.max_zoom:
        return overview_tile(db, spec, (z, x, y), who, _filters(spec, who), only)
    if backend_of(db).spatial_sql:
        return _postgis_tile(db, layer, (z, x, y), who, only)
    if "min_lon" not in spec.model.__table__.c:
        # Points without bounding-box columns have no index on SQLite.
        return _frame_tile(db, spec, bounds, who, only)
    return _shapely_tile(db, layer, bounds, who, only)


def _filters(spec: TileLayer, who: Principal | None) -> list[ColumnElement[bool]]:
    clauses = [spec.who_sees(spec.model, who)]
    if spec.where is not None:
        clauses.append(spec.where())
    return clauses


def _postgis_tile(
    db: Database,
    layer: str,
    zxy: tuple[int, int, int],
    who: Principal | None,
    only: TileFilter,
) -> bytes:
    spec = SPECS[layer]
    cols = spec.model.__table__.c
    env = func.ST_TileEnvelope(*zxy)
    geom = func.ST_AsMVTGeom(
        func.ST_Transform(cols[spec.geometry], 3857), env, EXTENT, BUFFER, True
    ).label("geom")
    # Numbers and text keep their type; MVT has no dates, so those go as text.
    columns = [spec.column(name) for name in spec.properties[1:]]
    dated = (Date, DateTime)
    props = [
        cast(col, Text).label(col.name) if isinstance(col.type, dated) else col
        for col in columns
    ]
    inner = (
        select(cols.id, *props, geom)
        .where(
            cols[spec.geometry].op("&&")(func.ST_Transform(env, 4326)),
            *_filters(spec, who),
            *only.clauses(spec),
        )
        .subquery("mvt")
    )
    stmt = select(
        func.ST_AsMVT(literal_column("mvt"), layer, EXTENT, "geom", "id")
    ).select_from(inner)
    with db.interactive() as conn:
        data = conn.execute(stmt).scalar_one()
    return bytes(data or b"")


def _shapely_tile(
    db: Database,
    layer: str,
    bounds: tuple[float, float, float, float],
    who: Principal | None,
    only: TileFilter,
) -> bytes:
    spec = SPECS[layer]
    cols = spec.model.__table__.c
    geometry = cols[spec.geometry]
    names: Sequence[str] = spec.properties
    pad = (bounds[2] - bounds[0]) * BUFFER / EXTENT
    box = (bounds[0] - pad, bounds[1] - pad, bounds[2] + pad, bounds[3] + pad)
    west, south = to_lonlat(box[0], box[1])
    east, north = to_lonlat(box[2], box[3])
    with db.session() as session:
        box = (west, south, east, north)
        near = bbox_clause(session, spec.kind, spec.model, box)
        where = and_(
            *([near] if spec.bbox_columns else []),
            *_filters(spec, who),
            *only.clauses(spec),
            geometry.is_not(None),
        )
        rows = session.execute(
            select(*(spec.column(n) for n in names), geometry).where(where)
        ).all()
    if not rows:
        return b""
    geoms = np.array([r[-1] for r in rows], dtype=object)
    shapes = tile_coordinates(geoms, bounds)
    features = [
        {
            "geometry": shape,
            "properties": {n: _prop(v) for n, v in zip(names, row[:-1], strict=True)},
            "id": row[0],
        }
        for row, shape in zip(rows, shapes, strict=True)
        if shape is not None and not shape.is_empty
    ]
    if not features:
        return b""
    drawn = np.array([f["geometry"] for f in features], dtype=object)
    if encodable(drawn):
        ids = [f["id"] for f in features]
        props = [f["properties"] for f in features]
        return encode_layer(layer, drawn, ids, props, EXTENT)
    # Geometry arrives quantised and wound already, so the (pure Python)
    # encoder need not do either feature by feature.
    options = {"extents": EXTENT, "check_winding_order": False}
    return bytes(
        mapbox_vector_tile.encode(
            [{"name": layer, "features": features}], default_options=options
        )
    )


def _frame_tile(
    db: Database,
    spec: TileLayer,
    bounds: tuple[float, float, float, float],
    who: Principal | None,
    only: TileFilter,
) -> bytes:
    """A point layer's tile, selected from the layer's frame in memory."""
    frame = layer_frame(db, spec, who, _filters(spec, who))
    minx, miny, maxx, maxy = bounds
    pad = (maxx - minx) * BUFFER / EXTENT
    west, south = to_lonlat(minx - pad, miny - pad)
    east, north = to_lonlat(maxx + pad, maxy + pad)
    hit = (frame.lon >= west) & (frame.lon <= east)
    hit &= (frame.lat >= south) & (frame.lat <= north)
    passing = only.mask(spec, frame)
    if passing is not None:
        hit &= passing
    if not hit.any():
        return b""
    lonlat = np.column_stack([frame.lon[hit], frame.lat[hit]])
    xy = np.rint((to_mercator(lonlat) - (minx, miny)) * (EXTENT / (maxx - minx)))
    names = list(spec.properties)
    rows = frame.values.loc[hit, names]
    columns = [rows[n].tolist() for n in names]
    props = [
        {n: present(v) for n, v in zip(names, values, strict=True)}
        for values in zip(*columns, strict=True)
    ]
    points = shapely.points(xy)
    return encode_layer(spec.name, points, columns[0], props, EXTENT)


def tile_coordinates(
    geoms: np.ndarray, bounds: tuple[float, float, float, float]
) -> np.ndarray:
    """Lon/lat geometries in integer tile units (y up), clipped and wound for MVT."""
    minx, miny, maxx, _unused = bounds
    scale = EXTENT / (maxx - minx)

    def to_tile(coords: np.ndarray) -> np.ndarray:
        return (to_mercator(coords) - (minx, miny)) * scale

    tiled = shapely.transform(geoms, to_tile)
    tiled = shapely.clip_by_rect(
        tiled, -BUFFER, -BUFFER, EXTENT + BUFFER, EXTENT + BUFFER
    )
    # Round to the unit grid the tile stores. Pointwise, because registers hold
    # invalid polygons that a topological snap would refuse; drop what collapses.
    tiled = shapely.simplify(tiled, 1.0, preserve_topology=False)
    tiled = shapely.set_precision(tiled, 1.0, mode="pointwise")
    tiled = _without_repeated_points(tiled)
    polygonal = np.isin(shapely.get_type_id(tiled), (3, 6))
    tiled[polygonal & (shapely.area(tiled) == 0)] = None
    # MVT wants exterior rings clockwise with y down: anticlockwise here (y up).
    return shapely.orient_polygons(tiled, exterior_cw=False)


def _without_repeated_points(geoms: np.ndarray) -> np.ndarray:
    """Repeated vertices dropped; a geometry whose ring collapses becomes None."""
    try:
        return shapely.remove_repeated_points(geoms)
    except shapely.errors.GEOSException:
        # A ring snapped down to two distinct points cannot be rebuilt: find
        # those geometries one by one (rare, and only at low zooms).
        out = np.empty_like(geoms)
        for i, geom in enumerate(geoms):
            try:
                out[i] = shapely.remove_repeated_points(geom)
            except shapely.errors.GEOSException:
                out[i] = geom  # the zero-area check below drops it if it is flat
        return out


def _prop(value: object) -> object:
    value = getattr(value, "value", value)
    if value is None or isinstance(value, int | float | str | bool):
        return value
    return str(value)
