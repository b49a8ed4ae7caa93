# SPDX-License-Identifier: GPL-3.0-or-later
"""Sampling units drawn inside released ground: inside, sized, apart, repeatable."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
import shapely

from demine.geo import sampling
from demine.geo.area import geodesic_area
from demine.geo.sampling import draw_units

# About 430 m x 330 m near Aghdam, with a hole, and a second part.
OUTER = shapely.Polygon(
    [(46.90, 39.99), (46.905, 39.99), (46.905, 39.993), (46.90, 39.993)],
    [[(46.901, 39.991), (46.902, 39.991), (46.902, 39.992), (46.901, 39.992)]],
)
LOT = shapely.MultiPolygon([OUTER, shapely.box(46.91, 39.99, 46.912, 39.991)])


@pytest.mark.parametrize("shape", ["box", "lane"])
def test_units_are_inside_the_lot_of_the_right_area_and_apart(shape: str) -> None:
    draw = draw_units(LOT, 40, 100.0, shape=shape, lane_width_m=1.0, seed=7)
    units = np.array(draw.units, dtype=object)
    assert len(units) == 40
    assert shapely.contains(LOT, units).all()
    np.testing.assert_allclose(geodesic_area(units), 100.0, rtol=1e-6)
    union = shapely.union_all(units)
    assert float(geodesic_area([union])[0]) == pytest.approx(4_000.0, rel=1e-6)
    if shape == "lane":
        assert (draw.width_m, draw.length_m) == (1.0, 100.0)


def test_same_seed_same_units_other_seed_other_units() -> None:
    first = draw_units(LOT, 12, 25.0, seed=11)
    again = draw_units(LOT, 12, 25.0, seed=11)
    other = draw_units(LOT, 12, 25.0, seed=12)
    assert [u.wkb for u in first.units] == [u.wkb for u in again.units]
    assert [u.wkb for u in first.units] != [u.wkb for u in other.units]


def test_a_narrow_lot_gives_what_fits() -> None:
    strip = shapely.box(46.90, 39.99, 46.91, 39.99012)  # about 13 m wide
    draw = draw_units(strip, 50, 400.0, seed=1)  # 20 m squares never fit
    assert (len(draw.units), draw.candidates) == (0, 0)
    assert draw_units(strip, 5, 25.0, seed=1).units


def test_units_too_small_for_the_lot_are_refused() -> None:
    with pytest.raises(ValueError, match="too small"):
        draw_units(LOT, 10, 0.01, seed=1)


def test_docstring_examples_run() -> None:
    assert doctest.testmod(sampling).failed == 0
