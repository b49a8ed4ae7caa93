# SPDX-License-Identifier: GPL-3.0-or-later
"""Accident hotspots: a kernel density surface on an equal-area grid.

Accidents (points in metres of a Lambert azimuthal equal-area projection) are
counted into square cells, and the counts smoothed with a Gaussian kernel of
standard deviation ``bandwidth_m`` (a *binned* kernel density estimate; the
binning moves each point by at most half a cell). The smoothed counts divided
by the cell area are accidents per km²; the surface integrates to the number
of accidents used. Hotspots are the local maxima of the surface, strongest
first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from pyproj import CRS, Transformer
from scipy import ndimage

#: Standard deviation of the Gaussian kernel: about the reach of a minefield
#: or a village's fields, where accidents of one cause cluster.
DEFAULT_BANDWIDTH_M = 2_000.0
#: Cells per bandwidth: fine enough that binning does not blur the kernel.
CELLS_PER_BANDWIDTH = 4
#: Beyond this many cells the cell grows (a country-wide surface stays light).
MAX_CELLS = 2_000_000
#: The grid reaches this many bandwidths beyond the outermost accident.
PADDING = 3.0
#: Cells below this share of the peak are left out of the map layer.
MIN_SHARE = 0.05
#: A point further than this many times the median distance from the median
#: centre (and beyond OUTLIER_FLOOR_M) is a misplaced record, not a hotspot.
OUTLIER_FACTOR = 10.0
OUTLIER_FLOOR_M = 50_000.0


@dataclass(frozen=True)
class HotspotSurface:
    """Accidents per km² on a grid; row 0 is the southernmost row.

    ``x0``/``y0`` are the south-west corner of the grid in ``crs`` metres;
    ``used`` the accidents in the surface, ``outliers`` those left out as
    misplaced (far from all others).
    """

    density: NDArray[np.float64]
    x0: float
    y0: float
    cell_m: float
    bandwidth_m: float
    crs: CRS
    used: int
    outliers: int

    @property
    def peak(self) -> float:
        return float(self.density.max()) if self.density.size else 0.0

    def centres(self, rows: NDArray[np.intp], cols: NDArray[np.intp]) -> Any:
        """Projected x, y of the centres of cells (rows, cols)."""
        return (
            self.x0 + (cols + 0.5) * self.cell_m,
            self.y0 + (rows + 0.5) * self.cell_m,
        )

    def to_geojson(
        self, min_share: float = MIN_SHARE, max_features: int = 20_000
    ) -> dict[str, Any]:
        """Cells at or above ``min_share`` of the peak as WGS84 polygons.

        Each cell has ``density`` (accidents per km²) and ``share`` of the
        peak (0–1) for a colour ramp; the densest cells are kept first when
        there are more than ``max_features``.
        """
        if self.peak <= 0:
            return {"type": "FeatureCollection", "features": []}
        rows, cols = np.nonzero(self.density >= min_share * self.peak)
        values = self.density[rows, cols]
        order = np.argsort(-values, kind="stable")[:max_features]
        rows, cols, values = rows[order], cols[order], values[order]
        west = self.x0 + cols * self.cell_m
        south = self.y0 + rows * self.cell_m
        xs = np.stack([west, west + self.cell_m, west + self.cell_m, west, west], 1)
        ys = np.stack(
            [south, south, south + self.cell_m, south + self.cell_m, south], 1
        )
        lon, lat = _to_wgs84(self.crs).transform(xs, ys)
        # Built from lists in one pass: a Python loop over numpy scalars
        # costs seconds for a country-wide layer.
        rings = np.stack([np.round(lon, 5), np.round(lat, 5)], axis=2).tolist()
        density = np.round(values, 6).tolist()
        share = np.round(values / self.peak, 4).tolist()
        features = [
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {"density": d, "share": f},
            }
            for ring, d, f in zip(rings, density, share, strict=True)
        ]
        return {"type": "FeatureCollection", "features": features}


def _to_wgs84(crs: CRS) -> Transformer:
    return Transformer.from_crs(crs, "EPSG:4326", always_xy=True)


def inliers(x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Points not misplaced far away from all the others (see OUTLIER_FACTOR)."""
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        return ok
    cx, cy = np.median(x[ok]), np.median(y[ok])
    distance = np.hypot(x - cx, y - cy)
    limit = max(OUTLIER_FACTOR * float(np.median(distance[ok])), OUTLIER_FLOOR_M)
    return ok & (distance <= limit)


