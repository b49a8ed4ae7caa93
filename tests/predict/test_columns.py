# SPDX-License-Identifier: GPL-3.0-or-later
"""Feature columns of any grid table, and the label column's values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from demine.errors import PredictionError
from demine.predict.columns import FeatureSet, labels_of, require_both_classes
from demine.predict.dataset import labelled_cells


def grid() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "LONGITUD_X": [-75.1, -75.2, -75.3, -75.4],
            "LATITUD_Y": [5.1, 5.2, 5.3, 5.4],
            "cell_id": [1, 2, 3, 4],
            "roads_dist": [1.0, 2.0, np.nan, 4.0],
            "CLIMA_Frío": [0, 1, 0, 1],
            "Municipio": ["A", "A", "B", "B"],
            "label": [1, 0, -1, 0],
        }
    )


def test_positions_ids_text_label_and_group_are_not_features() -> None:
    fs = FeatureSet.infer(grid(), "label", "Municipio")
    assert fs.features == ("roads_dist", "CLIMA_Frío")
    assert fs.indicators == {"CLIMA_Frío"}
    assert FeatureSet.infer(grid(), "label", exclude=["roads_dist"]).features == (
        "CLIMA_Frío",
    )


def test_absent_indicator_is_zero_and_absent_number_missing() -> None:
    fs = FeatureSet(("roads_dist", "CLIMA_Frío"), frozenset({"CLIMA_Frío"}))
    x = fs.matrix(pd.DataFrame({"other": [1, 2]}))
    assert np.isnan(x[:, 0]).all()
    assert (x[:, 1] == 0).all()


def test_text_where_a_number_belongs_is_refused() -> None:
    fs = FeatureSet(("roads_dist",), frozenset())
    with pytest.raises(PredictionError, match="holds text"):
        fs.matrix(pd.DataFrame({"roads_dist": ["near", "far"]}))
    assert fs.matrix(pd.DataFrame({"roads_dist": ["1.5", None]}))[0, 0] == 1.5


def test_indicator_with_other_values_is_refused() -> None:
    fs = FeatureSet(("soil",), frozenset({"soil"}))
    with pytest.raises(PredictionError, match="0/1 indicator"):
        fs.matrix(pd.DataFrame({"soil": [0, 3]}))


def test_table_without_any_model_feature_is_refused() -> None:
    fs = FeatureSet(("roads_dist",), frozenset())
    with pytest.raises(PredictionError, match="none of the model's feature"):
        fs.check_overlap(["x", "y"])


@pytest.mark.parametrize("values", [[1, 0, 2], [1, 0, "yes"], [0.5, 1, 0]])
def test_label_values_other_than_1_0_minus1_are_refused(values: list) -> None:
    with pytest.raises(PredictionError, match="must hold 1"):
        labels_of(pd.DataFrame({"y": values}), "y")


def test_missing_label_column_is_named() -> None:
    with pytest.raises(PredictionError, match="no label column 'mines'"):
        labels_of(grid(), "mines")


@pytest.mark.parametrize("values", [[1, 1, -1], [0, 0, -1], [-1, -1, -1]])
def test_both_classes_are_required(values: list) -> None:
    y = labels_of(pd.DataFrame({"y": values}), "y")
    with pytest.raises(PredictionError, match="a model needs both"):
        require_both_classes(y, "y")


def test_all_features_missing_is_refused() -> None:
    frame = grid().assign(roads_dist=np.nan).drop(columns=["CLIMA_Frío"])
    with pytest.raises(PredictionError, match="every feature is missing"):
        labelled_cells(frame, "label", "Municipio")


def test_no_numeric_feature_is_refused() -> None:
    frame = grid()[["Municipio", "label"]]
    with pytest.raises(PredictionError, match="no numeric feature"):
        labelled_cells(frame, "label", "Municipio")


def test_evaluation_refuses_random_rows() -> None:
    frame = grid().drop(columns=["LONGITUD_X", "LATITUD_Y"])
    with pytest.raises(PredictionError, match="never random rows"):
        labelled_cells(frame, "label")
