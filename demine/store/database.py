# SPDX-License-Identifier: GPL-3.0-or-later
"""Opening the register: URL resolution, engines, migrations, transactions."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from demine.errors import ConfigurationError, StoreError
from demine.i18n import _

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"


def normalise_url(url: str) -> str:
    """Accept plain paths and ``postgresql://`` URLs; pick our drivers."""
    if "://" not in url:
        return f"sqlite:///{url}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, say where transactions begin, so
    # that DDL (migrations, index rebuilds in bulk loads) is transactional too.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA cache_size=-200000")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN")


def make_engine(url: str, schema: str | None = None) -> Engine:
    """An engine for the URL, with SQLite tuned for a single-user register.

    ``schema`` (PostgreSQL only) keeps the register in its own schema, with
    ``public`` still on the search path for PostGIS.
    """
    try:
        sa_url = make_url(normalise_url(url))
    except ArgumentError as exc:
        raise ConfigurationError(_("not a database URL: %(url)r", url=url)) from exc
    if sa_url.get_backend_name() not in {"sqlite", "postgresql"}:
        raise ConfigurationError(
            _(
                "unsupported database %(get_backend_name)r: use a SQLite file or "
                "PostgreSQL/PostGIS",
                get_backend_name=sa_url.get_backend_name(),
            )
        )
    connect_args: dict[str, Any] = {}
    if schema is not None and sa_url.get_backend_name() == "postgresql":
        connect_args["options"] = f"-csearch_path={schema},public"
    engine = create_engine(sa_url, connect_args=connect_args)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


class Database:
    """One register database: an engine plus transactions over it."""

    def __init__(self, url: str, schema: str | None = None) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url, schema)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def upgrade(self) -> None:
        """Create or migrate the schema to the newest revision."""
        try:
            with self.engine.begin() as conn:
                if self.dialect == "postgresql":
                    conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis")
                command.upgrade(alembic_config(conn), "head")
        except OperationalError as exc:
            raise StoreError(
                _(
                    "cannot open %(register)s: %(reason)s",
                    register=self.describe(),
                    reason=exc.orig,
                )
            ) from exc

    def is_initialised(self) -> bool:
        if self._missing_file():
            # Opening would create an empty file: a read-only command run in
            # the wrong folder must say so and leave nothing behind.
            return False
        try:
            return inspect(self.engine).has_table("hazard")
        except OperationalError as exc:
            raise StoreError(
                _(
                    "cannot open %(register)s: %(reason)s",
                    register=self.describe(),
                    reason=exc.orig,
                )
            ) from exc

    def _missing_file(self) -> bool:
        """A SQLite register whose file does not exist (yet)."""
        if self.dialect != "sqlite":
            return False
        name = make_url(self.url).database
        return bool(name) and name != ":memory:" and not Path(str(name)).exists()

    def require_initialised(self) -> None:
        if not self.is_initialised():
            raise StoreError(
                _(
                    "%(register)s has no register yet: run 'demine init' or 'demine "
                    "demo'",
                    register=self.describe(),
                )
            )

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, else rolled back."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A Core connection in one transaction, for bulk paths."""
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def interactive(self) -> Iterator[Connection]:
        """A read-only transaction for a query a person is waiting on (a tile).

        On PostgreSQL, no JIT compilation and no parallel workers: the
        planner's cost of a tile query (geometry functions over thousands of
        rows) made it JIT-compile for over a second a query that runs in
        tens of milliseconds, and tiles come twenty at a time, so workers
        per query only crowd the cores.
        """
        with self.engine.begin() as conn:
            if self.dialect == "postgresql":
                conn.exec_driver_sql("SET LOCAL jit = off")
                conn.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")
                # Grouping a low-zoom tile sorts ~100,000 rows: in memory.
                conn.exec_driver_sql("SET LOCAL work_mem = '64MB'")
            yield conn

    def describe(self) -> str:
        """The URL without its password, for messages."""
        return make_url(self.url).render_as_string(hide_password=True)

    def dispose(self) -> None:
        self.engine.dispose()


# Tables PostGIS itself owns; migrations must never touch them.
POSTGIS_TABLES = frozenset({"spatial_ref_sys", "geometry_columns", "geography_columns"})


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic filter: ignore PostGIS's own tables when comparing schemas."""
    return not (type_ == "table" and name in POSTGIS_TABLES)
