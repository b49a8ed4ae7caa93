# SPDX-License-Identifier: GPL-3.0-or-later
"""Cell features and labels: own finds left out, labels from the rule."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
import shapely

from demine.errors import PredictionError
from demine.predict.features import band_features
from demine.predict.labels import LabelRule, ReleasedGround, label_cells
from demine.predict.sample import sample_layers


@pytest.fixture
def table() -> pd.DataFrame:
    return band_features(sample_layers(), 0, 5).set_index("cell_id")


def test_every_region_cell_is_a_row_in_id_order(table: pd.DataFrame) -> None:
    assert table.index.tolist() == list(range(25))
    assert set(table["admin_area"]) == {"West", "East"}


def test_a_cell_never_sees_its_own_find(table: pd.DataFrame) -> None:
    # Finds lie in cells 6 (150, 350) and 18 (350, 150), 282.8 m apart.
    assert table.loc[6, "dist_find"] == pytest.approx(np.hypot(200, 200))
    assert table.loc[18, "dist_find"] == pytest.approx(np.hypot(200, 200))
    assert table.loc[7, "dist_find"] == pytest.approx(100.0)
    # The density leaves the cell's own find out too.
    assert table.loc[6, "find_density"] < table.loc[7, "find_density"]


def test_area_mode_leaves_out_the_whole_area() -> None:
    table = band_features(sample_layers("area"), 0, 5).set_index("cell_id")
    west = table[table["admin_area"] == "West"]
    # West cells only see the East find at (350, 150).
    x, y = west["x"].to_numpy(), west["y"].to_numpy()
    assert np.allclose(west["dist_find"], np.hypot(x - 350, y - 150), atol=1e-3)


def test_labels_follow_finds_and_released_ground(table: pd.DataFrame) -> None:
    assert table.loc[[6, 18], "label"].tolist() == [1, 1]
    assert table.loc[2, "label"] == 0
    assert (table.drop(index=[2, 6, 18])["label"] == -1).all()
    assert table.loc[6, "in_cha"] == 1
    assert table["in_cha"].sum() == 1


def test_layers_survive_pickling_for_workers() -> None:
    layers = sample_layers()
    again = pickle.loads(pickle.dumps(layers))
    pd.testing.assert_frame_equal(
        band_features(again, 0, 5), band_features(layers, 0, 5)
    )


def test_label_rule_names_are_checked() -> None:
    rule = LabelRule.parse("cleared", "ap_mine,at_mine", accidents=False)
    assert rule.negatives == {"cleared"}
    assert rule.categories == {"ap_mine", "at_mine"}
    with pytest.raises(PredictionError, match="unknown release kind"):
        LabelRule.parse("swept")
    with pytest.raises(PredictionError, match="unknown EO category"):
        LabelRule.parse(categories="landmine")
    with pytest.raises(PredictionError, match="0-1"):
        LabelRule.parse(min_share=2.0)


def test_released_ground_touching_an_edge_is_not_searched() -> None:
    boxes = shapely.box([0, 10], 0, [10, 20], 10)
    ground = ReleasedGround(np.array([shapely.box(10, 0, 15, 10)]))
    assert label_cells(np.array([0, 1]), boxes, np.array([]), ground).tolist() == [
        -1,
        0,
    ]
