# SPDX-License-Identifier: GPL-3.0-or-later
"""Opening the register: URL resolution, engines, migrations, transactions.

Transactions say whether they will write. On SQLite a writing transaction
begins ``IMMEDIATE``: it takes the register's one write lock first, waiting
up to the busy timeout while another process or thread holds it, so writers
queue instead of failing. A reading transaction begins deferred and, in WAL
mode, never waits for a writer nor blocks one. (A deferred transaction that
reads and then writes cannot wait: SQLite refuses it at once with "database
is locked" when another writer got in between, which is what two reviewers
saving at once used to meet.) Every committed write on SQLite also moves the
register's change stamp (``PRAGMA user_version``), which every process reads
through SQLite to tell whether the register changed
(:mod:`demine.store.register_version`).
"""

from __future__ import annotations

import logging
import sqlite3
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from demine.errors import BusyError, ConfigurationError, StoreError
from demine.i18n import _

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
T = TypeVar("T")

# How long a writer waits for the register's write lock (SQLite) by default.
BUSY_TIMEOUT_S = 30.0
# Execution option: the transaction will write (SQLite: BEGIN IMMEDIATE).
WRITE = "demine_write"
# Connection info: the connection wrote since it was checked out of the pool.
WROTE = "demine_wrote"
_UNSTAMPED = "demine_unstamped"  # wrote in this transaction, stamp not moved
_WRITING = "demine_writing"  # this transaction began IMMEDIATE
_READ = "demine_read"  # this transaction has read
# Statements that cannot change data; anything else counts as a write.
_READS: tuple[str, ...] = ("SELECT", "SHOW", "SET", "PRAGMA", "BEGIN", "SAVEPOINT")
_READS += ("RELEASE", "ROLLBACK", "COMMIT", "EXPLAIN")
# PostgreSQL aborts one of two transactions that wait on each other (deadlock
# detected, serialization failure); run again, the victim succeeds.
_PG_RETRY = frozenset({"40P01", "40001"})
RETRIES = 3


class DeferredWriteWarning(UserWarning):
    """A SQLite transaction begun for reading wrote after it read.

    Such a write cannot queue behind another writer; the transaction should
    have been opened with ``write=True``. The test suite turns this warning
    into an error, so every writing path is found.
    """


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


def is_write(statement: str) -> bool:
    """Whether an SQL statement may change data."""
    return not statement.lstrip()[:9].upper().startswith(_READS)


def mark_written(conn: Connection) -> None:
    """Note a write made through the driver directly (bulk paths)."""
    conn.info[WROTE] = True
    conn.info[_UNSTAMPED] = True


def _on_execute(
    conn: Connection,
    cursor: Any,
    statement: str,
    parameters: Any,
    context: Any,
    executemany: bool,
) -> None:
    if not is_write(statement):
        if statement.lstrip()[:6].upper() == "SELECT":
            conn.info[_READ] = True
        return
    if (
        conn.dialect.name == "sqlite"
        and conn.info.get(_READ)
        and not conn.info.get(_WRITING)
    ):
        warnings.warn(
            f"write after a read in a reading transaction: {statement[:60]!r}",
            DeferredWriteWarning,
            stacklevel=2,
        )
    mark_written(conn)


def _on_checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
    # Writes count from the moment a connection is taken from the pool; a
    # mark left from before a version tracker existed says nothing now.
    record.info.pop(WROTE, None)


def _sqlite_begin(conn: Connection) -> None:
    write = bool(conn.get_execution_options().get(WRITE, False))
    conn.info[_WRITING] = write
    conn.info[_READ] = False
    conn.info.pop(_UNSTAMPED, None)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _sqlite_commit(conn: Connection) -> None:
    """Move the change stamp in the transaction that wrote, just before it commits."""
    if conn.info.pop(_UNSTAMPED, False):
        raw = conn.connection.driver_connection
        assert raw is not None
        (stamp,) = raw.execute("PRAGMA user_version").fetchone()
        raw.execute(f"PRAGMA user_version = {(int(stamp) + 1) % 2**31}")


def _sqlite_rollback(conn: Connection) -> None:
    conn.info.pop(_UNSTAMPED, None)


def busy_error(exc: BaseException) -> BusyError | None:
    """The BusyError for a lock wait that timed out, else None."""
    orig = getattr(exc, "orig", exc)
    if isinstance(orig, sqlite3.OperationalError) and getattr(
        orig, "sqlite_errorcode", None
    ) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return BusyError()
    if isinstance(orig, sqlite3.OperationalError) and "locked" in str(orig):
        return BusyError()
    return None


def _pg_transient(exc: BaseException) -> bool:
    orig = getattr(exc, "orig", None)
    return getattr(orig, "sqlstate", None) in _PG_RETRY


