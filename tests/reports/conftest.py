# SPDX-License-Identifier: GPL-3.0-or-later
"""A small demo register shared by the report tests (built once per session),
on SQLite or, with ``DEMINE_TEST_DATABASE_URL``, in its own PostGIS schema."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from demine.demo import generate
from demine.store.database import Database, normalise_url
from demine.store.loading import load_register
from tests.conftest import PG_URL, sqlite_register

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "reports"


@pytest.fixture(scope="session")
def demo_db(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[Database]:
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


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where the tests leave PDF pages as PNG for people (and CI) to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def _url(url: str, schema: str | None) -> str:
    """The URL a CLI run needs to see this register (its schema on PostGIS)."""
    if schema is None:
        return url
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}%2Cpublic"


def cli_url(db: Database) -> str:
    return str(getattr(db, "cli_url", db.url))
