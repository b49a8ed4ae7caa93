# SPDX-License-Identifier: GPL-3.0-or-later
"""Web Mercator (EPSG:3857), the projection of map tiles, in NumPy.

Written out rather than asked of PROJ: tiles project every vertex they draw,
and the same arithmetic in SQL (:func:`demine.store.overview_cells.mercator_sql`)
lets PostGIS place a million points in grid cells without a call to
ST_Transform per row.
"""

from __future__ import annotations

import math

import numpy as np

EARTH_RADIUS = 6378137.0
HALF_WORLD = math.pi * EARTH_RADIUS  # 20,037,508.34 m: the map's edge
MAX_LAT = 85.0511287798066  # where the square map ends
MVT_EXTENT = 4096  # tile units across a vector tile


def to_mercator(coords: np.ndarray) -> np.ndarray:
    """Lon/lat (n, 2) to Web Mercator metres, latitudes clamped to the map."""
    lon = np.radians(coords[:, 0])
    lat = np.radians(np.clip(coords[:, 1], -MAX_LAT, MAX_LAT))
    return np.column_stack(
        [EARTH_RADIUS * lon, EARTH_RADIUS * np.log(np.tan(np.pi / 4 + lat / 2))]
    )


def to_lonlat(mx: float, my: float) -> tuple[float, float]:
    """Web Mercator metres back to lon/lat (longitude kept on the map)."""
    lon = math.degrees(mx / EARTH_RADIUS)
    lat = math.degrees(2 * math.atan(math.exp(my / EARTH_RADIUS)) - math.pi / 2)
    return max(-180.0, min(180.0, lon)), lat


def tile_of(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    """The (x, y) of the tile at ``zoom`` holding lon/lat (edges kept on the grid)."""
    n = 2**zoom
    mx, my = to_mercator(np.array([[lon, lat]], dtype=float))[0]
    x = math.floor((mx + HALF_WORLD) / (2 * HALF_WORLD) * n)
    y = math.floor((HALF_WORLD - my) / (2 * HALF_WORLD) * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)
