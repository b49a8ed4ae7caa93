# SPDX-License-Identifier: GPL-3.0-or-later
"""The model and its baselines, behind one small interface.

Every learner has ``fit(cells) -> fitted`` and every fitted model
``score(cells)`` (higher is riskier) and ``importance()``. Evaluation treats
them alike, so the baselines run in the same folds as the model:

* :class:`GradientBoosting`: LightGBM, calibrated on out-of-fold scores of
  group folds *inside* its training data;
* :class:`LogisticBaseline`: logistic regression on standardised features;
* :class:`NearestFindBaseline`: the closer to a known mined cell, the riskier.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

import lightgbm as lgb
import numpy as np
from numpy.typing import NDArray
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from demine.predict.calibration import Calibrator, Method
from demine.predict.dataset import Cells
from demine.predict.folds import group_folds
from demine.predict.proximity import PointIndex

log = logging.getLogger(__name__)

#: Below this many rows LightGBM trains on one thread.
SMALL_TABLE = 50_000


class Fitted(Protocol):
    def score(self, cells: Cells) -> NDArray[np.float64]: ...

    def importance(self) -> dict[str, float] | None: ...


class Learner(Protocol):
    name: str
    probabilistic: bool

    def fit(self, cells: Cells) -> Fitted: ...


@dataclass(frozen=True)
class BoostingParams:
    """LightGBM settings: small, regularised trees that carry over to new
    regions better than deep ones that memorise the training areas."""

    rounds: int = 300
    learning_rate: float = 0.05
    leaves: int = 15
    min_child: int = 20
    feature_fraction: float = 0.8
    bagging_fraction: float = 0.8
    l2: float = 1.0
    seed: int = 0
    threads: int = 0  # 0: one thread for small tables, else every core

    def lightgbm(self) -> dict[str, Any]:
        return {
            "objective": "binary",
            "learning_rate": self.learning_rate,
            "num_leaves": self.leaves,
            "min_data_in_leaf": self.min_child,
            "feature_fraction": self.feature_fraction,
            "bagging_fraction": self.bagging_fraction,
            "bagging_freq": 1,
            "lambda_l2": self.l2,
            "seed": self.seed,
            "deterministic": True,
            "force_row_wise": True,
            "num_threads": self.threads,
            "verbose": -1,
        }


def train_booster(
    x: NDArray[np.float32], y: NDArray[Any], params: BoostingParams
) -> lgb.Booster:
    """One LightGBM booster; features are named ``f0``, ``f1`` ... because
    LightGBM refuses names with commas or quotes, which real tables have."""
    names = [f"f{i}" for i in range(x.shape[1])]
    data = lgb.Dataset(x, label=np.asarray(y, dtype=np.float64), feature_name=names)
    settings = params.lightgbm()
    if not params.threads:
        # Thread start-up costs more than it saves on small tables.
        settings["num_threads"] = 1 if len(x) < SMALL_TABLE else 0
    return lgb.train(settings, data, num_boost_round=params.rounds)


def gain_importance(booster: lgb.Booster, names: tuple[str, ...]) -> dict[str, float]:
    """Share of the total split gain of each feature (sums to 1)."""
    gain = booster.feature_importance(importance_type="gain").astype(np.float64)
    total = gain.sum()
    share = gain / total if total > 0 else gain
    return dict(zip(names, share.tolist(), strict=True))


@dataclass
class FittedBoosting:
    booster: lgb.Booster
    calibrator: Calibrator
    names: tuple[str, ...]

    def margin(self, x: NDArray[np.float32], threads: int = 0) -> NDArray[np.float64]:
        extra: dict[str, Any] = {"num_threads": threads} if threads else {}
        raw = self.booster.predict(x, raw_score=True, **extra)
        return np.asarray(raw, dtype=np.float64)

    def probability(
        self, x: NDArray[np.float32], threads: int = 0
    ) -> NDArray[np.float64]:
        return self.calibrator.apply(self.margin(x, threads))

    def score(self, cells: Cells) -> NDArray[np.float64]:
        return self.probability(cells.x)

    def importance(self) -> dict[str, float]:
        return gain_importance(self.booster, self.names)


@dataclass
class GradientBoosting:
    """LightGBM with probabilities calibrated across held-out groups."""

    params: BoostingParams = field(default_factory=BoostingParams)
    calibration: Method = "auto"
    calibration_folds: int = 5
    name: str = "LightGBM"
    probabilistic: bool = True

    def fit(self, cells: Cells) -> FittedBoosting:
        oof = self._out_of_fold(cells)
        calibrator = Calibrator.fit(oof, cells.y, self.calibration)
        booster = train_booster(cells.x, cells.y, self.params)
        return FittedBoosting(booster, calibrator, cells.names)

    def _out_of_fold(self, cells: Cells) -> NDArray[np.float64]:
        """Raw scores of every cell from a booster that never saw its group."""
        oof = np.zeros(len(cells))
        if self.calibration == "none" or len(set(cells.groups)) < 2:
            if self.calibration != "none":
                log.warning("one group only: probabilities are not calibrated")
            return oof
        for fold in group_folds(cells.groups, max_folds=self.calibration_folds):
            part = cells.take(fold.train)
            booster = train_booster(part.x, part.y, self.params)
            oof[fold.test] = booster.predict(cells.x[fold.test], raw_score=True)
        return oof


@dataclass
class FittedLogistic:
    pipeline: Pipeline | None
    constant: float
    names: tuple[str, ...]

    def score(self, cells: Cells) -> NDArray[np.float64]:
        if self.pipeline is None:
            return np.full(len(cells), self.constant)
        return np.asarray(self.pipeline.predict_proba(cells.x)[:, 1], dtype=np.float64)

    def importance(self) -> dict[str, float] | None:
        if self.pipeline is None:
            return None
        coef = np.abs(self.pipeline[-1].coef_[0])
        total = coef.sum()
        share = coef / total if total > 0 else coef
        return dict(zip(self.names, share.tolist(), strict=True))


@dataclass
class LogisticBaseline:
    """Logistic regression: median-imputed, standardised features, L2."""

    name: str = "logistic regression"
    probabilistic: bool = True

    def fit(self, cells: Cells) -> FittedLogistic:
        if len(np.unique(cells.y)) < 2:
            return FittedLogistic(None, float(cells.y.mean()), cells.names)
        pipeline = make_pipeline(
            SimpleImputer(strategy="median", keep_empty_features=True),
            StandardScaler(),
            LogisticRegression(C=1.0, max_iter=2000),
        )
        pipeline.fit(cells.x, cells.y)
        return FittedLogistic(pipeline, float(cells.y.mean()), cells.names)


@dataclass
class FittedNearest:
    index: PointIndex

    def score(self, cells: Cells) -> NDArray[np.float64]:
        if cells.xy is None:
            return np.zeros(len(cells))
        return -self.index.distance(cells.xy[:, 0], cells.xy[:, 1])

    def importance(self) -> dict[str, float] | None:
        return None


@dataclass
class NearestFindBaseline:
    """Risk falls with the distance to the nearest mined cell of the training
    data: "look next to where mines were found". Needs cell coordinates."""

    name: str = "distance to nearest find"
    probabilistic: bool = False

    def fit(self, cells: Cells) -> FittedNearest:
        if cells.xy is None:
            raise ValueError("the nearest-find baseline needs cell coordinates")
        found = cells.xy[cells.y == 1]
        return FittedNearest(PointIndex(found[:, 0], found[:, 1], workers=-1))