def make_engine(
    url: str, schema: str | None = None, *, busy_timeout: float = BUSY_TIMEOUT_S
) -> Engine:
    """An engine for the URL, with SQLite tuned for a single-user register.

    ``schema`` (PostgreSQL only) keeps the register in its own schema, with
    ``public`` still on the search path for PostGIS. ``busy_timeout`` is how
    long a SQLite writer waits for another's transaction to end.
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
    if sa_url.get_backend_name() == "sqlite":
        connect_args["timeout"] = busy_timeout
    engine = create_engine(sa_url, connect_args=connect_args)
    event.listen(engine, "before_cursor_execute", _on_execute)
    event.listen(engine.pool, "checkout", _on_checkout)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        event.listen(engine, "commit", _sqlite_commit)
        event.listen(engine, "rollback", _sqlite_rollback)
    return engine


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


class Database:
    """One register database: an engine plus transactions over it."""

    def __init__(
        self,
        url: str,
        schema: str | None = None,
        *,
        busy_timeout: float = BUSY_TIMEOUT_S,
    ) -> None:
        self.url = normalise_url(url)
        self.busy_timeout = busy_timeout
        self.engine = make_engine(self.url, schema, busy_timeout=busy_timeout)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._disposers: list[Callable[[], None]] = []

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def upgrade(self) -> None:
        """Create or migrate the schema to the newest revision."""
        try:
            with (
                _lock_errors(),
                self.connect(write=True) as conn,
                _sqlite_keys_checked_at_the_end(conn),
                conn.begin(),
            ):
                if self.dialect == "postgresql":
                    conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis")
                before = MigrationContext.configure(conn).get_current_revision()
                command.upgrade(alembic_config(conn), "head")
                after = MigrationContext.configure(conn).get_current_revision()
                # Checked only when a migration ran: the check reads every table.
                if self.dialect == "sqlite" and after != before:
                    _no_orphans(conn)
        except BusyError:
            raise
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
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """A session in one transaction: committed on success, else rolled back.

        ``write``: the transaction will write, so on SQLite it queues for the
        write lock first (see the module's docstring).
        """
        with _lock_errors(), self._sessions() as session, session.begin():
            session.connection(execution_options={WRITE: write})
            yield session

    @contextmanager
    def transaction(self, *, write: bool = False) -> Iterator[Connection]:
        """A Core connection in one transaction, for bulk paths."""
        with _lock_errors(), self.connect(write=write) as conn, conn.begin():
            yield conn

    @contextmanager
    def connect(self, *, write: bool = False) -> Iterator[Connection]:
        """A Core connection whose transactions (``conn.begin()``) will write.

        For callers that must set the connection up before the transaction
        begins (foreign keys deferred for a bulk load).
        """
        with _lock_errors(), self.engine.connect() as conn:
            yield conn.execution_options(**{WRITE: write})

    def retrying(self, work: Callable[[], T], attempts: int = RETRIES) -> T:
        """``work()`` (one whole transaction), again if PostgreSQL aborted it.

        A deadlock victim or serialization failure has been rolled back
        entirely, so running it again is safe; anything else is raised.
        """
        for attempt in range(1, attempts + 1):
            try:
                return work()
            except DBAPIError as exc:
                if attempt == attempts or not _pg_transient(exc):
                    raise
                log.info("transaction aborted (%s); attempt %d", exc.orig, attempt + 1)
                time.sleep(0.05 * attempt)
        raise AssertionError("unreachable")

    @contextmanager
    def interactive(self) -> Iterator[Connection]:
        """A read-only transaction for a query a person is waiting on (a tile).

        On PostgreSQL, no JIT compilation and no parallel workers: the
        planner's cost of a tile query (geometry functions over thousands of
        rows) made it JIT-compile for over a second a query that runs in
        tens of milliseconds, and tiles come twenty at a time, so workers
        per query only crowd the cores.
        """
        with self.transaction() as conn:
            if self.dialect == "postgresql":
                conn.exec_driver_sql("SET LOCAL jit = off")
                conn.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")
                # Grouping a low-zoom tile sorts ~100,000 rows: in memory.
                conn.exec_driver_sql("SET LOCAL work_mem = '64MB'")
            yield conn

    def file(self) -> Path | None:
        """The SQLite file of the register (None for PostgreSQL or in memory)."""
        if self.dialect != "sqlite":
            return None
        name = make_url(self.url).database
        if not name or name == ":memory:" or name.startswith("file:"):
            return None
        return Path(name).resolve()

    def describe(self) -> str:
        """The URL without its password, for messages."""
        return make_url(self.url).render_as_string(hide_password=True)

    def on_dispose(self, close: Callable[[], None]) -> None:
        """Call ``close`` when the database is disposed (connections of its own)."""
        self._disposers.append(close)

    def dispose(self) -> None:
        for close in self._disposers:
            close()
        self._disposers.clear()
        self.engine.dispose()


@contextmanager
def _lock_errors() -> Iterator[None]:
    """A lock wait that timed out becomes a BusyError (503), not a crash."""
    try:
        yield
    except OperationalError as exc:
        busy = busy_error(exc)
        if busy is None:
            raise
        raise busy from exc


# Tables PostGIS itself owns; migrations must never touch them.
POSTGIS_TABLES = frozenset({"spatial_ref_sys", "geometry_columns", "geography_columns"})


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic filter: ignore PostGIS's own tables when comparing schemas."""
    return not (type_ == "table" and name in POSTGIS_TABLES)


@contextmanager
def _sqlite_keys_checked_at_the_end(conn: Connection) -> Iterator[None]:
    """Foreign keys off on SQLite while migrations copy tables.

    SQLite changes a CHECK constraint by copying the table and dropping the
    old one; with foreign keys on, that drop fails for a table others refer
    to (or deletes their rows, ON DELETE CASCADE). The pragma is ignored
    inside a transaction, so it is set before one begins; the migration then
    checks every reference once (:func:`_no_orphans`) before it commits.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = conn.connection.driver_connection
    assert raw is not None
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def _no_orphans(conn: Connection) -> None:
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        sample = ", ".join(f"{t} row {r} -> {p}" for t, r, p, _fk in broken[:5])
        raise StoreError(
            _(
                "the migration would leave %(n)s rows referring to missing "
                "records: %(sample)s",
                n=len(broken),
                sample=sample,
            )
        )
