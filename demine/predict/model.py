# SPDX-License-Identifier: GPL-3.0-or-later
"""The contamination-likelihood model: fitted, saved as JSON, applied to grids.

A :class:`RiskModel` is the rank ensemble (:mod:`~demine.predict.transfer`)
chosen by held-out-region evaluation, with

* a calibrator fitted on its scores of held-out regions, so a risk of 0.3
  means about 30 % of such surveyed cells held mines in regions the model
  had not seen;
* one member per held-out region (the model fitted without it): their
  spread is each cell's uncertainty interval;
* its area of applicability (:mod:`~demine.predict.applicability`).

It is saved as plain JSON, never as a pickle, so a model file can be read,
diffed and shared without running code from it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from demine import __version__
from demine.errors import PredictionError
from demine.i18n import _
from demine.predict import metrics
from demine.predict.applicability import Applicability, fit_applicability
from demine.predict.calibration import Calibrator, Method
from demine.predict.columns import FeatureSet
from demine.predict.dataset import describe, labelled_cells
from demine.predict.evaluation import region_folds
from demine.predict.regions import BUFFER, REGIONS
from demine.predict.transfer import RankLearner, RankModel, rank_ensemble

log = logging.getLogger(__name__)

FORMAT = "demine-risk-model"
VERSION = 2
#: Columns scoring adds to a grid table.
RISK, LOW, HIGH, INSIDE, DISSIMILARITY = (
    "risk",
    "risk_low",
    "risk_high",
    "applicable",
    "dissimilarity",
)
OUTPUTS = (RISK, LOW, HIGH, INSIDE, DISSIMILARITY)
#: The interval spans these percentiles of the members' risks.
SPREAD = (10.0, 90.0)


@dataclass
class RiskModel:
    """A fitted model and what it needs to score a grid.

    ``reference`` is the region being scored (a sample of its rows, in
    feature order): features are ranked among it. None ranks each table
    among its own rows, which is right when a table is the whole region.
    """

    features: FeatureSet
    ranker: RankModel
    calibrator: Calibrator
    members: list[RankModel]
    applicability: Applicability
    label: str
    training: dict[str, Any] = field(default_factory=dict)
    reference: NDArray[np.float32] | None = None

    def importance(self) -> dict[str, float]:
        """Share of the score each feature carries, largest first."""
        share = {k: v for k, v in self.ranker.importance().items() if v > 0}
        return dict(sorted(share.items(), key=lambda kv: -kv[1]))

    def with_reference(self, reference: NDArray[np.float32]) -> RiskModel:
        """The same model ranking cells among ``reference`` (region rows)."""
        return dataclasses.replace(self, reference=reference)

    def matrix(self, frame: pd.DataFrame) -> NDArray[np.float32]:
        """The model's features of ``frame`` (checked against the model)."""
        self.features.check_overlap(frame.columns)
        return self.features.matrix(frame)

    def predict(self, frame: pd.DataFrame, threads: int = 0) -> pd.DataFrame:
        """Risk, its interval, and applicability for every row, in order.

        Columns: ``risk`` (0 to 1), ``risk_low`` / ``risk_high`` (the 10th
        and 90th percentile of the members' risks, widened to hold
        ``risk``), ``dissimilarity`` and ``applicable`` (1 inside the area
        of applicability). Absent indicator columns count as 0, other absent
        features as missing; a table sharing no feature is refused.
        ``threads`` is accepted for callers that cap threads; none are used.
        """
        del threads
        x = self.matrix(frame)
        ref = self.reference if self.reference is not None else x
        risk = self.calibrator.apply(self.ranker.raw(x, ref))
        if self.members:
            each = np.vstack(
                [self.calibrator.apply(m.raw(x, ref)) for m in self.members]
            )
            low, high = np.percentile(each, SPREAD, axis=0)
        else:
            low = high = risk
        di = self.applicability.dissimilarity(x)
        return pd.DataFrame(
            {
                RISK: np.clip(risk, 0.0, 1.0),
                LOW: np.clip(np.minimum(low, risk), 0.0, 1.0),
                HIGH: np.clip(np.maximum(high, risk), 0.0, 1.0),
                INSIDE: (di <= self.applicability.threshold).astype(np.int8),
                DISSIMILARITY: di,
            },
            index=frame.index,
        )

    def risk(self, frame: pd.DataFrame, threads: int = 0) -> NDArray[np.float64]:
        """Calibrated risk in [0, 1] for every row of ``frame``, in order."""
        return self.predict(frame, threads)[RISK].to_numpy(np.float64)

    def to_json(self) -> str:
        data = {
            "format": FORMAT,
            "version": VERSION,
            "demine": __version__,
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "label": self.label,
            "features": list(self.features.features),
            "indicators": sorted(self.features.indicators),
            "model": self.ranker.to_dict(),
            "calibration": self.calibrator.to_dict(),
            "members": [m.to_dict() for m in self.members],
            "applicability": self.applicability.to_dict(),
            "training": self.training,
            "importance": self.importance(),
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
        version = int(data.get("version", 0))
        if version > VERSION:
            raise PredictionError(
                _(
                    "model format version %(version)s is newer than this demine "
                    "understands (%(version2)s); upgrade demine",
                    version=data["version"],
                    version2=VERSION,
                )
            )
        if version < VERSION:
            raise PredictionError(
                _(
                    "model format version %(version)s is a LightGBM model of an "
                    "earlier demine; fit it again with 'demine predict fit'",
                    version=version,
                )
            )
        features = FeatureSet(tuple(data["features"]), frozenset(data["indicators"]))
        names = features.features
        return cls(
            features,
            RankModel.from_dict(data["model"], names),
            Calibrator.from_dict(data["calibration"]),
            [RankModel.from_dict(m, names) for m in data["members"]],
            Applicability.from_dict(data["applicability"], names),
            str(data["label"]),
            dict(data["training"]),
        )


def fit_model(
    frame: pd.DataFrame,
    label: str,
    group: str | None = None,
    exclude: tuple[str, ...] = (),
    calibration: Method = "auto",
    block: float | None = None,
    crs: str | None = None,
    drop_group_constant: bool = False,
    regions: int | None = REGIONS,
    buffer: float = BUFFER,
    learner: RankLearner | None = None,
) -> RiskModel:
    """Fit the default model (the rank ensemble) on a grid table.

    The training data is split into held-out regions as in evaluation
    (:func:`~demine.predict.evaluation.region_folds`): the model fitted
    without each region scores it; those scores calibrate the risk, and the
    models fitted without each region are the members whose spread is the
    uncertainty interval.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per cell: features, a label column, optionally a group column.
    label : str
        1 mines found, 0 searched and clean, -1 / empty unknown.
    group : str, optional
        Admin area of each cell (spatial blocks of ``block`` metres without).
    exclude : tuple of str
        Numeric columns that are not features.
    calibration : {"auto", "isotonic", "sigmoid", "none"}
        How held-out scores become probabilities.
    block : float, optional
        Spatial block size in metres.
    crs : str, optional
        CRS of ``x`` / ``y`` columns.
    drop_group_constant : bool
        Leave out features with one value per group.
    regions : int or None
        Held-out regions of neighbouring groups (None: single groups).
    buffer : float
        Metres between a held-out region and its training cells.
    learner : RankLearner, optional
        Another rank model (default: the rank ensemble).

    Returns
    -------
    RiskModel

    Examples
    --------
    >>> from demine.predict.sample import synthetic_grid
    >>> grid = synthetic_grid()
    >>> model = fit_model(grid, "label", group="area", buffer=0)
    >>> next(iter(model.importance()))
    'dist_line'
    >>> out = model.predict(grid)
    >>> near, far = grid["dist_line"] < 300, grid["dist_line"] > 2000
    >>> bool(out["risk"][near].mean() > out["risk"][far].mean())
    True
    >>> bool((out["risk_low"] <= out["risk"]).all() and out["applicable"].any())
    True
    """
    learner = learner or rank_ensemble()
    data = labelled_cells(
        frame, label, group, exclude, block, crs, False, drop_group_constant
    )
    cells = data.cells
    folds = region_folds(cells, regions, buffer)
    oof = np.full(len(cells), np.nan)
    region = np.empty(len(cells), dtype=object)
    members = []
    per_region = []
    for fold in folds:
        member = learner.fit(cells.take(fold.train))
        test = cells.take(fold.test)
        oof[fold.test] = member.raw(test.x)
        region[fold.test] = " + ".join(fold.held_out)
        members.append(member)
        per_region.append(
            {
                "region": " + ".join(fold.held_out),
                **metrics.summary(test.y, oof[fold.test]),
            }
        )
    calibrator = Calibrator.fit(oof, cells.y, calibration)
    ranker = learner.fit(cells)
    weight = np.array([ranker.importance()[n] for n in cells.names])
    aoa = fit_applicability(cells.x, cells.names, weight, region)
    training = {
        **describe(data),
        "group_column": group,
        "base_rate": float(cells.y.mean()),
        "calibration": calibrator.method,
        "model": learner.name,
        "held_out_regions": len(folds),
        "held_out": metrics.summary(cells.y, oof),
        "per_region": per_region,
        "applicability_threshold": aoa.threshold,
    }
    log.info(
        "fitted on %d cells (%d positive) in %d groups",
        training["labelled"],
        training["positive"],
        training["groups"],
    )
    return RiskModel(data.features, ranker, calibrator, members, aoa, label, training)
