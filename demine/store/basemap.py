# SPDX-License-Identifier: GPL-3.0-or-later
"""The offline basemap: the register's own reference layers as vector tiles.

Administrative boundaries (country, regions, districts) as lines with their
names at a point inside, and the reference features the register holds
(roads, rivers and lakes, lines of contact, power lines, forests, protected
areas, projects, heritage sites) by kind. An agency without a tile server or
network still sees where its records are. Settlements are the map's own
``settlement`` layer (:mod:`demine.store.tile_layers`), labelled in the style.

Reference layers are small (hundreds to thousands of features) and change
rarely: each reader class's set is read once per register version and kept;
a tile is then a Shapely clip of it, encoded with ``mapbox-vector-tile``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

import mapbox_vector_tile
import numpy as np
import shapely
from sqlalchemy import select

from demine.domain.vocab import PlaceType
from demine.geo.web_mercator import to_lonlat
from demine.store.database import Database
from demine.store.layer_frames import layer_frame
from demine.store.listing import visibility_class, visible
from demine.store.register_version import register_version
from demine.store.schema import Place, ReferenceFeature
from demine.store.tile_layers import SPECS
from demine.store.tiles import BUFFER, EXTENT, tile_bounds, tile_coordinates
from demine.store.users import Principal

# The vector layers of a basemap tile (the style in static/map.js draws them).
AREAS, LINES, POINTS = "reference_area", "reference_line", "reference_point"
BOUNDARY, BOUNDARY_LABEL = "boundary", "boundary_label"
ADMIN_LEVELS = (PlaceType.COUNTRY, PlaceType.ADMIN1, PlaceType.ADMIN2)
SETS_KEPT = 8
# The share of hazards on each side the map's first view may leave out.
OUTLYING = 0.01
# At least this margin (degrees, about a kilometre) round the hazards' centres.
MIN_PAD_DEG = 0.01


@dataclass(frozen=True)
class ReferenceSet:
    """Every visible reference geometry, by basemap layer: geometries
    (lon/lat), their properties, and their bounds for a quick tile test."""

    layers: dict[str, tuple[np.ndarray, list[dict[str, object]], np.ndarray]]


_kept: OrderedDict[Hashable, ReferenceSet] = OrderedDict()
_lock = threading.Lock()


def reference_set(db: Database, who: Principal | None) -> ReferenceSet:
    """The reference layers ``who`` may see, kept per register version."""
    key = (db.url, visibility_class(who), register_version(db).current())
    with _lock:
        found = _kept.get(key)
        if found is not None:
            _kept.move_to_end(key)
            return found
    built = _read(db, who)
    with _lock:
        _kept[key] = built
        while len(_kept) > SETS_KEPT:
            _kept.popitem(last=False)
    return built


def _read(db: Database, who: Principal | None) -> ReferenceSet:
    with db.session() as session:
        places = session.execute(
            select(Place.name, Place.place_type, Place.boundary).where(
                Place.place_type.in_(ADMIN_LEVELS),
                Place.boundary.is_not(None),
                visible(Place, who),
            )
        ).all()
        features = session.execute(
            select(
                ReferenceFeature.name, ReferenceFeature.kind, ReferenceFeature.geom
            ).where(ReferenceFeature.geom.is_not(None), visible(ReferenceFeature, who))
        ).all()
    grouped: dict[str, tuple[list[object], list[dict[str, object]]]] = {
        name: ([], []) for name in (AREAS, LINES, POINTS, BOUNDARY, BOUNDARY_LABEL)
    }

    def add(layer: str, geom: object, props: dict[str, object]) -> None:
        grouped[layer][0].append(geom)
        grouped[layer][1].append(props)

    for name, level, boundary in places:
        level = getattr(level, "value", level)
        add(BOUNDARY, shapely.boundary(boundary), {"level": level})
        if level != PlaceType.COUNTRY.value:
            add(
                BOUNDARY_LABEL,
                shapely.point_on_surface(boundary),
                {"name": name, "level": level},
            )
    for name, kind, geom in features:
        about: dict[str, object] = {"kind": getattr(kind, "value", kind)}
        about["name"] = name
        for part in shapely.get_parts(geom).tolist():
            family = int(shapely.get_type_id(part))
            target = POINTS if family == 0 else LINES if family in (1, 2) else AREAS
            add(target, part, about)
    layers = {}
    for target, (geoms, props) in grouped.items():
        array = np.empty(len(geoms), dtype=object)
        array[:] = geoms
        layers[target] = (array, props, shapely.bounds(array).reshape(-1, 4))
    return ReferenceSet(layers)


def basemap_tile(db: Database, z: int, x: int, y: int, who: Principal | None) -> bytes:
    """Basemap tile z/x/y (MVT bytes; empty where the register has nothing)."""
    bounds = tile_bounds(z, x, y)
    pad = (bounds[2] - bounds[0]) * BUFFER / EXTENT
    west, south = to_lonlat(bounds[0] - pad, bounds[1] - pad)
    east, north = to_lonlat(bounds[2] + pad, bounds[3] + pad)
    out = []
    for layer, (geoms, props, boxes) in reference_set(db, who).layers.items():
        if not len(geoms):
            continue
        near = (boxes[:, 0] <= east) & (boxes[:, 2] >= west)
        near &= (boxes[:, 1] <= north) & (boxes[:, 3] >= south)
        if not near.any():
            continue
        index = np.flatnonzero(near)
        shapes = tile_coordinates(geoms[index], bounds)
        features = [
            {"geometry": shape, "properties": _present(props[i]), "id": int(i) + 1}
            for i, shape in zip(index.tolist(), shapes, strict=True)
            if shape is not None and not shape.is_empty
        ]
        if features:
            out.append({"name": layer, "features": features})
    if not out:
        return b""
    options = {"extents": EXTENT, "check_winding_order": False}
    return bytes(mapbox_vector_tile.encode(out, default_options=options))


def _present(props: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in props.items() if v is not None}


def records_bounds(
    db: Database, who: Principal | None
) -> tuple[float, float, float, float] | None:
    """The box (west, south, east, north) around the hazards ``who`` may see,
    so the map opens on the work rather than the whole country; None when
    there are none. The outermost 1% on each side are left out: a register
    holds a few records misplaced far away, which would frame the whole
    region with the work in a corner."""
    spec = SPECS["hazard"]
    frame = layer_frame(db, spec, who, [spec.who_sees(spec.model, who)])
    if not len(frame.lon):
        return None
    west, east = np.quantile(frame.lon, [OUTLYING, 1 - OUTLYING])
    south, north = np.quantile(frame.lat, [OUTLYING, 1 - OUTLYING])
    # The frame holds the hazards' centres: widen the box so that the
    # outermost hazards are seen whole, not cut in half at the edge.
    pad_lon = max((east - west) * 0.05, MIN_PAD_DEG)
    pad_lat = max((north - south) * 0.05, MIN_PAD_DEG)
    return (
        float(west - pad_lon),
        float(south - pad_lat),
        float(east + pad_lon),
        float(north + pad_lat),
    )
