# SPDX-License-Identifier: GPL-3.0-or-later
"""Rasters: elevation and slope sampled at cells, risk written as GeoTIFF."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio
from pyproj import CRS

from demine.predict.features import band_features
from demine.predict.rasters import NODATA, read_raster, write_geotiff
from demine.predict.sample import sample_layers
from demine.predict.terrain import RasterLayer


def test_slope_of_a_plane_in_metres() -> None:
    # Rising 10 m per 100 m pixel eastwards: slope atan(0.1) everywhere.
    values = np.tile(np.arange(6.0) * 10.0, (5, 1))
    layer = RasterLayer(values, (100.0, 0, 0, 0, -100.0, 500.0), "EPSG:3035")
    assert np.allclose(layer.slope().values, np.degrees(np.arctan(0.1)))


def test_dem_and_landcover_become_features(tmp_path: Path) -> None:
    layers = sample_layers()
    spec = layers.spec
    path = tmp_path / "dem.tif"
    values = np.arange(25, dtype=np.float32).reshape(5, 5) * 10.0
    write_geotiff(path, values, spec.transform(), spec.crs)
    dem = read_raster(path)
    classes = RasterLayer(np.where(values > 100, 2.0, 1.0), dem.transform, dem.crs_wkt)
    layers.rasters = {"elevation": dem, "slope": dem.slope(), "landcover": classes}
    layers.classes = {"landcover": classes.classes()}
    table = band_features(layers, 0, 5)
    assert np.allclose(table["elevation"], values.ravel())
    assert (table["slope"] > 0).all()
    assert table[["landcover_1", "landcover_2"]].sum(axis=1).eq(1).all()


def test_risk_geotiff_has_nodata_and_crs(tmp_path: Path) -> None:
    spec = sample_layers().spec
    values = np.full((5, 5), NODATA, np.float32)
    values[2, 3] = 0.75
    path = tmp_path / "risk.tif"
    write_geotiff(path, values, spec.transform(), spec.crs)
    with rasterio.open(path) as src:
        assert src.nodata == NODATA
        assert src.read(1)[2, 3] == pytest.approx(0.75)
        assert CRS.from_wkt(src.crs.to_wkt()).equals(spec.crs, ignore_axis_order=True)


def test_only_the_window_over_the_region_is_read(tmp_path: Path) -> None:
    values = np.arange(400, dtype=np.float32).reshape(20, 20)
    path = tmp_path / "dem.tif"
    write_geotiff(path, values, (0.1, 0, 46.0, 0, -0.1, 41.0), CRS.from_epsg(4326))
    part = read_raster(path, (46.52, 39.52, 46.98, 39.98), margin=0.0)
    assert part.values.shape == (5, 5)
    x, y = np.array([46.55, 46.95]), np.array([39.95, 39.55])
    whole = read_raster(path)
    assert np.array_equal(
        part.sample(x, y, "EPSG:4326"), whole.sample(x, y, "EPSG:4326")
    )
