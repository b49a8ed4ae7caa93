# SPDX-License-Identifier: GPL-3.0-or-later
"""Mapbox vector tiles of the map layers.

PostGIS makes them in the database (``ST_AsMVTGeom`` + ``ST_AsMVT``); on
SQLite the bounding-box columns pick the features and Shapely plus
``mapbox-vector-tile`` encode them. Both see only what the reader may see.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import mapbox_vector_tile
import numpy as np
import shapely
from sqlalchemy import Text, and_, cast, func, literal_column, select

from demine.errors import NotFoundError, RecordError
from demine.store.database import Database
from demine.store.listing import MODELS, bbox_clause, visible
from demine.store.users import Principal

EXTENT = 4096
BUFFER = 64
HALF_WORLD = 20037508.342789244
EARTH_RADIUS = 6378137.0
MAX_LAT = 85.0511287798066
MAX_ZOOM = 22
# layer -> the properties a map needs to style and click through
LAYERS: dict[str, tuple[str, ...]] = {
    "hazard": ("id", "name", "hazard_class", "status", "review_state"),
    "release": ("id", "kind", "released_on", "review_state"),
    "eo_item": ("id", "category", "quantity", "review_state"),
    "accident": ("id", "accident_type", "occurred_on", "review_state"),
}


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """Web Mercator bounds (minx, miny, maxx, maxy) of tile z/x/y."""
    if not 0 <= z <= MAX_ZOOM or not (0 <= x < 2**z and 0 <= y < 2**z):
        raise RecordError(f"no tile {z}/{x}/{y}", field="tile")
    size = 2 * HALF_WORLD / 2**z
    minx = -HALF_WORLD + x * size
    maxy = HALF_WORLD - y * size
    return minx, maxy - size, minx + size, maxy


def _lonlat(mx: float, my: float) -> tuple[float, float]:
    lon = math.degrees(mx / EARTH_RADIUS)
    lat = math.degrees(2 * math.atan(math.exp(my / EARTH_RADIUS)) - math.pi / 2)
    return max(-180.0, min(180.0, lon)), lat


def to_mercator(coords: np.ndarray) -> np.ndarray:
    """Lon/lat (n, 2) to Web Mercator metres, latitudes clamped to the map."""
    lon = np.radians(coords[:, 0])
    lat = np.radians(np.clip(coords[:, 1], -MAX_LAT, MAX_LAT))
    return np.column_stack(
        [EARTH_RADIUS * lon, EARTH_RADIUS * np.log(np.tan(np.pi / 4 + lat / 2))]
    )


def render_tile(
    db: Database, layer: str, z: int, x: int, y: int, who: Principal | None
) -> bytes:
    """The tile z/x/y of ``layer`` as Mapbox Vector Tile bytes (maybe empty)."""
    if layer not in LAYERS:
        raise NotFoundError(f"no map layer {layer!r}")
    bounds = tile_bounds(z, x, y)
    if db.dialect == "postgresql":
        return _postgis_tile(db, layer, (z, x, y), who)
    return _shapely_tile(db, layer, bounds, who)


def _postgis_tile(
    db: Database, layer: str, zxy: tuple[int, int, int], who: Principal | None
) -> bytes:
    model = MODELS[layer]
    cols = model.__table__.c
    env = func.ST_TileEnvelope(*zxy)
    geom = func.ST_AsMVTGeom(
        func.ST_Transform(cols.geom, 3857), env, EXTENT, BUFFER, True
    ).label("geom")
    props = [cast(cols[name], Text).label(name) for name in LAYERS[layer][1:]]
    inner = (
        select(cols.id, *props, geom)
        .where(
            cols.geom.op("&&")(func.ST_Transform(env, 4326)),
            visible(model, who),
        )
        .subquery("mvt")
    )
    stmt = select(
        func.ST_AsMVT(literal_column("mvt"), layer, EXTENT, "geom", "id")
    ).select_from(inner)
    with db.transaction() as conn:
        data = conn.execute(stmt).scalar_one()
    return bytes(data or b"")


def _shapely_tile(
    db: Database,
    layer: str,
    bounds: tuple[float, float, float, float],
    who: Principal | None,
) -> bytes:
    model = MODELS[layer]
    cols = model.__table__.c
    names: Sequence[str] = LAYERS[layer]
    pad = (bounds[2] - bounds[0]) * BUFFER / EXTENT
    box = (bounds[0] - pad, bounds[1] - pad, bounds[2] + pad, bounds[3] + pad)
    west, south = _lonlat(box[0], box[1])
    east, north = _lonlat(box[2], box[3])
    with db.session() as session:
        where = and_(
            bbox_clause(session, layer, model, (west, south, east, north)),
            visible(model, who),
            cols.geom.is_not(None),
        )
        rows = session.execute(
            select(*(cols[n] for n in names), cols.geom).where(where)
        ).all()
    if not rows:
        return b""
    geoms = np.array([r[-1] for r in rows], dtype=object)
    shapes = _tile_coordinates(geoms, bounds)
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
    # Geometry arrives quantised and wound already, so the (pure Python)
    # encoder need not do either feature by feature.
    options = {"extents": EXTENT, "check_winding_order": False}
    return bytes(
        mapbox_vector_tile.encode(
            [{"name": layer, "features": features}], default_options=options
        )
    )


def _tile_coordinates(
    geoms: np.ndarray, bounds: tuple[float, float, float, float]
) -> np.ndarray:
    """Lon/lat geometries in integer tile units (y up), clipped and wound for MVT."""
    minx, miny, maxx, _ = bounds
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
    tiled = shapely.remove_repeated_points(tiled)
    polygonal = shapely.get_type_id(tiled) >= 3
    tiled[polygonal & (shapely.area(tiled) == 0)] = None
    # MVT wants exterior rings clockwise with y down: anticlockwise here (y up).
    return shapely.orient_polygons(tiled, exterior_cw=False)


def _prop(value: object) -> object:
    value = getattr(value, "value", value)
    if value is None or isinstance(value, int | float | str | bool):
        return value
    return str(value)
