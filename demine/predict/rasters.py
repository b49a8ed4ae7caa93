# SPDX-License-Identifier: GPL-3.0-or-later
"""GeoTIFF in and out (I/O, with rasterio): DEM and land cover, risk maps."""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pyproj import CRS, Transformer

from demine.errors import PredictionError
from demine.i18n import _
from demine.predict.terrain import RasterLayer

log = logging.getLogger(__name__)

#: Cells without a risk value in a risk GeoTIFF.
NODATA = -1.0


def _rasterio() -> Any:
    try:
        import rasterio
    except ImportError:  # pragma: no cover - rasterio is a declared dependency
        raise PredictionError(_("GeoTIFF needs the rasterio package")) from None
    return rasterio


def read_raster(
    path: str | Path,
    lonlat_bounds: tuple[float, float, float, float] | None = None,
    margin: float = 0.02,
) -> RasterLayer:
    """Band 1 of a raster, read only over ``lonlat_bounds`` (plus a margin)."""
    rasterio = _rasterio()
    try:
        src = rasterio.open(path)
    except rasterio.errors.RasterioIOError as exc:
        raise PredictionError(
            _("%(path)s: cannot read raster (%(reason)s)", path=path, reason=exc)
        ) from None
    with src:
        if src.crs is None:
            raise PredictionError(_("%(path)s: the raster has no CRS", path=path))
        a, b, c, d, e, f = tuple(src.transform)[:6]
        if b or d:
            raise PredictionError(
                _("%(path)s: rotated rasters are not supported", path=path)
            )
        rows, cols = (0, src.height), (0, src.width)
        if lonlat_bounds is not None:
            lo_x, lo_y, hi_x, hi_y = lonlat_bounds
            to_src = Transformer.from_crs("EPSG:4326", src.crs.to_wkt(), always_xy=True)
            x0, y0, x1, y1 = to_src.transform_bounds(
                lo_x - margin, lo_y - margin, hi_x + margin, hi_y + margin
            )
            cols = _span((x0 - c) / a, (x1 - c) / a, src.width)
            rows = _span((y0 - f) / e, (y1 - f) / e, src.height)
        from rasterio.windows import Window

        window = Window(cols[0], rows[0], cols[1] - cols[0], rows[1] - rows[0])
        values = src.read(1, window=window).astype(np.float64)
        transform = (a, 0.0, c + cols[0] * a, 0.0, e, f + rows[0] * e)
        log.info("%s: read %d x %d pixels", path, values.shape[1], values.shape[0])
        return RasterLayer(values, transform, src.crs.to_wkt(), src.nodata)


def _span(p: float, q: float, size: int) -> tuple[int, int]:
    """Whole pixels from ``min(p, q)`` to ``max(p, q)``, clipped to the raster."""
    lo, hi = sorted((p, q))
    return max(0, math.floor(lo)), min(size, max(math.ceil(hi), 0))


def write_geotiff(
    path: str | Path,
    values: NDArray[np.float32],
    transform: tuple[float, float, float, float, float, float],
    crs: CRS,
) -> None:
    """Write a float32 risk raster (nodata -1), tiled and compressed."""
    rasterio = _rasterio()
    from affine import Affine

    rows, cols = values.shape
    profile = {
        "driver": "GTiff",
        "height": rows,
        "width": cols,
        "count": 1,
        "dtype": "float32",
        "crs": crs.to_wkt(),
        "transform": Affine(*transform),
        "nodata": NODATA,
        "compress": "deflate",
        "predictor": 3,
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
        "BIGTIFF": "IF_SAFER",
    }
    if rows < 256 or cols < 256:
        profile.update(tiled=False, blockxsize=None, blockysize=None)
        profile = {k: v for k, v in profile.items() if v is not None}
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(values.astype(np.float32), 1)
        dst.set_band_description(1, "risk")
