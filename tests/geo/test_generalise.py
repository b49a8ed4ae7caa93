# SPDX-License-Identifier: GPL-3.0-or-later
"""Generalised shapes cover danger fully, never claim unreleased ground."""

from __future__ import annotations

import shapely

from demine.geo.generalise import generalise


def test_outward_covers_the_shape_and_hides_its_outline() -> None:
    shape = shapely.Polygon(
        [(47.0013, 40.0021), (47.0121, 40.0057), (47.0088, 40.0163), (47.0013, 40.0021)]
    )
    shown = generalise(shape, 250)
    assert shown.covers(shape)
    original = {tuple(v) for v in shapely.get_coordinates(shape).round(6).tolist()}
    kept = {tuple(v) for v in shapely.get_coordinates(shown).round(6).tolist()}
    assert not original & kept
    # A coarser grid shows more ground, never less (but for the slivers of
    # straight edges drawn back in degrees).
    coarse = generalise(shape, 1000)
    assert shown.difference(coarse).area < 1e-4 * shown.area


def test_inward_stays_inside_and_a_small_shape_vanishes() -> None:
    field = shapely.box(47.0, 40.0, 47.03, 40.02)
    shown = generalise(field, 250, inward=True)
    assert field.buffer(1e-9).covers(shown)
    assert shown.area > 0.5 * field.area
    assert generalise(shapely.box(47.0, 40.0, 47.001, 40.001), 250, inward=True) is None


def test_the_grid_does_not_follow_the_shape() -> None:
    """Two shapes a few metres apart in one cell give the same answer."""
    a = shapely.box(47.00010, 40.00010, 47.00020, 40.00020)
    b = shapely.box(47.00012, 40.00013, 47.00022, 40.00023)
    assert generalise(a, 500).equals(generalise(b, 500))


def test_zero_keeps_the_shape() -> None:
    field = shapely.box(47.0, 40.0, 47.01, 40.01)
    assert generalise(field, 0) is field
    assert generalise(None, 100) is None
