# SPDX-License-Identifier: GPL-3.0-or-later
"""Drawing sampling units inside released ground, reproducibly.

The lot (WGS84 polygons) is projected to a Lambert azimuthal equal-area
plane centred on it, so a unit of ``unit_m2`` there has that area on the
ground. A grid of units (squares, or lanes of a given width) is laid at a
seeded random offset and, for lanes, a seeded random bearing; the units lying
wholly inside the lot are the candidates, and ``count`` of them are chosen
at random without replacement. The same lot, unit, shape and seed always
give the same units, in the same order, so a field task can be drawn again
to check it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import Transformer
from shapely import affinity
from shapely.geometry.base import BaseGeometry

from demine.geo.area import equal_area_crs

__all__ = ["MAX_CELLS", "Draw", "draw_units"]

#: Grid cells laid over a lot at most: beyond, the unit is too small for it.
MAX_CELLS = 2_000_000


@dataclass(frozen=True)
class Draw:
    """Units drawn in a lot: WGS84 polygons, in the order they were chosen.

    ``candidates`` is how many units fit wholly inside the lot; fewer than
    asked for means the lot's shape (narrow strips) leaves no room for more.
    """

    units: list[BaseGeometry]
    candidates: int
    width_m: float
    length_m: float
    bearing_deg: float


def draw_units(
    lot: BaseGeometry,
    count: int,
    unit_m2: float = 100.0,
    *,
    shape: str = "box",
    lane_width_m: float = 1.0,
    seed: int = 0,
) -> Draw:
    """Draw ``count`` units of ``unit_m2`` wholly inside ``lot``.

    Parameters
    ----------
    lot
        Released ground, a WGS84 (lon/lat) Polygon or MultiPolygon.
    count
        Units wanted; fewer come back when fewer fit (``Draw.candidates``).
    unit_m2
        Area of one unit on the ground.
    shape
        ``"box"`` (squares on a north-aligned grid) or ``"lane"`` (strips
        ``lane_width_m`` wide at a seeded bearing).
    seed
        Same seed, same units.

    Examples
    --------
    >>> lot = shapely.box(47.0, 40.0, 47.003, 40.002)
    >>> d = draw_units(lot, 5, 100.0, seed=3)
    >>> len(d.units), d.candidates > 5, all(lot.contains(u) for u in d.units)
    (5, True, True)
    >>> draw_units(lot, 5, 100.0, seed=3).units == d.units
    True
    """
    if count < 0:
        raise ValueError(f"count must not be negative, got {count}")
    if not (math.isfinite(unit_m2) and unit_m2 > 0):
        raise ValueError(f"unit_m2 must be positive, got {unit_m2!r}")
    if shape not in ("box", "lane"):
        raise ValueError(f"shape must be box or lane, not {shape!r}")
    rng = np.random.default_rng(seed)
    if shape == "box":
        width = length = math.sqrt(unit_m2)
        bearing = 0.0
    else:
        if not (math.isfinite(lane_width_m) and 0 < lane_width_m <= unit_m2):
            raise ValueError(f"lane width must be positive, got {lane_width_m!r}")
        width, length = lane_width_m, unit_m2 / lane_width_m
        bearing = float(rng.uniform(0.0, 180.0))
    forward, back = _transformers(*_centre(lot))
    plane = shapely.transform(lot, forward.transform, interleaved=False)
    # Lanes run along the bearing: turn the lot so they are vertical.
    turned = affinity.rotate(plane, bearing, origin=(0.0, 0.0))
    cells = _grid(turned, width, length, rng)
    shapely.prepare(turned)
    inside = cells[shapely.contains(turned, cells)]
    chosen = _choose(inside, count, rng)
    units = [
        shapely.transform(
            affinity.rotate(cell, -bearing, origin=(0.0, 0.0)),
            back.transform,
            interleaved=False,
        )
        for cell in chosen
    ]
    return Draw(units, len(inside), width, length, bearing)


def _centre(lot: BaseGeometry) -> tuple[float, float]:
    """The lot's centre rounded to 0.1°, so nearby lots share a projection
    (equal-area everywhere; over a lot's few kilometres its shapes bend by
    far less than a unit's width)."""
    x0, y0, x1, y1 = shapely.bounds(lot).tolist()
    return round((x0 + x1) / 2, 1), round((y0 + y1) / 2, 1)


@lru_cache(maxsize=64)
def _transformers(lon: float, lat: float) -> tuple[Transformer, Transformer]:
    crs = equal_area_crs((lon, lat, lon, lat))
    return (
        Transformer.from_crs("EPSG:4326", crs, always_xy=True),
        Transformer.from_crs(crs, "EPSG:4326", always_xy=True),
    )


def _grid(
    area: BaseGeometry, width: float, length: float, rng: np.random.Generator
) -> NDArray[np.object_]:
    """Cells of ``width`` × ``length`` over the bounds of ``area``, offset at random."""
    x0, y0, x1, y1 = shapely.bounds(area).tolist()
    ox, oy = rng.uniform(0.0, width), rng.uniform(0.0, length)
    xs = np.arange(x0 - ox, x1, width)
    ys = np.arange(y0 - oy, y1, length)
    if len(xs) * len(ys) > MAX_CELLS:
        raise ValueError(
            f"units of {width * length:g} m² are too small for a lot this large "
            f"({len(xs) * len(ys):,} grid cells, at most {MAX_CELLS:,})"
        )
    gx, gy = np.meshgrid(xs, ys)
    left, bottom = gx.ravel(), gy.ravel()
    return shapely.box(left, bottom, left + width, bottom + length)


def _choose(
    cells: NDArray[np.object_], count: int, rng: np.random.Generator
) -> NDArray[np.object_]:
    if count >= len(cells):
        return cells
    picked = rng.choice(len(cells), size=count, replace=False)
    return cells[np.sort(picked)]
