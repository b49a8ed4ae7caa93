# SPDX-License-Identifier: GPL-3.0-or-later
"""Turning a model's raw scores into probabilities that mean what they say.

Boosted trees rank cells well but their raw scores are not probabilities.
A calibrator is fitted on *out-of-fold* scores (each scored by a model that
never saw its group), so the probabilities describe ground the model has not
seen. Isotonic regression is used when there is plenty of data, Platt's
sigmoid otherwise; both are monotone, so the ranking is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

from demine.errors import PredictionError
from demine.i18n import _

Method = Literal["auto", "isotonic", "sigmoid", "none"]
#: Isotonic regression needs this many labelled cells, and of each class.
ISOTONIC_MIN = 1_000
ISOTONIC_MIN_CLASS = 50


@dataclass(frozen=True)
class Calibrator:
    """A monotone map from raw scores to probabilities.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> score = rng.normal(size=4000)
    >>> y = (rng.random(4000) < 1 / (1 + np.exp(-2 * score))).astype(int)
    >>> cal = Calibrator.fit(score, y, "sigmoid")
    >>> round(cal.params["a"], 1), cal.apply(np.array([0.0])).round(1).tolist()
    (2.0, [0.5])
    """

    method: str
    params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def fit(
        cls, score: NDArray[np.float64], y: NDArray[Any], method: Method = "auto"
    ) -> Calibrator:
        """Fit to out-of-fold ``score`` and labels ``y`` (1 / 0)."""
        y = np.asarray(y).astype(int)
        if method == "auto":
            small = len(y) < ISOTONIC_MIN or min(y.sum(), len(y) - y.sum()) < (
                ISOTONIC_MIN_CLASS
            )
            method = "sigmoid" if small else "isotonic"
        if method == "none":
            return cls("none")
        if method == "isotonic":
            iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
            iso.fit(score, y)
            return cls(
                "isotonic",
                {
                    "x": iso.X_thresholds_.tolist(),
                    "y": iso.y_thresholds_.tolist(),
                },
            )
        if method == "sigmoid":
            lr = LogisticRegression(C=1e6, max_iter=1000)
            lr.fit(np.asarray(score).reshape(-1, 1), y)
            return cls(
                "sigmoid", {"a": float(lr.coef_[0, 0]), "b": float(lr.intercept_[0])}
            )
        raise PredictionError(_("unknown calibration method %(method)r", method=method))

    def apply(self, score: NDArray[np.float64]) -> NDArray[np.float64]:
        """Probabilities in [0, 1] for raw scores."""
        score = np.asarray(score, dtype=np.float64)
        if self.method == "isotonic":
            out = np.interp(score, self.params["x"], self.params["y"])
        elif self.method == "sigmoid":
            z = self.params["a"] * score + self.params["b"]
            out = 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))
        else:
            out = 1.0 / (1.0 + np.exp(-np.clip(score, -500, 500)))
        return np.asarray(np.clip(out, 0.0, 1.0), dtype=np.float64)

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, **self.params}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Calibrator:
        params = {k: v for k, v in data.items() if k != "method"}
        return cls(str(data["method"]), params)
