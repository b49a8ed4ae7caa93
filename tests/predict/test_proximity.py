# SPDX-License-Identifier: GPL-3.0-or-later
"""Distances and counts agree with brute force, own points left out."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from demine.predict import proximity
from demine.predict.proximity import PointIndex, ShapeIndex


def brute(x, y, owner, qx, qy, key):
    d = np.hypot(qx[:, None] - x[None], qy[:, None] - y[None])
    if key is not None:
        d[key[:, None] == owner[None]] = np.inf
    return d


@pytest.mark.parametrize("few_own", [2, 512])
def test_point_index_leaves_out_own_points(
    monkeypatch: pytest.MonkeyPatch, few_own: int
) -> None:
    # few_own=2 sends busy keys to trees built without them; 512 asks for
    # n + 1 neighbours: both routes must give the brute-force answer.
    monkeypatch.setattr(proximity, "FEW_OWN", few_own)
    rng = np.random.default_rng(3)
    x, y = rng.uniform(0, 100, 400), rng.uniform(0, 100, 400)
    owner = rng.integers(0, 30, 400)
    owner[:120] = 99
    qx, qy = rng.uniform(-10, 110, 300), rng.uniform(-10, 110, 300)
    key = rng.integers(0, 32, 300)
    key[:40] = 99
    idx = PointIndex(x, y, owner=owner)
    d = brute(x, y, owner, qx, qy, key)
    assert np.allclose(idx.distance(qx, qy, key), d.min(axis=1))
    assert np.array_equal(idx.count(qx, qy, 12.0, key), (d <= 12.0).sum(axis=1))
    plain = brute(x, y, owner, qx, qy, None)
    assert np.allclose(idx.distance(qx, qy), plain.min(axis=1))


def test_point_index_with_no_other_point_is_infinite() -> None:
    idx = PointIndex(np.array([1.0, 2.0]), np.zeros(2), owner=np.array([5, 5]))
    assert idx.distance(np.array([0.0]), np.array([0.0]), np.array([5])).tolist() == [
        np.inf
    ]
    empty = PointIndex(np.empty(0), np.empty(0))
    assert empty.distance(np.array([0.0]), np.array([0.0])).tolist() == [np.inf]
    assert empty.count(np.array([0.0]), np.array([0.0]), 5.0).tolist() == [0]


def test_shape_index_is_accurate_near_and_far() -> None:
    rng = np.random.default_rng(1)
    t = np.linspace(0, 100_000, 300)
    line = shapely.LineString(np.column_stack([t, 8_000 * np.sin(t / 9_000)]))
    idx = ShapeIndex.of(np.array([line]), spacing=15.0)
    assert len(idx.levels) > 2  # far queries use coarser trees
    qx, qy = rng.uniform(0, 100_000, 20_000), rng.uniform(-60_000, 60_000, 20_000)
    exact = shapely.distance(line, shapely.points(qx, qy))
    got = idx.distance(qx, qy)
    near = exact < 1_500
    assert np.abs(got - exact)[near].max() <= 7.5 + 1e-6  # spacing / 2
    assert (np.abs(got - exact)[~near] / exact[~near]).max() < 0.04


def test_shape_index_polygons_are_zero_inside() -> None:
    square = shapely.box(0, 0, 100, 100)
    idx = ShapeIndex.of(np.array([square]), spacing=5.0)
    got = idx.distance(np.array([50.0, 150.0]), np.array([50.0, 50.0]))
    assert got.tolist() == [0.0, 50.0]
