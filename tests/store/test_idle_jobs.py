# SPDX-License-Identifier: GPL-3.0-or-later
"""A server's job runner asks for work twice a second; finding none must not
count as a write, or the register version moves and every cache kept by it
(tiles, dashboard, pages) is thrown away twice a second."""

from __future__ import annotations

import datetime as dt
import re

from demine.store import jobs
from demine.store.database import Database
from demine.store.register_version import register_version


def _local(version: str) -> str:
    return re.split(r"[-.]", version)[0]


def test_an_idle_job_runner_leaves_the_register_version_alone(db: Database) -> None:
    tracker = register_version(db)
    before = tracker.current()
    for _ in range(3):
        assert jobs.claim(db, "idle-worker", dt.timedelta(minutes=2)) is None
        jobs.forget_old(db, dt.timedelta(hours=24))
    after = tracker.current()
    assert _local(after) == _local(before)
    if db.dialect == "sqlite":
        assert after == before
