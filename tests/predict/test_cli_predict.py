# SPDX-License-Identifier: GPL-3.0-or-later
"""The whole loop from the command line, on the demo register, and bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from pyproj import CRS, Transformer
from typer.testing import CliRunner

from demine.cli import app
from demine.predict.rasters import write_geotiff
from demine.predict.register import read_sources
from demine.predict.sample import synthetic_grid
from demine.predict.tables import read_table
from demine.store.database import Database

runner = CliRunner()


def run_json(*args: str) -> Any:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def fails(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def test_full_loop_on_the_demo_register(db_url: str, tmp_path: Path) -> None:
    run_json("demo", "--db", db_url, "--scale", "small", "--seed", "1")
    grid = tmp_path / "grid.gpkg"
    dem = tmp_path / "dem.tif"
    # A plane rising to the north-east over the demo region, 0.01° pixels.
    rows, cols = np.mgrid[0:200, 0:250]
    heights = (1_000.0 + 5.0 * cols - 4.0 * rows).astype(np.float32)
    write_geotiff(dem, heights, (0.01, 0, 45.3, 0, -0.01, 40.7), CRS.from_epsg(4326))
    built = run_json(
        "predict",
        "grid",
        "--db",
        db_url,
        "--cell",
        "2km",
        "--categories",
        "ap_mine,at_mine",
        "--dem",
        str(dem),
        "--out",
        str(grid),
    )
    assert built["cells"] > 3_000
    assert built["positive"] > 20
    assert built["negative"] > 20
    table = read_table(grid)
    assert {"dist_front_line", "dist_road", "dist_find", "in_cha"} <= set(table.columns)
    assert table["admin_area"].nunique() == 12
    assert table["elevation"].between(200, 2_250).all()  # no cell off the DEM
    assert table["slope"].gt(0).all()
    assert_positives_hold_finds(table, db_url)
    model = tmp_path / "model.json"
    fitted = run_json(
        "predict",
        "fit",
        str(grid),
        "--label",
        "label",
        "--group",
        "admin_area",
        "--out",
        str(model),
    )
    assert fitted["training"]["groups"] == 12
    assert fitted["training"]["held_out_regions"] == 6
    report = tmp_path / "report.html"
    ev = run_json(
        "predict",
        "evaluate",
        str(grid),
        "--label",
        "label",
        "--group",
        "admin_area",
        "--rounds",
        "20",
        "--out",
        str(report),
    )
    assert set(ev["models"]) == {
        "rank ensemble",
        "best single feature",
        "rank logistic regression",
        "monotone LightGBM",
        "LightGBM",
        "logistic regression",
        "distance to nearest find",
    }
    # Six regions of neighbouring districts, each held out whole.
    assert len(ev["folds"]) == 6
    assert sum(len(f["held_out"]) for f in ev["folds"]) == 12
    assert max(len(f["held_out"]) for f in ev["folds"]) >= 2
    assert all(not set(f["held_out"]) & set(f["trained_on"]) for f in ev["folds"])
    assert len(ev["regions"]) == 6 * 7
    assert ev["spread"]["rank ensemble"]["regions"] >= 5
    assert report.read_text("utf-8").count("data:image/png") >= 5
    risk, tif = tmp_path / "risk.gpkg", tmp_path / "risk.tif"
    scored = run_json(
        "predict", "score", str(model), str(grid), "--out", str(risk), "--out", str(tif)
    )
    assert scored["cells"] == built["cells"]
    out = read_table(risk)
    assert out["cell_id"].tolist() == table["cell_id"].tolist()
    assert out["risk"].between(0, 1).all()
    assert (out["risk_low"] <= out["risk"]).all()
    assert (out["risk"] <= out["risk_high"]).all()
    assert set(out["applicable"].unique()) <= {0, 1}
    assert out["applicable"].mean() > 0.5
    with rasterio.open(tif) as src:
        assert (src.read(1) >= 0).sum() == built["cells"]
    hazards = tmp_path / "hazards.csv"
    agg = run_json(
        "predict", "hazards", str(risk), "--db", db_url, "--out", str(hazards)
    )
    frame = pd.read_csv(hazards)
    assert agg["scored"] > 0.9 * len(frame)
    assert frame["risk_mean"].dropna().between(0, 1).all()


def assert_positives_hold_finds(table: Any, db_url: str) -> None:
    """Positive cells are exactly the cells holding a mine find or an accident."""
    database = Database(db_url)
    try:
        src = read_sources(database)
    finally:
        database.dispose()
    finds = src.finds[src.finds["category"].isin(["ap_mine", "at_mine"])]
    points = np.concatenate(
        [finds["geom"].to_numpy(object), src.accidents["geom"].to_numpy(object)]
    )
    to_grid = Transformer.from_crs(4326, table.crs, always_xy=True)
    points = shapely.transform(points, to_grid.transform, interleaved=False)
    cell, _ = shapely.STRtree(points).query(
        table.geometry.to_numpy(), predicate="contains"
    )
    holding = set(table["cell_id"].to_numpy()[np.unique(cell)])
    assert set(table.loc[table["label"] == 1, "cell_id"]) == holding
    # A cell's own finds never make its distance to finds zero.
    assert (table.loc[table["label"] == 1, "dist_find"] > 0).all()


@pytest.fixture
def csv_grid(tmp_path: Path) -> Path:
    path = tmp_path / "grid.csv"
    synthetic_grid(groups=3, side=8).to_csv(path, index=False)
    return path


def test_label_with_other_values_is_one_line(csv_grid: Path, tmp_path: Path) -> None:
    frame = pd.read_csv(csv_grid)
    frame.loc[3, "label"] = 7
    frame.to_csv(csv_grid, index=False)
    line = fails("predict", "fit", str(csv_grid), "--out", str(tmp_path / "m.json"))
    assert "label column 'label' must hold 1" in line


def test_grid_without_negatives_is_refused(csv_grid: Path, tmp_path: Path) -> None:
    frame = pd.read_csv(csv_grid)
    frame["label"] = frame["label"].replace(0, -1)
    frame.to_csv(csv_grid, index=False)
    line = fails(
        "predict",
        "evaluate",
        str(csv_grid),
        "--group",
        "area",
        "--out",
        str(tmp_path / "r.html"),
    )
    assert "no negative (0) cells" in line


def test_features_all_missing_is_refused(csv_grid: Path, tmp_path: Path) -> None:
    frame = pd.read_csv(csv_grid)
    features = ["dist_line", "dist_road", "elevation", "soil_a", "soil_b"]
    frame[features] = np.nan
    frame.to_csv(csv_grid, index=False)
    line = fails(
        "predict",
        "fit",
        str(csv_grid),
        "--group",
        "area",
        "--out",
        str(tmp_path / "m.json"),
    )
    assert "every feature is missing" in line


def test_model_on_an_incompatible_grid_is_refused(
    csv_grid: Path, tmp_path: Path
) -> None:
    model = tmp_path / "m.json"
    run_json(
        "predict",
        "fit",
        str(csv_grid),
        "--group",
        "area",
        "--buffer",
        "0",
        "--out",
        str(model),
    )
    other = tmp_path / "other.csv"
    pd.DataFrame({"x": [1.0], "y": [2.0], "slope": [3.0]}).to_csv(other, index=False)
    line = fails(
        "predict", "score", str(model), str(other), "--out", str(tmp_path / "r.csv")
    )
    assert "none of the model's feature columns" in line
    text = tmp_path / "text.csv"
    pd.read_csv(csv_grid).assign(dist_line="near").to_csv(text, index=False)
    line = fails(
        "predict", "score", str(model), str(text), "--out", str(tmp_path / "r.csv")
    )
    assert "holds text" in line


@pytest.mark.parametrize("command", ["grid", "fit", "evaluate", "score", "hazards"])
def test_help(command: str) -> None:
    result = runner.invoke(app, ["predict", command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output
