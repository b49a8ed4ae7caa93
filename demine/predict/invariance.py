# SPDX-License-Identifier: GPL-3.0-or-later
"""Which features keep their relation to the label from region to region.

On the Colombian grid the distance to settlements ranks mined cells high in
one group of municipalities and low in the next: a model that learns it
from the training regions is wrong in half the new ones. The invariance
test (in the spirit of the invariant risk minimisation RELand uses) keeps a
feature only when its direction, measured by ROC-AUC inside each training
region, agrees with its overall direction in most regions, and when it
ranks better than chance overall.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.stats import rankdata

#: A feature is kept when its sign agrees in this share of regions ...
AGREEMENT = 0.75
#: ... and its overall ROC-AUC is at least this far from 0.5.
MIN_LIFT = 0.03


def feature_auc(x: NDArray[np.floating], y: NDArray[np.integer]) -> NDArray[np.float64]:
    """ROC-AUC of every column on its own (0.5 for a constant or empty one).

    Examples
    --------
    >>> x = np.array([[1.0, 4.0], [2.0, 3.0], [3.0, 2.0], [4.0, 1.0]])
    >>> feature_auc(x, np.array([0, 0, 1, 1])).tolist()
    [1.0, 0.0]
    """
    out = np.full(x.shape[1], 0.5)
    positive = np.asarray(y) == 1
    for j in range(x.shape[1]):
        col = np.asarray(x[:, j], dtype=np.float64)
        finite = np.isfinite(col)
        if finite.sum() < 2 or np.ptp(col[finite]) == 0:
            continue
        pos = positive[finite]
        n1 = int(pos.sum())
        n0 = len(pos) - n1
        if n1 == 0 or n0 == 0:
            continue
        # Mann-Whitney U from mid-ranks: the ROC-AUC, ties counted half.
        ranks = rankdata(col[finite])
        out[j] = (ranks[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0)
    return out


@dataclass(frozen=True)
class Invariance:
    """Per feature: overall ROC-AUC, direction, agreement across regions, kept."""

    auc: NDArray[np.float64]
    sign: NDArray[np.int8]
    agreement: NDArray[np.float64]
    keep: NDArray[np.bool_]


def invariance(
    x: NDArray[np.floating],
    y: NDArray[np.integer],
    regions: NDArray[np.object_],
    agreement: float = AGREEMENT,
    min_lift: float = MIN_LIFT,
) -> Invariance:
    """Test every feature for a direction that holds across ``regions``.

    Regions with one class only, or where a feature is constant, do not
    vote on it; a feature needs the votes of two regions at least.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y = np.tile([0, 1], 200)
    >>> steady = y + rng.normal(0, 1, 400)              # same sign everywhere
    >>> flips = np.where(np.arange(400) < 200, y, -y) + rng.normal(0, .3, 400)
    >>> regions = np.repeat(["a", "b", "c", "d"], 100).astype(object)
    >>> inv = invariance(np.column_stack([steady, flips]), y, regions)
    >>> inv.keep.tolist(), inv.sign.tolist()
    ([True, False], [1, 1])
    """
    auc = feature_auc(x, y)
    sign = np.where(auc >= 0.5, 1, -1).astype(np.int8)
    votes = np.zeros(x.shape[1])
    agree = np.zeros(x.shape[1])
    for name in np.unique(np.asarray(regions).astype(str)):
        rows = np.asarray(regions).astype(str) == name
        if len(np.unique(y[rows])) < 2:
            continue
        local = feature_auc(x[rows], y[rows])
        voting = local != 0.5
        votes += voting
        agree += voting & (np.where(local > 0.5, 1, -1) == sign)
    share = np.divide(agree, votes, out=np.zeros_like(agree), where=votes > 0)
    keep = (share >= agreement) & (votes >= 2) & (np.abs(auc - 0.5) >= min_lift)
    return Invariance(auc, sign, share, keep)
