# SPDX-License-Identifier: GPL-3.0-or-later
"""kill -9 at seeded random moments, and what the register looks like after.

A trial copies a register in a known state ("before"), starts a command on
the copy, kills it with SIGKILL after a random delay (seeded, uniform over
the command's full run time, so some trials kill it starting up, most in
the middle, a few not at all), and takes the register's fingerprint. The
fingerprint must be the one of "before" or of "after" (the same command run
to the end on another copy), never anything between; SQLite's
``integrity_check`` must say ok; ``demine validate`` must run.

The SQLite file is copied with SQLite's backup API, never with ``cp``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from demine.analysis.summary import national_summary
from demine.domain.vocab import Role
from demine.store.database import Database
from demine.store.schema import LOAD_ORDER
from tests.reliability.harness import demine_command, run_cli, serve, user_token

# Tables beyond the records whose state a command may change.
DERIVED_TABLES = ("geometry_repair", "risk_cell", "hazard_risk")
# Columns that differ between two runs of the same command and mean nothing
# for the state (random uids of imported rows, clocks).
VOLATILE = ("uid", "created_at", "updated_at", "scored_at", "repaired_at")


def copy_register(source: Path, target: Path) -> None:
    """Copy a SQLite register through SQLite (its backup API)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst, pages=-1)
    finally:
        dst.close()
        src.close()


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return "; ".join(r[0] for r in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()


def fingerprint(path: Path) -> str:
    """A digest of the register's content, blind to clocks and random uids.

    Every register table, the repair log and the published risk, row by row
    in id order, and the national summary.
    """
    conn = sqlite3.connect(path)
    digest = hashlib.blake2b(digest_size=16)
    try:
        for name in (*LOAD_ORDER, *DERIVED_TABLES):
            columns = [
                r[1]
                for r in conn.execute(f'PRAGMA table_info("{name}")')
                if r[1] not in VOLATILE
            ]
            listed = ", ".join(f'"{c}"' for c in columns)
            digest.update(name.encode())
            for row in conn.execute(f'SELECT {listed} FROM "{name}" ORDER BY rowid'):
                digest.update(repr(row).encode())
    finally:
        conn.close()
    db = Database(str(path))
    try:
        with db.transaction() as tx:
            summary = national_summary(tx)
    finally:
        db.dispose()
    digest.update(json.dumps(summary, sort_keys=True).encode())
    return digest.hexdigest()


@dataclass
class CrashReport:
    """The trials of one command: how each ended and what it left."""

    name: str
    seconds_full_run: float = 0.0
    killed: int = 0
    finished: int = 0
    before: int = 0
    after: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def trials(self) -> int:
        return self.killed + self.finished

    def line(self) -> str:
        return (
            f"{self.name}: {self.trials} trials ({self.killed} killed mid-run, "
            f"{self.finished} finished first), state before {self.before}, "
            f"after {self.after}, failures {len(self.failures)}"
        )


def run_to_end(command: Sequence[str], db: Path, folder: Path) -> float:
    """Run ``command`` on ``db`` to the end; its wall time in seconds."""
    started = time.perf_counter()
    run_cli(str(db), *command, timeout=900)
    return time.perf_counter() - started


def crash_trials(
    name: str,
    before: Path,
    command: Sequence[str],
    folder: Path,
    *,
    trials: int,
    seed: int,
) -> CrashReport:
    """At least ``trials`` kills of ``demine COMMAND`` on copies of ``before``.

    The kill moment is uniform over the command's run time, measured on a
    full run first; a trial whose command finishes before its kill (the
    machine got faster) counts too, and shortens the window for the next.
    """
    report = CrashReport(name)
    expected_before = fingerprint(before)
    finished = folder / f"{name}-after.sqlite"
    copy_register(before, finished)
    report.seconds_full_run = run_to_end(command, finished, folder)
    expected_after = fingerprint(finished)
    rng = np.random.default_rng(seed)
    window = report.seconds_full_run
    trial = 0
    while report.killed < trials and trial < 3 * trials:
        target = folder / f"{name}-{trial}.sqlite"
        copy_register(before, target)
        delay = float(rng.uniform(0.0, window))
        started = time.perf_counter()
        process = subprocess.Popen(
            demine_command(*command, "--db", str(target)),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            process.wait(timeout=delay)
            report.finished += 1
            window = min(window, time.perf_counter() - started)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            report.killed += 1
        _judge(report, trial, target, expected_before, expected_after, delay)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        trial += 1
    return report


def _judge(
    report: CrashReport,
    trial: int,
    target: Path,
    expected_before: str,
    expected_after: str,
    delay: float,
) -> None:
    where = f"{report.name} trial {trial} (kill at {delay:.2f} s)"
    checked = integrity(target)
    if checked != "ok":
        report.failures.append(f"{where}: integrity_check: {checked}")
        return
    state = fingerprint(target)
    if state == expected_before:
        report.before += 1
    elif state == expected_after:
        report.after += 1
    else:
        report.failures.append(f"{where}: the register is neither before nor after")
    validated = run_cli(str(target), "validate", "--summary", "--json", check=False)
    if validated.returncode != 0:
        report.failures.append(f"{where}: validate failed: {validated.stderr[-300:]}")


def accident_form(token: str, n: int) -> dict[str, str]:
    """An accident with two victims, as the web form posts it."""
    return {
        "csrf_token": token,
        "accident_type": "non_demining",
        "occurred_on": "2025-06-02",
        "description": f"Accident {n}",
        "geom_lon": f"{47.0 + (n % 50) * 0.002:.3f}",
        "geom_lat": "40.005",
        "victims-0-outcome": "injured",
        "victims-0-sex": "male",
        "victims-1-outcome": "killed",
        "victims-1-sex": "female",
    }


def log_in(client: Any, username: str, password: str) -> str:
    """Log ``client`` in through the login form; the session's CSRF token."""
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token[1]},
    )
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/new").text)
    assert found is not None, "the login did not hold"
    return found[1]


