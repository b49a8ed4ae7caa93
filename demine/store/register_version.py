# SPDX-License-Identifier: GPL-3.0-or-later
"""A cheap token that changes whenever the register may have changed.

Caches of tiles, feature pages and readers key their entries by it, so a write
makes every older entry unreachable. No schema change is needed:

* every write through this process's engine bumps a local counter as soon as
  its connection goes back to the pool (after the commit, never before);
* on SQLite, the database and WAL files' size, modification time and WAL
  header (whose salt changes when the WAL restarts) are read on every call:
  a few microseconds, and they see writes by any process at once;
* on PostgreSQL, at most once per ``interval`` seconds, the newest audit event
  (every API write, from any worker) and the server's insert/update/delete
  counters for the register's tables (bulk imports by other processes; the
  server publishes them within about a second).

A change is therefore seen at once in the writing process and within about
``interval`` + 1 seconds in other processes on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from demine.store.database import Database

# Statements that cannot change data; anything else counts as a write.
_READS: tuple[str, ...] = ("SELECT", "SHOW", "SET", "PRAGMA", "BEGIN", "SAVEPOINT")
_READS += ("RELEASE", "ROLLBACK", "COMMIT", "EXPLAIN")
_WROTE = "demine_wrote"
_PG_CHECK = text(
    "SELECT (SELECT coalesce(max(id), 0) FROM audit_event),"
    " (SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)"
    "  FROM pg_stat_user_tables WHERE schemaname = current_schema())"
)

_TRACKERS: weakref.WeakKeyDictionary[Database, RegisterVersion] = (
    weakref.WeakKeyDictionary()
)
_TRACKERS_LOCK = threading.Lock()


class RegisterVersion:
    """The register's current version token for one :class:`Database`."""

    def __init__(self, db: Database, interval: float = 1.0) -> None:
        self.interval = interval
        self._db = weakref.ref(db)
        self._local = 0
        self._lock = threading.Lock()
        self._remote: tuple[Any, ...] = ()
        self._local_at_refresh = -1
        self._checked = float("-inf")
        # One reading of the server at a time: the others use the last one.
        self._reading = threading.Lock()
        self._files = _sqlite_files(db)
        self._postgres = db.dialect == "postgresql"
        event.listen(db.engine, "before_cursor_execute", self._on_execute)
        event.listen(db.engine.pool, "checkin", self._on_checkin)

    def _on_execute(
        self,
        conn: Any,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: Any,
        executemany: bool,
    ) -> None:
        if not statement.lstrip()[:9].upper().startswith(_READS):
            conn.info[_WROTE] = True

    def _on_checkin(self, dbapi_connection: Any, record: Any) -> None:
        if record is not None and record.info.pop(_WROTE, False):
            self.bump()

    def bump(self) -> None:
        """Count a write this process made (done automatically on commit)."""
        with self._lock:
            self._local += 1

    @property
    def due(self) -> bool:
        """Whether :meth:`current` would ask the database server (PostgreSQL)."""
        if not self._postgres or not self._stale():
            return False
        # Another thread is reading: use its last reading, unless there is
        # none yet (then wait for it, in the thread pool).
        return self._never_read() or not self._reading.locked()

    def _stale(self) -> bool:
        return time.monotonic() - self._checked >= self.interval

    def _never_read(self) -> bool:
        return self._checked == float("-inf")

    def current(self) -> str:
        """The version token: equal tokens mean the register did not change."""
        if self._files:
            remote: tuple[Any, ...] = tuple(_file_state(p) for p in self._files)
        else:
            # Twenty requests arriving when a reading is due used to make
            # twenty readings at once, queueing for pool connections: one
            # thread reads, the others keep the last reading meanwhile.
            reader = self._postgres and self._stale()
            if reader and self._reading.acquire(blocking=self._never_read()):
                try:
                    if self._stale():
                        self._refresh()
                finally:
                    self._reading.release()
            remote = self._remote
        digest = hashlib.blake2b(repr(remote).encode(), digest_size=6).hexdigest()
        return f"{self._local}.{digest}"

    def shared(self, version: str) -> str | None:
        """The part of ``version`` every process of this register agrees on.

        On SQLite that is the files' state, which any write changes at once.
        On PostgreSQL it is the server's counters, which this process reads at
        most once a second: after a write of its own it gets None until its
        next reading, so it never takes another process's older response for
        the state it has just changed. None too for an in-memory database.
        """
        local, _, digest = version.partition(".")
        if self._files:
            return digest
        if self._postgres and local == str(self._local_at_refresh):
            return digest
        return None

    def _refresh(self) -> None:
        db = self._db()
        if db is None:
            return
        self._local_at_refresh = self._local
        checked = time.monotonic()
        with db.engine.connect() as conn:
            row = conn.execute(_PG_CHECK).one()
            conn.rollback()
        self._remote = tuple(row)
        self._checked = checked


def register_version(db: Database) -> RegisterVersion:
    """The one tracker of ``db`` (made on first use)."""
    with _TRACKERS_LOCK:
        tracker = _TRACKERS.get(db)
        if tracker is None:
            tracker = _TRACKERS[db] = RegisterVersion(db)
        return tracker


def _sqlite_files(db: Database) -> tuple[Path, ...]:
    if db.dialect != "sqlite":
        return ()
    name = make_url(db.url).database
    if not name or name == ":memory:" or name.startswith("file:"):
        # No file to watch: only this process's own writes are seen.
        return ()
    path = Path(name)
    return path, path.with_name(path.name + "-wal")


def _file_state(path: Path) -> tuple[int, int, bytes]:
    try:
        with open(path, "rb") as handle:
            stat = os.fstat(handle.fileno())
            header = handle.read(32)
    except FileNotFoundError:
        return (0, 0, b"")
    return stat.st_mtime_ns, stat.st_size, header
