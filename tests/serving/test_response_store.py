# SPDX-License-Identifier: GPL-3.0-or-later
"""Workers of one server share rendered tiles through a directory."""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from demine.api import tiles as tile_routes
from demine.server import create_app
from demine.serving.response_store import KEEP_OLD_VERSIONS_S, ResponseStore
from demine.settings import Settings
from demine.store.database import Database
from demine.store.editing import add_records
from demine.store.register_version import register_version
from demine.store.schema import ApiToken
from demine.store.schema.base import utcnow
from tests.api.conftest import Seed, square
from tests.api.test_tiles import tile_of
from tests.waiting import Arrivals


def test_store_keeps_bytes_by_version_and_drops_old_versions(tmp_path: Path) -> None:
    store = ResponseStore(tmp_path)
    store.put("v1", ("hazard", 8, 1, 2, "approved"), b"tile one")
    assert store.get("v1", ("hazard", 8, 1, 2, "approved")) == b"tile one"
    assert store.get("v1", ("hazard", 8, 1, 2, "all")) is None
    assert store.get("v2", ("hazard", 8, 1, 2, "approved")) is None
    # A version a minute old goes when another version is first written.
    old = time.time() - KEEP_OLD_VERSIONS_S - 5
    os.utime(tmp_path / "v1", (old, old))
    store.put("v2", ("hazard", 8, 1, 2, "approved"), b"tile two")
    assert not (tmp_path / "v1").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["v2"]
    # No scratch files are left behind.
    assert all("." not in p.name for p in tmp_path.rglob("*") if p.is_file())


def test_a_process_that_wrote_does_not_share_until_it_knows_the_version(
    db: Database, seed: Seed
) -> None:
    tracker = register_version(db)
    version = tracker.current()
    agreed = tracker.shared(version)
    assert agreed == version.partition(".")[2]
    add_records(
        db,
        "hazard",
        [{"hazard_class": "sha", "status": "open", "geom": square(47.2, 40.2)}],
    )
    after = tracker.current()
    assert after != version
    if db.dialect == "postgresql":
        # The server's counters are read at most once a second: until then
        # this process, which wrote, keeps to its own memory cache.
        assert tracker.shared(after) is None
    else:
        # SQLite's files changed at once for every process.
        assert tracker.shared(after) not in (None, agreed)


def test_a_second_worker_serves_the_first_workers_tile(
    db: Database, seed: Seed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    renders: list[Any] = []
    real = tile_routes.render_tile

    def counted(*args: Any) -> bytes:
        renders.append(args[2:5])
        return real(*args)

    monkeypatch.setattr(tile_routes, "render_tile", counted)
    settings = Settings(
        database_url=db.url, secret_key="k", shared_cache_dir=str(tmp_path)
    )
    headers = {"Authorization": f"Bearer {seed.tokens['viewer']}"}
    # The tokens' last use is fresh, so no request writes it (a write moves
    # the register's version and would key the tile anew).
    with db.transaction(write=True) as conn:
        conn.execute(update(ApiToken).values(last_used_at=utcnow()))
    first, second = (
        TestClient(create_app(settings, db), headers=headers) for _ in range(2)
    )
    x, y = tile_of(46.705, 39.805, 14)
    path = f"/tiles/hazard/14/{x}/{y}.mvt"
    # PostgreSQL: the seed was written by this process; read the counters.
    monkeypatch.setattr(register_version(db), "_checked", float("-inf"))
    tile = first.get(path).content
    assert tile
    assert second.get(path).content == tile
    assert len(renders) == 1
    # Readers who may see more never get the viewers' tile.
    reviewer = {"Authorization": f"Bearer {seed.tokens['reviewer']}"}
    second.get(path, headers=reviewer)
    assert len(renders) == 2


def test_requests_arriving_together_read_postgresql_once(
    db: Database, seed: Seed, monkeypatch: pytest.MonkeyPatch
) -> None:
    if db.dialect != "postgresql":
        pytest.skip("SQLite's version is its files' state, read on every call")
    tracker = register_version(db)
    tracker.current()
    readings: list[int] = []
    real = tracker._refresh
    arrivals = Arrivals()

    def slow() -> None:
        readings.append(1)
        arrivals.wait(10)  # until every request has asked
        real()

    def ask(_: int) -> int:
        arrivals.arrive()
        return tracker.current()

    monkeypatch.setattr(tracker, "_refresh", slow)
    monkeypatch.setattr(tracker, "_checked", time.monotonic() - 5)  # due now
    with ThreadPoolExecutor(10) as pool:
        versions = set(pool.map(ask, range(10)))
    assert len(readings) == 1
    # The others kept the previous reading: one version, not twenty.
    assert len(versions) <= 2
