# SPDX-License-Identifier: GPL-3.0-or-later
"""Whole-frame loads: one transaction, foreign keys checked, indexes kept."""

from __future__ import annotations

import pandas as pd
import pytest
import shapely
from sqlalchemy import inspect

from demine.demo import generate
from demine.errors import StoreError
from demine.store import bulk
from demine.store.database import Database
from demine.store.loading import load_register


def counts(db: Database) -> dict[str, int]:
    from sqlalchemy import func, select

    with db.transaction() as conn:
        return {
            name: conn.execute(
                select(func.count()).select_from(bulk.table(name))
            ).scalar_one()
            for name in ("organisation", "hazard", "release", "eo_item")
        }


def test_broken_reference_rejects_the_whole_load(db: Database) -> None:
    frames = generate("small", 3)
    items = frames["eo_item"].copy()
    items.loc[items.index[10], "hazard_id"] = 10_000_000
    frames["eo_item"] = items
    with pytest.raises((StoreError, Exception)) as info:
        load_register(db, frames)
    assert (
        "10000000" in str(info.value)
        or "exist" in str(info.value).lower()
        or ("foreign" in str(info.value).lower())
    )
    assert counts(db) == {"organisation": 0, "hazard": 0, "release": 0, "eo_item": 0}


def test_large_tables_get_their_indexes_back(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "REBUILD_ROWS", 100)
    before = {i["name"] for i in inspect(db.engine).get_indexes("eo_item")}
    load_register(db, generate("small", 3))
    after = {i["name"] for i in inspect(db.engine).get_indexes("eo_item")}
    assert before == after
    assert "ix_eo_item_hazard_id" in after
    assert counts(db)["eo_item"] == len(generate("small", 3)["eo_item"])


def test_read_frame_returns_geometries_and_types(db: Database) -> None:
    load_register(db, generate("small", 3))
    with db.transaction() as conn:
        frame = bulk.read_frame(
            conn, "hazard", ["id", "hazard_class", "area_m2", "geom"]
        )
    assert frame["id"].is_monotonic_increasing
    assert set(frame["hazard_class"]) <= {"sha", "cha"}
    assert pd.api.types.is_float_dtype(frame["area_m2"])
    assert all(isinstance(g, shapely.MultiPolygon) for g in frame["geom"].dropna())


def test_the_same_frames_load_twice(db: Database, tmp_path) -> None:
    # Loading must not write into the caller's frames (a missing value turned
    # into None inside a pandas string array breaks the next load).
    frames = generate("small", 3)
    load_register(db, frames)
    again = Database(str(tmp_path / "again.sqlite"))
    again.upgrade()
    try:
        assert load_register(again, frames)["activity"] == len(frames["activity"])
    finally:
        again.dispose()
