# SPDX-License-Identifier: GPL-3.0-or-later
"""The model learns real signal, is calibrated, and scores any grid."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from demine.errors import PredictionError
from demine.predict import metrics
from demine.predict.dataset import labelled_cells
from demine.predict.folds import group_folds
from demine.predict.learners import BoostingParams, GradientBoosting
from demine.predict.model import RiskModel, fit_model
from demine.predict.sample import synthetic_grid
from demine.predict.scoring import score_table

FAST = BoostingParams(rounds=60)


@pytest.fixture(scope="module")
def grid() -> pd.DataFrame:
    return synthetic_grid(groups=6, side=24, seed=2)


@pytest.fixture(scope="module")
def model(grid: pd.DataFrame) -> RiskModel:
    return fit_model(grid, "label", group="area", buffer=500.0)


def test_held_out_areas_are_ranked_far_better_than_random(grid: pd.DataFrame) -> None:
    data = labelled_cells(grid, "label", group="area")
    fold = group_folds(data.cells.groups)[2]
    fitted = GradientBoosting(params=FAST).fit(data.cells.take(fold.train))
    test = data.cells.take(fold.test)
    prob = fitted.score(test)
    assert metrics.roc_auc(test.y, prob) > 0.8
    assert metrics.recall_at_area(test.y, prob)[0.2] > 0.3  # random finds 0.2


def test_probabilities_are_calibrated_on_held_out_areas(grid: pd.DataFrame) -> None:
    data = labelled_cells(grid, "label", group="area")
    fold = group_folds(data.cells.groups)[4]
    fitted = GradientBoosting(params=FAST).fit(data.cells.take(fold.train))
    test = data.cells.take(fold.test)
    prob = fitted.score(test)
    assert prob.min() >= 0
    assert prob.max() <= 1
    assert abs(prob.mean() - test.y.mean()) < 0.06
    assert metrics.calibration_error(test.y, prob) < 0.1


def test_model_file_round_trip_gives_the_same_risk(
    grid: pd.DataFrame, model: RiskModel
) -> None:
    again = RiskModel.from_json(model.to_json())
    assert np.array_equal(again.risk(grid), model.risk(grid))
    assert again.features == model.features
    assert next(iter(again.importance())) == "dist_line"


def test_scoring_keeps_order_and_fills_absent_columns(
    grid: pd.DataFrame, model: RiskModel
) -> None:
    shuffled = grid.sample(frac=1.0, random_state=1)
    scored = score_table(model, shuffled)
    assert scored.index.equals(shuffled.index)
    assert scored["risk"].between(0, 1).all()
    # A region without soil class 'a' has no such column: it counts as 0.
    region = grid[grid["soil_a"] == 0]
    no_column = score_table(model, region.drop(columns=["soil_a"]))["risk"]
    assert np.allclose(no_column, model.risk(region))
    # An absent numeric column is missing, not zero.
    no_elev = model.risk(grid.drop(columns=["elevation"]))
    assert np.allclose(no_elev, model.risk(grid.assign(elevation=np.nan)))


def test_incompatible_grid_is_refused(grid: pd.DataFrame, model: RiskModel) -> None:
    with pytest.raises(PredictionError, match="none of the model's feature"):
        model.risk(pd.DataFrame({"a": [1.0], "b": [2.0]}))
    with pytest.raises(PredictionError, match="holds text"):
        model.risk(grid.assign(dist_line="far"))


@pytest.mark.parametrize(
    ("text", "message"),
    [("not json", "not a demine model"), ('{"a": 1}', "no 'format'")],
)
def test_bad_model_files_are_refused(text: str, message: str) -> None:
    with pytest.raises(PredictionError, match=message):
        RiskModel.from_json(text)


def test_group_constant_features_can_be_dropped(grid: pd.DataFrame) -> None:
    codes = grid["area"].str[-1].astype(int)
    frame = grid.assign(municipal_victims=codes * 10)
    data = labelled_cells(frame, "label", "area", drop_group_constant=True)
    assert "municipal_victims" not in data.features.features
    assert (
        "municipal_victims" in labelled_cells(frame, "label", "area").features.features
    )
