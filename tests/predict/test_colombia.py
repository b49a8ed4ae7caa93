# SPDX-License-Identifier: GPL-3.0-or-later
"""The real Colombian grid (RELand): held-out municipalities, any columns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rasterio

from demine.predict.evaluation import BASELINE, DEFAULT, evaluate
from demine.predict.model import fit_model
from demine.predict.pipeline import score_grid
from demine.predict.regions import check_buffer
from demine.predict.transfer import rank_ensemble, single_feature
from tests.conftest import shared_data

pytestmark = pytest.mark.shared_data

LABEL, GROUP = "mines_outcome", "Municipio"


@pytest.fixture(scope="module")
def reland() -> pd.DataFrame:
    return pd.read_csv(shared_data("colombia", "reland", "train_all.csv"))


def test_default_beats_the_best_single_feature_in_most_held_out_regions(
    reland: pd.DataFrame,
) -> None:
    # The done-when of issue 17: regions of neighbouring municipalities held
    # out whole, 5 km between them and training; the best single feature
    # and its direction are chosen on the training regions only.
    ev = evaluate(
        reland, LABEL, group=GROUP, learners=[rank_ensemble(), single_feature()]
    )
    assert ev.summary["groups"] == 19
    assert len(ev.folds) == 6
    named = [g for fold in ev.folds for g in fold.held_out]
    assert sorted(named) == sorted(set(named))
    assert len(named) == 19
    for fold in ev.folds:
        assert not set(fold.held_out) & set(fold.trained_on)
    spread = ev.spread()
    regions = spread.loc[DEFAULT, "regions"]
    assert regions >= 5
    assert spread.loc[DEFAULT, "roc_auc_wins"] > regions / 2
    assert spread.loc[DEFAULT, "recall_at_20_wins"] > regions / 2
    assert spread.loc[DEFAULT, "roc_auc_mean"] > spread.loc[BASELINE, "roc_auc_mean"]
    assert ev.table().loc[DEFAULT, "roc_auc"] > 0.65


def test_regions_keep_their_buffer_from_training(reland: pd.DataFrame) -> None:
    from demine.predict.dataset import labelled_cells
    from demine.predict.evaluation import region_folds

    cells = labelled_cells(reland, LABEL, GROUP).cells
    folds = region_folds(cells, 6, 5_000.0)
    assert cells.xy is not None
    check_buffer(cells.xy, folds, 5_000.0)
    # Without the buffer the same regions would train right beside them.
    near = region_folds(cells, 6, 0.0)
    assert sum(len(f.train) for f in near) > sum(len(f.train) for f in folds)


def test_model_scores_a_region_with_other_columns(
    reland: pd.DataFrame, tmp_path: Path
) -> None:
    south = reland["Municipio"].isin(["SONSON", "ARGELIA", "NARI¥O", "ABEJORRAL"])
    model = fit_model(reland[~south], LABEL, GROUP)
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
    assert (scored["risk_low"] <= scored["risk_high"]).all()
    # The southern municipalities are mostly like the others; a region ten
    # times as far from everything is not.
    assert scored["applicable"].mean() > 0.5
    dists = [c for c in new.columns if c.endswith("_dist")]
    remote = new.assign(**{c: new[c] * 10 for c in dists})
    assert model.predict(remote)["applicable"].mean() < 0.1
    with rasterio.open(out_tif) as src:
        assert src.crs.to_epsg() == 4326
        assert (src.read(1) >= 0).sum() == len(new)
