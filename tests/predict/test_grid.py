# SPDX-License-Identifier: GPL-3.0-or-later
"""Grid lattices, cell ids and burnt polygons."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import CRS

from demine.errors import PredictionError
from demine.predict.burn import PolygonLayer
from demine.predict.grid import GridSpec, grid_crs, grid_over, parse_length


def test_cell_ids_round_trip_through_centres() -> None:
    spec = grid_over((1_234.0, -5_000.0, 9_876.0, 3_333.0), 100.0, CRS("EPSG:3035"))
    ids = np.arange(spec.size)
    x, y = spec.centres(ids)
    assert np.array_equal(spec.cell_of(x, y), ids)
    xmin, ymin, xmax, ymax = spec.bounds
    assert xmin <= 1_234.0
    assert xmax >= 9_876.0
    assert ymin <= -5_000.0
    assert ymax >= 3_333.0
    assert xmin % 100 == 0
    assert ymax % 100 == 0


def test_cells_are_squares_of_equal_area() -> None:
    crs = grid_crs((46.5, 39.0, 47.5, 40.5))
    assert crs.coordinate_operation.method_name == "Lambert Azimuthal Equal Area"
    spec = grid_over((0.0, 0.0, 1_000.0, 1_000.0), 30.0, crs)
    areas = shapely.area(spec.boxes(np.arange(spec.size)))
    assert np.allclose(areas, 900.0)


def test_spec_survives_json() -> None:
    spec = GridSpec("EPSG:3035", 0.0, 10.0, 5.0, 4, 2)
    assert GridSpec.from_json(spec.to_json()) == spec


@pytest.mark.parametrize("text", ["", "ten metres", "-5m", "0km"])
def test_bad_lengths_are_refused(text: str) -> None:
    with pytest.raises(PredictionError):
        parse_length(text)


def test_burnt_polygons_mark_cells_by_centre_or_touch() -> None:
    spec = GridSpec("EPSG:3035", 0.0, 300.0, 100.0, 3, 3)
    layer = PolygonLayer(np.array([shapely.box(120, 120, 180, 180)]))
    assert layer.burn(spec, 0, 3).sum() == 1  # the centre (150, 150) is inside
    small = PolygonLayer(np.array([shapely.box(110, 110, 120, 120)]))
    assert small.burn(spec, 0, 3).sum() == 0
    assert small.touched(spec, 0, 3).sum() == 1
    assert layer.burn(spec, 5, 7).shape == (0, 3)
