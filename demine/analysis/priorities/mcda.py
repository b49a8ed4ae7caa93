# SPDX-License-Identifier: GPL-3.0-or-later
"""Multi-criteria decision analysis: normalisation, weighted sum, PROMETHEE II.

Pure arithmetic on NumPy arrays (no I/O): a matrix of criterion values, one
row per alternative (hazard) and one column per criterion, goes in; scores,
per-criterion contributions, ranks and a weight-sensitivity table come out.

Both methods are additive over criteria, which is what makes every score
explainable criterion by criterion:

* weighted sum: ``score(a) = Σ_j w_j r_j(a)`` with ``r_j`` the normalised value;
* PROMETHEE II: ``φ(a) = φ⁺(a) − φ⁻(a) = Σ_j w_j φ_j(a)`` with the
  single-criterion net flow
  ``φ_j(a) = 1/(n−1) Σ_b [P_j(a, b) − P_j(b, a)]``.

Weights are always rescaled to sum to 1 first.

PROMETHEE's pairwise sums are O(n²); for the preference functions here
(usual, U-shape, V-shape, linear: all "0 below q, straight line to 1 at p")
each sum is computed from the sorted values and their cumulative sums in
O(n log n) per criterion. :func:`pairwise_flows` is the direct O(n²)
definition, kept to check the fast path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]
Normalisation = Literal["minmax", "rank"]
PREFERENCE_KINDS = ("usual", "u_shape", "v_shape", "linear")
#: Scores are rounded to this many decimals before ranking, so that sums that
#: are equal in exact arithmetic tie (and fall back to the id) on every platform.
SCORE_DECIMALS = 12


@dataclass(frozen=True)
class Preference:
    """A PROMETHEE preference function ``P(d)`` of the difference ``d``.

    ``P(d) = 0`` for ``d ≤ q``, ``(d − q) / (p − q)`` for ``q < d ≤ p`` and
    1 for ``d > p``. The named shapes are special cases: ``usual``
    (``q = p = 0``: any advantage is full preference), ``u_shape``
    (``p = q``: full preference beyond an indifference threshold),
    ``v_shape`` (``q = 0``), ``linear`` (both thresholds).
    """

    kind: str = "usual"
    q: float = 0.0
    p: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in PREFERENCE_KINDS:
            raise ValueError(
                f"unknown preference function {self.kind!r}: "
                f"use one of {', '.join(PREFERENCE_KINDS)}"
            )
        if not (np.isfinite(self.q) and np.isfinite(self.p)):
            raise ValueError("thresholds q and p must be finite numbers")
        if self.q < 0 or self.p < 0:
            raise ValueError("thresholds q and p must not be negative")
        if self.kind == "v_shape" and self.p <= 0:
            raise ValueError("a v_shape preference needs p > 0")
        if self.kind == "linear" and self.p <= self.q:
            raise ValueError(
                f"a linear preference needs p > q (q = {self.q}, p = {self.p})"
            )

    @property
    def thresholds(self) -> tuple[float, float]:
        """Effective ``(q, p)`` of the shape."""
        if self.kind == "usual":
            return 0.0, 0.0
        if self.kind == "u_shape":
            return self.q, self.q
        if self.kind == "v_shape":
            return 0.0, self.p
        return self.q, self.p

    def __call__(self, d: ArrayLike) -> Array:
        """``P(d)`` elementwise."""
        q, p = self.thresholds
        d = np.asarray(d, dtype=np.float64)
        if p == q:
            return (d > q).astype(np.float64)
        return np.clip((d - q) / (p - q), 0.0, 1.0)


def oriented(values: ArrayLike, benefit: ArrayLike) -> Array:
    """Values with cost criteria negated, so that more is always better."""
    x = np.asarray(values, dtype=np.float64)
    sign = np.where(np.asarray(benefit, dtype=bool), 1.0, -1.0)
    return x * sign


def normalise(
    values: ArrayLike, benefit: ArrayLike, method: Normalisation = "minmax"
) -> Array:
    """Each column scaled to [0, 1], 1 the best value of the column.

    ``minmax``: ``(x − min) / (max − min)`` (for a cost criterion
    ``(max − x) / (max − min)``). ``rank``: the mid-rank of the value among
    the column's values scaled to [0, 1] (ties share their mean rank), which
    is not pulled flat by one outlier. A constant column distinguishes
    nothing and is 0 throughout.
    """
    x = oriented(values, benefit)
    if x.ndim != 2:
        raise ValueError("values must be a matrix: alternatives x criteria")
    if not np.isfinite(x).all():
        raise ValueError("criterion values must be finite numbers")
    n = x.shape[0]
    if n == 0:
        return x.copy()
    if method == "minmax":
        lo, hi = x.min(axis=0), x.max(axis=0)
        span = hi - lo
        safe = np.where(span > 0, span, 1.0)
        return np.where(span > 0, (x - lo) / safe, 0.0)
    if method == "rank":
        if n < 2:
            return np.zeros_like(x)
        ranks = pd.DataFrame(x).rank(method="average").to_numpy()
        out = (ranks - 1.0) / (n - 1)
        constant = x.max(axis=0) == x.min(axis=0)
        out[:, constant] = 0.0
        return out
    raise ValueError(f"unknown normalisation {method!r}: use minmax or rank")


def unit_weights(weights: ArrayLike) -> Array:
    """Weights rescaled to sum to 1; negative or all-zero weights are refused."""
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 1:
        raise ValueError("weights must be a vector")
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError("weights must be finite and not negative")
    total = w.sum()
    if total <= 0:
        raise ValueError("at least one weight must be above zero")
    return w / total


def flows(x: ArrayLike, pref: Preference) -> tuple[Array, Array]:
    """Single-criterion leaving and entering flows ``(φ⁺_j, φ⁻_j)``, O(n log n).

    ``φ⁺_j(a) = 1/(n−1) Σ_b P(x_a − x_b)`` and
    ``φ⁻_j(a) = 1/(n−1) Σ_b P(x_b − x_a)``; ``x`` is oriented (more is better).
    With the values sorted, the ``b`` with ``x_a − x_b > p`` are a prefix
    (each counts 1) and those with ``q < x_a − x_b ≤ p`` a contiguous run
    whose contribution ``Σ (x_a − x_b − q) / (p − q)`` needs only the run's
    length and the sum of its values, read from a cumulative sum.
    """
    x = np.asarray(x, dtype=np.float64)
    n = len(x)
    if n < 2:
        return np.zeros(n), np.zeros(n)
    q, p = pref.thresholds
    xs = np.sort(x)
    csum = np.concatenate(([0.0], np.cumsum(xs)))

    # a over b: d = x_a - x_b.  d > p  <=>  x_b < x_a - p.
    full = np.searchsorted(xs, x - p, side="left")
    plus = full.astype(np.float64)
    # b under a (x_b - x_a = d'): d' > p  <=>  x_b > x_a + p.
    beyond = np.searchsorted(xs, x + p, side="right")
    minus = (n - beyond).astype(np.float64)
    if p > q:
        # q < x_a - x_b <= p  <=>  x_a - p <= x_b < x_a - q
        hi = np.searchsorted(xs, x - q, side="left")
        count, total = hi - full, csum[hi] - csum[full]
        plus += (count * (x - q) - total) / (p - q)
        # q < x_b - x_a <= p  <=>  x_a + q < x_b <= x_a + p
        lo = np.searchsorted(xs, x + q, side="right")
        count, total = beyond - lo, csum[beyond] - csum[lo]
        minus += (total - count * (x + q)) / (p - q)
    return plus / (n - 1), minus / (n - 1)


def pairwise_flows(x: ArrayLike, pref: Preference) -> tuple[Array, Array]:
    """``(φ⁺_j, φ⁻_j)`` straight from the definition, O(n²): for checking."""
    x = np.asarray(x, dtype=np.float64)
    n = len(x)
    if n < 2:
        return np.zeros(n), np.zeros(n)
    d = x[:, None] - x[None, :]
    prefs = pref(d)
    np.fill_diagonal(prefs, 0.0)
    return prefs.sum(axis=1) / (n - 1), prefs.sum(axis=0) / (n - 1)


@dataclass(frozen=True)
class Scores:
    """The outcome of one method on one matrix.

    ``criterion_scores`` is the unweighted per-criterion score (normalised
    value, or single-criterion net flow); ``contributions`` the same times
    the unit weights, so that each row sums to ``score``.
    """

    score: Array
    contributions: Array
    criterion_scores: Array
    weights: Array
    plus: Array | None = None
    minus: Array | None = None


def weighted_sum(
    values: ArrayLike,
    benefit: ArrayLike,
    weights: ArrayLike,
    normalisation: Normalisation = "minmax",
) -> Scores:
    """Weighted sum of normalised values; scores in [0, 1]."""
    w = unit_weights(weights)
    r = normalise(values, benefit, normalisation)
    contributions = r * w
    return Scores(contributions.sum(axis=1), contributions, r, w)


def promethee(
    values: ArrayLike,
    benefit: ArrayLike,
    weights: ArrayLike,
    preferences: list[Preference],
) -> Scores:
    """PROMETHEE II net flows; scores in [−1, 1]."""
    w = unit_weights(weights)
    x = oriented(values, benefit)
    if x.ndim != 2 or x.shape[1] != len(preferences):
        raise ValueError("one preference function per criterion (column)")
    if not np.isfinite(x).all():
        raise ValueError("criterion values must be finite numbers")
    plus = np.zeros_like(x)
    minus = np.zeros_like(x)
    for j, pref in enumerate(preferences):
        plus[:, j], minus[:, j] = flows(x[:, j], pref)
    net = plus - minus
    contributions = net * w
    return Scores(contributions.sum(axis=1), contributions, net, w, plus @ w, minus @ w)


def ranks(score: ArrayLike, ids: ArrayLike) -> NDArray[np.int64]:
    """Rank of each alternative (1 = highest score); ties go to the lower id."""
    s = np.round(np.asarray(score, dtype=np.float64), SCORE_DECIMALS)
    order = np.lexsort((np.asarray(ids), -s))
    out = np.empty(len(s), dtype=np.int64)
    out[order] = np.arange(1, len(s) + 1)
    return out


@dataclass(frozen=True)
class Sensitivity:
    """How the top of the ranking moves when one weight changes.

    ``summary``: one row per criterion and change (``criterion``, ``change``
    as a fraction such as −0.2, ``weight`` before and ``new_weight`` after
    rescaling, ``overlap`` of the top sets, ``entered`` and ``left`` ids,
    ``max_shift`` and ``mean_shift`` of the base top's ranks).
    ``ranks``: the base top's ids (index) with their base rank and their
    rank under each variant (columns ``"<criterion> +20%"``...).
    """

    top: int
    summary: pd.DataFrame
    ranks: pd.DataFrame


def sensitivity(
    criterion_scores: ArrayLike,
    weights: ArrayLike,
    ids: ArrayLike,
    names: list[str],
    top: int = 20,
    step: float = 0.2,
) -> Sensitivity:
    """Move each weight by ±``step`` (relative), rescale, re-rank the top.

    Both methods score ``criterion_scores @ weights``, so a variant costs a
    matrix-vector product and a partial sort, not a new PROMETHEE run.
    """
    m = np.asarray(criterion_scores, dtype=np.float64)
    w = unit_weights(weights)
    ids = np.asarray(ids)
    if top < 1:
        raise ValueError("top must be at least 1")
    if not 0 < step < 1:
        raise ValueError("step must be between 0 and 1")
    base_score = np.round(m @ w, SCORE_DECIMALS)
    k = min(top, len(ids))
    top_ix = _top(base_score, ids, k)
    top_ids = set(ids[top_ix].tolist())
    rank_cols: dict[str, NDArray[np.int64]] = {"base": np.arange(1, k + 1)}
    rows = []
    for j, name in enumerate(names):
        for change in (-step, step):
            moved = w.copy()
            moved[j] *= 1 + change
            if moved.sum() <= 0:
                continue
            moved /= moved.sum()
            score = np.round(m @ moved, SCORE_DECIMALS)
            new_top = set(ids[_top(score, ids, k)].tolist())
            r = _ranks_of(score, ids, top_ix)
            shift = np.abs(r - rank_cols["base"])
            label = f"{name} {change:+.0%}"
            rank_cols[label] = r
            rows.append(
                {
                    "criterion": name,
                    "change": change,
                    "weight": float(w[j]),
                    "new_weight": float(moved[j]),
                    "overlap": len(new_top & top_ids),
                    "entered": sorted(new_top - top_ids),
                    "left": sorted(top_ids - new_top),
                    "max_shift": int(shift.max()) if k else 0,
                    "mean_shift": float(shift.mean()) if k else 0.0,
                }
            )
    summary = pd.DataFrame(
        rows,
        columns=[
            "criterion",
            "change",
            "weight",
            "new_weight",
            "overlap",
            "entered",
            "left",
            "max_shift",
            "mean_shift",
        ],
    )
    table = pd.DataFrame(rank_cols, index=pd.Index(ids[top_ix], name="id"))
    return Sensitivity(k, summary, table)


def _top(score: Array, ids: NDArray[Any], k: int) -> NDArray[np.intp]:
    """Positions of the ``k`` first in rank order (score, then lower id)."""
    if k == 0:
        return np.zeros(0, dtype=np.intp)
    if k >= len(score):
        return np.lexsort((ids, -score))
    threshold = np.partition(score, len(score) - k)[len(score) - k]
    candidates = np.flatnonzero(score >= threshold)
    order = np.lexsort((ids[candidates], -score[candidates]))
    return candidates[order[:k]]


def _ranks_of(
    score: Array, ids: NDArray[Any], positions: NDArray[np.intp]
) -> NDArray[np.int64]:
    """Rank (1 = first) of the alternatives at ``positions`` among all."""
    s, i = score[positions][:, None], ids[positions][:, None]
    ahead = (score[None, :] > s) | ((score[None, :] == s) & (ids[None, :] < i))
    return ahead.sum(axis=1).astype(np.int64) + 1