class FormWriter(threading.Thread):
    """Posts accident forms until the server dies; keeps the acknowledged ids."""

    def __init__(self, url: str, username: str, password: str) -> None:
        super().__init__(daemon=True)
        # A loaded machine answers slowly: only the kill ends the writes.
        self.client = httpx.Client(base_url=url, timeout=600)
        self.token = log_in(self.client, username, password)
        self.acknowledged: list[int] = []
        self.first = threading.Event()
        self.error = ""

    def run(self) -> None:
        # The login opened the client already: close it, do not enter it again.
        try:
            self._post_until_killed()
        finally:
            self.client.close()

    def _post_until_killed(self) -> None:
        n = 0
        while True:
            try:
                answer = self.client.post(
                    "/accidents/new",
                    data=accident_form(self.token, n),
                    follow_redirects=False,
                )
            except httpx.HTTPError as exc:
                self.error = repr(exc)
                return
            n += 1
            if answer.status_code != 303 and not self.acknowledged:
                self.error = f"HTTP {answer.status_code}: {answer.text[:300]}"
                return
            if answer.status_code == 303:
                location = answer.headers["location"]
                self.acknowledged.append(int(location.rsplit("/", 1)[1]))
                self.first.set()


def web_crash_trials(
    before: Path, folder: Path, *, trials: int, seed: int
) -> CrashReport:
    """kill -9 of a running server (every worker) while a form writes records.

    After each, every acknowledged accident is in the register with both its
    victims, and no accident is without them (the form writes a record and
    its rows in one transaction).
    """
    report = CrashReport("web write")
    rng = np.random.default_rng(seed)
    for trial in range(trials):
        target = folder / f"web-{trial}.sqlite"
        copy_register(before, target)
        user_token(str(target), f"writer{trial}", Role.ADMIN)
        password = f"writer{trial}-password-long"
        with serve(str(target), folder, workers=2) as server:
            writer = FormWriter(server.url, f"writer{trial}", password)
            writer.start()
            while not writer.first.wait(timeout=1):
                if not writer.is_alive():
                    break
            if not writer.first.is_set():
                report.failures.append(
                    f"web trial {trial}: no write was accepted: {writer.error}\n"
                    + server.output()[-1500:]
                )
                continue
            delay = float(rng.uniform(0.0, 2.0))
            started = time.perf_counter()
            writer.join(timeout=delay)
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait()
            report.seconds_full_run = max(
                report.seconds_full_run, time.perf_counter() - started
            )
            writer.join(timeout=60)
        report.killed += 1
        _judge_web(report, trial, target, writer.acknowledged)
    return report


def _judge_web(
    report: CrashReport, trial: int, target: Path, acknowledged: list[int]
) -> None:
    where = f"web trial {trial}"
    checked = integrity(target)
    if checked != "ok":
        report.failures.append(f"{where}: integrity_check: {checked}")
        return
    conn = sqlite3.connect(target)
    try:
        victims = dict(
            conn.execute(
                "SELECT a.id, count(v.id) FROM accident a "
                "LEFT JOIN victim v ON v.accident_id = a.id GROUP BY a.id"
            ).fetchall()
        )
    finally:
        conn.close()
    lost = sorted(set(acknowledged) - set(victims))
    partial = sorted(a for a, n in victims.items() if n != 2)
    if lost:
        report.failures.append(f"{where}: acknowledged accidents lost: {lost[:5]}")
    if partial:
        report.failures.append(f"{where}: accidents without both victims: {partial}")
    if not lost and not partial:
        report.after += 1
    validated = run_cli(str(target), "validate", "--summary", "--json", check=False)
    if validated.returncode != 0:
        report.failures.append(f"{where}: validate failed: {validated.stderr[-300:]}")
