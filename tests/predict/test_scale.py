# SPDX-License-Identifier: GPL-3.0-or-later
"""Chunked runs on a Dask cluster give what a single pass gives, in order."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rasterio
from dask.distributed import Client

from demine.predict.model import fit_model
from demine.predict.pipeline import build_grid, score_grid
from demine.predict.rasters import NODATA
from demine.predict.sample import sample_layers, synthetic_grid
from demine.predict.tables import read_table


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    # Threads, not processes: the same scatter / submit / gather path as a
    # real cluster, without process start-up in the test suite.
    with Client(
        processes=False, n_workers=2, threads_per_worker=1, dashboard_address=None
    ) as c:
        yield c


def test_grid_built_in_chunks_on_dask_equals_one_pass(
    tmp_path: Path, client: Client
) -> None:
    layers = sample_layers()
    whole = tmp_path / "whole.csv"
    chunked = tmp_path / "chunked.parquet"
    build_grid(layers, whole, chunk_cells=1_000)
    summary = build_grid(layers, chunked, chunk_cells=5, client=client)
    assert summary["cells"] == 25
    a, b = read_table(whole), read_table(chunked)
    assert b["cell_id"].tolist() == list(range(25))
    pd.testing.assert_frame_equal(
        a.drop(columns=["admin_area", "admin_code"]),
        b.drop(columns=["admin_area", "admin_code"]),
        check_dtype=False,
    )


def test_scoring_in_chunks_keeps_input_order(tmp_path: Path, client: Client) -> None:
    grid = synthetic_grid(groups=3, side=10).sample(frac=1.0, random_state=3)
    model = fit_model(grid, "label", group="area", buffer=0.0)
    path = tmp_path / "grid.csv"
    grid.to_csv(path, index=False)
    out_csv, out_tif = tmp_path / "risk.csv", tmp_path / "risk.tif"
    summary = score_grid(
        model, path, [out_csv, out_tif], chunk_rows=37, client=client, crs="EPSG:3035"
    )
    assert summary["cells"] == len(grid)
    scored = pd.read_csv(out_csv)
    assert np.allclose(scored["x"], grid["x"])  # input order
    assert np.allclose(scored["risk"], model.risk(grid), atol=1e-6)
    with rasterio.open(out_tif) as src:
        raster = src.read(1)
        assert raster.shape == (10, 30)
        assert (raster != NODATA).all()
        row = ((src.bounds.top - grid["y"]) // 250).astype(int)
        col = ((grid["x"] - src.bounds.left) // 250).astype(int)
        assert np.allclose(raster[row, col], model.risk(grid), atol=1e-6)
