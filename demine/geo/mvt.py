# SPDX-License-Identifier: GPL-3.0-or-later
"""Mapbox Vector Tile encoding of a whole layer at once, with NumPy.

``mapbox-vector-tile`` encodes feature by feature in pure Python, which made
a low-zoom tile of a few thousand hazards cost most of a second on SQLite.
Here the geometry commands of every feature are computed in one pass over
the coordinate array (MVT 2.1: MoveTo/LineTo/ClosePath, zigzag deltas), and
only the protobuf framing is done per feature. Polygons and points only;
anything else is left to ``mapbox-vector-tile``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from mapbox_vector_tile.Mapbox import vector_tile_pb2

MOVE_TO, LINE_TO, CLOSE_PATH = 1, 2, 7
POINT, POLYGON = 1, 3
_POINTS = {0, 4}  # Point, MultiPoint
_POLYGONS = {3, 6}  # Polygon, MultiPolygon


def encodable(geoms: np.ndarray) -> bool:
    """Whether every geometry is points only or polygons only (not mixed)."""
    types = set(np.unique(shapely.get_type_id(geoms)).tolist())
    return bool(types) and (types <= _POINTS or types <= _POLYGONS)


def _zigzag(values: np.ndarray) -> np.ndarray:
    return (values << 1) ^ (values >> 63)


def _deltas(coords: np.ndarray, feature_of: np.ndarray) -> np.ndarray:
    """Zigzagged moves from point to point; each feature starts at (0, 0)."""
    moves = np.diff(coords, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    starts = np.r_[True, feature_of[1:] != feature_of[:-1]]
    moves[starts] = coords[starts]
    return _zigzag(moves)


def _polygon_commands(
    geoms: np.ndarray, extent: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Command integers of all features, and each feature's slice of them."""
    parts, part_feature = shapely.get_parts(geoms, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, ring_of = shapely.get_coordinates(rings, return_index=True)
    sizes = np.bincount(ring_of, minlength=len(rings))
    # Rings repeat their first point last; MVT closes them with ClosePath.
    last = np.cumsum(sizes) - 1
    keep = np.ones(len(coords), dtype=bool)
    keep[last[sizes > 0]] = False
    coords, ring_of = coords[keep], ring_of[keep]
    points = np.maximum(sizes - 1, 0)
    # A ring of fewer than three points encloses nothing; a polygon whose
    # exterior collapsed goes whole, or its holes would be drawn as land.
    exterior = np.r_[True, ring_part[1:] != ring_part[:-1]]
    dead_part = np.zeros(len(parts), dtype=bool)
    dead_part[ring_part[exterior & (points < 3)]] = True
    live_ring = (points >= 3) & ~dead_part[ring_part]
    live = live_ring[ring_of]
    coords, ring_of = coords[live], ring_of[live]
    ring_feature = part_feature[ring_part]
    xy = np.rint(coords).astype(np.int64)
    xy[:, 1] = extent - xy[:, 1]  # MVT's y grows downwards
    zz = _deltas(xy, ring_feature[ring_of])
    n = points * live_ring
    length = np.where(live_ring, 2 * n + 3, 0)
    start = np.cumsum(length) - length
    out = np.empty(int(length.sum()), dtype=np.int64)
    live_idx = np.flatnonzero(live_ring)
    out[start[live_idx]] = MOVE_TO | (1 << 3)
    out[start[live_idx] + 3] = LINE_TO | ((n[live_idx] - 1) << 3)
    out[start[live_idx] + length[live_idx] - 1] = CLOSE_PATH | (1 << 3)
    ring_start = np.cumsum(np.bincount(ring_of, minlength=len(rings))) - np.bincount(
        ring_of, minlength=len(rings)
    )
    k = np.arange(len(ring_of)) - ring_start[ring_of]
    pos = start[ring_of] + np.where(k == 0, 1, 2 * k + 2)
    out[pos] = zz[:, 0]
    out[pos + 1] = zz[:, 1]
    feature_length = np.bincount(ring_feature, weights=length, minlength=len(geoms))
    ends = np.cumsum(feature_length).astype(np.int64)
    return out, ends - feature_length.astype(np.int64), ends


def _point_commands(
    geoms: np.ndarray, extent: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    coords, feature_of = shapely.get_coordinates(geoms, return_index=True)
    xy = np.rint(coords).astype(np.int64)
    xy[:, 1] = extent - xy[:, 1]
    zz = _deltas(xy, feature_of)
    count = np.bincount(feature_of, minlength=len(geoms))
    length = np.where(count > 0, 2 * count + 1, 0)
    start = np.cumsum(length) - length
    out = np.empty(int(length.sum()), dtype=np.int64)
    has = count > 0
    out[start[has]] = MOVE_TO | (count[has] << 3)
    first = np.cumsum(count) - count
    k = np.arange(len(feature_of)) - first[feature_of]
    pos = start[feature_of] + 1 + 2 * k
    out[pos] = zz[:, 0]
    out[pos + 1] = zz[:, 1]
    return out, start, start + length


def encode_layer(
    name: str,
    geoms: np.ndarray,
    ids: Sequence[int],
    properties: Sequence[dict[str, object]],
    extent: int = 4096,
) -> bytes:
    """One MVT layer of ``geoms`` in tile units (y up, already clipped, snapped
    and wound); None property values are left out, as MVT has no null."""
    polygons = int(shapely.get_type_id(geoms[0])) in _POLYGONS
    if polygons:
        out, starts, ends = _polygon_commands(geoms, extent)
    else:
        out, starts, ends = _point_commands(geoms, extent)
    commands = out.tolist()
    tile = vector_tile_pb2.tile()
    layer = tile.layers.add()
    layer.version = 2
    layer.name = name
    layer.extent = extent
    keys: dict[str, int] = {}
    values: dict[tuple[type, object], int] = {}
    kind = POLYGON if polygons else POINT
    for ident, props, a, b in zip(
        ids, properties, starts.tolist(), ends.tolist(), strict=True
    ):
        if a == b:
            continue
        feature = layer.features.add()
        feature.id = int(ident)
        feature.type = kind
        feature.geometry.extend(commands[a:b])
        tags: list[int] = []
        for key, value in props.items():
            if value is None:
                continue
            k = keys.get(key)
            if k is None:
                k = keys[key] = len(keys)
                layer.keys.append(key)
            v = values.get((type(value), value))
            if v is None:
                v = values[(type(value), value)] = len(values)
                _set_value(layer.values.add(), value)
            tags += (k, v)
        feature.tags.extend(tags)
    return tile.SerializeToString()


def _set_value(slot: vector_tile_pb2.tile.value, value: object) -> None:
    if isinstance(value, bool):
        slot.bool_value = value
    elif isinstance(value, int):
        if value < 0:
            slot.sint_value = value
        else:
            slot.uint_value = value
    elif isinstance(value, float):
        slot.double_value = value
    else:
        slot.string_value = str(value)
