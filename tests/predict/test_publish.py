# SPDX-License-Identifier: GPL-3.0-or-later
"""Publishing a scored grid: the risk map layer and risk per hazard."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import mapbox_vector_tile
import numpy as np
import pandas as pd
import pytest
import shapely
from sqlalchemy import func, select
from typer.testing import CliRunner

from demine.cli import app
from demine.errors import StoreError
from demine.predict.tables import read_table
from demine.store.bulk import read_frame, table
from demine.store.database import Database
from demine.store.risk import hazard_risks, publish_risk, published
from demine.store.schema import Hazard
from demine.store.tiles import render_tile

runner = CliRunner()


def run_json(*args: str) -> Any:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def fails(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 1, result.output
    return result.stderr.strip()


def test_loop_from_grid_to_hazard_risk(db_url: str, tmp_path: Path) -> None:
    run_json("demo", "--db", db_url, "--scale", "small", "--seed", "3")
    grid, model = tmp_path / "grid.gpkg", tmp_path / "model.json"
    run_json("predict", "grid", "--db", db_url, "--cell", "3km", "--out", str(grid))
    run_json(
        "predict", "fit", str(grid), "--group", "admin_area", "--out", str(model),
    )  # fmt: skip
    ev = run_json(
        "predict", "evaluate", str(grid), "--group", "admin_area", "--rounds", "15",
        "--out", str(tmp_path / "report.html"),
    )  # fmt: skip
    assert {"rank ensemble", "best single feature", "LightGBM"} <= set(ev["models"])
    scores = tmp_path / "risk.gpkg"
    run_json("predict", "score", str(model), str(grid), "--out", str(scores))
    done = run_json("predict", "publish", str(scores), "--db", db_url)
    scored = read_table(scores)
    assert done["cells"] == len(scored)
    assert done["model"] == "risk"

    db = Database(db_url)
    try:
        with db.transaction() as conn:
            cells = read_frame(conn, "risk_cell")
            hazards = read_frame(conn, "hazard", ["id", "geom", "review_state"])
        # The layer is in lon/lat, each cell where the table put its centre.
        centres = shapely.centroid(cells["geom"].to_numpy(dtype=object))
        assert np.allclose(shapely.get_x(centres), scored["lon"], atol=1e-3)
        assert np.allclose(shapely.get_y(centres), scored["lat"], atol=1e-3)
        assert np.allclose(cells["risk"], scored["risk"], atol=1e-6)
        assert (cells["min_lon"] <= shapely.get_x(centres)).all()
        # The map layer: a tile over the riskiest cell carries it, with its risk.
        top = cells.loc[cells["risk"].idxmax()]
        point = shapely.centroid(top["geom"])
        layer = _tile_layer(db, "risk", point.x, point.y, 12)
        assert max(f["properties"]["risk"] for f in layer) == pytest.approx(
            top["risk"], abs=1e-6
        )
        risk = hazard_risks(db)
        approved = hazards[hazards["review_state"] == "approved"]
        assert set(risk.index) == set(approved["id"])
        assert risk.between(0, 1).all()
        # A hazard's risk is the mean of the cells whose centre it holds.
        with db.transaction() as conn:
            rows = read_frame(conn, "hazard_risk")
        many = rows.sort_values("cells").iloc[-1]
        assert many["cells"] >= 1
        shape = approved.set_index("id").loc[many["hazard_id"], "geom"]
        inside = shapely.contains_xy(shape, scored["lon"], scored["lat"])
        assert inside.sum() == pytest.approx(many["cells"], abs=1)
        assert many["risk"] == pytest.approx(scored["risk"][inside].mean(), abs=0.02)
    finally:
        db.dispose()

    # Publishing again replaces the run instead of adding to it.
    again = run_json("predict", "publish", str(scores), "--db", db_url, "--model", "v2")
    assert again["cells"] == done["cells"]
    db = Database(db_url)
    try:
        state = published(db)
        assert state["cells"] == done["cells"]
        assert state["model"] == "v2"
    finally:
        db.dispose()


def _tile_layer(
    db: Database, layer: str, lon: float, lat: float, z: int
) -> list[dict[str, Any]]:
    """Features of ``layer`` in the tile z/x/y holding lon/lat."""
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    data = render_tile(db, layer, z, x, y, None)
    return mapbox_vector_tile.decode(data)[layer]["features"]


def _hazard(db: Database) -> int:
    with db.session(write=True) as s:
        square = shapely.MultiPolygon([shapely.box(46.0, 40.0, 46.1, 40.1)])
        hazard = Hazard(hazard_class="sha", geom=square)
        s.add(hazard)
        s.flush()
        return hazard.id


CELLS = pd.DataFrame(
    {"geom": [shapely.box(46.0, 40.0, 46.05, 40.05)], "risk": [0.4]}, index=[7]
)


def test_nothing_published_is_an_empty_series(db: Database) -> None:
    risk = hazard_risks(db)
    assert risk.empty
    assert risk.name == "risk"
    assert published(db)["cells"] == 0


def test_connection_or_database_read_the_same(db: Database) -> None:
    hid = _hazard(db)
    frame = pd.DataFrame(
        {"hazard_id": [hid], "risk": [0.25], "risk_max": [0.5], "cells": [3]}
    )
    publish_risk(db, CELLS, frame, "m")
    with db.transaction() as conn:
        from_conn = hazard_risks(conn)
    assert from_conn.to_dict() == {hid: 0.25}
    assert hazard_risks(db).equals(from_conn)


def test_bad_risk_is_refused_and_nothing_changes(db: Database) -> None:
    hid = _hazard(db)
    good = pd.DataFrame(
        {"hazard_id": [hid], "risk": [0.25], "risk_max": [0.5], "cells": [3]}
    )
    publish_risk(db, CELLS, good, "first")
    bad_cells = CELLS.assign(risk=[1.7])
    with pytest.raises(StoreError, match=r"risk must be a number from 0 to 1; row 1"):
        publish_risk(db, bad_cells, good, "second")
    unknown = good.assign(hazard_id=[hid + 1000])
    with pytest.raises(StoreError, match="does not hold"):
        publish_risk(db, CELLS, unknown, "third")
    with db.transaction() as conn:
        count = conn.execute(
            select(func.count()).select_from(table("risk_cell"))
        ).scalar_one()
    assert count == 1
    assert published(db)["model"] == "first"
    assert hazard_risks(db).to_dict() == {hid: 0.25}


def test_deleting_a_hazard_deletes_its_risk(db: Database) -> None:
    hid = _hazard(db)
    frame = pd.DataFrame(
        {"hazard_id": [hid], "risk": [0.25], "risk_max": [0.5], "cells": [3]}
    )
    publish_risk(db, CELLS, frame)
    with db.transaction(write=True) as conn:
        conn.execute(table("hazard").delete())
    assert hazard_risks(db).empty


def test_publish_without_risk_column_says_so(db_url: str, tmp_path: Path) -> None:
    assert runner.invoke(app, ["init", "--db", db_url]).exit_code == 0
    grid = tmp_path / "grid.csv"
    pd.DataFrame({"lon": [46.0, 46.1], "lat": [40.0, 40.0], "f": [1, 2]}).to_csv(
        grid, index=False
    )
    assert "no 'risk' column" in fails("predict", "publish", str(grid), "--db", db_url)
    missing = tmp_path / "nowhere.csv"
    assert "no such file" in fails("predict", "publish", str(missing), "--db", db_url)


def test_csv_of_centres_gets_square_cells(db_url: str, tmp_path: Path) -> None:
    assert runner.invoke(app, ["init", "--db", db_url]).exit_code == 0
    scores = tmp_path / "scores.csv"
    lon, lat = np.meshgrid([46.0, 46.01, 46.02], [40.0, 40.01])
    pd.DataFrame(
        {"lon": lon.ravel(), "lat": lat.ravel(), "risk": np.linspace(0, 1, 6)}
    ).to_csv(scores, index=False)
    done = run_json("predict", "publish", str(scores), "--db", db_url)
    assert done["cells"] == 6
    assert done["hazards"] == 0
    db = Database(db_url)
    try:
        with db.transaction() as conn:
            cells = read_frame(conn, "risk_cell")
    finally:
        db.dispose()
    areas = shapely.area(cells["geom"].to_numpy(dtype=object))
    assert np.allclose(areas, 0.01 * 0.01)
    assert cells["risk"].tolist() == pytest.approx(np.linspace(0, 1, 6).tolist())


def test_bad_tables_are_refused_with_the_reason(db_url: str, tmp_path: Path) -> None:
    assert runner.invoke(app, ["init", "--db", db_url]).exit_code == 0
    tif = tmp_path / "risk.tif"
    tif.write_bytes(b"II*\x00")
    assert "not a GeoTIFF" in fails("predict", "publish", str(tif), "--db", db_url)
    scattered = tmp_path / "scattered.csv"
    pd.DataFrame(
        {"lon": [46.0, 46.013, 46.1], "lat": [40.0, 40.0, 40.07], "risk": [0.1] * 3}
    ).to_csv(scattered, index=False)
    message = fails("predict", "publish", str(scattered), "--db", db_url)
    assert "must lie on a regular lattice" in message
    outside = tmp_path / "outside.csv"
    frame = pd.DataFrame({"lon": [46.0, 46.01], "lat": [40.0] * 2, "risk": [0.2, 1.5]})
    frame.to_csv(outside, index=False)
    message = fails("predict", "publish", str(outside), "--db", db_url)
    assert "risk must be a number from 0 to 1; row 2 has 1.5" in message


def test_applicability_and_intervals_are_published(db_url: str, tmp_path: Path) -> None:
    assert runner.invoke(app, ["init", "--db", db_url]).exit_code == 0
    db = Database(db_url)
    try:
        inside_hazard = _hazard(db)  # 46.0-46.1 E, 40.0-40.1 N
        with db.session(write=True) as s:
            far = Hazard(
                hazard_class="sha",
                geom=shapely.MultiPolygon([shapely.box(46.3, 40.0, 46.4, 40.1)]),
            )
            s.add(far)
            s.flush()
            outside_hazard = far.id
        with db.transaction(write=True) as conn:
            conn.execute(table("hazard").update().values(review_state="approved"))
    finally:
        db.dispose()
    lon, lat = np.meshgrid(np.arange(46.005, 46.4, 0.01), np.arange(40.005, 40.1, 0.01))
    lon, lat = lon.ravel(), lat.ravel()
    scores = tmp_path / "scores.csv"
    pd.DataFrame(
        {
            "lon": lon,
            "lat": lat,
            "risk": np.full(len(lon), 0.5),
            "risk_low": np.full(len(lon), 0.3),
            "risk_high": np.full(len(lon), 0.7),
            "applicable": (lon < 46.2).astype(int),
        }
    ).to_csv(scores, index=False)
    done = run_json("predict", "publish", str(scores), "--db", db_url)
    assert done["cells"] == len(lon)
    db = Database(db_url)
    try:
        with db.transaction() as conn:
            cells = read_frame(conn, "risk_cell")
            rows = read_frame(conn, "hazard_risk").set_index("hazard_id")
        centre = shapely.get_x(shapely.centroid(cells["geom"].to_numpy(object)))
        assert (cells["applicable"].astype(bool) == (centre < 46.2)).all()
        assert np.allclose(cells["risk_low"], 0.3)
        assert np.allclose(cells["risk_high"], 0.7)
        assert bool(rows.loc[inside_hazard, "applicable"])
        assert not bool(rows.loc[outside_hazard, "applicable"])
        # Prioritisation reads only the hazards where the model applies.
        assert list(hazard_risks(db, applicable_only=True).index) == [inside_hazard]
        assert set(hazard_risks(db).index) == {inside_hazard, outside_hazard}
        assert published(db)["outside"] == int((centre >= 46.2).sum())
        # The map's tiles carry the mask and the interval.
        layer = _tile_layer(db, "risk", 46.35, 40.05, 12)
        assert layer
        assert all(f["properties"]["applicable"] in (False, 0) for f in layer)
        assert all(f["properties"]["risk_low"] == pytest.approx(0.3) for f in layer)
    finally:
        db.dispose()
