# SPDX-License-Identifier: GPL-3.0-or-later
"""Spatially honest validation folds: whole groups are held out, never rows.

Neighbouring cells share their soil, their history and often the same
minefield, so a model tested on cells drawn at random beside its training
cells looks far better than it will be on new ground. Folds here hold out
whole groups: admin areas (municipalities, districts) when the table names
them, otherwise square spatial blocks. :func:`check_disjoint` proves, for
every fold, that no held-out group reaches training.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from demine.errors import PredictionError
from demine.i18n import _

#: Up to this many groups, every group is held out on its own.
MAX_FOLDS = 20


@dataclass(frozen=True)
class Fold:
    """Row positions to train on and to test on, and the groups held out."""

    train: NDArray[np.int64]
    test: NDArray[np.int64]
    held_out: tuple[str, ...]


def block_groups(xy: NDArray[np.float64], size: float) -> NDArray[np.object_]:
    """Square blocks of ``size`` metres as group names (``"b<col>_<row>"``).

    Examples
    --------
    >>> xy = np.array([[10.0, 10.0], [990.0, 20.0], [1010.0, 20.0]])
    >>> block_groups(xy, 1000.0).tolist()
    ['b0_0', 'b0_0', 'b1_0']
    """
    if size <= 0:
        raise PredictionError(_("the block size must be positive"))
    ij = np.floor(xy / size).astype(np.int64).astype(str)
    names = np.char.add(np.char.add(np.char.add("b", ij[:, 0]), "_"), ij[:, 1])
    return names.astype(object)


def group_folds(
    groups: NDArray[np.object_], max_folds: int = MAX_FOLDS, seed: int = 0
) -> list[Fold]:
    """Folds holding out whole groups.

    With at most ``max_folds`` groups, each group is one fold (leave one
    group out); with more, groups are dealt into ``max_folds`` folds of
    similar size, largest first.

    Parameters
    ----------
    groups : numpy.ndarray
        Group name of every row.
    max_folds : int
        Most folds to make.
    seed : int
        Breaks ties between groups of equal size.

    Returns
    -------
    list of Fold

    Examples
    --------
    >>> folds = group_folds(np.array(["a", "a", "b", "c"], dtype=object))
    >>> [(f.held_out, f.test.tolist()) for f in folds]
    [(('a',), [0, 1]), (('b',), [2]), (('c',), [3])]
    """
    names, codes, sizes = np.unique(
        np.asarray(groups).astype(str), return_inverse=True, return_counts=True
    )
    if len(names) < 2:
        raise PredictionError(
            _(
                "validation needs at least two groups to hold out; found %(n)s",
                n=len(names),
            )
        )
    k = min(max_folds, len(names))
    if k < 2:
        raise PredictionError(_("validation needs at least two folds"))
    if len(names) <= max_folds:
        fold_of = np.arange(len(names), dtype=np.int64)
    else:
        fold_of = _deal(sizes, k, seed)
    folds = []
    for f in range(k):
        out = np.flatnonzero(fold_of[codes] == f)
        keep = np.flatnonzero(fold_of[codes] != f)
        held = tuple(str(n) for n in names[fold_of == f])
        folds.append(Fold(keep.astype(np.int64), out.astype(np.int64), held))
    check_disjoint(groups, folds)
    return folds


def _deal(sizes: NDArray[np.int64], k: int, seed: int) -> NDArray[np.int64]:
    """Fold of each group: largest groups first, each to the lightest fold."""
    rng = np.random.default_rng(seed)
    order = np.lexsort((rng.random(len(sizes)), -sizes))
    load = np.zeros(k)
    fold_of = np.zeros(len(sizes), dtype=np.int64)
    for g in order:  # one step per group, not per row
        f = int(np.argmin(load))
        fold_of[g] = f
        load[f] += sizes[g]
    return fold_of


def check_disjoint(groups: NDArray[np.object_], folds: list[Fold]) -> None:
    """Raise if any fold trains on a row of a group it holds out."""
    names = np.asarray(groups).astype(str)
    for i, fold in enumerate(folds):
        leaked = set(names[fold.train]) & set(names[fold.test])
        if leaked:
            raise PredictionError(
                _(
                    "fold %(fold)s trains on held-out group(s) %(groups)s",
                    fold=i + 1,
                    groups=sorted(leaked)[:5],
                )
            )
