# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures for the exchange tests: a tiny register with every field type,
and a way to read a register's content independent of the exporter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from sqlalchemy import func, select

from demine.exchange.entities import LAYERS
from demine.store import bulk
from demine.store.database import Database
from demine.store.loading import LOAD_ORDER, load_register
from tests.conftest import sqlite_register

ROOT = Path(__file__).resolve().parents[2]
MAPPINGS = ROOT / "demine" / "exchange" / "mappings"
BOOKKEEPING = {"id", "created_at", "updated_at", "version"}

Content = dict[str, pd.DataFrame]


def square(x: float, y: float, size: float = 0.01) -> shapely.MultiPolygon:
    return shapely.MultiPolygon([shapely.box(x, y, x + size, y + size)])


def tiny_frames() -> dict[str, pd.DataFrame]:
    """A few records of every entity, every field type filled somewhere."""
    d = dt.date
    return {
        "organisation": pd.DataFrame(
            {
                "id": [1, 2],
                "external_id": ["ORG-ANAMA", "ORG-HALO"],
                "name": ["Azerbaijan National Agency for Mine Action", "HALO Trust"],
                "acronym": ["ANAMA", "HALO"],
                "org_type": ["national_authority", "ngo"],
                "country": ["Azerbaijan", None],
                "accreditation": ["accredited", "provisional"],
                "accredited_until": [d(2030, 1, 1), None],
            }
        ),
        "place": pd.DataFrame(
            {
                "id": [1, 2],
                "external_id": ["PL-AGHDAM", "PL-QUZANLI"],
                "name": ["Aghdam", "Quzanlı"],
                "place_type": ["admin2", "settlement"],
                "code": ["AZ-AGA", None],
                "parent_id": pd.array([None, 1], dtype="Int64"),
                "population": pd.array([None, 4200], dtype="Int64"),
                "displaced_population": pd.array([None, 1500], dtype="Int64"),
                "planned_return_on": [None, d(2027, 6, 1)],
                "location": [shapely.Point(46.95, 40.0), shapely.Point(47.1, 40.2)],
                "boundary": [square(46.9, 39.95, 0.2), None],
                "reported_by_id": pd.array([1, 1], dtype="Int64"),
            }
        ),
        "team": pd.DataFrame(
            {
                "id": [1],
                "external_id": ["TEAM-1"],
                "name": ["Manual team 1"],
                "organisation_id": [2],
                "method": ["manual"],
                "size": [8],
                "productivity_m2_day": [250.5],
                "cost_per_day_usd": [1200.0],
                "active": [True],
                "base": [shapely.Point(47.0, 40.1)],
            }
        ),
        "eo_model": pd.DataFrame(
            {
                "id": [1],
                "external_id": ["EOM-PMN2"],
                "model": ["PMN-2"],
                "category": ["ap_mine"],
                "subcategory": ["blast"],
                "origin": ["USSR"],
                "description": ["Blast anti-personnel mine"],
            }
        ),
        "hazard": pd.DataFrame(
            {
                "id": [1, 2, 3],
                "external_id": ["HZ-1", "HZ-2", "HZ-3"],
                "name": ["Field north of Quzanlı", "Road verge", None],
                "hazard_class": ["cha", "sha", "sha"],
                "status": ["worked_on", "open", "open"],
                "contamination": [["ap_mine", "at_mine"], ["uxo"], []],
                "evidence": ["device_seen", "informant", None],
                "reliability": ["high", "medium", None],
                "land_use": ["agriculture", "infrastructure", None],
                "blockages": [["agriculture", "road"], [], []],
                "estimated_devices": pd.array([120, None, None], dtype="Int64"),
                "women": pd.array([30, None, None], dtype="Int64"),
                "men": pd.array([28, None, None], dtype="Int64"),
                "girls": pd.array([11, None, None], dtype="Int64"),
                "boys": pd.array([12, None, None], dtype="Int64"),
                "admin_area_id": pd.array([1, 1, None], dtype="Int64"),
                "settlement_id": pd.array([2, None, None], dtype="Int64"),
                "recorded_on": [d(2021, 3, 4), d(2022, 5, 6), None],
                "reported_area_m2": [1_230_000.5, None, None],
                "notes": ['Ölçü: "north", near the river; ø', None, None],
                "geom": [square(47.0, 40.0), square(47.05, 40.05, 0.005), None],
                "benchmark": [shapely.Point(47.0, 40.0), None, None],
                "reported_by_id": pd.array([1, 2, None], dtype="Int64"),
            }
        ),
        "activity": pd.DataFrame(
            {
                "id": [1, 2],
                "external_id": ["ACT-TS-1", "ACT-CL-1"],
                "name": ["TS of HZ-1", "Clearance of HZ-1"],
                "activity_type": ["ts", "clearance"],
                "status": ["completed", "ongoing"],
                "method": ["mechanical", "manual"],
                "organisation_id": pd.array([2, 2], dtype="Int64"),
                "team_id": pd.array([None, 1], dtype="Int64"),
                "hazard_id": pd.array([1, 1], dtype="Int64"),
                "start_date": [d(2022, 1, 10), d(2022, 4, 1)],
                "end_date": [d(2022, 2, 20), None],
                "team_days": [12.5, None],
                "cost_usd": [15000.0, None],
            }
        ),
        "release": pd.DataFrame(
            {
                "id": [1, 2],
                "external_id": ["REL-1", "REL-2"],
                "activity_id": pd.array([1, 2], dtype="Int64"),
                "hazard_id": [1, 1],
                "kind": ["reduced", "cleared"],
                "released_on": [d(2022, 2, 20), d(2022, 6, 30)],
                "depth_cm": [None, 20.0],
                "reported_area_m2": [None, 300_000.0],
                "geom": [square(47.0, 40.0, 0.003), square(47.005, 40.005, 0.003)],
            }
        ),
        "eo_item": pd.DataFrame(
            {
                "id": [1, 2],
                "external_id": ["EO-1", "EO-2"],
                "activity_id": pd.array([2, None], dtype="Int64"),
                "hazard_id": pd.array([1, None], dtype="Int64"),
                "eo_model_id": pd.array([1, None], dtype="Int64"),
                "category": ["ap_mine", "uxo"],
                "quantity": [3, 1],
                "found_on": [d(2022, 5, 2), d(2023, 1, 1)],
                "depth_cm": [8.5, None],
                "condition": ["armed", "unknown"],
                "disposal": ["in_situ", None],
                "geom": [shapely.Point(47.006, 40.006), None],
            }
        ),
        "accident": pd.DataFrame(
            {
                "id": [1],
                "external_id": ["ACC-1"],
                "accident_type": ["non_demining"],
                "occurred_on": [d(2021, 8, 9)],
                "hazard_id": pd.array([1], dtype="Int64"),
                "admin_area_id": pd.array([1], dtype="Int64"),
                "eo_model_id": pd.array([1], dtype="Int64"),
                "description": ["Tractor driver"],
                "geom": [shapely.Point(47.004, 40.002)],
            }
        ),
        "victim": pd.DataFrame(
            {
                "id": [1, 2],
                "external_id": ["VIC-1", "VIC-2"],
                "accident_id": [1, 1],
                "sex": ["male", "unknown"],
                "age": pd.array([34, None], dtype="Int64"),
                "outcome": ["injured", "killed"],
                "status": ["civilian", "civilian"],
                "activity": ["agriculture", "unknown"],
            }
        ),
        "eore_session": pd.DataFrame(
            {
                "id": [1],
                "external_id": ["EORE-1"],
                "organisation_id": pd.array([1], dtype="Int64"),
                "place_id": pd.array([2], dtype="Int64"),
                "method": ["school"],
                "held_on": [d(2023, 3, 1)],
                "women": [5],
                "men": [0],
                "girls": [14],
                "boys": [16],
                "geom": [shapely.Point(47.1, 40.2)],
            }
        ),
        "qm_finding": pd.DataFrame(
            {
                "id": [1],
                "external_id": ["QM-1"],
                "activity_id": pd.array([2], dtype="Int64"),
                "organisation_id": pd.array([1], dtype="Int64"),
                "kind": ["qa_visit"],
                "inspected_on": [d(2022, 5, 15)],
                "severity": ["minor"],
                "non_conformity": ["Lane markings missing"],
                "corrective_action": ["Re-marked"],
                "closed_on": [d(2022, 5, 20)],
            }
        ),
        "funding": pd.DataFrame(
            {
                "id": [1],
                "external_id": ["FUND-1"],
                "donor_id": pd.array([2], dtype="Int64"),
                "recipient_id": pd.array([1], dtype="Int64"),
                "project": ["Aghdam clearance"],
                "kind": ["pledge"],
                "dated_on": [d(2022, 1, 1)],
                "amount": [1_000_000.0],
                "currency": ["EUR"],
                "amount_usd": [1_080_000.0],
                "notes": [None],
            }
        ),
        "reference_feature": pd.DataFrame(
            {
                "id": [1, 2],
                "external_id": ["REF-ROAD-1", "REF-LINE-1"],
                "kind": ["road", "front_line"],
                "name": ["M-2", None],
                "attributes": [{"surface": "asphalt", "lanes": 2}, {}],
                "geom": [
                    shapely.LineString([(46.9, 40.0), (47.2, 40.1)]),
                    shapely.LineString([(46.8, 39.9), (47.0, 39.95)]),
                ],
            }
        ),
    }


