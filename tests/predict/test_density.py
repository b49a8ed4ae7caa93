# SPDX-License-Identifier: GPL-3.0-or-later
"""Densities by convolution agree with counting cell by cell."""

from __future__ import annotations

import numpy as np
import pytest

from demine.predict.density import band_counts
from demine.predict.grid import GridSpec


@pytest.mark.parametrize("by_area", [False, True])
def test_band_counts_match_brute_force(by_area: bool) -> None:
    rng = np.random.default_rng(5)
    spec = GridSpec("EPSG:3035", 0.0, 3_000.0, 100.0, 40, 30)
    cells = np.sort(rng.integers(0, spec.size, 300))
    cell_area = (spec.centres(np.arange(spec.size))[0] // 1_000).astype(np.int64)
    keys = cell_area[cells] if by_area else None
    radius = 350.0
    got = np.vstack(
        [
            band_counts(
                spec,
                r,
                r + 7,
                cells,
                radius,
                keys,
                cell_area[r * spec.nx : (r + 7) * spec.nx] if by_area else None,
            )
            for r in range(0, 30, 7)
        ]
    ).ravel()
    cx, cy = spec.centres(np.arange(spec.size))
    fx, fy = spec.centres(cells)
    near = np.hypot(cx[:, None] - fx[None], cy[:, None] - fy[None]) <= radius
    own = (
        cell_area[:, None] == keys[None]
        if by_area
        else np.arange(spec.size)[:, None] == cells[None]
    )
    assert np.array_equal(got, (near & ~own).sum(axis=1))
