# SPDX-License-Identifier: GPL-3.0-or-later
"""Raster layers sampled at cell centres: elevation, slope, land cover.

A :class:`RasterLayer` is an array already read into memory with its affine
transform and CRS; sampling takes the pixel under each point (nearest
neighbour), in one vectorised lookup.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from pyproj import CRS, Transformer

# Metres per degree of latitude on the WGS84 ellipsoid (mean), for slopes on
# rasters in geographic coordinates.
M_PER_DEG = 111_320.0


@dataclass
class RasterLayer:
    """A single-band raster in memory: values, transform, CRS and nodata.

    ``transform`` holds GDAL-order coefficients ``(a, b, c, d, e, f)``.

    Examples
    --------
    >>> layer = RasterLayer(np.array([[1.0, 2.0], [3.0, 4.0]]),
    ...                     (10.0, 0.0, 0.0, 0.0, -10.0, 20.0), "EPSG:3035")
    >>> layer.sample(np.array([5.0, 15.0, 99.0]), np.array([15.0, 5.0, 5.0]),
    ...              "EPSG:3035").tolist()
    [1.0, 4.0, nan]
    """

    values: NDArray[np.float64]
    transform: tuple[float, float, float, float, float, float]
    crs_wkt: str
    nodata: float | None = None

    def __post_init__(self) -> None:
        values = np.asarray(self.values, dtype=np.float64)
        if self.nodata is not None and math.isfinite(self.nodata):
            values = np.where(values == self.nodata, np.nan, values)
        self.values = values

    def sample(
        self, x: NDArray[np.float64], y: NDArray[np.float64], crs: str | CRS
    ) -> NDArray[np.float64]:
        """Pixel values under points given in ``crs``; NaN outside the raster."""
        if CRS.from_user_input(crs) != CRS.from_user_input(self.crs_wkt):
            to_raster = Transformer.from_crs(crs, self.crs_wkt, always_xy=True)
            x, y = to_raster.transform(x, y)
        a, b, c, d, e, f = self.transform
        if b or d:
            raise ValueError("rotated rasters are not supported")
        col = np.floor((np.asarray(x) - c) / a)
        row = np.floor((np.asarray(y) - f) / e)
        rows, cols = self.values.shape
        inside = (col >= 0) & (col < cols) & (row >= 0) & (row < rows)
        out = np.full(len(col), np.nan)
        out[inside] = self.values[row[inside].astype(int), col[inside].astype(int)]
        return out

    def slope(self) -> RasterLayer:
        """Slope in degrees, from the elevation differences of neighbours.

        Pixel sizes of a geographic raster are converted to metres at each
        row's latitude.
        """
        a, _, _, _, e, f = self.transform
        dx = np.full(self.values.shape[0], abs(a))
        dy = abs(e)
        if CRS.from_user_input(self.crs_wkt).is_geographic:
            lat = f + e * (np.arange(self.values.shape[0]) + 0.5)
            dx = abs(a) * M_PER_DEG * np.cos(np.radians(lat))
            dy = abs(e) * M_PER_DEG
        grad_y, grad_x = np.gradient(self.values)
        rise = np.hypot(grad_x / dx[:, None], grad_y / dy)
        return RasterLayer(np.degrees(np.arctan(rise)), self.transform, self.crs_wkt)

    def classes(self) -> list[int]:
        """Distinct integer classes of a categorical raster (NaN left out)."""
        vals = self.values[np.isfinite(self.values)]
        return sorted(int(v) for v in np.unique(vals.astype(np.int64)))