@pytest.fixture
def tiny(db: Database) -> Database:
    """The register ``db`` holding :func:`tiny_frames`."""
    load_register(db, tiny_frames())
    return db


def register_content(db: Database) -> Content:
    """Every exchanged table's content, independent of ids and bookkeeping.

    The tables the register's exchange format carries
    (:data:`demine.exchange.entities.LAYERS`); quality, accreditation and
    training records are not part of it. References become the external id
    of the record referred to, geometry its WKB; rows are sorted by external id.
    """
    out: Content = {}
    with db.transaction() as conn:
        frames = {
            name: bulk.read_frame(conn, name) for name in LOAD_ORDER if name in LAYERS
        }
        keys = {
            name: dict(zip(f["id"], f["external_id"], strict=True))
            for name, f in frames.items()
        }
        for name, frame in frames.items():
            tbl = bulk.table(name)
            for col in tbl.c:
                fks = list(col.foreign_keys)
                if fks:
                    target = keys[fks[0].column.table.name]
                    frame[col.name] = frame[col.name].map(target, na_action="ignore")
                elif isinstance(col.type, bulk.Geometry):
                    frame[col.name] = [
                        None if g is None else shapely.to_wkb(g, hex=True)
                        for g in frame[col.name]
                    ]
            frame = frame.drop(columns=[c for c in BOOKKEEPING if c in frame])
            frame = frame.sort_values("external_id").reset_index(drop=True)
            out[name] = frame.astype(object).where(frame.notna(), None)
    return out


