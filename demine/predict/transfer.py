# SPDX-License-Identifier: GPL-3.0-or-later
"""Simple, stable models for regions never seen: the candidates and the default.

Every candidate is fitted on training regions and scores a held-out region
as a whole (ranks are taken within it); all directions and choices come from
the training data only.

* :class:`RankLearner` with ``single=1, logistic=0``: the **best single
  feature**, direction chosen on the training data, the baseline to beat;
* ``single=0, logistic=1``: **rank logistic regression**, L2-regularised,
  on the within-region ranks of the features that pass the invariance test;
* ``single=1, logistic=1``: the **rank ensemble**, the mean of both ranks
  (the default model: it won on held-out regions, see docs/predict.md);
* :class:`MonotoneBoosting`: LightGBM on the invariant features, each
  constrained to its training direction, few leaves and strong shrinkage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import lightgbm as lgb
import numpy as np
from numpy.typing import NDArray
from sklearn.linear_model import LogisticRegression

from demine.predict.dataset import Cells
from demine.predict.invariance import Invariance, feature_auc, invariance
from demine.predict.ranks import percentiles, ranks_within
from demine.predict.regions import neighbour_regions

#: Inverse L2 strength of the rank logistic regression.
RANK_C = 0.1


def training_regions(cells: Cells) -> NDArray[np.object_]:
    """Regions inside training data for the invariance test and ranks: its
    groups joined three by three with their neighbours (the groups alone
    without coordinates)."""
    n = len(set(cells.groups))
    if cells.xy is None or n < 6:
        return np.asarray(cells.groups).astype(str).astype(object)
    return neighbour_regions(cells.groups, cells.xy, max(2, round(n / 3)))


@dataclass
class RankModel:
    """A fitted rank model: best feature, rank logistic regression, weights.

    ``score(x, reference)`` ranks the cells of ``x`` among the region's
    ``reference`` rows (``x`` itself when scoring a whole region at once).
    """

    names: tuple[str, ...]
    best: int
    best_sign: int
    columns: list[int]
    coef: list[float]
    intercept: float
    single: float = 1.0
    logistic: float = 1.0

    def components(
        self, x: NDArray[np.floating], reference: NDArray[np.floating] | None = None
    ) -> list[tuple[float, NDArray[np.float64]]]:
        ref = x if reference is None else reference
        parts = []
        if self.single > 0:
            col = [self.best]
            p = percentiles(x[:, col], ref[:, col])[:, 0]
            p = p if self.best_sign > 0 else 1.0 - p
            parts.append((self.single, np.where(np.isfinite(p), p, 0.5)))
        if self.logistic > 0 and self.columns:
            z = self._decision(x, ref)
            z_ref = self._decision(ref, ref)
            parts.append((self.logistic, percentiles(z[:, None], z_ref[:, None])[:, 0]))
        return parts

    def _decision(
        self, x: NDArray[np.floating], ref: NDArray[np.floating]
    ) -> NDArray[np.float64]:
        r = percentiles(x[:, self.columns], ref[:, self.columns])
        r = np.where(np.isfinite(r), r, 0.5)
        return np.asarray(r @ np.asarray(self.coef) + self.intercept, np.float64)

    def raw(
        self, x: NDArray[np.floating], reference: NDArray[np.floating] | None = None
    ) -> NDArray[np.float64]:
        """Weighted mean of the component percentiles, 0 to 1."""
        parts = self.components(x, reference)
        total = sum(w for w, _ in parts)
        return np.asarray(sum(w * p for w, p in parts) / total, dtype=np.float64)

    def score(self, cells: Cells) -> NDArray[np.float64]:
        return self.raw(cells.x)

    def importance(self) -> dict[str, float]:
        """Share of the score each feature carries."""
        out = dict.fromkeys(self.names, 0.0)
        total = self.single + (self.logistic if self.columns else 0.0)
        if self.single > 0:
            out[self.names[self.best]] += self.single / total
        coef = np.abs(np.asarray(self.coef))
        if self.logistic > 0 and coef.sum() > 0:
            for j, c in zip(self.columns, coef / coef.sum(), strict=True):
                out[self.names[j]] += float(c) * self.logistic / total
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "best": self.names[self.best],
            "best_sign": self.best_sign,
            "columns": [self.names[j] for j in self.columns],
            "coef": self.coef,
            "intercept": self.intercept,
            "single": self.single,
            "logistic": self.logistic,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], names: tuple[str, ...]) -> RankModel:
        where = {n: i for i, n in enumerate(names)}
        return cls(
            names,
            where[data["best"]],
            int(data["best_sign"]),
            [where[n] for n in data["columns"]],
            [float(c) for c in data["coef"]],
            float(data["intercept"]),
            float(data["single"]),
            float(data["logistic"]),
        )


@dataclass
class RankLearner:
    """Best single feature, rank logistic regression, or their rank mean."""

    name: str = "rank ensemble"
    single: float = 1.0
    logistic: float = 1.0
    probabilistic: bool = False
    c: float = RANK_C

    def fit(self, cells: Cells) -> RankModel:
        regions = training_regions(cells)
        test = invariance(cells.x, cells.y, regions)
        best = int(np.argmax(np.abs(test.auc - 0.5)))
        columns = [int(j) for j in np.flatnonzero(test.keep)] if self.logistic else []
        coef: list[float] = []
        intercept = 0.0
        if columns and len(np.unique(cells.y)) == 2:
            r = ranks_within(cells.x[:, columns], regions)
            r = np.where(np.isfinite(r), r, 0.5)
            fit = LogisticRegression(C=self.c, max_iter=2000).fit(r, cells.y)
            coef = fit.coef_[0].astype(float).tolist()
            intercept = float(fit.intercept_[0])
        else:
            columns = []
        return RankModel(
            cells.names,
            best,
            int(test.sign[best]),
            columns,
            coef,
            intercept,
            self.single if columns or not self.logistic else 1.0,
            self.logistic,
        )


def single_feature() -> RankLearner:
    return RankLearner("best single feature", single=1.0, logistic=0.0)


def rank_logistic() -> RankLearner:
    return RankLearner("rank logistic regression", single=0.0, logistic=1.0)


def rank_ensemble() -> RankLearner:
    return RankLearner("rank ensemble", single=1.0, logistic=1.0)


@dataclass
class FittedMonotone:
    booster: lgb.Booster | None
    columns: list[int]
    names: tuple[str, ...]
    fallback: int
    sign: int

    def score(self, cells: Cells) -> NDArray[np.float64]:
        if self.booster is None:
            return np.asarray(self.sign * cells.x[:, self.fallback], np.float64)
        x = cells.x[:, self.columns]
        return np.asarray(self.booster.predict(x, raw_score=True), np.float64)

    def importance(self) -> dict[str, float] | None:
        if self.booster is None:
            return None
        gain = self.booster.feature_importance(importance_type="gain").astype(float)
        share = gain / gain.sum() if gain.sum() > 0 else gain
        pairs = zip(self.columns, share, strict=True)
        return {self.names[j]: float(s) for j, s in pairs}


@dataclass
class MonotoneBoosting:
    """LightGBM on invariant features, monotone in each one's training
    direction: 4 leaves, 50 cells a leaf, 100 rounds, L2 10."""

    name: str = "monotone LightGBM"
    probabilistic: bool = False
    settings: dict[str, Any] = field(
        default_factory=lambda: {
            "objective": "binary",
            "num_leaves": 4,
            "min_data_in_leaf": 50,
            "learning_rate": 0.05,
            "lambda_l2": 10.0,
            "feature_fraction": 0.8,
            "bagging_fraction": 0.8,
            "bagging_freq": 1,
            "seed": 0,
            "deterministic": True,
            "force_row_wise": True,
            "num_threads": 1,
            "verbose": -1,
        }
    )
    rounds: int = 100

    def fit(self, cells: Cells) -> FittedMonotone:
        test: Invariance = invariance(cells.x, cells.y, training_regions(cells))
        best = int(np.argmax(np.abs(feature_auc(cells.x, cells.y) - 0.5)))
        columns = [int(j) for j in np.flatnonzero(test.keep)]
        if not columns or len(np.unique(cells.y)) < 2:
            return FittedMonotone(None, [], cells.names, best, int(test.sign[best]))
        params = {
            **self.settings,
            "monotone_constraints": [int(test.sign[j]) for j in columns],
        }
        data = lgb.Dataset(
            cells.x[:, columns],
            label=cells.y.astype(float),
            feature_name=[f"f{j}" for j in columns],
        )
        booster = lgb.train(params, data, num_boost_round=self.rounds)
        return FittedMonotone(booster, columns, cells.names, best, 1)
