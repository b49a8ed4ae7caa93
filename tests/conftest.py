# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared fixtures: a fresh register on SQLite, or on PostGIS when
``DEMINE_TEST_DATABASE_URL`` names a PostgreSQL database (each test then gets
its own schema, dropped afterwards)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from demine.store.database import Database, normalise_url

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
PG_URL = os.environ.get("DEMINE_TEST_DATABASE_URL")


def shared_data(*parts: str) -> Path:
    """Path under ../shared/data, or skip the test with the reason."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not available: ../shared/data/{'/'.join(parts)}")
    return path


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    """URL of an empty database on the backend under test."""
    if PG_URL is None:
        yield f"sqlite:///{tmp_path / 'register.sqlite'}"
        return
    yield PG_URL


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty register on the backend under test."""
    if PG_URL is None:
        database = Database(str(tmp_path / "register.sqlite"))
        database.upgrade()
        yield database
        database.dispose()
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(PG_URL))
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    database = Database(PG_URL, schema=schema)
    try:
        database.upgrade()
        yield database
    finally:
        database.dispose()
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def backend() -> str:
    return "postgresql" if PG_URL else "sqlite"
