# SPDX-License-Identifier: GPL-3.0-or-later
"""The shape of what :func:`demine.demo.generate` returns: the loader's contract."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import shapely
from sqlalchemy import Date, Enum

from demine.demo import TABLES, generate
from demine.store.schema import Base
from demine.store.types import Geometry

Tables = dict[str, pd.DataFrame]

# Filled in by the database or derived from geometry by the loader.
NOT_GENERATED = {
    "created_at", "updated_at", "version", "review_state",
    "area_m2", "cancelled_m2", "reduced_m2", "cleared_m2", "remaining_m2",
    "effective_m2", "outside_m2", "double_m2",
    "min_lon", "min_lat", "max_lon", "max_lat",
}  # fmt: skip

GEOMETRY_TYPES = {
    ("hazard", "geom"): "MultiPolygon",
    ("hazard", "benchmark"): "Point",
    ("release", "geom"): "MultiPolygon",
    ("place", "boundary"): "MultiPolygon",
    ("place", "location"): "Point",
    ("team", "base"): "Point",
    ("eo_item", "geom"): "Point",
    ("accident", "geom"): "Point",
    ("eore_session", "geom"): "Point",
    ("inspection", "geom"): "MultiPolygon",
    ("inspection", "lot_geom"): "MultiPolygon",
    ("sample_unit", "geom"): "Polygon",
}


def test_tables_in_foreign_key_order(small: Tables) -> None:
    assert list(small) == list(TABLES)


@pytest.mark.parametrize("name", TABLES)
def test_columns_are_the_orm_columns(small: Tables, name: str) -> None:
    wanted = {c.name for c in Base.metadata.tables[name].c} - NOT_GENERATED
    assert set(small[name].columns) == wanted


@pytest.mark.parametrize("name", TABLES)
def test_ids_and_external_ids(small: Tables, name: str) -> None:
    frame = small[name]
    assert frame["id"].dtype == np.int64
    assert (frame["id"].to_numpy() == np.arange(1, len(frame) + 1)).all()
    assert frame["external_id"].is_unique
    assert frame["external_id"].str.startswith("DEMO-").all()
    assert frame["reported_by_id"].notna().all()


@pytest.mark.parametrize("name", TABLES)
def test_foreign_keys_point_at_existing_rows(small: Tables, name: str) -> None:
    for col in Base.metadata.tables[name].c:
        for fk in col.foreign_keys:
            target = small[fk.column.table.name]["id"]
            values = small[name][col.name].dropna().astype(np.int64)
            assert values.isin(target).all(), f"{name}.{col.name}"
            if not col.nullable:
                assert small[name][col.name].notna().all()


@pytest.mark.parametrize("name", TABLES)
def test_vocabulary_columns_hold_enum_values(small: Tables, name: str) -> None:
    for col in Base.metadata.tables[name].c:
        if isinstance(col.type, Enum) and col.name in small[name]:
            values = set(small[name][col.name].dropna())
            assert values <= set(col.type.enums), f"{name}.{col.name}"


@pytest.mark.parametrize("name", TABLES)
def test_dates_are_python_dates(small: Tables, name: str) -> None:
    for col in Base.metadata.tables[name].c:
        if isinstance(col.type, Date) and col.name in small[name]:
            values = small[name][col.name].to_numpy(dtype=object)
            assert all(v is None or type(v) is dt.date for v in values), col.name


def test_geometry_columns_hold_shapely_in_wgs84(small: Tables) -> None:
    for name in TABLES:
        for col in Base.metadata.tables[name].c:
            if not isinstance(col.type, Geometry):
                continue
            geoms = small[name][col.name].to_numpy(dtype=object)
            present = geoms[~shapely.is_missing(geoms)]
            assert len(present), f"{name}.{col.name} is empty"
            want = GEOMETRY_TYPES.get((name, col.name))
            if want:
                assert {g.geom_type for g in present} == {want}, f"{name}.{col.name}"
            lon, lat = shapely.get_coordinates(present).T
            # Swapped lat/lon dirt puts a few hazards at (39, 46); the rest
            # lies in Azerbaijan.
            assert ((lon > 44) & (lon < 51) & (lat > 38) & (lat < 42)).mean() > 0.99


def test_list_columns_hold_lists_of_strings(small: Tables) -> None:
    for col in ("contamination", "blockages"):
        values = small["hazard"][col]
        assert all(isinstance(v, list) for v in values)
        assert all(isinstance(s, str) for v in values for s in v)
    assert all(len(v) for v in small["hazard"]["contamination"])


def test_same_seed_same_register(small: Tables, seed: int) -> None:
    again = generate("small", seed=seed)
    for name in TABLES:
        a, b = small[name], again[name]
        geometry = [c for c in a if a[c].map(_is_geometry).any()]
        pd.testing.assert_frame_equal(
            a.drop(columns=geometry), b.drop(columns=geometry)
        )
        for col in geometry:
            left = shapely.to_wkb(a[col].to_numpy(dtype=object))
            right = shapely.to_wkb(b[col].to_numpy(dtype=object))
            assert (left == right).all(), f"{name}.{col}"
    assert small["hazard"].attrs["dirt"] == again["hazard"].attrs["dirt"]


def test_another_seed_another_register(small: Tables, seed: int) -> None:
    other = generate("small", seed=seed + 1)
    assert not shapely.equals(
        small["hazard"]["geom"].to_numpy()[:50], other["hazard"]["geom"].to_numpy()[:50]
    ).all()


def _is_geometry(value: object) -> bool:
    return isinstance(value, shapely.Geometry)