def assert_same_content(
    a: Content, b: Content, kinds: list[str] | None = None, *, orient: bool = False
) -> None:
    """Equal content; ``orient`` compares geometries whatever their vertex
    order (Shapefiles store exterior rings clockwise, by definition)."""
    if orient:
        a, b = _normalised(a), _normalised(b)
    for name in kinds or list(a):
        left, right = a[name], b[name]
        assert list(left.columns) == list(right.columns), name
        assert len(left) == len(right), f"{name}: {len(left)} != {len(right)} rows"
        for column in left.columns:
            x, y = left[column].tolist(), right[column].tolist()
            for i, (u, v) in enumerate(zip(x, y, strict=True)):
                if isinstance(u, float) and isinstance(v, float):
                    assert np.isclose(u, v, rtol=1e-7, equal_nan=True), (
                        name,
                        column,
                        i,
                        u,
                        v,
                    )
                else:
                    assert _plain(u) == _plain(v), (name, column, i, u, v)


def _normalised(content: Content) -> Content:
    out = {}
    for name, frame in content.items():
        frame = frame.copy()
        for column in frame.columns:
            if column in ("geom", "location", "boundary", "base", "benchmark"):
                frame[column] = [
                    None
                    if v is None
                    else shapely.to_wkb(
                        shapely.normalize(shapely.from_wkb(v)), hex=True
                    )
                    for v in frame[column]
                ]
        out[name] = frame
    return out


def _plain(value: object) -> object:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain(v) for v in value]
    return value


@pytest.fixture
def content() -> Callable[[Database], Content]:
    return register_content


def counts(db: Database) -> dict[str, int]:
    with db.transaction() as conn:
        return {
            name: conn.execute(
                select(func.count()).select_from(bulk.table(name))
            ).scalar_one()
            for name in LOAD_ORDER
        }


@pytest.fixture(scope="module")
def shared_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """One register for a module whose tests must leave it unchanged.

    Creating a register costs a migration (half a second on PostGIS); tests
    that only check that bad input is refused can share one.
    """
    made = _Registers(tmp_path_factory.mktemp("shared"))
    yield made.make()
    made.close()


class _Registers:
    """Empty registers on the backend under test, dropped on close."""

    def __init__(self, folder: Path) -> None:
        import os

        self.folder = folder
        self.pg = os.environ.get("DEMINE_TEST_DATABASE_URL")
        self.made: list[Database] = []
        self.schemas: list[str] = []

    def make(self) -> Database:
        import uuid

        from sqlalchemy import create_engine

        from demine.store.database import normalise_url

        if self.pg is None:
            database = sqlite_register(self.folder / f"r{len(self.made)}.sqlite")
        else:
            schema = f"t_{uuid.uuid4().hex[:12]}"
            engine = create_engine(normalise_url(self.pg))
            with engine.begin() as conn:
                conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
            engine.dispose()
            self.schemas.append(schema)
            database = Database(self.pg, schema=schema)
        database.upgrade()
        self.made.append(database)
        return database

    def close(self) -> None:
        from sqlalchemy import create_engine

        from demine.store.database import normalise_url

        for database in self.made:
            database.dispose()
        if self.pg and self.schemas:
            engine = create_engine(normalise_url(self.pg))
            with engine.begin() as conn:
                for schema in self.schemas:
                    conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            engine.dispose()


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Callable[[], Database]]:
    """Makes more empty registers on the backend under test (closed after)."""
    registers = _Registers(tmp_path)
    yield registers.make
    registers.close()
