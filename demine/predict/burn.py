# SPDX-License-Identifier: GPL-3.0-or-later
"""Polygons burnt onto a band of grid rows: which polygon holds each cell.

Point-in-polygon tests for millions of cell centres are the slow part of a
national grid. A scan-line fill answers them all at once: every polygon edge
is crossed with the centre line of each row it spans, the crossings of each
polygon and row are sorted, and the cells whose centres lie between a pair of
crossings (even-odd rule, so holes stay empty) are inside. All of it is
array arithmetic over edges, crossings and runs of cells; no Python loop
over polygons or cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from numpy.typing import NDArray

from demine.predict.grid import GridSpec

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass
class PolygonLayer:
    """Projected polygons, ready to be burnt onto bands of a grid.

    Examples
    --------
    >>> spec = GridSpec("EPSG:3035", 0.0, 300.0, 100.0, 3, 3)
    >>> layer = PolygonLayer(np.array([shapely.box(0, 0, 160, 300)]))
    >>> layer.burn(spec, 0, 2).tolist()
    [[1, 1, 0], [1, 1, 0]]
    """

    geoms: NDArray[np.object_]
    tree: shapely.STRtree = field(init=False, repr=False)
    edges: FloatArray = field(init=False, repr=False)  # x1, y1, x2, y2 per edge
    owner: IntArray = field(init=False, repr=False)  # polygon of each edge
    bounds: FloatArray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        geoms = np.asarray(self.geoms, dtype=object)
        if len(geoms):
            # "structure" repair keeps polygons polygons (no stray lines).
            geoms = shapely.make_valid(geoms, method="structure", keep_collapsed=False)
        self.geoms = geoms
        self.tree = shapely.STRtree(geoms)
        self.edges, self.owner = _edges(geoms)
        self.bounds = shapely.bounds(geoms) if len(geoms) else np.empty((0, 4))

    def __len__(self) -> int:
        return len(self.geoms)

    def burn(self, spec: GridSpec, start: int, stop: int) -> NDArray[np.int32]:
        """Index + 1 of the polygon holding each cell centre of rows
        ``[start, stop)`` (0: none; where polygons overlap, one of them)."""
        rows = max(min(stop, spec.ny) - start, 0)
        out = np.zeros((rows, spec.nx), dtype=np.int32)
        if not len(self.owner) or not rows:
            return out
        top = spec.y0 - start * spec.cell
        row, x, poly = _crossings(self.edges, self.owner, top, spec.cell, rows)
        if not len(row):
            return out
        order = np.lexsort((x, row, poly))
        row, x, poly = row[order], x[order], poly[order]
        # Crossings pair up within each (polygon, row): enter, leave, enter ...
        new = np.r_[True, (row[1:] != row[:-1]) | (poly[1:] != poly[:-1])]
        start_of = np.maximum.accumulate(np.where(new, np.arange(len(row)), 0))
        enter = np.flatnonzero((np.arange(len(row)) - start_of) % 2 == 0)
        enter = enter[enter + 1 < len(row)]
        enter = enter[~new[enter + 1]]  # an unpaired crossing (broken ring)
        left, right = x[enter], x[enter + 1]
        first = np.ceil((left - spec.x0) / spec.cell - 0.5).astype(np.int64)
        last = np.ceil((right - spec.x0) / spec.cell - 0.5).astype(np.int64) - 1
        first, last = np.maximum(first, 0), np.minimum(last, spec.nx - 1)
        r, c, p = _expand(row[enter], first, last, poly[enter])
        out[r, c] = p + 1
        return out

    def touched(self, spec: GridSpec, start: int, stop: int) -> NDArray[np.bool_]:
        """Cells of rows ``[start, stop)`` that a polygon's bounding box
        overlaps: every cell the polygon touches, and some it does not."""
        rows = max(min(stop, spec.ny) - start, 0)
        out = np.zeros((rows, spec.nx), dtype=bool)
        if not len(self.bounds) or not rows:
            return out
        top = spec.y0 - start * spec.cell
        xmin, ymin, xmax, ymax = self.bounds.T
        r0 = np.maximum(np.floor((top - ymax) / spec.cell), 0).astype(np.int64)
        r1 = np.minimum(np.floor((top - ymin) / spec.cell), rows - 1).astype(np.int64)
        c0 = np.maximum(np.floor((xmin - spec.x0) / spec.cell), 0).astype(np.int64)
        c1 = np.minimum(np.floor((xmax - spec.x0) / spec.cell), spec.nx - 1)
        keep = np.flatnonzero((r1 >= r0) & (c1 >= c0) & np.isfinite(xmin))
        # One run of columns per polygon and row it spans.
        span = r1[keep] - r0[keep] + 1
        poly = np.repeat(keep, span)
        row = r0[poly] + _offsets(span)
        r, c, _ = _expand(row, c0[poly], c1[poly].astype(np.int64), poly)
        out[r, c] = True
        return out


def _edges(geoms: NDArray[np.object_]) -> tuple[FloatArray, IntArray]:
    """Every ring edge of the polygons, and the polygon it belongs to."""
    if not len(geoms):
        return np.empty((0, 4)), np.empty(0, dtype=np.int64)
    parts, part_of = shapely.get_parts(geoms, return_index=True)
    polygons = shapely.get_type_id(parts) == 3
    parts, part_of = parts[polygons], part_of[polygons]
    rings, ring_of = shapely.get_rings(parts, return_index=True)
    xy, coord_ring = shapely.get_coordinates(rings, return_index=True)
    same = coord_ring[1:] == coord_ring[:-1]
    edges = np.column_stack([xy[:-1][same], xy[1:][same]])
    owner = part_of[ring_of[coord_ring[:-1][same]]]
    return edges, owner.astype(np.int64)


def _crossings(
    edges: FloatArray, owner: IntArray, top: float, cell: float, rows: int
) -> tuple[IntArray, FloatArray, IntArray]:
    """Where edges cross the centre lines of rows ``0 .. rows-1`` below ``top``.

    An edge spans the rows whose centre ``y`` satisfies ``ymin <= y < ymax``:
    half-open, so a vertex on a centre line counts once and horizontal edges
    never.
    """
    x1, y1, x2, y2 = edges.T
    lo, hi = np.minimum(y1, y2), np.maximum(y1, y2)
    # The first row whose centre lies strictly below ``hi``; a vertex gives
    # the same float on both its edges, so exactly one of them counts it.
    first = np.floor((top - hi) / cell - 0.5).astype(np.int64) + 1
    last = np.floor((top - lo) / cell - 0.5).astype(np.int64)
    first, last = np.maximum(first, 0), np.minimum(last, rows - 1)
    spans = np.maximum(last - first + 1, 0)
    edge = np.repeat(np.arange(len(edges)), spans)
    row = first[edge] + _offsets(spans)
    yc = top - (row + 0.5) * cell
    t = (yc - y1[edge]) / (y2[edge] - y1[edge])
    x = x1[edge] + t * (x2[edge] - x1[edge])
    return row, x, owner[edge]


def _offsets(counts: IntArray) -> IntArray:
    """0, 1, ..., n-1 for each count n, concatenated."""
    total = int(counts.sum())
    return np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)


def _expand(
    row: IntArray, first: IntArray, last: IntArray, poly: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    """Cells of runs ``row, first..last`` as (row, column, polygon) arrays."""
    length = np.maximum(last - first + 1, 0)
    run = np.repeat(np.arange(len(row)), length)
    return row[run], first[run] + _offsets(length), poly[run]
