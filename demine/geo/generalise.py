# SPDX-License-Identifier: GPL-3.0-or-later
"""Shapes generalised for the public: snapped outward to a metric grid.

A hazardous area shown to residents must warn of all the ground it covers
without giving away its recorded outline (which tells where mines were
laid). Each shape becomes the union of the grid cells of ``distance_m``
that it touches, in an equal-area frame whose origin is a whole degree
(never the shape's own centre, which would leak it). The result always
covers the original, so the warning is never smaller than the danger, and
every vertex lies on the grid, so the outline inside a cell cannot be read
back.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer

from demine.geo.area import _laea

# A shape wider than this many cells is snapped to a coarser grid instead.
MAX_CELLS = 20_000


def _frame(geom: Any) -> tuple[Transformer, Transformer]:
    centre = shapely.centroid(geom)
    crs = _laea(float(round(centre.y)), float(round(centre.x)))
    forward = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    back = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    return forward, back


def generalise(geom: Any, distance_m: float, inward: bool = False) -> Any:
    """The union of the ``distance_m`` grid cells ``geom`` touches (WGS84).

    ``inward`` keeps only the cells wholly inside ``geom`` instead: released
    land is generalised that way, so the public never sees as released any
    ground that was not (a small release may then show no shape at all).

    Parameters
    ----------
    geom : shapely geometry
        Longitude/latitude polygon(s); ``None`` or empty gives ``None``.
    distance_m : float
        Grid size in metres; 0 returns ``geom`` unchanged.

    Returns
    -------
    shapely geometry or None
        A polygon or multipolygon covering ``geom``.

    Examples
    --------
    >>> import shapely
    >>> square = shapely.box(47.0001, 40.0001, 47.0002, 40.0002)
    >>> shown = generalise(square, 500)
    >>> shown.covers(square), round(shown.area / square.area) > 100
    (True, True)
    """
    if geom is None or shapely.is_empty(geom):
        return None
    if distance_m <= 0:
        return geom
    forward, back = _frame(geom)
    projected = shapely.transform(geom, forward.transform, interleaved=False)
    cell = float(distance_m)
    min_x, min_y, max_x, max_y = projected.bounds
    while True:
        xs = np.arange(math.floor(min_x / cell), math.floor(max_x / cell) + 1)
        ys = np.arange(math.floor(min_y / cell), math.floor(max_y / cell) + 1)
        if len(xs) * len(ys) <= MAX_CELLS:
            break
        cell *= 2
    gx, gy = np.meshgrid(xs * cell, ys * cell)
    boxes = shapely.box(gx.ravel(), gy.ravel(), gx.ravel() + cell, gy.ravel() + cell)
    shapely.prepare(projected)
    keep = (
        shapely.contains(projected, boxes)
        if inward
        else shapely.intersects(projected, boxes)
    )
    if not keep.any():
        return None
    shown = shapely.union_all(boxes[keep], grid_size=cell / 1000)
    return shapely.transform(shown, back.transform, interleaved=False)
