# SPDX-License-Identifier: GPL-3.0-or-later
"""Backups of a live register, and restoring one.

A copy of the files of a live SQLite register (``cp``) can catch the
database between a write to its WAL and the checkpoint, and gave
"database disk image is malformed" twice in two tries. Backups here go
through the database itself:

* SQLite: SQLite's online backup API copies every page inside one read
  transaction, so the copy is the register as one committed state, while
  the server keeps writing (WAL readers never block writers). The copy is
  checked (``PRAGMA integrity_check``) and only then moved into place, so a
  backup interrupted half-way never leaves a file that looks complete.
* PostgreSQL: ``pg_dump`` in its custom format (one consistent snapshot),
  restored by ``pg_restore`` in a single transaction: all or nothing.

Restoring replaces the target register as a whole; it refuses to overwrite
one that holds records unless asked to (``replace``).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from demine.errors import StoreError
from demine.i18n import _
from demine.i18n.numbers import number
from demine.store.database import Database
from demine.store.schema import LOAD_ORDER, Base

log = logging.getLogger(__name__)

# The first bytes of every SQLite database file.
SQLITE_MAGIC = b"SQLite format 3\x00"
# The first bytes of a pg_dump custom-format archive.
PGDUMP_MAGIC = b"PGDMP"


@dataclass(frozen=True)
class BackupResult:
    """What a backup or restore wrote: where, how large, how many records."""

    path: Path
    bytes: int
    records: int


def backup(db: Database, path: Path) -> BackupResult:
    """Write a consistent copy of the register ``db`` to ``path``."""
    db.require_initialised()
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if db.dialect == "sqlite":
            _sqlite_backup(db, partial)
        else:
            _pg_dump(db, partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    records = count_records(db)
    log.info("backup of %s: %s (%d records)", db.describe(), path, records)
    return BackupResult(path, path.stat().st_size, records)


def restore(path: Path, db: Database, *, replace: bool = False) -> BackupResult:
    """Replace the register ``db`` with the backup at ``path``."""
    if not path.is_file():
        raise StoreError(_("%(path)s: no such backup file", path=path))
    with path.open("rb") as start:
        head = start.read(16)
    if db.is_initialised() and not replace and count_records(db):
        raise StoreError(
            _(
                "%(register)s holds %(num)s records; restoring replaces them "
                "all: add --replace to do so",
                register=db.describe(),
                num=number(count_records(db)),
            )
        )
    if db.dialect == "sqlite":
        if not head.startswith(SQLITE_MAGIC):
            raise StoreError(
                _("%(path)s: not a SQLite backup (made by 'demine backup')", path=path)
            )
        _sqlite_restore(path, db)
    else:
        if not head.startswith(PGDUMP_MAGIC):
            raise StoreError(
                _("%(path)s: not a PostgreSQL backup (pg_dump -Fc)", path=path)
            )
        _pg_restore(path, db)
    # A backup made by an older demine is brought up to this version.
    db.upgrade()
    return BackupResult(path, path.stat().st_size, count_records(db))


def count_records(db: Database) -> int:
    """Records of every register table (organisations to reference features)."""
    with db.transaction() as conn:
        return sum(
            int(
                conn.execute(
                    select(func.count()).select_from(Base.metadata.tables[name])
                ).scalar_one()
            )
            for name in LOAD_ORDER
        )


def _sqlite_file(db: Database) -> str:
    name = make_url(db.url).database
    if not name or name == ":memory:":
        raise StoreError(_("an in-memory register has no file to back up or restore"))
    return name


def _sqlite_backup(db: Database, target: Path) -> None:
    source = sqlite3.connect(_sqlite_file(db), timeout=db.busy_timeout)
    copy = sqlite3.connect(target)
    try:
        # pages=-1: every page in one step, inside one read transaction, so
        # the copy is one committed state whatever writers do meanwhile.
        source.backup(copy, pages=-1)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        _check_integrity(copy, target)
    finally:
        copy.close()
        source.close()


def _check_integrity(conn: sqlite3.Connection, where: Path) -> None:
    rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
    if rows != ["ok"]:
        raise StoreError(
            _(
                "%(path)s: the copy is damaged: %(reasons)s",
                path=where,
                reasons="; ".join(rows[:3]),
            )
        )


def _sqlite_restore(path: Path, db: Database) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        _check_integrity(source, path)
        (restored_stamp,) = source.execute("PRAGMA user_version").fetchone()
        target = sqlite3.connect(_sqlite_file(db), timeout=db.busy_timeout)
        try:
            (stamp,) = target.execute("PRAGMA user_version").fetchone()
            # Through SQLite, page by page in one write transaction: other
            # connections (a running server) see the old register or the new.
            source.backup(target, pages=-1)
            # A stamp the register never had, so no process mistakes the
            # restored state for one it has cached (demine.store.register_version).
            newer = (max(int(stamp), int(restored_stamp)) + 1) % 2**31
            target.execute(f"PRAGMA user_version = {newer}")
            target.execute("PRAGMA journal_mode=WAL")
        finally:
            target.close()
    finally:
        source.close()


def _libpq(db: Database) -> str:
    """The register's URL as libpq (pg_dump, pg_restore) takes it."""
    url = make_url(db.url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def register_schema(db: Database) -> str:
    """The schema the register lives in: the first of its search path."""
    with db.engine.connect() as conn:
        path = str(conn.exec_driver_sql("SHOW search_path").scalar())
    for part in path.split(","):
        name = part.strip().strip('"')
        if name and name != "$user":
            return name
    return "public"


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise StoreError(
            _(
                "%(tool)s is not installed: install the PostgreSQL client "
                "(Debian: postgresql-client-15) to back up a PostgreSQL register",
                tool=name,
            )
        )
    return found


def _pg_dump(db: Database, target: Path) -> None:
    args = [
        _tool("pg_dump"),
        "--format=custom",
        "--no-owner",
        f"--schema={register_schema(db)}",
        f"--file={target}",
        f"--dbname={_libpq(db)}",
    ]
    _run(args, "pg_dump")


def _pg_restore(path: Path, db: Database) -> None:
    toc = _run([_tool("pg_restore"), "--list", str(path)], "pg_restore")
    schemas = set(re.findall(r"^\d+; \d+ \d+ SCHEMA - (\S+) ", toc, re.MULTILINE))
    schema = register_schema(db)
    if schemas and schemas != {schema}:
        raise StoreError(
            _(
                "%(path)s holds the register of schema %(schemas)s; the "
                "target's is %(schema)s: restore it where its schema is the same",
                path=path,
                schemas=", ".join(sorted(schemas)),
                schema=schema,
            )
        )
    with db.transaction(write=True) as conn:
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis")
        conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    db.dispose()
    # The schema itself stays (PostGIS may live in it): its contents are
    # replaced, table by table, in one transaction.
    kept = [
        line
        for line in toc.splitlines()
        if not re.match(r"^\d+; \d+ \d+ (SCHEMA|COMMENT) - ", line)
    ]
    with tempfile.TemporaryDirectory() as scratch:
        listing = Path(scratch) / "restore.list"
        listing.write_text("\n".join(kept) + "\n", encoding="utf-8")
        _run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                f"--use-list={listing}",
                f"--dbname={_libpq(db)}",
                str(path),
            ],
            "pg_restore",
        )


def _run(args: list[str], name: str) -> str:
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise StoreError(
            _(
                "%(tool)s failed: %(reason)s",
                tool=name,
                reason=" ".join(lines[:3]) or done.returncode,
            )
        )
    return done.stdout
