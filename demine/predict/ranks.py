# SPDX-License-Identifier: GPL-3.0-or-later
"""Features as ranks within their region, so a region's scale does not matter.

A new department may lie twice as far from every airport as the training
ones; what carries over is which of *its* cells are the remote ones. A
cell's feature becomes its percentile among the cells of its region (the
table being scored): 0 for the region's lowest value, 1 for its highest,
ties sharing the mean of their ranks.

For a national grid the region's cells do not fit in memory at once, so
percentiles are taken against a *reference*: an evenly spaced sample of the
region's rows (every row of a small table), read in a first pass.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from numpy.typing import NDArray

#: Rows of a region kept as the reference its percentiles are taken against.
REFERENCE_ROWS = 50_000


def percentiles(
    x: NDArray[np.floating], reference: NDArray[np.floating]
) -> NDArray[np.float64]:
    """Percentile of every value of ``x`` among the same column of ``reference``.

    Missing values stay missing; a column with no reference value gives 0.5.

    Examples
    --------
    >>> ref = np.array([[1.0], [2.0], [3.0], [4.0]])
    >>> percentiles(np.array([[0.0], [2.0], [2.5], [9.0], [np.nan]]), ref).ravel()
    array([0.   , 0.375, 0.5  , 1.   ,   nan])
    """
    x = np.asarray(x, dtype=np.float64)
    out = np.full(x.shape, np.nan)
    for j in range(x.shape[1]):
        ref = np.sort(reference[:, j][np.isfinite(reference[:, j])])
        col = x[:, j]
        finite = np.isfinite(col)
        if not len(ref):
            out[finite, j] = 0.5
            continue
        lo = np.searchsorted(ref, col[finite], side="left")
        hi = np.searchsorted(ref, col[finite], side="right")
        out[finite, j] = (lo + hi) / (2.0 * len(ref))
    return out


def ranks_within(
    x: NDArray[np.floating], regions: NDArray[np.object_]
) -> NDArray[np.float64]:
    """Percentile of every value within its own region (training data).

    Examples
    --------
    >>> x = np.array([[1.0], [3.0], [10.0], [30.0]])
    >>> ranks_within(x, np.array(["a", "a", "b", "b"], dtype=object)).ravel()
    array([0.25, 0.75, 0.25, 0.75])
    """
    out = np.full(np.shape(x), np.nan)
    names = np.asarray(regions).astype(str)
    for name in np.unique(names):
        rows = np.flatnonzero(names == name)
        out[rows] = percentiles(x[rows], x[rows])
    return out


class ReferenceSample:
    """An evenly spaced sample of a table's rows, collected chunk by chunk.

    Examples
    --------
    >>> sample = ReferenceSample(total=10, size=5)
    >>> for start in (0, 4, 8):
    ...     sample.add(np.arange(start, min(start + 4, 10), dtype=float)[:, None])
    >>> sample.matrix().ravel().tolist()
    [0.0, 2.0, 4.0, 6.0, 8.0]
    """

    def __init__(self, total: int, size: int = REFERENCE_ROWS) -> None:
        self.step = max(1, -(-total // size))
        self.seen = 0
        self.parts: list[NDArray[np.float32]] = []

    def add(self, x: NDArray[np.floating]) -> None:
        first = (-self.seen) % self.step
        self.parts.append(np.asarray(x[first :: self.step], dtype=np.float32))
        self.seen += len(x)

    def matrix(self) -> NDArray[np.float32]:
        if not self.parts:
            return np.empty((0, 0), dtype=np.float32)
        return np.concatenate(self.parts)


def reference_of(
    chunks: Iterable[pd.DataFrame], matrix_of: object, total: int
) -> NDArray[np.float32]:
    """The reference sample of a table read in ``chunks`` (``matrix_of(chunk)``
    gives a chunk's feature matrix)."""
    sample = ReferenceSample(total)
    for chunk in chunks:
        sample.add(matrix_of(chunk))  # type: ignore[operator]
    return sample.matrix()