def density_surface(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    crs: CRS,
    bandwidth_m: float = DEFAULT_BANDWIDTH_M,
    cell_m: float | None = None,
) -> HotspotSurface:
    """The binned Gaussian kernel density of points ``x``, ``y`` (metres).

    ``cell_m`` defaults to a quarter of the bandwidth and grows when the
    grid would have more than :data:`MAX_CELLS` cells.
    """
    if not bandwidth_m > 0 or not math.isfinite(bandwidth_m):
        raise ValueError(
            f"bandwidth must be a positive number of metres: {bandwidth_m}"
        )
    if cell_m is not None and not cell_m > 0:
        raise ValueError(f"cell size must be a positive number of metres: {cell_m}")
    keep = inliers(x, y)
    outliers = int((np.isfinite(x) & np.isfinite(y) & ~keep).sum())
    x, y = x[keep], y[keep]
    cell = cell_m or bandwidth_m / CELLS_PER_BANDWIDTH
    if len(x) == 0:
        empty = np.zeros((0, 0))
        return HotspotSurface(empty, 0.0, 0.0, cell, bandwidth_m, crs, 0, outliers)
    pad = PADDING * bandwidth_m
    x0, y0 = float(x.min()) - pad, float(y.min()) - pad
    width, height = float(x.max()) + pad - x0, float(y.max()) + pad - y0
    if (width / cell) * (height / cell) > MAX_CELLS:
        cell = math.sqrt(width * height / MAX_CELLS)
    nx, ny = math.ceil(width / cell), math.ceil(height / cell)
    cols = np.minimum(((x - x0) // cell).astype(np.intp), nx - 1)
    rows = np.minimum(((y - y0) // cell).astype(np.intp), ny - 1)
    counts = np.zeros((ny, nx))
    np.add.at(counts, (rows, cols), 1.0)
    smoothed = ndimage.gaussian_filter(
        counts, sigma=bandwidth_m / cell, mode="constant", truncate=4.0
    )
    density = smoothed / (cell * cell / 1e6)
    return HotspotSurface(density, x0, y0, cell, bandwidth_m, crs, len(x), outliers)


def hotspot_peaks(
    surface: HotspotSurface,
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    victims: NDArray[np.float64],
    top: int = 10,
) -> pd.DataFrame:
    """The ``top`` local maxima of the surface, densest first.

    ``accidents`` and ``victims`` count those within one bandwidth of the
    peak's cell centre. Peaks below :data:`MIN_SHARE` of the highest are not
    hotspots.
    """
    columns = ["rank", "lon", "lat", "density_per_km2", "accidents", "victims"]
    if surface.peak <= 0:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
    reach = 2 * math.ceil(surface.bandwidth_m / surface.cell_m) + 1
    local = ndimage.maximum_filter(surface.density, size=reach, mode="constant")
    is_peak = (surface.density == local) & (surface.density >= MIN_SHARE * surface.peak)
    rows, cols = np.nonzero(is_peak)
    values = surface.density[rows, cols]
    # Equal maxima on a plateau are one hotspot: keep the first of each.
    order = np.lexsort((cols, rows, -values))
    rows, cols, values = rows[order], cols[order], values[order]
    px, py = surface.centres(rows, cols)
    chosen: list[int] = []
    for i in range(len(values)):
        gaps = [math.hypot(px[i] - px[j], py[i] - py[j]) for j in chosen]
        if all(gap >= surface.bandwidth_m for gap in gaps):
            chosen.append(i)
        if len(chosen) == top:
            break
    idx = np.array(chosen, dtype=np.intp)
    px, py, values = px[idx], py[idx], values[idx]
    ok = np.isfinite(x) & np.isfinite(y)
    distance = np.hypot(x[ok][None, :] - px[:, None], y[ok][None, :] - py[:, None])
    within = distance <= surface.bandwidth_m
    lon, lat = _to_wgs84(surface.crs).transform(px, py)
    return pd.DataFrame(
        {
            "rank": np.arange(1, len(idx) + 1),
            "lon": np.round(lon, 6),
            "lat": np.round(lat, 6),
            "density_per_km2": values,
            "accidents": within.sum(axis=1),
            "victims": (within * victims[ok][None, :]).sum(axis=1).astype(np.int64),
        }
    )
