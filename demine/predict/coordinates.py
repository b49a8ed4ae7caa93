# SPDX-License-Identifier: GPL-3.0-or-later
"""Where the cells of a table are, and whether they lie on a regular lattice.

A table's cells are located by, in order: its geometry (a GeoDataFrame), a
``geometry`` column of WKT text, ``x`` / ``y`` columns (in the CRS given, or
assumed projected metres), or longitude / latitude columns (``lon``,
``LONGITUD_X`` ...). Locations serve spatial blocks, the nearest-find
baseline, GeoTIFF output and hazard aggregation.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from pyproj import CRS, Transformer

from demine.errors import PredictionError
from demine.geo.area import equal_area_crs
from demine.i18n import _

LON = re.compile(r"^(lon|lng|long|longitude|longitud)([ _].*)?$", re.IGNORECASE)
LAT = re.compile(r"^(lat|latitude|latitud)([ _].*)?$", re.IGNORECASE)
WGS84 = CRS.from_epsg(4326)


@dataclass(frozen=True)
class Locations:
    """Cell centres ``x``, ``y`` in ``crs`` (None: unknown, taken as metres)."""

    x: NDArray[np.float64]
    y: NDArray[np.float64]
    crs: CRS | None

    @property
    def geographic(self) -> bool:
        return self.crs is not None and self.crs.is_geographic

    def metres(self) -> NDArray[np.float64]:
        """Centres as an (n, 2) array in metres (equal-area if geographic)."""
        if not self.geographic:
            return np.column_stack([self.x, self.y])
        finite = np.isfinite(self.x) & np.isfinite(self.y)
        bounds = (
            float(self.x[finite].min()),
            float(self.y[finite].min()),
            float(self.x[finite].max()),
            float(self.y[finite].max()),
        )
        to_m = Transformer.from_crs(self.crs, equal_area_crs(bounds), always_xy=True)
        mx, my = to_m.transform(self.x, self.y)
        return np.column_stack([mx, my])


def locate(frame: pd.DataFrame, crs: str | CRS | None = None) -> Locations | None:
    """Centres of the table's cells, or None if it says nothing of place.

    Examples
    --------
    >>> t = pd.DataFrame({"LONGITUD_X": [-75.5, -75.4], "LATITUD_Y": [5.7, 5.7]})
    >>> loc = locate(t)
    >>> loc.x.tolist(), loc.geographic
    ([-75.5, -75.4], True)
    """
    given = CRS.from_user_input(crs) if crs is not None else None
    geometry = getattr(frame, "geometry", None) if hasattr(frame, "crs") else None
    if geometry is not None:
        pts = shapely.centroid(np.asarray(geometry.values, dtype=object))
        return Locations(shapely.get_x(pts), shapely.get_y(pts), frame.crs or given)
    if {"x", "y"} <= set(frame.columns):
        return Locations(_floats(frame["x"]), _floats(frame["y"]), given)
    lon = next((c for c in frame.columns if LON.match(str(c))), None)
    lat = next((c for c in frame.columns if LAT.match(str(c))), None)
    if lon is not None and lat is not None:
        return Locations(_floats(frame[lon]), _floats(frame[lat]), WGS84)
    if "geometry" in frame.columns and frame["geometry"].dtype != float:
        geoms = shapely.from_wkt(
            frame["geometry"].to_numpy(dtype=object), on_invalid="ignore"
        )
        pts = shapely.centroid(geoms)
        x, y = shapely.get_x(pts), shapely.get_y(pts)
        looks_lonlat = np.nanmax(np.abs(x)) <= 180 and np.nanmax(np.abs(y)) <= 90
        return Locations(x, y, given or (WGS84 if looks_lonlat else None))
    return None


def _floats(series: pd.Series) -> NDArray[np.float64]:
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64)
    return np.asarray(values, dtype=np.float64)


@dataclass(frozen=True)
class Lattice:
    """A regular lattice fitted to cell centres: origin, steps and size.

    ``x0`` / ``y0`` are the west and north edges; ``row`` and ``col`` place
    every input cell.
    """

    x0: float
    y0: float
    dx: float
    dy: float
    nx: int
    ny: int
    row: NDArray[np.int64] = field(default_factory=lambda: np.empty(0, np.int64))
    col: NDArray[np.int64] = field(default_factory=lambda: np.empty(0, np.int64))

    @property
    def transform(self) -> tuple[float, float, float, float, float, float]:
        """GDAL-order affine coefficients of the lattice."""
        return (self.dx, 0.0, self.x0, 0.0, -self.dy, self.y0)

    def place(
        self, x: NDArray[np.float64], y: NDArray[np.float64]
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_]]:
        """Row, column and whether inside the lattice, for each centre."""
        col = np.floor((np.asarray(x) - self.x0) / self.dx).astype(np.int64)
        row = np.floor((self.y0 - np.asarray(y)) / self.dy).astype(np.int64)
        inside = (col >= 0) & (col < self.nx) & (row >= 0) & (row < self.ny)
        return row, col, inside


def fit_lattice(x: NDArray[np.float64], y: NDArray[np.float64]) -> Lattice:
    """The regular lattice the centres lie on, or raise if they do not.

    Examples
    --------
    >>> lat = fit_lattice(np.array([5.0, 15.0, 35.0]), np.array([5.0, 15.0, 5.0]))
    >>> (lat.x0, lat.y0, lat.dx, lat.nx, lat.ny), lat.col.tolist()
    ((0.0, 20.0, 10.0, 4, 2), [0, 1, 3])
    """
    finite = np.isfinite(x) & np.isfinite(y)
    if not finite.all():
        raise PredictionError(_("some cells have no coordinates: cannot make a raster"))
    dx, dy = _step(x, "x"), _step(y, "y")
    col_f = (x - x.min()) / dx
    row_f = (y.max() - y) / dy
    col, row = np.rint(col_f), np.rint(row_f)
    if np.abs(col_f - col).max() > 0.05 or np.abs(row_f - row).max() > 0.05:
        raise PredictionError(
            _(
                "the cells do not lie on a regular lattice: write CSV or GeoPackage "
                "instead of GeoTIFF"
            )
        )
    return Lattice(
        x0=float(x.min() - dx / 2),
        y0=float(y.max() + dy / 2),
        dx=float(dx),
        dy=float(dy),
        nx=int(col.max()) + 1,
        ny=int(row.max()) + 1,
        row=row.astype(np.int64),
        col=col.astype(np.int64),
    )


def _step(values: NDArray[np.float64], axis: str) -> float:
    unique = np.unique(values)
    if len(unique) < 2:
        return 1.0
    diffs = np.diff(unique)
    # The smallest spacing between distinct centres; gaps below a millionth
    # of the extent are float noise in one column of centres, not a step.
    diffs = diffs[diffs > 1e-6 * float(np.ptp(unique))]
    step = float(diffs.min()) if len(diffs) else math.nan
    if not math.isfinite(step) or step <= 0:
        raise PredictionError(_("cannot find the cell size along %(axis)s", axis=axis))
    return step
