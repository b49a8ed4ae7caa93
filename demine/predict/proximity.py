# SPDX-License-Identifier: GPL-3.0-or-later
"""Distances and counts from many query points to points, lines and polygons.

Every query is a vectorised KD-tree call (:class:`scipy.spatial.cKDTree`),
never a Python loop over cells. Lines and polygon outlines are densified to
vertices at most ``spacing`` apart; the distance to the nearest vertex then
exceeds the true distance to the line by at most ``spacing / 2``.

A :class:`PointIndex` can leave out each query's *own* points, those whose
``owner`` key equals the query's key: the finds in the cell itself, or in
the cell's own admin area. That is what keeps a cell's label out of its
features.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from scipy.spatial import cKDTree

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Keys owning more points than this are answered with a tree that leaves
#: them out (built once per key) rather than by asking for n + 1 neighbours.
FEW_OWN = 512


def _tree(x: FloatArray, y: FloatArray) -> cKDTree | None:
    if not len(x):
        return None
    return cKDTree(np.column_stack([x, y]), leafsize=32, balanced_tree=False)


@dataclass
class PointIndex:
    """Nearest distance and neighbour counts to a set of points.

    Examples
    --------
    >>> idx = PointIndex(np.array([0.0, 10.0, 50.0]), np.zeros(3),
    ...                  owner=np.array([1, 1, 2]))
    >>> idx.distance(np.array([1.0]), np.array([0.0])).tolist()
    [1.0]
    >>> idx.distance(np.array([1.0]), np.array([0.0]), key=np.array([1])).tolist()
    [49.0]
    >>> idx.count(np.array([1.0]), np.array([0.0]), 20.0).tolist()
    [2]
    >>> idx.count(np.array([1.0]), np.array([0.0]), 20.0, key=np.array([1])).tolist()
    [0]
    """

    x: FloatArray
    y: FloatArray
    owner: IntArray | None = None
    workers: int = 1
    _tree: cKDTree | None = field(init=False, repr=False, default=None)
    _order: IntArray = field(init=False, repr=False)
    _keys: IntArray = field(init=False, repr=False)
    _starts: IntArray = field(init=False, repr=False)
    _complements: dict[int, cKDTree | None] = field(
        init=False, repr=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        self.x = np.asarray(self.x, dtype=np.float64)
        self.y = np.asarray(self.y, dtype=np.float64)
        self._tree = _tree(self.x, self.y)
        owner = (
            np.full(len(self.x), -1, dtype=np.int64)
            if self.owner is None
            else np.asarray(self.owner, dtype=np.int64)
        )
        self.owner = owner
        self._order = np.argsort(owner, kind="stable")
        self._keys, self._starts = np.unique(owner[self._order], return_index=True)

    def __getstate__(self) -> dict[str, Any]:
        # Trees left out of a key are a cache: rebuilt where they are needed.
        state = self.__dict__.copy()
        state["_complements"] = {}
        return state

    def __len__(self) -> int:
        return len(self.x)

    def own_counts(self, key: IntArray) -> IntArray:
        """Number of points owned by each query key."""
        key = np.asarray(key, dtype=np.int64)
        if not len(self._keys):
            return np.zeros(len(key), dtype=np.int64)
        ends = np.append(self._starts[1:], len(self.x))
        pos = np.clip(np.searchsorted(self._keys, key), 0, len(self._keys) - 1)
        found = self._keys[pos] == key
        return np.where(found, ends[pos] - self._starts[pos], 0).astype(np.int64)

    def distance(
        self, qx: FloatArray, qy: FloatArray, key: IntArray | None = None
    ) -> FloatArray:
        """Distance to the nearest point not owned by the query's key (inf if none)."""
        out = np.full(len(qx), np.inf)
        if self._tree is None or not len(qx):
            return out
        own = np.zeros(len(qx), np.int64) if key is None else self.own_counts(key)
        plain = own == 0
        if plain.any():
            out[plain] = self._tree.query(
                np.column_stack([qx[plain], qy[plain]]), k=1, workers=self.workers
            )[0]
        for n in np.unique(own[(own > 0) & (own <= FEW_OWN)]):
            pos = np.flatnonzero(own == n)
            assert key is not None
            out[pos] = self._nearest_other(qx[pos], qy[pos], key[pos], int(n))
        for k in np.unique(key[own > FEW_OWN]) if key is not None else []:
            pos = np.flatnonzero((own > FEW_OWN) & (key == k))
            tree = self._complement(int(k))
            if tree is not None:
                out[pos] = tree.query(
                    np.column_stack([qx[pos], qy[pos]]), k=1, workers=self.workers
                )[0]
        return out

    def _nearest_other(
        self, qx: FloatArray, qy: FloatArray, key: IntArray, n: int
    ) -> FloatArray:
        # Of the n + 1 nearest points at most n are the query's own, so the
        # first one that is not is the nearest other point.
        assert self._tree is not None
        assert self.owner is not None
        k = min(n + 1, len(self.x))
        dist, idx = self._tree.query(
            np.column_stack([qx, qy]), k=k, workers=self.workers
        )
        dist, idx = dist.reshape(len(qx), k), idx.reshape(len(qx), k)
        valid = idx < len(self.x)
        owner = np.where(
            valid, self.owner[np.minimum(idx, len(self.x) - 1)], key[:, None]
        )
        other = valid & (owner != key[:, None])
        first = np.argmax(other, axis=1)
        found = other[np.arange(len(qx)), first]
        return np.where(found, dist[np.arange(len(qx)), first], np.inf)

    def _complement(self, key: int) -> cKDTree | None:
        if key not in self._complements:
            assert self.owner is not None
            keep = self.owner != key
            self._complements[key] = _tree(self.x[keep], self.y[keep])
        return self._complements[key]

    def count(
        self,
        qx: FloatArray,
        qy: FloatArray,
        radius: float,
        key: IntArray | None = None,
    ) -> IntArray:
        """Points within ``radius`` of each query, leaving out the query's own."""
        out = np.zeros(len(qx), dtype=np.int64)
        if self._tree is None or not len(qx):
            return out
        own = np.zeros(len(qx), np.int64) if key is None else self.own_counts(key)
        small = own <= FEW_OWN
        if small.any():
            points = np.column_stack([qx[small], qy[small]])
            total = self._tree.query_ball_point(
                points, radius, return_length=True, workers=self.workers
            )
            if key is not None:
                total = total - self._own_within(
                    qx[small], qy[small], key[small], radius
                )
            out[small] = total
        for k in np.unique(key[~small]) if key is not None else []:
            pos = np.flatnonzero(~small & (key == k))
            tree = self._complement(int(k))
            if tree is not None:
                out[pos] = tree.query_ball_point(
                    np.column_stack([qx[pos], qy[pos]]),
                    radius,
                    return_length=True,
                    workers=self.workers,
                )
        return out

    def _own_within(
        self, qx: FloatArray, qy: FloatArray, key: IntArray, radius: float
    ) -> IntArray:
        """Own points within ``radius``: every (query, own point) pair at once."""
        n = self.own_counts(key)
        if not n.sum():
            return np.zeros(len(qx), dtype=np.int64)
        start = self._starts[np.searchsorted(self._keys, key[n > 0])]
        query = np.repeat(np.flatnonzero(n > 0), n[n > 0])
        # Offsets 0..n-1 within each query's run of own points.
        run = np.arange(len(query)) - np.repeat(
            np.cumsum(n[n > 0]) - n[n > 0], n[n > 0]
        )
        point = self._order[np.repeat(start, n[n > 0]) + run]
        near = np.hypot(self.x[point] - qx[query], self.y[point] - qy[query]) <= radius
        return np.bincount(query[near], minlength=len(qx)).astype(np.int64)


