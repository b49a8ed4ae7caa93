# SPDX-License-Identifier: GPL-3.0-or-later
"""Held-out regions, the invariance test, rank models, applicability, intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from demine.errors import PredictionError
from demine.predict.dataset import labelled_cells
from demine.predict.evaluation import evaluate
from demine.predict.folds import Fold
from demine.predict.invariance import invariance
from demine.predict.model import RiskModel, fit_model
from demine.predict.regions import check_buffer, neighbour_regions, transfer_folds
from demine.predict.sample import synthetic_grid
from demine.predict.transfer import rank_ensemble, single_feature


def test_regions_join_neighbours_and_keep_the_buffer() -> None:
    grid = synthetic_grid(groups=12, side=6, cell=500.0)
    xy = grid[["x", "y"]].to_numpy()
    groups = grid["area"].to_numpy(dtype=object)
    folds, region = transfer_folds(groups, xy, regions=4, buffer=1_200.0)
    assert len(folds) == 4
    for fold in folds:
        # Groups of a region are side by side: strips with consecutive numbers.
        numbers = sorted(int(g.split("-")[1]) for g in fold.held_out)
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))
        gap = np.hypot(*(xy[fold.train][:, None, :] - xy[fold.test][None]).T)
        assert gap.min() >= 1_200.0
    assert len(set(region)) == 4


def test_a_fold_training_inside_the_buffer_is_caught() -> None:
    xy = np.array([[0.0, 0.0], [100.0, 0.0], [5_000.0, 0.0]])
    close = Fold(np.array([1, 2]), np.array([0]), ("a",))
    with pytest.raises(PredictionError, match="100 m from a test cell"):
        check_buffer(xy, [close], 1_000.0)


def test_neighbour_regions_need_two() -> None:
    with pytest.raises(PredictionError, match="at least two regions"):
        neighbour_regions(np.array(["a"], dtype=object), np.zeros((1, 2)), 1)


def test_invariance_drops_a_feature_whose_relation_flips() -> None:
    rng = np.random.default_rng(3)
    regions = np.repeat(["a", "b", "c", "d"], 250).astype(object)
    y = (rng.random(1000) < 0.3).astype(np.int8)
    steady = y + rng.normal(0, 1, 1000)
    # Strong overall, but the opposite way in half of the regions.
    sign = np.where(np.isin(regions, ["a", "b"]), 1.0, -0.4)
    flips = sign * y + rng.normal(0, 0.5, 1000)
    test = invariance(np.column_stack([steady, flips]), y, regions)
    assert test.keep.tolist() == [True, False]
    assert test.agreement[1] == 0.5


def test_best_single_feature_direction_comes_from_training_only() -> None:
    grid = synthetic_grid(groups=4, side=10, seed=1)
    data = labelled_cells(grid, "label", group="area")
    train = data.cells.take(np.flatnonzero(data.cells.groups != "area-0"))
    fitted = single_feature().fit(train)
    assert fitted.names[fitted.best] == "dist_line"
    assert fitted.best_sign == -1  # closer to the line, riskier
    # Flipping the held-out region's labels does not change the choice.
    flipped = data.cells.take(np.flatnonzero(data.cells.groups == "area-0"))
    assert single_feature().fit(train).to_dict() == fitted.to_dict()
    assert len(flipped) > 0


def test_rank_ensemble_ranks_a_region_the_same_whatever_its_scale() -> None:
    grid = synthetic_grid(groups=4, side=10, seed=1)
    data = labelled_cells(grid, "label", group="area")
    fitted = rank_ensemble().fit(data.cells)
    region = data.cells.take(np.flatnonzero(data.cells.groups == "area-1"))
    scaled = region.x * np.float32(3.0)  # every distance three times longer
    assert np.allclose(fitted.raw(region.x), fitted.raw(scaled))


def test_evaluation_reports_every_region_and_the_wins() -> None:
    ev = evaluate(
        synthetic_grid(groups=12, side=6, cell=500.0, seed=4),
        "label",
        group="area",
        learners=[rank_ensemble(), single_feature()],
        regions=4,
        buffer=600.0,
    )
    per = ev.regions()
    assert len(per) == 8
    assert set(per["model"]) == {"rank ensemble", "best single feature"}
    spread = ev.spread()
    assert spread.loc["best single feature", "roc_auc_wins"] == 0
    assert spread.loc["rank ensemble", "regions"] == 4
    assert (per["roc_auc"] > 0.7).all()


@pytest.fixture(scope="module")
def model() -> RiskModel:
    return fit_model(
        synthetic_grid(groups=6, side=12, seed=5), "label", group="area", buffer=500.0
    )


def test_intervals_hold_the_risk_and_survive_the_model_file(model: RiskModel) -> None:
    grid = synthetic_grid(groups=2, side=12, seed=6)
    out = model.predict(grid)
    assert (out["risk_low"] <= out["risk"]).all()
    assert (out["risk"] <= out["risk_high"]).all()
    assert (out["risk_high"] - out["risk_low"]).max() > 0
    assert len(model.members) == 6
    again = RiskModel.from_json(model.to_json())
    pd.testing.assert_frame_equal(again.predict(grid), out)


def test_cells_unlike_any_training_cell_are_outside_applicability(
    model: RiskModel,
) -> None:
    grid = synthetic_grid(groups=2, side=12, seed=6)
    near = model.predict(grid)
    assert near["applicable"].mean() > 0.9
    far = model.predict(grid.assign(dist_line=grid["dist_line"] + 50_000.0))
    assert (far["applicable"] == 0).all()
    assert (far["dissimilarity"] > near["dissimilarity"].max()).all()


def test_an_old_lightgbm_model_file_is_refused_with_a_reason() -> None:
    text = '{"format": "demine-risk-model", "version": 1}'
    with pytest.raises(PredictionError, match="fit it again"):
        RiskModel.from_json(text)
