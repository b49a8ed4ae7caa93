# SPDX-License-Identifier: GPL-3.0-or-later
"""Two reviewers, a clerk and an import at once: writers queue (issue 11, defect 7).

On SQLite every transaction began deferred, so two people saving at once got
HTTP 500 "database is locked" (248 of 1,200 PATCHes) and an import beside
the server died with a traceback. Writers now queue for the write lock:
nothing reaches a user as a 500, no update is lost (a stale edit is a 409
carrying both versions), every accepted write has its audit event, and the
import finishes. The same run holds on PostGIS.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import threading
from collections import Counter
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from demine.domain.vocab import Role
from demine.store.database import Database
from demine.store.schema import AuditEvent, Hazard
from tests.conftest import PG_URL
from tests.reliability.harness import (
    demine_command,
    hazard,
    hazards_csv,
    run_cli,
    serve,
    user_token,
)

EDITS_PER_REVIEWER = 25
NEW_HAZARDS = 20
IMPORTED = 2_000


class Reviewer(threading.Thread):
    """Edits one hazard again and again: read, change the name, save."""

    def __init__(self, url: str, token: str, name: str, record: int) -> None:
        super().__init__(name=name)
        self.client = httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=120
        )
        self.record = record
        self.statuses: Counter[int] = Counter()
        self.accepted: list[str] = []
        self.conflicts_without_both = 0

    def run(self) -> None:
        path = f"/api/v1/records/hazard/{self.record}"
        with self.client:
            for i in range(EDITS_PER_REVIEWER):
                read = self.client.get(path)
                self.statuses[read.status_code] += 1
                if read.status_code != 200:
                    continue
                name = f"{self.name} {i}"
                saved = self.client.patch(
                    path,
                    json={"version": read.json()["version"], "changes": {"name": name}},
                )
                self.statuses[saved.status_code] += 1
                if saved.status_code == 200:
                    self.accepted.append(name)
                elif saved.status_code == 409:
                    body = saved.json()
                    if not (body.get("current") and body.get("submitted")):
                        self.conflicts_without_both += 1


class Clerk(threading.Thread):
    """Adds new hazards one after the other."""

    def __init__(self, url: str, token: str) -> None:
        super().__init__(name="clerk")
        self.client = httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=120
        )
        self.statuses: Counter[int] = Counter()
        self.made: list[int] = []

    def run(self) -> None:
        with self.client:
            for i in range(NEW_HAZARDS):
                answer = self.client.post(
                    "/api/v1/records/hazard",
                    json={"fields": hazard(f"New {i}", 47.0 + i * 0.01, 40.5)},
                )
                self.statuses[answer.status_code] += 1
                if answer.status_code == 201:
                    self.made.append(answer.json()["id"])


def test_writers_queue_and_nothing_is_lost(register_url: str, tmp_path: Path) -> None:
    tokens = {
        name: user_token(register_url, name, Role.REVIEWER) for name in ("ana", "bea")
    }
    clerk_token = user_token(register_url, "chief", Role.ADMIN)
    csv = hazards_csv(tmp_path / "hazards.csv", IMPORTED)
    with serve(register_url, tmp_path, workers=2) as server:
        seed = server.client(clerk_token).post(
            "/api/v1/records/hazard", json={"fields": hazard("Disputed")}
        )
        assert seed.status_code == 201, seed.text
        record = seed.json()["id"]
        reviewers = [
            Reviewer(server.url, token, name, record) for name, token in tokens.items()
        ]
        clerk = Clerk(server.url, clerk_token)
        importing = subprocess.Popen(
            demine_command("import", "hazards", str(csv), "--db", register_url),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for thread in (*reviewers, clerk):
            thread.start()
        summaries = [run_cli(register_url, "summary", "--json") for _ in range(2)]
        _, imported_err = importing.communicate(timeout=300)
        for thread in (*reviewers, clerk):
            thread.join(timeout=300)
        assert server.process.poll() is None, server.output()
        log = server.output()
    statuses = sum((r.statuses for r in reviewers), clerk.statuses)
    # Contention is never an error of the server.
    assert not [code for code in statuses if code >= 500], (statuses, log[-3000:])
    assert "database is locked" not in log
    assert importing.returncode == 0, imported_err
    assert "Traceback" not in imported_err
    assert all(s.returncode == 0 for s in summaries)
    assert set(statuses) <= {200, 201, 409}, statuses
    assert all(r.conflicts_without_both == 0 for r in reviewers)
    assert clerk.statuses == Counter({201: NEW_HAZARDS})

    accepted = sum(len(r.accepted) for r in reviewers)
    assert accepted > 0
    db = Database(register_url)
    try:
        with db.session() as session:
            disputed = session.get(Hazard, record)
            assert disputed is not None
            # No lost update: every accepted save moved the version by one,
            # and the name is the one saved last.
            assert disputed.version == 1 + accepted
            updates = session.scalars(
                select(AuditEvent)
                .where(
                    AuditEvent.entity == "hazard",
                    AuditEvent.record_id == record,
                    AuditEvent.action == "update",
                )
                .order_by(AuditEvent.id)
            ).all()
            # Audit rows equal accepted writes, in the order they were made.
            assert len(updates) == accepted
            saved_names = [e.after["name"] for e in updates]
            assert sorted(saved_names) == sorted(
                n for r in reviewers for n in r.accepted
            )
            assert [e.after["version"] for e in updates] == list(range(2, accepted + 2))
            assert disputed.name == saved_names[-1]
            creates = session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "create", AuditEvent.entity == "hazard")
            )
            assert creates == 1 + NEW_HAZARDS
            total = session.scalar(select(func.count()).select_from(Hazard))
            assert total == 1 + NEW_HAZARDS + IMPORTED
    finally:
        db.dispose()


@pytest.mark.skipif(PG_URL is not None, reason="the SQLite write lock")
def test_an_import_that_cannot_wait_says_why_in_one_line(
    register_url: str, tmp_path: Path
) -> None:
    """Another process holds the register's write lock longer than the import
    may wait: the import ends with one line saying so, and writes nothing."""
    csv = hazards_csv(tmp_path / "hazards.csv", 10)
    path = register_url.removeprefix("sqlite:///")
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        done = subprocess.run(
            demine_command("import", "hazards", str(csv), "--db", register_url),
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "DEMINE_BUSY_TIMEOUT": "0.5"},
            check=False,
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert "busy" in lines[0]
    assert "Traceback" not in done.stderr
    summary = run_cli(register_url, "summary", "--json")
    assert '"hazards": 0' in summary.stdout
