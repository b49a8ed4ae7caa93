# SPDX-License-Identifier: GPL-3.0-or-later
"""kill -9 in the middle of writes leaves the register before or after, never between.

A few seeded trials of each command here (the CI run); ``bench/reliability.py``
runs twenty and more of each and reports the figures in ``bench/README.md``.
Each trial copies a register in a known state, kills the command at a random
moment, and checks ``PRAGMA integrity_check``, the register's fingerprint
(that of before or of after the command, nothing else) and that
``demine validate`` runs (:mod:`tests.reliability.crash`).

SQLite only: a PostgreSQL client killed mid-transaction leaves nothing
behind by the server's own guarantee, and ``integrity_check`` is SQLite's.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import PG_URL, sqlite_register
from tests.reliability.crash import (
    copy_register,
    crash_trials,
    fingerprint,
    integrity,
    run_to_end,
    web_crash_trials,
)
from tests.reliability.harness import demine_command, hazards_csv, run_cli

pytestmark = pytest.mark.skipif(
    PG_URL is not None, reason="kill -9 trials are of the SQLite file"
)
TRIALS = 2
SEED = 11


@pytest.fixture(scope="module")
def demo_register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo register, built once for the module's trials."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    sqlite_register(path).dispose()
    run_cli(str(path), "demo", "--scale", "small", "--seed", "1")
    return path


def _assert_held(report: object) -> None:
    assert report.failures == [], report.line()  # type: ignore[attr-defined]


def test_kill_during_import(tmp_path: Path) -> None:
    before = tmp_path / "empty.sqlite"
    sqlite_register(before).dispose()
    csv = hazards_csv(tmp_path / "hazards.csv", 5_000)
    report = crash_trials(
        "import",
        before,
        ["import", "hazards", str(csv)],
        tmp_path,
        trials=TRIALS,
        seed=SEED,
    )
    _assert_held(report)


def test_kill_during_repair(demo_register: Path, tmp_path: Path) -> None:
    report = crash_trials(
        "validate --repair",
        demo_register,
        ["validate", "--repair", "--summary"],
        tmp_path,
        trials=TRIALS,
        seed=SEED,
    )
    _assert_held(report)


def test_kill_during_demo(tmp_path: Path) -> None:
    before = tmp_path / "empty.sqlite"
    sqlite_register(before).dispose()
    report = crash_trials(
        "demo",
        before,
        ["demo", "--scale", "small", "--seed", "2"],
        tmp_path,
        trials=1,
        seed=SEED,
    )
    _assert_held(report)


def test_kill_the_demo_as_soon_as_its_tables_show(tmp_path: Path) -> None:
    """The demo loads its tables, then plays the QA programme through the core
    a transaction at a time: killed the moment any hazard is visible, the
    register must already be the whole demo (a random kill found it between
    once in twenty trials)."""
    before = tmp_path / "empty.sqlite"
    sqlite_register(before).dispose()
    command = ["demo", "--scale", "small", "--seed", "2"]
    finished = tmp_path / "after.sqlite"
    copy_register(before, finished)
    run_to_end(command, finished, tmp_path)
    target = tmp_path / "killed.sqlite"
    copy_register(before, target)
    process = subprocess.Popen(
        demine_command(*command, "--db", str(target)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 600
    try:
        while process.poll() is None and not _hazards(target):
            assert time.monotonic() < deadline, "the demo never loaded"
            time.sleep(0.01)  # polling interval, not a wait for an outcome
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert integrity(target) == "ok"
    assert fingerprint(target) in (fingerprint(before), fingerprint(finished))


def _hazards(path: Path) -> int:
    """Hazards another connection sees in the register (read through SQLite)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        return int(conn.execute("SELECT count(*) FROM hazard").fetchone()[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def risk_lattice(path: Path) -> Path:
    """Risk scores on a regular lattice over the demo region (cell centres)."""
    lon, lat = np.meshgrid(
        np.arange(46.4, 47.6, 0.01), np.arange(39.4, 40.4, 0.01), indexing="xy"
    )
    rng = np.random.default_rng(SEED)
    frame = pd.DataFrame(
        {
            "lon": lon.ravel().round(4),
            "lat": lat.ravel().round(4),
            "risk": rng.uniform(0, 1, lon.size).round(4),
        }
    )
    frame.to_csv(path, index=False)
    return path


def test_kill_during_predict_publish(demo_register: Path, tmp_path: Path) -> None:
    scores = risk_lattice(tmp_path / "risk.csv")
    before = tmp_path / "published.sqlite"
    copy_register(demo_register, before)
    run_cli(str(before), "predict", "publish", str(scores), "--model", "first")
    report = crash_trials(
        "predict publish",
        before,
        ["predict", "publish", str(scores), "--model", "second"],
        tmp_path,
        trials=TRIALS,
        seed=SEED,
    )
    _assert_held(report)


def test_kill_the_server_during_web_writes(tmp_path: Path) -> None:
    before = tmp_path / "empty.sqlite"
    sqlite_register(before).dispose()
    report = web_crash_trials(before, tmp_path, trials=2, seed=SEED)
    _assert_held(report)
    assert report.after == 2
