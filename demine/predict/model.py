# SPDX-License-Identifier: GPL-3.0-or-later
"""A contamination-likelihood model: fitted, saved as JSON, applied to grids.

A :class:`RiskModel` is LightGBM plus its calibrator plus the list of
feature columns it expects. It is saved as plain JSON (the booster as
LightGBM's own text format inside), never as a pickle, so a model file can
be read, diffed and shared without running code from it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from demine import __version__
from demine.errors import PredictionError
from demine.i18n import _
from demine.predict.calibration import Calibrator, Method
from demine.predict.columns import FeatureSet
from demine.predict.dataset import describe, labelled_cells
from demine.predict.learners import BoostingParams, FittedBoosting, GradientBoosting

log = logging.getLogger(__name__)

FORMAT = "demine-risk-model"
VERSION = 1


@dataclass
class RiskModel:
    """A fitted model and what it needs to score a grid."""

    features: FeatureSet
    fitted: FittedBoosting
    label: str
    training: dict[str, Any] = field(default_factory=dict)

    def importance(self) -> dict[str, float]:
        """Share of split gain per feature, largest first."""
        gain = self.fitted.importance()
        return dict(sorted(gain.items(), key=lambda kv: -kv[1]))

    def risk(self, frame: pd.DataFrame, threads: int = 0) -> NDArray[np.float64]:
        """Calibrated risk in [0, 1] for every row of ``frame``, in order.

        Absent indicator columns count as 0, other absent features as
        missing; a table sharing no feature with the model is refused.
        ``threads`` caps LightGBM's threads (0: its default).
        """
        self.features.check_overlap(frame.columns)
        x = self.features.matrix(frame)
        return np.clip(self.fitted.probability(x, threads), 0.0, 1.0)

    def to_json(self) -> str:
        data = {
            "format": FORMAT,
            "version": VERSION,
            "demine": __version__,
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "label": self.label,
            "features": list(self.features.features),
            "indicators": sorted(self.features.indicators),
            "calibration": self.fitted.calibrator.to_dict(),
            "training": self.training,
            "importance": self.importance(),
            "booster": self.fitted.booster.model_to_string(),
        }
        return json.dumps(data, indent=1, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> RiskModel:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise PredictionError(
                _("not a demine model file: %(msg)s", msg=exc.msg)
            ) from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise PredictionError(_("not a demine model file (no 'format' marker)"))
        if int(data.get("version", 0)) > VERSION:
            raise PredictionError(
                _(
                    "model format version %(version)s is newer than this demine "
                    "understands (%(version2)s); upgrade demine",
                    version=data["version"],
                    version2=VERSION,
                )
            )
        features = FeatureSet(tuple(data["features"]), frozenset(data["indicators"]))
        booster = lgb.Booster(model_str=data["booster"])
        fitted = FittedBoosting(
            booster, Calibrator.from_dict(data["calibration"]), features.features
        )
        return cls(features, fitted, str(data["label"]), dict(data["training"]))


def fit_model(
    frame: pd.DataFrame,
    label: str,
    group: str | None = None,
    exclude: tuple[str, ...] = (),
    params: BoostingParams | None = None,
    calibration: Method = "auto",
    block: float | None = None,
    crs: str | None = None,
    drop_group_constant: bool = False,
) -> RiskModel:
    """Fit LightGBM with calibrated probabilities on a grid table.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per cell: features, a label column, optionally a group column.
    label : str
        1 mines found, 0 searched and clean, -1 / empty unknown.
    group : str, optional
        Admin area of each cell; calibration folds hold out whole groups
        (spatial blocks of ``block`` metres when there is no group column).
    exclude : tuple of str
        Numeric columns that are not features.
    params : BoostingParams, optional
        LightGBM settings.
    calibration : {"auto", "isotonic", "sigmoid", "none"}
        How raw scores become probabilities.
    block : float, optional
        Spatial block size in metres.
    crs : str, optional
        CRS of ``x`` / ``y`` columns.
    drop_group_constant : bool
        Leave out features with one value per group.

    Returns
    -------
    RiskModel

    Examples
    --------
    >>> from demine.predict.sample import synthetic_grid
    >>> grid = synthetic_grid()
    >>> model = fit_model(grid, "label", group="area",
    ...                   params=BoostingParams(rounds=40))
    >>> next(iter(model.importance()))
    'dist_line'
    >>> risk = model.risk(grid)
    >>> near, far = grid["dist_line"] < 300, grid["dist_line"] > 2000
    >>> bool(risk[near].mean() > risk[far].mean())
    True
    """
    params = params or BoostingParams()
    data = labelled_cells(
        frame, label, group, exclude, block, crs, False, drop_group_constant
    )
    learner = GradientBoosting(params=params, calibration=calibration)
    fitted = learner.fit(data.cells)
    training = {
        **describe(data),
        "group_column": group,
        "base_rate": float(data.cells.y.mean()),
        "calibration": fitted.calibrator.method,
        "params": params.__dict__,
    }
    log.info(
        "fitted on %d cells (%d positive) in %d groups",
        training["labelled"],
        training["positive"],
        training["groups"],
    )
    return RiskModel(data.features, fitted, label, training)
