# SPDX-License-Identifier: GPL-3.0-or-later
"""Grid tables written chunk by chunk and read back, CRS kept."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pyproj import CRS

from demine.errors import PredictionError
from demine.predict.features import band_features
from demine.predict.sample import sample_layers
from demine.predict.tables import (
    TableWriter,
    count_rows,
    crs_of,
    grid_spec_of,
    iter_table,
    read_table,
)


@pytest.mark.parametrize("suffix", [".csv", ".gpkg", ".parquet"])
def test_chunks_round_trip_in_order(tmp_path: Path, suffix: str) -> None:
    layers = sample_layers()
    spec = layers.spec
    path = tmp_path / f"grid{suffix}"
    with TableWriter(path, crs=spec.crs, spec=spec) as writer:
        for start in range(0, 5, 2):
            writer.write(band_features(layers, start, start + 2))
    back = read_table(path)
    assert back["cell_id"].tolist() == list(range(25))
    assert count_rows(path) == 25
    assert crs_of(path) == spec.crs
    assert [len(c) for c in iter_table(path, chunk_rows=10)] == [10, 10, 5]
    if suffix == ".parquet":
        assert grid_spec_of(path) == spec
    if suffix == ".gpkg":
        assert back.geometry.area.round(6).eq(spec.cell**2).all()


def test_labelled_rows_only(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    pd.DataFrame({"v": np.arange(6.0), "label": [1, -1, 0, -1, None, 1]}).to_csv(
        path, index=False
    )
    frame = read_table(path, label="label", chunk_rows=2)
    assert frame["v"].tolist() == [0.0, 2.0, 5.0]
    assert frame.attrs["unknown"] == 3


def test_geopackage_needs_somewhere_to_put_cells(tmp_path: Path) -> None:
    writer = TableWriter(tmp_path / "g.gpkg")
    with pytest.raises(PredictionError, match="no geometry or coordinates"):
        writer.write(pd.DataFrame({"v": [1.0]}))
    pts = pd.DataFrame({"lon": [47.0], "lat": [40.0], "risk": [0.5]})
    TableWriter(tmp_path / "p.gpkg").write(pts)
    assert crs_of(tmp_path / "p.gpkg") == CRS.from_epsg(4326)


def test_missing_and_unknown_files(tmp_path: Path) -> None:
    with pytest.raises(PredictionError, match="no such file"):
        read_table(tmp_path / "nope.csv")
    with pytest.raises(PredictionError, match=r"write \.csv"):
        TableWriter(tmp_path / "out.shp")
