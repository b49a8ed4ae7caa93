# SPDX-License-Identifier: GPL-3.0-or-later
"""How many finds lie within a radius of each cell, by convolution.

Finds are counted per cell on the band's rows plus a halo as deep as the
radius, and the counts are convolved (FFT) with a disc of that radius: one
array operation per band instead of a neighbour search per cell. A find
counts when the centre of *its cell* lies within the radius of the cell's
centre, so positions are rounded to the grid, by at most half a cell.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from scipy.signal import fftconvolve

from demine.predict.grid import GridSpec

IntArray = NDArray[np.int64]


def disc(radius: float, cell: float) -> NDArray[np.float64]:
    """A disc of ``radius`` metres as a square kernel of cells (1 inside).

    Examples
    --------
    >>> disc(100.0, 100.0).astype(int).tolist()
    [[0, 1, 0], [1, 1, 1], [0, 1, 0]]
    """
    h = math.floor(radius / cell)
    di, dj = np.mgrid[-h : h + 1, -h : h + 1]
    inside = (di**2 + dj**2) * cell**2 <= radius**2 + 1e-9
    return np.asarray(inside, dtype=np.float64)


def band_counts(
    spec: GridSpec,
    start: int,
    stop: int,
    cells: IntArray,
    radius: float,
    keys: IntArray | None = None,
    cell_keys: IntArray | None = None,
) -> NDArray[np.int64]:
    """Finds within ``radius`` of every cell of rows ``[start, stop)``.

    Parameters
    ----------
    spec : GridSpec
        The grid.
    start, stop : int
        Rows of the band.
    cells : numpy.ndarray
        Sorted cell ids of the finds (one entry per find).
    radius : float
        Metres.
    keys : numpy.ndarray, optional
        Owner key of each find (same order as ``cells``), with ``cell_keys``
        the key of each cell of the band (row-major): finds sharing the
        cell's key are left out. Without keys, the cell's own finds are.

    Returns
    -------
    numpy.ndarray
        Counts, shape ``(rows, nx)``.

    Examples
    --------
    >>> spec = GridSpec("EPSG:3035", 0.0, 300.0, 100.0, 3, 3)
    >>> band_counts(spec, 0, 3, np.array([4, 4, 5]), 100.0).tolist()
    [[0, 2, 1], [2, 1, 2], [0, 2, 1]]
    """
    rows = max(min(stop, spec.ny) - start, 0)
    h = math.floor(radius / spec.cell)
    lo, hi = max(start - h, 0), min(stop + h, spec.ny)
    a, b = np.searchsorted(cells, [lo * spec.nx, hi * spec.nx])
    near = cells[a:b] - lo * spec.nx
    kernel = disc(radius, spec.cell)
    out = np.zeros((rows, spec.nx), dtype=np.int64)
    if not rows or not len(near):
        return out
    top = start - lo
    total = _convolve(near, hi - lo, spec.nx, kernel)[top : top + rows]
    if keys is None:
        own = np.bincount(near, minlength=(hi - lo) * spec.nx).reshape(hi - lo, -1)
        return total - own[top : top + rows]
    assert cell_keys is not None
    band_keys = cell_keys.reshape(rows, spec.nx)
    near_keys = keys[a:b]
    for key in np.unique(band_keys):
        mine = near[near_keys == key]
        if len(mine):
            own = _convolve(mine, hi - lo, spec.nx, kernel)[top : top + rows]
            total = np.where(band_keys == key, total - own, total)
    return total


def _convolve(
    flat: IntArray, rows: int, cols: int, kernel: NDArray[np.float64]
) -> NDArray[np.int64]:
    hist = np.bincount(flat, minlength=rows * cols).reshape(rows, cols)
    counts = fftconvolve(hist.astype(np.float64), kernel, mode="same")
    return np.asarray(np.rint(counts), dtype=np.int64)
