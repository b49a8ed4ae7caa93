# SPDX-License-Identifier: GPL-3.0-or-later
"""Break geometries into rings and segments, vectorised.

Several checks look at the vertices of one ring at a time (repeated vertices,
segment lengths, distinct vertex counts) and geodesic lengths sum segments.
Shapely's ``get_coordinates`` only says which *geometry* a coordinate came
from, so consecutive coordinates of two rings of one polygon would look like a
segment. This module decomposes geometries into rings (polygon rings and
line strings) first, so that every segment is a real edge.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray

from demine.geo.arrays import as_geometry_array

logger = logging.getLogger(__name__)

# GEOS type ids (shapely.GeometryType), kept as plain ints for np.isin.
POINT, LINESTRING, LINEARRING, POLYGON = 0, 1, 2, 3
MULTIPOINT, MULTILINESTRING, MULTIPOLYGON, COLLECTION = 4, 5, 6, 7
_MULTI = (MULTIPOINT, MULTILINESTRING, MULTIPOLYGON, COLLECTION)


@dataclass(frozen=True, slots=True)
class Rings:
    """Coordinates of every ring (polygon ring or line string), ring by ring.

    ``coords`` is ``(n, 2)`` lon/lat; ``ring`` gives each coordinate's ring
    number; ``ring_geom`` gives each ring's geometry position in the input and
    ``ring_closed`` whether it is a polygon ring (as opposed to a line).
    """

    coords: NDArray[np.float64]
    ring: NDArray[np.intp]
    ring_geom: NDArray[np.intp]
    ring_closed: NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Segments:
    """Consecutive vertex pairs that form an edge of one ring.

    ``geom`` is the position of each segment's geometry in the input.
    """

    start: NDArray[np.float64]
    end: NDArray[np.float64]
    geom: NDArray[np.intp]


def _flat_parts(
    geoms: NDArray[np.object_],
) -> tuple[NDArray[np.object_], NDArray[np.intp]]:
    """Split multi-part geometries and collections down to single parts."""
    parts = geoms
    index = np.arange(len(geoms), dtype=np.intp)
    # Collections can nest; loop over nesting levels, never over shapes.
    while len(parts) and np.isin(shapely.get_type_id(parts), _MULTI).any():
        parts, sub = shapely.get_parts(parts, return_index=True)
        index = index[sub]
    return parts, index


def rings_of(geoms: Any) -> Rings:
    """Decompose geometries into their rings and line strings.

    Points contribute nothing; ``None`` and empty geometries contribute
    nothing.

    Examples
    --------
    >>> import shapely
    >>> r = rings_of([shapely.box(0, 0, 1, 1), shapely.LineString([(0, 0), (1, 1)])])
    >>> r.ring_geom.tolist(), r.ring_closed.tolist()
    ([0, 1], [True, False])
    """
    arr = as_geometry_array(geoms)
    parts, part_geom = _flat_parts(arr)
    types = shapely.get_type_id(parts)
    is_poly = types == POLYGON
    is_line = np.isin(types, (LINESTRING, LINEARRING))
    poly_rings, ring_part = shapely.get_rings(parts[is_poly], return_index=True)
    rings = np.concatenate([poly_rings, parts[is_line]])
    ring_geom = np.concatenate([part_geom[is_poly][ring_part], part_geom[is_line]])
    closed = np.concatenate(
        [np.ones(len(poly_rings), dtype=bool), np.zeros(is_line.sum(), dtype=bool)]
    )
    # An empty ring has no vertex to check or locate a problem at.
    full = ~shapely.is_empty(rings)
    rings, ring_geom, closed = rings[full], ring_geom[full], closed[full]
    # Keep rings in input order so that "first" means first in the input.
    order = np.argsort(ring_geom, kind="stable")
    rings, ring_geom, closed = rings[order], ring_geom[order], closed[order]
    coords, ring = shapely.get_coordinates(rings, return_index=True)
    return Rings(coords, ring.astype(np.intp), ring_geom.astype(np.intp), closed)


def segments_of(rings: Rings) -> Segments:
    """Return every edge of every ring in ``rings``.

    Examples
    --------
    >>> import shapely
    >>> len(segments_of(rings_of([shapely.box(0, 0, 1, 1)])).geom)
    4
    """
    same = rings.ring[1:] == rings.ring[:-1]
    start = rings.coords[:-1][same]
    end = rings.coords[1:][same]
    geom = rings.ring_geom[rings.ring[:-1][same]]
    return Segments(start, end, geom)


def distinct_vertices(rings: Rings) -> NDArray[np.intp]:
    """Count the distinct vertices of each ring (exact coordinate equality).

    Examples
    --------
    >>> import shapely
    >>> ring = shapely.from_wkt("POLYGON ((0 0, 1 1, 1 1, 0 0))")
    >>> distinct_vertices(rings_of([ring])).tolist()
    [2]
    """
    n_rings = len(rings.ring_geom)
    if not len(rings.ring):
        return np.zeros(n_rings, dtype=np.intp)
    x, y = rings.coords[:, 0], rings.coords[:, 1]
    order = np.lexsort((y, x, rings.ring))
    r, xs, ys = rings.ring[order], x[order], y[order]
    new = np.ones(len(r), dtype=bool)
    new[1:] = (r[1:] != r[:-1]) | (xs[1:] != xs[:-1]) | (ys[1:] != ys[:-1])
    return np.bincount(r[new], minlength=n_rings).astype(np.intp)
