# SPDX-License-Identifier: GPL-3.0-or-later
"""Vectorised geometry building blocks of the demo generator.

The generator works in a local Lambert azimuthal equal-area frame centred on
the liberated districts, so planar areas are true areas (in m²) and distances
are metres; geometries are turned into WGS84 lon/lat only when tables are
assembled. Every function here acts on whole arrays of shapes at once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np
import shapely
from pyproj import Transformer

# Centre of the demo region (between Shusha and Fuzuli).
LAEA = "+proj=laea +lat_0=39.7 +lon_0=46.8 +datum=WGS84 +units=m +no_defs"


@lru_cache(maxsize=1)
def _forward() -> Transformer:
    return Transformer.from_crs("EPSG:4326", LAEA, always_xy=True)


@lru_cache(maxsize=1)
def _inverse() -> Transformer:
    return Transformer.from_crs(LAEA, "EPSG:4326", always_xy=True)


def to_metres(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 lon/lat to the local equal-area frame (metres)."""
    return _forward().transform(np.asarray(lon, float), np.asarray(lat, float))


def to_degrees(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Local frame (metres) to WGS84 lon/lat."""
    return _inverse().transform(np.asarray(x, float), np.asarray(y, float))


def geoms_to_metres(geoms: np.ndarray) -> np.ndarray:
    return shapely.transform(geoms, _forward().transform, interleaved=False)


def geoms_to_degrees(geoms: np.ndarray) -> np.ndarray:
    return shapely.transform(geoms, _inverse().transform, interleaved=False)


def points_to_degrees(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Shapely lon/lat points from local-frame coordinates."""
    lon, lat = to_degrees(x, y)
    return shapely.points(lon, lat)


def as_multipolygons(geoms: np.ndarray) -> np.ndarray:
    """Each polygonal geometry as a MultiPolygon (None stays None)."""
    geoms = np.asarray(geoms, dtype=object)
    out = np.full(len(geoms), None, dtype=object)
    kind = shapely.get_type_id(geoms)
    single = kind == shapely.GeometryType.POLYGON
    if single.any():
        # A (n, 1) array makes n one-part MultiPolygons in one call.
        out[single] = shapely.multipolygons(geoms[single][:, None])
    multi = kind == shapely.GeometryType.MULTIPOLYGON
    out[multi] = geoms[multi]
    # Collections: keep their polygons only.
    other = np.flatnonzero(~single & ~multi & ~shapely.is_missing(geoms))
    if len(other):
        parts, owner = shapely.get_parts(geoms[other], return_index=True)
        keep = shapely.get_type_id(parts) == shapely.GeometryType.POLYGON
        grouped = _group(parts[keep], owner[keep], len(other))
        out[other] = as_multipolygons_simple(grouped)
    return out


def as_multipolygons_simple(geoms: np.ndarray) -> np.ndarray:
    """Polygons and MultiPolygons (or None) as MultiPolygons."""
    out = geoms.copy()
    single = shapely.get_type_id(geoms) == shapely.GeometryType.POLYGON
    if single.any():
        out[single] = shapely.multipolygons(geoms[single][:, None])
    return out


def drop_repeated_points(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """Polygonal geometries without consecutive vertices closer than
    ``tolerance``; parts left with fewer than three corners are dropped.

    Done on the coordinate arrays because ``shapely.remove_repeated_points``
    raises for the whole array when one ring collapses; only geometries with
    a repeat are rebuilt. Holes are not kept (the demo's polygons have none).
    """
    xy, index = shapely.get_coordinates(geoms, return_index=True)
    close = np.hypot(*np.diff(xy, axis=0).T) <= tolerance
    repeat = np.unique(index[1:][close & (index[1:] == index[:-1])])
    out = np.asarray(geoms, dtype=object).copy()
    if len(repeat):
        out[repeat] = _rebuild_without_repeats(out[repeat], tolerance)
    return out


def _rebuild_without_repeats(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    parts, owner = shapely.get_parts(geoms, return_index=True)
    polygon = shapely.get_type_id(parts) == shapely.GeometryType.POLYGON
    rings = shapely.get_exterior_ring(parts[polygon])
    owner = owner[polygon]
    ring = np.repeat(np.arange(len(rings)), shapely.get_num_coordinates(rings))
    xy = shapely.get_coordinates(rings)
    step = np.r_[np.inf, np.hypot(*np.diff(xy, axis=0).T)]
    first = np.r_[True, ring[1:] != ring[:-1]]
    last = np.r_[ring[1:] != ring[:-1], True]
    keep = first | last | (step > tolerance)
    # The closing point repeats the first: drop the point before it instead
    # when that one is the repeat.
    before = np.flatnonzero(last) - 1
    keep[before[(step[before + 1] <= tolerance) & ~first[before]]] = False
    good = np.bincount(ring[keep], minlength=len(rings)) >= 4
    rows = keep & good[ring]
    _, dense = np.unique(ring[rows], return_inverse=True)
    polys = shapely.polygons(shapely.linearrings(xy[rows], indices=dense))
    return _group(polys, owner[good], len(geoms))


def _group(polys: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
    """Polygons regrouped by owner: a Polygon where an owner has one, a
    MultiPolygon where it has several, None where it has none."""
    out = np.full(n, None, dtype=object)
    if not len(polys):
        return out
    present, dense = np.unique(owner, return_inverse=True)
    out[present] = shapely.multipolygons(polys, indices=dense)
    single = np.bincount(owner, minlength=n) == 1
    out[single] = shapely.get_geometry(out[single], 0)
    return out


def largest_parts(geoms: np.ndarray) -> np.ndarray:
    """The largest polygon of each geometry (None where there is none)."""
    geoms = np.asarray(geoms, dtype=object)
    parts, owner = shapely.get_parts(geoms, return_index=True)
    keep = shapely.get_type_id(parts) == shapely.GeometryType.POLYGON
    parts, owner = parts[keep], owner[keep]
    out = np.full(len(geoms), None, dtype=object)
    if not len(parts):
        return out
    # Sort by owner then area; the last part of each owner is its largest.
    order = np.lexsort((shapely.area(parts), owner))
    last = np.r_[owner[order][1:] != owner[order][:-1], True]
    out[owner[order][last]] = parts[order][last]
    return out


def ellipses(
    cx: np.ndarray,
    cy: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    angle: np.ndarray,
    vertices: int = 16,
) -> np.ndarray:
    """Ellipses with semi-axes ``a`` and ``b`` as polygons of ``vertices`` sides."""
    t = np.linspace(0.0, 2 * np.pi, vertices + 1)
    t[-1] = 0.0
    return _place(cx, cy, a[:, None] * np.cos(t), b[:, None] * np.sin(t), angle)


def _place(
    cx: np.ndarray, cy: np.ndarray, u: np.ndarray, v: np.ndarray, angle: np.ndarray
) -> np.ndarray:
    c, s = np.cos(angle)[:, None], np.sin(angle)[:, None]
    x = cx[:, None] + u * c - v * s
    y = cy[:, None] + u * s + v * c
    return shapely.polygons(np.stack([x, y], axis=-1))


def irregular(
    polygons: np.ndarray,
    vertices: np.ndarray,
    rng: np.random.Generator,
    shrink: tuple[float, float] = (0.9, 1.0),
) -> tuple[np.ndarray, np.ndarray]:
    """Irregular outlines inside convex ``polygons``.

    Each exterior is resampled at ``vertices[i]`` evenly spaced points and each
    point pulled towards the centroid by a random factor in ``shrink``. The
    result is star-shaped about the centroid, hence simple (valid), and lies
    inside the convex input, hence overlaps nothing the input did not overlap.
    Returns the polygons and the centroids (their star centres).
    """
    n = len(polygons)
    centre = shapely.get_coordinates(shapely.centroid(polygons))
    owner = np.repeat(np.arange(n), vertices)
    first = np.r_[0, np.cumsum(vertices)[:-1]]
    step = np.arange(len(owner)) - first[owner]
    where = (step + rng.random(n)[owner]) / vertices[owner]
    xy = resample_rings(shapely.get_exterior_ring(polygons), owner, where)
    pull = rng.uniform(shrink[0], shrink[1], len(owner))[:, None]
    xy = centre[owner] + pull * (xy - centre[owner])
    ring = shapely.linearrings(xy, indices=owner)
    return shapely.polygons(ring), centre


def resample_rings(
    rings: np.ndarray, owner: np.ndarray, where: np.ndarray
) -> np.ndarray:
    """Points at fractions ``where`` of the length of ``rings[owner]``.

    Pure numpy on the concatenated coordinates: one cumulative length over all
    rings, so a single ``searchsorted`` finds every point's segment.
    """
    xy = shapely.get_coordinates(rings)
    counts = shapely.get_num_coordinates(rings)
    start = np.r_[0, np.cumsum(counts)[:-1]]
    seg = np.hypot(*np.diff(xy, axis=0).T)
    # Zero the jumps from one ring's last point to the next ring's first.
    seg[start[1:] - 1] = 0.0
    cum = np.r_[0.0, np.cumsum(seg)]
    total = cum[start + counts - 1] - cum[start]
    target = cum[start[owner]] + where * total[owner]
    i = np.searchsorted(cum, target, side="right") - 1
    i = np.clip(i, start[owner], start[owner] + counts[owner] - 2)
    t = np.divide(target - cum[i], seg[i], out=np.zeros(len(i)), where=seg[i] > 0)[
        :, None
    ]
    return xy[i] + t * (xy[i + 1] - xy[i])


def scale_about(
    polygons: np.ndarray, centre: np.ndarray, factor: float | np.ndarray
) -> np.ndarray:
    """Scale each polygon about its own centre point (vectorised)."""
    counts = shapely.get_num_coordinates(polygons)
    owner = np.repeat(np.arange(len(polygons)), counts)
    factor = np.broadcast_to(np.asarray(factor, float), (len(polygons),))
    xy = shapely.get_coordinates(polygons)
    xy = centre[owner] + factor[owner, None] * (xy - centre[owner])
    return shapely.set_coordinates(polygons.copy(), xy)


def clip_to_boxes(
    geoms: np.ndarray,
    x0: np.ndarray,
    y0: np.ndarray,
    x1: np.ndarray,
    y1: np.ndarray,
) -> np.ndarray:
    """Each geometry clipped to its own axis-aligned box.

    ``shapely.clip_by_rect`` is fast but takes one rectangle for all
    geometries, and ``intersection`` with an array of boxes is four times
    slower; so each geometry is mapped onto the unit square by the axis-aligned
    affine map that takes its box there, clipped by the one unit rectangle,
    and mapped back. Axis-aligned scaling maps the box edges exactly.
    """
    sx, sy = x1 - x0, y1 - y0

    def forward(xy: np.ndarray, owner: np.ndarray) -> np.ndarray:
        return np.column_stack(
            [(xy[:, 0] - x0[owner]) / sx[owner], (xy[:, 1] - y0[owner]) / sy[owner]]
        )

    def back(xy: np.ndarray, owner: np.ndarray) -> np.ndarray:
        return np.column_stack(
            [xy[:, 0] * sx[owner] + x0[owner], xy[:, 1] * sy[owner] + y0[owner]]
        )

    unit = _map_coordinates(geoms, forward)
    return _map_coordinates(shapely.clip_by_rect(unit, 0.0, 0.0, 1.0, 1.0), back)


def _map_coordinates(
    geoms: np.ndarray, func: Callable[[np.ndarray, np.ndarray], np.ndarray]
) -> np.ndarray:
    """Apply ``func(xy, owner)`` to the coordinates of every geometry."""
    counts = shapely.get_num_coordinates(geoms)
    owner = np.repeat(np.arange(len(geoms)), counts)
    xy = func(shapely.get_coordinates(geoms), owner)
    return shapely.set_coordinates(geoms.copy(), xy)


def points_in(
    polygons: np.ndarray,
    owner: np.ndarray,
    rng: np.random.Generator,
    rounds: int = 30,
) -> tuple[np.ndarray, np.ndarray]:
    """One uniform random point inside ``polygons[owner[i]]`` for every i.

    Rejection sampling in each polygon's minimum rotated rectangle (thin
    diagonal strips fill it far better than their bounding box), all points
    at once, repeated for the misses; any left after ``rounds`` get a point
    on the polygon's surface.
    """
    # Work on the polygons actually drawn from only.
    used, owner = np.unique(owner, return_inverse=True)
    polygons = polygons[used]
    shapely.prepare(polygons)
    origin, side_a, side_b = _frames(polygons)
    x = np.full(len(owner), np.nan)
    y = np.full(len(owner), np.nan)
    todo = np.arange(len(owner))
    for _ in range(rounds):
        if not len(todo):
            break
        k = owner[todo]
        u, v = rng.random((2, len(todo)))
        t = origin[k] + u[:, None] * side_a[k] + v[:, None] * side_b[k]
        inside = shapely.contains_xy(polygons[k], t[:, 0], t[:, 1])
        x[todo[inside]], y[todo[inside]] = t[inside, 0], t[inside, 1]
        todo = todo[~inside]
    if len(todo):
        fallback = shapely.get_coordinates(
            shapely.point_on_surface(polygons[owner[todo]])
        )
        x[todo], y[todo] = fallback[:, 0], fallback[:, 1]
    return x, y


def _frames(polygons: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Corner and two sides of each polygon's minimum rotated rectangle
    (of its bounding box where the rectangle degenerates)."""
    minx, miny, maxx, maxy = shapely.bounds(polygons).T
    origin = np.column_stack([minx, miny])
    side_a = np.column_stack([maxx - minx, np.zeros(len(minx))])
    side_b = np.column_stack([np.zeros(len(minx)), maxy - miny])
    envelope = shapely.oriented_envelope(polygons)
    rings = shapely.get_exterior_ring(envelope)
    rect = shapely.get_num_coordinates(rings) == 5
    if rect.any():
        corners = shapely.get_coordinates(rings[rect]).reshape(-1, 5, 2)
        origin[rect] = corners[:, 0]
        side_a[rect] = corners[:, 1] - corners[:, 0]
        side_b[rect] = corners[:, 3] - corners[:, 0]
    return origin, side_a, side_b
