# SPDX-License-Identifier: GPL-3.0-or-later
"""Validation never lets a held-out group into training."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest

from demine.errors import PredictionError
from demine.predict import learners
from demine.predict.dataset import Cells, labelled_cells
from demine.predict.evaluation import cross_validate, evaluate
from demine.predict.folds import Fold, block_groups, check_disjoint, group_folds
from demine.predict.learners import BoostingParams
from demine.predict.report import render
from demine.predict.sample import synthetic_grid


@dataclass
class SpyLearner:
    """Records the groups each fit sees and each score is asked for."""

    name: str = "spy"
    probabilistic: bool = False
    fits: list[set[str]] = field(default_factory=list)
    scored: list[set[str]] = field(default_factory=list)

    def fit(self, cells: Cells) -> SpyLearner:
        self.fits.append(set(cells.groups))
        return self

    def score(self, cells: Cells) -> np.ndarray:
        self.scored.append(set(cells.groups))
        return np.zeros(len(cells))

    def importance(self) -> None:
        return None


def test_no_fold_trains_on_a_group_it_scores() -> None:
    data = labelled_cells(synthetic_grid(groups=5, side=8), "label", group="area")
    spy = SpyLearner()
    folds = group_folds(data.cells.groups)
    _, records = cross_validate(data.cells, folds, [spy])
    assert len(spy.fits) == len(folds) == 5
    for trained, scored, record in zip(spy.fits, spy.scored, records, strict=True):
        assert not trained & scored
        assert scored == set(record.held_out)
        assert trained == set(record.trained_on)


def test_lightgbm_and_its_calibration_never_see_the_held_out_group(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A numeric feature names each cell's group, so every booster trained
    # (calibration folds and final fit) shows which groups it saw.
    grid = synthetic_grid(groups=4, side=8)
    grid["marker"] = grid["area"].str[-1].astype(float)
    seen: list[set[float]] = []
    real = learners.train_booster

    def spy(x, y, params):  # type: ignore[no-untyped-def]
        seen.append(set(np.unique(x[:, marker])))
        return real(x, y, params)

    monkeypatch.setattr(learners, "train_booster", spy)
    data = labelled_cells(grid, "label", group="area")
    marker = data.features.features.index("marker")
    ev = evaluate(
        grid, "label", group="area", params=BoostingParams(rounds=5), buffer=0.0
    )
    per_fold = len(seen) // len(ev.folds)
    assert per_fold == 4  # three calibration folds and the final fit
    for i, record in enumerate(ev.folds):
        held = {float(g[-1]) for g in record.held_out}
        calls = seen[i * per_fold : (i + 1) * per_fold]
        assert all(not (groups & held) for groups in calls)
        assert calls[-1] == {float(g[-1]) for g in record.trained_on}


def test_a_leaking_fold_is_caught() -> None:
    groups = np.array(["a", "a", "b", "b"], dtype=object)
    leaky = Fold(np.array([0, 2]), np.array([1, 3]), ("b",))
    with pytest.raises(PredictionError, match="trains on held-out group"):
        check_disjoint(groups, [leaky])


def test_many_groups_are_dealt_into_balanced_folds() -> None:
    groups = np.repeat([f"g{i}" for i in range(30)], np.arange(1, 31)).astype(object)
    folds = group_folds(groups, max_folds=5)
    sizes = [len(f.test) for f in folds]
    assert len(folds) == 5
    assert sum(sizes) == len(groups)
    assert max(sizes) - min(sizes) <= 30
    check_disjoint(groups, folds)


def test_spatial_blocks_replace_a_missing_group_column() -> None:
    grid = synthetic_grid(groups=3, side=12, cell=500.0)
    ev = evaluate(
        grid.drop(columns=["area"]),
        "label",
        block=3_000.0,
        params=BoostingParams(rounds=10),
        max_folds=4,
        regions=None,
    )
    assert ev.summary["grouping"] == "blocks of 3,000 m"
    assert len(ev.folds) == 4
    xy = grid[["x", "y"]].to_numpy()
    assert len(set(block_groups(xy, 3_000.0))) == ev.summary["groups"]


def test_report_shows_curves_and_every_model() -> None:
    ev = evaluate(
        synthetic_grid(groups=3, side=10),
        "label",
        group="area",
        params=BoostingParams(rounds=10),
        buffer=0.0,
    )
    page = render(ev, source="synthetic")
    assert page.count("data:image/png;base64,") >= 5
    for name in ("rank ensemble", "best single feature", "LightGBM"):
        assert name in page
    assert "recall @20% area" in page
    table = ev.table()
    assert set(table.columns) >= {"roc_auc", "pr_auc", "recall_at_20"}
    assert isinstance(pd.DataFrame(ev.to_dict()["folds"]), pd.DataFrame)
