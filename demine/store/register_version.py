# SPDX-License-Identifier: GPL-3.0-or-later
"""A cheap token that changes whenever the register may have changed.

Caches of tiles, feature pages and readers key their entries by it, so a write
makes every older entry unreachable:

* every write through this process's engine bumps a local counter as soon as
  its connection goes back to the pool (after the commit, never before);
* on SQLite, a connection of the tracker's own asks SQLite, on every call,
  for ``PRAGMA data_version`` (which changes when any other connection, in
  any process, commits) and, when that moved, for the register's change
  stamp ``PRAGMA user_version``, which every demine write moves in its own
  transaction (:mod:`demine.store.database`). A few microseconds, and every
  process sees every write at once;
* on PostgreSQL, at most once per ``interval`` seconds, the newest audit event
  (every API write, from any worker) and the server's insert/update/delete
  counters for the register's tables (bulk imports by other processes; the
  server publishes them within about a second).

Nothing here opens the register's files itself: closing any descriptor of a
file drops every POSIX lock the process holds on it, after which another
process's SQLite believes it is alone, checkpoints and deletes the WAL this
one still writes to, and acknowledged writes are lost (issue 11).
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
import weakref
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from demine.store.database import WROTE, Database

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
        self._watch = _SqliteWatch.of(db)
        self._postgres = db.dialect == "postgresql"
        event.listen(db.engine.pool, "checkin", self._on_checkin)

    def _on_checkin(self, dbapi_connection: Any, record: Any) -> None:
        if record is not None and record.info.pop(WROTE, False):
            self.bump()

    def close(self) -> None:
        """Close the tracker's own SQLite connection (the database is disposed)."""
        if self._watch is not None:
            self._watch.close()

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
        if self._watch is not None:
            changes, stamp = self._watch.read()
            # Every change seen counts locally, tracked or not; the stamp
            # alone is what other processes agree on.
            return f"{self._local}-{changes}.s{stamp}"
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

        On SQLite that is the change stamp, which every demine write moves in
        its own transaction; None after a change that did not move it (a
        tool other than demine wrote), until the next stamp. On PostgreSQL
        it is the server's counters, which this process reads at most once
        a second: after a write of its own it gets None until its
        next reading, so it never takes another process's older response for
        the state it has just changed. None too for an in-memory database.
        """
        local, _, digest = version.partition(".")
        if self._watch is not None:
            return None if self._watch.untracked(digest) else digest
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
            db.on_dispose(tracker.close)
        return tracker


class _SqliteWatch:
    """Reads SQLite's own change counters on a connection of its own.

    ``PRAGMA data_version`` moves when another connection (of any process)
    commits; ``PRAGMA user_version`` is the change stamp demine's writes
    move. Both are read in one read transaction, so they describe the same
    state. The connection is shared by the process's threads under a lock.
    """

    def __init__(self, path: str) -> None:
        self._conn = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False
        )
        self._lock = threading.Lock()
        self._data_version: int | None = None
        self._changes = 0
        self._stamp = 0
        self._untracked: str | None = None

    @classmethod
    def of(cls, db: Database) -> _SqliteWatch | None:
        if db.dialect != "sqlite":
            return None
        name = make_url(db.url).database
        if not name or name == ":memory:" or name.startswith("file:"):
            # No shared file: only this process's own writes are seen.
            return None
        return cls(name)

    def read(self) -> tuple[int, int]:
        """(changes seen by this process, the register's change stamp)."""
        with self._lock:
            cur = self._conn.cursor()
            cur.execute("BEGIN")
            try:
                (stamp,) = cur.execute("PRAGMA user_version").fetchone()
                (data_version,) = cur.execute("PRAGMA data_version").fetchone()
            finally:
                cur.execute("COMMIT")
                cur.close()
            if data_version != self._data_version:
                if self._data_version is not None:
                    self._changes += 1
                    if stamp == self._stamp:
                        self._untracked = f"s{stamp}"
                self._data_version = data_version
                self._stamp = stamp
            return self._changes, self._stamp

    def untracked(self, digest: str) -> bool:
        """Whether the state named ``digest`` had a change its stamp misses."""
        return digest == self._untracked

    def close(self) -> None:
        with self._lock:
            self._conn.close()
