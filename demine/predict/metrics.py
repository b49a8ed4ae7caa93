# SPDX-License-Identifier: GPL-3.0-or-later
"""How good a risk ranking is: ROC-AUC, PR-AUC, and recall by area surveyed.

The operational measure is **recall at area**: survey teams start with the
riskiest ground and work down; after surveying the top 20 % of the area,
what share of the mined cells have they found? A random order finds 20 %;
a perfect one finds everything once the mined share of area is covered.

Tied scores are handled honestly: within a block of equal scores the curve
is a straight line, which is the expected recall when teams work through
tied ground in random order. Missing scores rank last.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from sklearn.metrics import average_precision_score, roc_auc_score

SHARES = (0.1, 0.2, 0.3)


def _finite(score: NDArray[np.float64]) -> NDArray[np.float64]:
    """Scores with missing values ranked below every real one."""
    score = np.asarray(score, dtype=np.float64)
    finite = np.isfinite(score)
    if finite.all():
        return score
    low = float(score[finite].min()) if finite.any() else 0.0
    return np.where(finite, score, low - 1.0)


def roc_auc(y: NDArray[Any], score: NDArray[np.float64]) -> float:
    """Area under the ROC curve; NaN unless both classes are present.

    Examples
    --------
    >>> roc_auc(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    0.75
    """
    y = np.asarray(y)
    if len(np.unique(y)) < 2:
        return float("nan")
    return float(roc_auc_score(y, _finite(score)))


def pr_auc(y: NDArray[Any], score: NDArray[np.float64]) -> float:
    """Average precision (area under the precision-recall curve); NaN
    without positives. A random ranking scores the positive share.

    Examples
    --------
    >>> round(pr_auc(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])), 3)
    0.833
    """
    y = np.asarray(y)
    if not (y == 1).any():
        return float("nan")
    return float(average_precision_score(y, _finite(score)))


@dataclass(frozen=True)
class AreaCurve:
    """Recall (share of positives found) against share of area surveyed."""

    area: NDArray[np.float64]
    recall: NDArray[np.float64]

    def at(self, share: float) -> float:
        """Recall after surveying ``share`` of the area, riskiest first."""
        return float(np.interp(share, self.area, self.recall))


def recall_curve(
    y: NDArray[Any],
    score: NDArray[np.float64],
    area: NDArray[np.float64] | None = None,
) -> AreaCurve:
    """The recall-vs-area curve of a ranking (ties as straight segments).

    Parameters
    ----------
    y : numpy.ndarray
        1 for mined cells, 0 for clean ones.
    score : numpy.ndarray
        Risk, higher first.
    area : numpy.ndarray, optional
        Area of each cell; equal areas by default.

    Returns
    -------
    AreaCurve

    Examples
    --------
    >>> curve = recall_curve(np.array([1, 0, 1, 0]), np.array([4.0, 3, 2, 1]))
    >>> curve.at(0.25), curve.at(0.5), curve.at(0.75)
    (0.5, 0.5, 1.0)
    >>> recall_curve(np.array([1, 0, 1, 0]), np.ones(4)).at(0.5)
    0.5
    """
    y = np.asarray(y, dtype=np.float64)
    area = np.ones(len(y)) if area is None else np.asarray(area, dtype=np.float64)
    score = _finite(score)
    order = np.argsort(-score, kind="stable")
    s, yy, aa = score[order], y[order], area[order]
    # Curve points only where the score changes: the end of each tie block.
    ends = np.r_[np.flatnonzero(s[1:] != s[:-1]), len(s) - 1] if len(s) else []
    cum_area = np.cumsum(aa)[ends]
    cum_pos = np.cumsum(yy)[ends]
    total_area, total_pos = float(aa.sum()), float(yy.sum())
    area_share = np.r_[0.0, cum_area / total_area] if total_area else np.zeros(1)
    recall = np.r_[0.0, cum_pos / total_pos] if total_pos else np.zeros(len(area_share))
    return AreaCurve(area_share, recall)


def recall_at_area(
    y: NDArray[Any],
    score: NDArray[np.float64],
    shares: Sequence[float] = SHARES,
    area: NDArray[np.float64] | None = None,
) -> dict[float, float]:
    """Recall after surveying each share of the area, riskiest first.

    Examples
    --------
    >>> recall_at_area(np.array([1, 0, 1, 0, 0]), np.array([5.0, 4, 3, 2, 1]),
    ...                shares=(0.2, 0.6))
    {0.2: 0.5, 0.6: 1.0}
    """
    curve = recall_curve(y, score, area)
    return {s: curve.at(s) for s in shares}


def calibration_table(
    y: NDArray[Any], prob: NDArray[np.float64], bins: int = 10
) -> pd.DataFrame:
    """Mean predicted probability against the observed share, per bin.

    Examples
    --------
    >>> t = calibration_table(np.array([0, 1, 1, 1]), np.array([0.1, 0.9, 0.9, 0.8]))
    >>> t[["cells", "predicted", "observed"]].values.tolist()
    [[1.0, 0.1, 0.0], [1.0, 0.8, 1.0], [2.0, 0.9, 1.0]]
    """
    prob = np.clip(np.asarray(prob, dtype=np.float64), 0.0, 1.0)
    which = np.minimum((prob * bins).astype(int), bins - 1)
    frame = pd.DataFrame({"bin": which, "p": prob, "y": np.asarray(y, float)})
    table = frame.groupby("bin").agg(
        cells=("y", "size"), predicted=("p", "mean"), observed=("y", "mean")
    )
    table["cells"] = table["cells"].astype(float)
    return table.reset_index(drop=True)


def calibration_error(y: NDArray[Any], prob: NDArray[np.float64]) -> float:
    """Expected calibration error: the cell-weighted mean gap of the bins.

    Examples
    --------
    >>> calibration_error(np.array([0, 1]), np.array([0.0, 1.0]))
    0.0
    """
    table = calibration_table(y, prob)
    weight = table["cells"] / table["cells"].sum()
    return float((weight * (table["predicted"] - table["observed"]).abs()).sum())


def brier(y: NDArray[Any], prob: NDArray[np.float64]) -> float:
    """Mean squared error of probabilities against outcomes."""
    return float(np.mean((np.asarray(prob, float) - np.asarray(y, float)) ** 2))


def summary(
    y: NDArray[Any],
    score: NDArray[np.float64],
    prob: NDArray[np.float64] | None = None,
    shares: Sequence[float] = SHARES,
) -> dict[str, float]:
    """Every metric of one ranking, as a flat dict for tables and JSON."""
    out = {"roc_auc": roc_auc(y, score), "pr_auc": pr_auc(y, score)}
    for share, value in recall_at_area(y, score, shares).items():
        out[f"recall_at_{round(share * 100)}"] = value
    if prob is not None:
        out["brier"] = brier(y, prob)
        out["calibration_error"] = calibration_error(y, prob)
    return out
