# SPDX-License-Identifier: GPL-3.0-or-later
"""The real Colombian grid (RELand): held-out municipalities, any columns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rasterio

from demine.predict.evaluation import evaluate
from demine.predict.learners import BoostingParams
from demine.predict.model import fit_model
from demine.predict.pipeline import score_grid

pytestmark = pytest.mark.shared_data

LABEL, GROUP = "mines_outcome", "Municipio"
RELAND = Path(__file__).resolve().parents[3] / "shared" / "data" / "colombia" / "reland"


@pytest.fixture(scope="module")
def reland() -> pd.DataFrame:
    path = RELAND / "train_all.csv"
    if not path.exists():
        pytest.skip("real data not available: ../shared/data/colombia/reland")
    return pd.read_csv(path)


def test_held_out_municipalities_beat_random(reland: pd.DataFrame) -> None:
    ev = evaluate(
        reland,
        LABEL,
        group=GROUP,
        params=BoostingParams(rounds=40),
        max_folds=4,
        drop_group_constant=True,
    )
    assert ev.summary["groups"] == 19
    for fold in ev.folds:
        assert not set(fold.held_out) & set(fold.trained_on)
        assert len(fold.held_out) + len(fold.trained_on) == 19
    table = ev.table()
    assert table.loc["LightGBM", "roc_auc"] > 0.55
    assert table.loc["LightGBM", "recall_at_20"] > 0.2
    assert "distance to nearest find" in table.index  # from lon/lat columns


def test_model_scores_a_region_with_other_columns(
    reland: pd.DataFrame, tmp_path: Path
) -> None:
    south = reland["Municipio"].isin(["SONSON", "ARGELIA", "NARI¥O", "ABEJORRAL"])
    model = fit_model(reland[~south], LABEL, GROUP, params=BoostingParams(rounds=30))
    # The new region's table lacks some one-hot classes and a distance.
    one_hot = [c for c in reland.columns if c.startswith("CLIMA_")][:3]
    new = reland[south].drop(columns=[*one_hot, "coca_dist"])
    path = tmp_path / "south.csv"
    new.to_csv(path, index=False)
    out_csv, out_tif = tmp_path / "risk.csv", tmp_path / "risk.tif"
    score_grid(model, path, [out_csv, out_tif])
    scored = pd.read_csv(out_csv)
    assert len(scored) == len(new)
    assert np.allclose(scored["LATITUD_Y"], new["LATITUD_Y"])
    assert scored["risk"].between(0, 1).all()
    with rasterio.open(out_tif) as src:
        assert src.crs.to_epsg() == 4326
        assert (src.read(1) >= 0).sum() == len(new)
