# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine backup`` while the server writes, and ``demine restore`` (issue 11).

A plain ``cp`` of a live SQLite register gave "database disk image is
malformed" twice in two tries. A backup taken while the web application
writes is one committed state of the register (every record in it was
acknowledged, the file passes ``integrity_check``), and a restored register
prints byte for byte the same ``summary --json`` and ``validate --json`` as
the register it was taken from, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.engine import make_url

from demine.domain.vocab import Role
from demine.store.database import Database, normalise_url
from demine.store.schema import Hazard
from tests.conftest import PG_URL, sqlite_register
from tests.reliability.harness import hazard, run_cli, serve, user_token

BACKUPS_WHILE_WRITING = 2


class Writer(threading.Thread):
    """Adds hazards through the API until told to stop."""

    def __init__(self, url: str, token: str) -> None:
        super().__init__(daemon=True)
        self.client = httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=120
        )
        self.stop = threading.Event()
        self.acknowledged: list[int] = []
        self.failed = 0

    def run(self) -> None:
        n = 0
        with self.client:
            while not self.stop.is_set():
                answer = self.client.post(
                    "/api/v1/records/hazard",
                    json={"fields": hazard(f"Written {n}", 47.0 + (n % 40) * 0.01)},
                )
                n += 1
                if answer.status_code == 201:
                    self.acknowledged.append(answer.json()["id"])
                else:
                    self.failed += 1


@pytest.fixture
def restore_url(tmp_path: Path) -> Iterator[str]:
    """Where a backup is restored: a new SQLite file, or a new PostgreSQL database."""
    if PG_URL is None:
        yield f"sqlite:///{tmp_path / 'restored.sqlite'}"
        return
    name = f"demine_restore_{uuid.uuid4().hex[:10]}"
    admin = create_engine(normalise_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = make_url(normalise_url(PG_URL)).set(database=name)
    yield url.render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}'"
        )
        conn.exec_driver_sql(f'DROP DATABASE "{name}"')
    admin.dispose()


def _same_register_url(original: str, target: str) -> str:
    """``target``'s database with ``original``'s options (its schema)."""
    if PG_URL is None:
        return target
    options = make_url(original).query.get("options")
    url = make_url(target)
    if options:
        url = url.update_query_dict({"options": options})
    return url.render_as_string(hide_password=False)


def hazard_ids(db_url: str) -> set[int]:
    db = Database(db_url)
    try:
        with db.session() as session:
            return set(session.scalars(select(Hazard.id)))
    finally:
        db.dispose()


def test_backups_of_a_live_register_restore_to_the_same_figures(
    register_url: str, restore_url: str, tmp_path: Path
) -> None:
    token = user_token(register_url, "ana", Role.ADMIN)
    backups = [tmp_path / f"live-{i}.backup" for i in range(BACKUPS_WHILE_WRITING)]
    with serve(register_url, tmp_path, workers=2) as server:
        writer = Writer(server.url, token)
        writer.start()
        for path in backups:
            run_cli(register_url, "backup", str(path))
        writer.stop.set()
        writer.join(timeout=120)
    assert writer.failed == 0
    assert writer.acknowledged
    target = _same_register_url(register_url, restore_url)
    for path in backups:
        if PG_URL is None:
            conn = sqlite3.connect(path)
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            conn.close()
        run_cli(target, "restore", str(path), "--replace")
        restored = hazard_ids(target)
        # One committed state: records acknowledged before it, nothing else.
        assert restored <= set(writer.acknowledged)
        assert run_cli(target, "validate", "--summary", "--json").returncode == 0
    # Once the writes are over: a backup, restored, reads as the original.
    validated = run_cli(register_url, "validate", "--json").stdout
    final = tmp_path / "final.backup"
    run_cli(register_url, "backup", str(final))
    run_cli(target, "restore", str(final), "--replace")
    assert hazard_ids(target) == set(writer.acknowledged)
    assert run_cli(target, "summary", "--json").stdout == (
        run_cli(register_url, "summary", "--json").stdout
    )
    for by in ("admin", "year"):
        assert run_cli(target, "summary", "--by", by, "--json").stdout == (
            run_cli(register_url, "summary", "--by", by, "--json").stdout
        )
    assert run_cli(target, "validate", "--json").stdout == validated


def test_restore_refuses_to_overwrite_records_unless_asked(
    register_url: str, tmp_path: Path
) -> None:
    run_cli(register_url, "demo", "--scale", "small")
    before = hazard_ids(register_url)
    path = tmp_path / "demo.backup"
    run_cli(register_url, "backup", str(path))
    refused = run_cli(register_url, "restore", str(path), check=False)
    assert refused.returncode == 1
    assert "--replace" in refused.stderr
    # Not a backup at all: said so, nothing changed.
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a register")
    wrong = run_cli(register_url, "restore", str(junk), "--replace", check=False)
    assert wrong.returncode == 1
    assert "not a" in wrong.stderr
    assert hazard_ids(register_url) == before


@pytest.mark.skipif(PG_URL is not None, reason="the SQLite file")
def test_a_backup_survives_a_writer_holding_the_lock(tmp_path: Path) -> None:
    """A reader's backup does not wait for writers, nor make them wait."""
    path = tmp_path / "register.sqlite"
    sqlite_register(path).dispose()
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("INSERT INTO public_layer (layer) VALUES ('hazard')")
        done = run_cli(str(path), "backup", str(tmp_path / "b.backup"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "backed up" in done.stdout
