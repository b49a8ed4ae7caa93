# SPDX-License-Identifier: GPL-3.0-or-later
"""Risk aggregated over hazardous areas, for prioritisation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from demine.errors import PredictionError
from demine.predict.hazards import HazardRiskAccumulator, hazard_risk, hazard_risk_table


@pytest.fixture
def cells() -> np.ndarray:
    x, y = np.meshgrid(np.arange(10) + 0.5, np.arange(10) + 0.5)
    return shapely.points(x.ravel(), y.ravel())


def test_mean_max_and_percentile(cells: np.ndarray) -> None:
    risk = shapely.get_x(cells) / 10.0
    hazards = pd.Series(
        [shapely.box(0, 0, 2, 10), shapely.box(8, 0, 10, 2)], index=[7, 9]
    )
    assert hazard_risk(cells, risk, hazards).round(3).to_dict() == {7: 0.1, 9: 0.9}
    assert hazard_risk(cells, risk, hazards, "max").round(3).to_dict() == {
        7: 0.15,
        9: 0.95,
    }
    p90 = hazard_risk(cells, risk, hazards, "p90")
    assert 0.1 < p90[7] <= 0.15
    with pytest.raises(PredictionError, match="unknown aggregation"):
        hazard_risk(cells, risk, hazards, "median")  # type: ignore[arg-type]


def test_cell_outlines_work_like_centres(cells: np.ndarray) -> None:
    boxes = shapely.buffer(cells, 0.5, cap_style="square")
    risk = np.linspace(0, 1, 100)
    hazards = [shapely.box(2, 2, 6, 6)]
    a = hazard_risk_table(cells, risk, hazards)
    b = hazard_risk_table(boxes, risk, hazards)
    pd.testing.assert_frame_equal(a, b)


def test_small_hazard_takes_the_nearest_cell_and_empty_is_nan(
    cells: np.ndarray,
) -> None:
    risk = np.arange(100) / 100.0
    hazards = [shapely.box(3.6, 3.6, 3.8, 3.8), None]
    table = hazard_risk_table(cells, risk, hazards)
    assert table.loc[0, "risk_mean"] == pytest.approx(0.33)
    assert table.loc[0, "cells"] == 0
    assert np.isnan(table.loc[1, "risk_mean"])


def test_chunks_give_what_one_pass_gives(cells: np.ndarray) -> None:
    rng = np.random.default_rng(0)
    risk = rng.random(100)
    hazards = [
        shapely.box(1, 1, 7, 4),
        shapely.box(5, 5, 9, 9),
        shapely.box(0.1, 9.1, 0.2, 9.2),
    ]
    acc = HazardRiskAccumulator(hazards)
    for part in np.array_split(np.arange(100), 7):
        acc.add(cells[part], risk[part])
    whole = hazard_risk_table(cells, risk, hazards)
    pd.testing.assert_frame_equal(
        acc.table(), whole[["risk_mean", "risk_max", "cells"]]
    )
