# SPDX-License-Identifier: GPL-3.0-or-later
"""Spatially honest evaluation of the candidate models, region by region.

Each fold holds out a whole *region*: neighbouring groups joined together
(:func:`~demine.predict.regions.transfer_folds`), with a buffer that keeps
training cells away from it, or a single group (``regions=None``). Every
learner is fitted on the other regions only and ranks the held-out one as a
whole. Per-region figures, and their spread, say what a user gets in a new
region; pooled figures rank the held-out cells of all regions together.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from demine.errors import PredictionError
from demine.i18n import _
from demine.i18n.numbers import number
from demine.predict import metrics
from demine.predict.dataset import (
    Cells,
    Dataset,
    describe,
    group_constant,
    labelled_cells,
)
from demine.predict.folds import MAX_FOLDS, Fold, check_disjoint, group_folds
from demine.predict.learners import (
    BoostingParams,
    GradientBoosting,
    Learner,
    LogisticBaseline,
    NearestFindBaseline,
)
from demine.predict.regions import BUFFER, REGIONS, transfer_folds
from demine.predict.transfer import (
    MonotoneBoosting,
    rank_ensemble,
    rank_logistic,
    single_feature,
)

log = logging.getLogger(__name__)

#: Feature names a register grid derives from finds and accidents.
LABEL_DERIVED = ("dist_find", "dist_accident", "find_density", "accident_density")
#: The shipped default and the baseline it must beat in most regions.
DEFAULT = "rank ensemble"
BASELINE = "best single feature"
PER_REGION = ("roc_auc", "pr_auc", "recall_at_20")


@dataclass(frozen=True)
class FoldRecord:
    """Which groups a fold trained on and held out, and its test counts."""

    held_out: tuple[str, ...]
    trained_on: tuple[str, ...]
    test_cells: int
    test_positive: int


@dataclass
class ModelResult:
    """Out-of-fold scores of one learner and the metrics they give."""

    name: str
    probabilistic: bool
    scores: NDArray[np.float64]
    pooled: dict[str, float]
    per_fold: list[dict[str, float]]
    importance: dict[str, float] | None
    curve: metrics.AreaCurve
    calibration: pd.DataFrame | None = None


@dataclass
class Evaluation:
    """Everything a report shows: data, folds, results per model, notes."""

    summary: dict[str, Any]
    folds: list[FoldRecord]
    results: list[ModelResult]
    y: NDArray[np.int8]
    groups: NDArray[np.object_]
    notes: list[str] = field(default_factory=list)

    def table(self) -> pd.DataFrame:
        """Pooled metrics, one row per model."""
        return pd.DataFrame({r.name: r.pooled for r in self.results}).T

    def regions(self) -> pd.DataFrame:
        """ROC-AUC, PR-AUC and recall@20 % of every model in every held-out
        region (long format: one row per region and model)."""
        rows = []
        for r in self.results:
            for fold, m in zip(self.folds, r.per_fold, strict=True):
                rows.append(
                    {
                        "region": " + ".join(fold.held_out),
                        "cells": fold.test_cells,
                        "mined": fold.test_positive,
                        "model": r.name,
                        **{k: m[k] for k in PER_REGION},
                    }
                )
        return pd.DataFrame(rows)

    def spread(self, baseline: str = BASELINE) -> pd.DataFrame:
        """Per model: mean, median, lowest and highest of each per-region
        figure, and in how many regions it beats ``baseline``."""
        per = self.regions()
        base = per[per["model"] == baseline].set_index("region")
        out = {}
        for name, part in per.groupby("model", sort=False):
            part = part.set_index("region")
            row: dict[str, float] = {}
            for k in PER_REGION:
                row[f"{k}_mean"] = float(part[k].mean())
                row[f"{k}_median"] = float(part[k].median())
                row[f"{k}_min"] = float(part[k].min())
                row[f"{k}_max"] = float(part[k].max())
            if len(base):
                for k in ("roc_auc", "recall_at_20"):
                    both = part[k].notna() & base[k].reindex(part.index).notna()
                    gain = part[k] - base[k].reindex(part.index)
                    row[f"{k}_wins"] = float((gain[both] > 1e-9).sum())
                row["regions"] = float(part["roc_auc"].notna().sum())
            out[name] = row
        return pd.DataFrame(out).T

    def to_dict(self) -> dict[str, Any]:
        """Figures as plain JSON-ready values."""
        return {
            "data": self.summary,
            "folds": [f.__dict__ for f in self.folds],
            "models": {
                r.name: {
                    "pooled": r.pooled,
                    "fold_mean": _fold_mean(r.per_fold),
                    "importance": r.importance,
                }
                for r in self.results
            },
            "regions": self.regions().to_dict(orient="records"),
            "spread": self.spread().to_dict(orient="index"),
            "notes": self.notes,
        }


def _fold_mean(per_fold: list[dict[str, float]]) -> dict[str, float]:
    frame = pd.DataFrame(per_fold).drop(columns=["fold"], errors="ignore")
    return {k: float(v) for k, v in frame.mean(numeric_only=True).items()}


def default_learners(
    params: BoostingParams, with_nearest: bool = True
) -> list[Learner]:
    """The candidates: the default (rank ensemble), the best single feature
    it must beat, the simple models it is made of or competes with, and the
    former LightGBM model and baselines."""
    out: list[Learner] = [
        rank_ensemble(),
        single_feature(),
        rank_logistic(),
        MonotoneBoosting(),
        GradientBoosting(params=params),
        LogisticBaseline(),
    ]
    if with_nearest:
        out.append(NearestFindBaseline())
    return out


def cross_validate(
    cells: Cells,
    folds: Sequence[Fold],
    learners: Sequence[Learner],
    progress: Callable[[int], None] | None = None,
) -> tuple[list[ModelResult], list[FoldRecord]]:
    """Fit every learner on each fold's training groups; score its held-out ones.

    Parameters
    ----------
    cells : Cells
        Labelled cells with their groups.
    folds : sequence of Fold
        From :func:`~demine.predict.folds.group_folds`; checked disjoint.
    learners : sequence of Learner
        The model and the baselines.
    progress : callable, optional
        Called with 1 after each fold.

    Returns
    -------
    tuple of (list of ModelResult, list of FoldRecord)

    Examples
    --------
    >>> from demine.predict.sample import synthetic_grid
    >>> from demine.predict.dataset import labelled_cells
    >>> data = labelled_cells(synthetic_grid(), "label", group="area")
    >>> folds = group_folds(data.cells.groups)
    >>> results, records = cross_validate(data.cells, folds, [LogisticBaseline()])
    >>> round(results[0].pooled["roc_auc"], 2) > 0.8, records[0].held_out
    (True, ('area-0',))
    """
    check_disjoint(cells.groups, list(folds))
    scores = {ln.name: np.full(len(cells), np.nan) for ln in learners}
    per_fold: dict[str, list[dict[str, float]]] = {ln.name: [] for ln in learners}
    gains: dict[str, list[dict[str, float]]] = {ln.name: [] for ln in learners}
    records = []
    for i, fold in enumerate(folds):
        train, test = cells.take(fold.train), cells.take(fold.test)
        for learner in learners:
            fitted = learner.fit(train)
            s = fitted.score(test)
            scores[learner.name][fold.test] = s
            per_fold[learner.name].append({"fold": i + 1, **metrics.summary(test.y, s)})
            gain = fitted.importance()
            if gain is not None:
                gains[learner.name].append(gain)
        records.append(
            FoldRecord(
                held_out=fold.held_out,
                trained_on=tuple(sorted(set(train.groups.astype(str)))),
                test_cells=len(test),
                test_positive=int((test.y == 1).sum()),
            )
        )
        if progress is not None:
            progress(1)
    results = [
        _result(ln, cells.y, scores[ln.name], per_fold[ln.name], gains[ln.name])
        for ln in learners
    ]
    return results, records


def _result(
    learner: Learner,
    y: NDArray[np.int8],
    scores: NDArray[np.float64],
    per_fold: list[dict[str, float]],
    gains: list[dict[str, float]],
) -> ModelResult:
    prob = scores if learner.probabilistic else None
    importance = None
    if gains:
        mean = pd.DataFrame(gains).mean()
        importance = {
            str(k): float(v) for k, v in mean.sort_values(ascending=False).items()
        }
    return ModelResult(
        name=learner.name,
        probabilistic=learner.probabilistic,
        scores=scores,
        pooled=metrics.summary(y, scores, prob),
        per_fold=per_fold,
        importance=importance,
        curve=metrics.recall_curve(y, scores),
        calibration=metrics.calibration_table(y, prob) if prob is not None else None,
    )


def evaluate(
    frame: pd.DataFrame,
    label: str,
    group: str | None = None,
    exclude: tuple[str, ...] = (),
    block: float | None = None,
    crs: str | None = None,
    params: BoostingParams | None = None,
    max_folds: int = MAX_FOLDS,
    learners: Sequence[Learner] | None = None,
    progress: Callable[[int], None] | None = None,
    drop_group_constant: bool = False,
    regions: int | None = REGIONS,
    buffer: float = BUFFER,
) -> Evaluation:
    """Evaluate the candidates, holding out whole regions.

    Parameters
    ----------
    frame : pandas.DataFrame
        A grid table.
    label : str
        Label column (1 / 0 / -1).
    group : str, optional
        Group column (admin area); spatial blocks of ``block`` metres if None.
    exclude : tuple of str
        Numeric columns that are not features.
    block : float, optional
        Block size in metres (default 10 km).
    crs : str, optional
        CRS of ``x`` / ``y`` columns.
    params : BoostingParams, optional
        LightGBM settings.
    max_folds : int
        Without coordinates or with ``regions=None``: leave one group out
        up to this many groups, else this many folds.
    learners : sequence of Learner, optional
        Defaults to :func:`default_learners`.
    progress : callable, optional
        Called with 1 after each fold.
    drop_group_constant : bool
        Leave out features with one value per group.
    regions : int or None
        Join neighbouring groups into this many held-out regions (needs
        coordinates and twice as many groups); None: leave one group out.
    buffer : float
        Metres between held-out cells and the nearest training cell.

    Returns
    -------
    Evaluation

    Examples
    --------
    >>> from demine.predict.sample import synthetic_grid
    >>> ev = evaluate(synthetic_grid(groups=3), "label", group="area",
    ...               params=BoostingParams(rounds=20), buffer=0)
    >>> [r.name for r in ev.results][:4]
    ['rank ensemble', 'best single feature', 'rank logistic regression', \
'monotone LightGBM']
    >>> bool(ev.table().loc["rank ensemble", "recall_at_20"] > 0.2)
    True
    """
    data = labelled_cells(
        frame, label, group, exclude, block, crs, True, drop_group_constant
    )
    folds = region_folds(data.cells, regions, buffer, max_folds)
    if learners is None:
        learners = default_learners(
            params or BoostingParams(), data.cells.xy is not None
        )
    results, records = cross_validate(data.cells, folds, learners, progress)
    summary = {**describe(data), "folds": len(folds)}
    return Evaluation(
        summary, records, results, data.cells.y, data.cells.groups, notes(data, frame)
    )


def region_folds(
    cells: Cells, regions: int | None, buffer: float, max_folds: int = MAX_FOLDS
) -> list[Fold]:
    """Held-out regions with a buffer when the cells have coordinates;
    otherwise whole groups (:func:`~demine.predict.folds.group_folds`)."""
    n_groups = len(set(cells.groups))
    if cells.xy is None or (regions is None and n_groups > max_folds):
        return group_folds(cells.groups, max_folds=max_folds)
    folds, _unused = transfer_folds(cells.groups, cells.xy, regions, buffer)
    empty = [f for f in folds if not len(f.train)]
    if empty:
        raise PredictionError(
            _(
                "held out %(values)s, no training cell is farther than the buffer "
                "(%(buffer)s m): give a smaller --buffer",
                values=", ".join(empty[0].held_out),
                buffer=number(buffer),
            )
        )
    return folds


def notes(data: Dataset, frame: pd.DataFrame) -> list[str]:
    """Warnings a reader of the figures should see."""
    out = []
    cells = data.cells
    if cells.xy is None:
        out.append(
            "The table has no coordinates: the nearest-find baseline was not run."
        )
    derived = [n for n in data.features.features if n in LABEL_DERIVED]
    if derived:
        out.append(
            f"Features {', '.join(derived)} are computed from finds and accidents. "
            "Unless the grid was built with --exclude-own area, a held-out area's "
            "own finds shape its cells' features, and the figures are optimistic "
            "for areas where nothing has been found yet."
        )
    constant = group_constant(cells)
    if constant:
        out.append(
            f"{len(constant)} feature(s) take one value per group ("
            f"{', '.join(constant[:6])}{'...' if len(constant) > 6 else ''}): with "
            f"{len(set(cells.groups))} groups a model learns little from them that "
            "carries over to a new area; consider --drop-group-constant."
        )
    single = [
        g for g in sorted(set(cells.groups)) if len(set(cells.y[cells.groups == g])) < 2
    ]
    if single:
        out.append(
            f"{len(single)} group(s) have labels of one class only "
            f"({', '.join(single[:6])}): their own ROC-AUC is undefined; "
            "pooled figures include them."
        )
    out.append(
        "Probabilities are calibrated on surveyed cells; unsurveyed ground was "
        "not chosen for survey at random, so read risk as a ranking first."
    )
    return out
