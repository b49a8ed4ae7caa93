# SPDX-License-Identifier: GPL-3.0-or-later
"""Square grids in an equal-area projection: cell ids, centres and outlines.

A grid is a lattice of square cells of ``cell`` metres in a Lambert azimuthal
equal-area projection centred on the region, so every cell has the same
ground area. Rows run north to south and columns west to east, as in a
raster, so a grid maps one to one onto a GeoTIFF. A cell's id is
``row * nx + col``: stable, and enough to find the cell again.

Nothing here reads or writes files; a grid is built in row bands so national
grids never have to be held in memory at once.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import CRS

from demine.errors import PredictionError
from demine.geo.area import equal_area_crs
from demine.i18n import _

_SIZE = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(m|km)?\s*$", re.IGNORECASE)


def parse_length(text: str | float) -> float:
    """Metres from ``"100m"``, ``"1.5 km"`` or a plain number of metres.

    Examples
    --------
    >>> parse_length("100m"), parse_length("2.5km"), parse_length(30)
    (100.0, 2500.0, 30.0)
    """
    if isinstance(text, int | float):
        value = float(text)
    else:
        match = _SIZE.match(text)
        if match is None:
            raise PredictionError(
                _(
                    "length %(text)r is not understood: write e.g. 100m or 1km",
                    text=text,
                )
            )
        value = float(match.group(1)) * (
            1000.0 if (match.group(2) or "m").lower() == "km" else 1.0
        )
    if not math.isfinite(value) or value <= 0:
        raise PredictionError(_("length must be positive, got %(text)r", text=text))
    return value


@dataclass(frozen=True)
class GridSpec:
    """A lattice of ``ny`` rows by ``nx`` columns of ``cell`` metre squares.

    ``x0`` is the west edge and ``y0`` the north edge, in the metres of
    ``crs_wkt``.

    Examples
    --------
    >>> spec = GridSpec(crs_wkt="EPSG:3035", x0=0.0, y0=1000.0, cell=100.0,
    ...                 nx=10, ny=10)
    >>> spec.centres(np.array([0, 11]))
    (array([ 50., 150.]), array([950., 850.]))
    >>> spec.cell_of(np.array([150.0, -5.0]), np.array([850.0, 10.0])).tolist()
    [11, -1]
    """

    crs_wkt: str
    x0: float
    y0: float
    cell: float
    nx: int
    ny: int

    @property
    def size(self) -> int:
        """Number of cells in the full lattice (inside the region or not)."""
        return self.nx * self.ny

    @property
    def crs(self) -> CRS:
        return CRS.from_user_input(self.crs_wkt)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(xmin, ymin, xmax, ymax)`` of the lattice."""
        return (
            self.x0,
            self.y0 - self.ny * self.cell,
            self.x0 + self.nx * self.cell,
            self.y0,
        )

    def transform(self) -> tuple[float, float, float, float, float, float]:
        """GDAL-order affine coefficients ``(a, b, c, d, e, f)`` of the lattice."""
        return (self.cell, 0.0, self.x0, 0.0, -self.cell, self.y0)

    def rows_cols(self, ids: NDArray[np.int64]) -> tuple[NDArray[Any], NDArray[Any]]:
        return np.divmod(np.asarray(ids, dtype=np.int64), self.nx)

    def centres(
        self, ids: NDArray[np.int64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Projected centre coordinates of the cells ``ids``."""
        row, col = self.rows_cols(ids)
        x = self.x0 + (col + 0.5) * self.cell
        y = self.y0 - (row + 0.5) * self.cell
        return x.astype(np.float64), y.astype(np.float64)

    def cell_of(self, x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[Any]:
        """Id of the cell holding each point, or -1 outside the lattice."""
        col = np.floor((np.asarray(x, dtype=np.float64) - self.x0) / self.cell)
        row = np.floor((self.y0 - np.asarray(y, dtype=np.float64)) / self.cell)
        inside = (col >= 0) & (col < self.nx) & (row >= 0) & (row < self.ny)
        ids = np.full(col.shape, -1, dtype=np.int64)
        ids[inside] = row[inside].astype(np.int64) * self.nx + col[inside].astype(
            np.int64
        )
        return ids

    def boxes(self, ids: NDArray[np.int64]) -> NDArray[np.object_]:
        """Square outlines of the cells ``ids`` (projected)."""
        x, y = self.centres(ids)
        half = self.cell / 2.0
        return np.asarray(shapely.box(x - half, y - half, x + half, y + half))

    def band_ids(self, row_start: int, row_stop: int) -> NDArray[np.int64]:
        """Ids of every cell in rows ``[row_start, row_stop)``, row by row."""
        row_stop = min(row_stop, self.ny)
        return np.arange(row_start * self.nx, row_stop * self.nx, dtype=np.int64)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> GridSpec:
        data = json.loads(text)
        return cls(
            crs_wkt=str(data["crs_wkt"]),
            x0=float(data["x0"]),
            y0=float(data["y0"]),
            cell=float(data["cell"]),
            nx=int(data["nx"]),
            ny=int(data["ny"]),
        )


def grid_crs(lonlat_bounds: tuple[float, float, float, float]) -> CRS:
    """The equal-area CRS of a grid over lon/lat ``bounds``.

    The centre is rounded to 0.01° so grids over nearly the same region share
    one projection, and so can be compared cell by cell.
    """
    lo_x, lo_y, hi_x, hi_y = lonlat_bounds
    cx, cy = round((lo_x + hi_x) / 2, 2), round((lo_y + hi_y) / 2, 2)
    return equal_area_crs((cx, cy, cx, cy))


def grid_over(
    bounds: tuple[float, float, float, float], cell: float, crs: CRS
) -> GridSpec:
    """The lattice of ``cell`` metre squares covering projected ``bounds``.

    Edges are snapped to multiples of ``cell``, so two grids of the same cell
    size in the same CRS line up exactly.

    Examples
    --------
    >>> spec = grid_over((120.0, -30.0, 480.0, 170.0), 100.0, CRS("EPSG:3035"))
    >>> spec.x0, spec.y0, spec.nx, spec.ny
    (100.0, 200.0, 4, 3)
    """
    xmin, ymin, xmax, ymax = bounds
    if not all(math.isfinite(v) for v in bounds) or xmin > xmax or ymin > ymax:
        raise PredictionError(
            _("the region has no usable extent: %(bounds)r", bounds=bounds)
        )
    x0 = math.floor(xmin / cell) * cell
    y0 = math.ceil(ymax / cell) * cell
    nx = max(1, math.ceil((xmax - x0) / cell))
    ny = max(1, math.ceil((y0 - ymin) / cell))
    return GridSpec(crs.to_wkt(), float(x0), float(y0), float(cell), nx, ny)