#: A level answers queries within this many of its vertex spacings; the next
#: level has vertices this many times further apart.
LEVEL_REACH = 100.0
LEVEL_STEP = 4.0
#: The level asked first: it answers every point beyond the reach of the
#: level below it, so most points are asked once.
PROBE_LEVEL = 2


@dataclass
class ShapeIndex:
    """Distance to the nearest of some lines, points or polygons (0 inside).

    Vertices are indexed at several levels of detail: ``spacing`` for
    queries within ``100 * spacing``, then four times coarser (and
    simplified) for each further range. A far query is answered by a small
    tree, quickly, with an error below 4 % of its distance; a near one is
    accurate to ``spacing / 2``.

    Examples
    --------
    >>> line = shapely.LineString([(0, 0), (100, 0)])
    >>> square = shapely.box(200, 0, 300, 100)
    >>> idx = ShapeIndex.of(np.array([line, square]), spacing=5.0)
    >>> qx, qy = np.array([50.0, 250.0, 150.0]), np.array([10.0, 50.0, 0.0])
    >>> idx.distance(qx, qy).tolist()
    [10.0, 0.0, 50.0]
    """

    levels: list[tuple[PointIndex, float]]
    interior: Any = None  # a prepared (multi)polygon, or None

    @classmethod
    def of(
        cls,
        geoms: NDArray[np.object_],
        spacing: float,
        workers: int = 1,
        interior: bool = True,
    ) -> ShapeIndex:
        """Index ``geoms`` (projected metres), densified to ``spacing``.

        With ``interior=False`` polygons are indexed by their outline only
        and the caller says which points lie inside them.
        """
        geoms = np.asarray(geoms, dtype=object)
        geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
        polygonal = np.isin(shapely.get_type_id(geoms), [3, 6])
        outlines = np.where(polygonal, shapely.boundary(geoms), geoms)
        levels: list[tuple[PointIndex, float]] = []
        step = spacing
        while True:
            shapes = outlines if not levels else shapely.simplify(outlines, step / 2)
            dense = shapely.segmentize(shapes, step) if len(shapes) else shapes
            xy = shapely.get_coordinates(dense)
            index = PointIndex(xy[:, 0], xy[:, 1], workers=workers)
            levels.append((index, LEVEL_REACH * step))
            if len(xy) <= 256 or len(levels) >= 8:
                break
            step *= LEVEL_STEP
        inner = None
        if interior and polygonal.any():
            inner = shapely.union_all(shapely.make_valid(geoms[polygonal]))
            shapely.prepare(inner)
        return cls(levels, inner)

    def __setstate__(self, state: dict[str, Any]) -> None:
        # Pickles keep geometries but not their preparation: redo it.
        self.__dict__.update(state)
        if self.interior is not None:
            shapely.prepare(self.interior)

    def __len__(self) -> int:
        return len(self.levels[0][0])

    def distance(
        self,
        qx: FloatArray,
        qy: FloatArray,
        inside: NDArray[np.bool_] | None = None,
    ) -> FloatArray:
        """Distances of query points; ``inside`` says which lie in a polygon
        (computed here when not given)."""
        out = self._levelled(qx, qy)
        if inside is None:
            inside = self.contains(qx, qy)
        out[inside] = 0.0
        return out

    def _levelled(self, qx: FloatArray, qy: FloatArray) -> FloatArray:
        """Ask a middle level first; it answers every point far enough for
        its accuracy, and each nearer point is asked once more, of the
        coarsest level accurate enough at that distance."""
        probe = min(PROBE_LEVEL, len(self.levels) - 1)
        index, _ = self.levels[probe]
        if index._tree is None or not len(qx):
            return np.full(len(qx), np.inf)
        pts = np.column_stack([qx, qy])
        workers = index.workers
        out = index._tree.query(pts, k=1, workers=workers)[0]
        reaches = np.array([reach for _, reach in self.levels])
        err = reaches[probe] / LEVEL_REACH  # a level errs by at most its spacing
        # Level k serves distances of at least the reach of level k - 1.
        level = np.searchsorted(reaches[:-1], out - err, side="right")
        for k in range(probe):  # one pass per level, not per cell
            pos = np.flatnonzero(level == k)
            index, reach = self.levels[k]
            if not len(pos) or index._tree is None:
                continue
            bound = reach + 2 * err + reach / LEVEL_REACH
            dist = index._tree.query(
                pts[pos], k=1, distance_upper_bound=bound, workers=workers
            )[0]
            found = np.isfinite(dist)
            out[pos[found]] = dist[found]
        return np.asarray(out, dtype=np.float64)

    def contains(self, qx: FloatArray, qy: FloatArray) -> NDArray[np.bool_]:
        """Whether each query point lies inside the indexed polygons."""
        if self.interior is None or not len(qx):
            return np.zeros(len(qx), dtype=bool)
        return np.asarray(shapely.contains_xy(self.interior, qx, qy), dtype=bool)
