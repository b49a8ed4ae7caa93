# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared fixtures: a fresh register on SQLite, or on PostGIS when
``DEMINE_TEST_DATABASE_URL`` names a PostgreSQL database (each test then gets
its own schema, dropped afterwards)."""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from demine.demo import generate
from demine.store.database import Database, normalise_url
from demine.store.loading import load_register

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
PG_URL = os.environ.get("DEMINE_TEST_DATABASE_URL")


def shared_data(*parts: str) -> Path:
    """Path under ../shared/data, or skip the test with the reason."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not available: ../shared/data/{'/'.join(parts)}")
    return path


_TEMPLATE: list[Path] = []


@pytest.fixture(scope="session", autouse=True)
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite register migrated to the newest revision, for copying.

    Running every migration costs about a second (Alembic rebuilds SQLite
    tables to change columns); a copy through SQLite's backup API costs
    milliseconds, and is the same file.
    """
    path = tmp_path_factory.mktemp("template") / "register.sqlite"
    database = Database(str(path))
    try:
        database.upgrade()
    finally:
        database.dispose()
    _TEMPLATE[:] = [path]
    return path


def sqlite_register(path: Path) -> Database:
    """The SQLite register at ``path``; made (a copy of the template) if missing."""
    if not path.exists():
        source = sqlite3.connect(_TEMPLATE[0])
        target = sqlite3.connect(path)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
    return Database(str(path))


@pytest.fixture
def pg_schema() -> Iterator[str]:
    """A fresh PostgreSQL schema, dropped after the test."""
    assert PG_URL is not None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(PG_URL))
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield schema
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of a migrated, empty register on the backend under test.

    On PostgreSQL the URL carries its own schema on the search path, so the
    CLI under test sees only this test's tables.
    """
    if PG_URL is None:
        path = tmp_path / "register.sqlite"
        sqlite_register(path).dispose()
        return f"sqlite:///{path}"
    schema = request.getfixturevalue("pg_schema")
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}%2Cpublic"
    database = Database(url)
    try:
        database.upgrade()
    finally:
        database.dispose()
    return url


@pytest.fixture
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty register on the backend under test."""
    if PG_URL is None:
        database = sqlite_register(tmp_path / "register.sqlite")
    else:
        database = Database(PG_URL, schema=request.getfixturevalue("pg_schema"))
        database.upgrade()
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture
def backend() -> str:
    return "postgresql" if PG_URL else "sqlite"


@pytest.fixture(scope="session")
def demo_db(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[Database]:
    """The small demo register (seed 1), built once per session and shared:
    tests add users to it, none changes its records."""
    schema: str | None = None
    if PG_URL is None:
        database = sqlite_register(tmp_path_factory.mktemp("reports") / "demo.sqlite")
    else:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        admin = create_engine(normalise_url(PG_URL))
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        database = Database(PG_URL, schema=schema)
    database.cli_url = _url(database.url, schema)  # type: ignore[attr-defined]
    try:
        database.upgrade()
        load_register(database, generate("small", seed=1))
        yield database
    finally:
        database.dispose()
        if schema is not None:
            with admin.begin() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            admin.dispose()


def _url(url: str, schema: str | None) -> str:
    """The URL a CLI run needs to see this register (its schema on PostGIS)."""
    if schema is None:
        return url
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}%2Cpublic"


def cli_url(db: Database) -> str:
    return str(getattr(db, "cli_url", db.url))
