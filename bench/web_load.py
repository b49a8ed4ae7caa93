# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: the web application under 20 concurrent clients on loopback.

Loads the demo register, serves it with uvicorn, and drives it with ``wrk``
(Debian package ``wrk``): vector tiles over the hazards and bbox feature
queries (OGC API - Features). On PostGIS it also times the bare ``ST_AsMVT``
query for the same tiles, so the HTTP overhead shows. Targets (issue 4):
tile p95 <= 50 ms, feature query p95 <= 100 ms.

    python bench/web_load.py [--scale medium] [--postgis URL] [--duration 15]
                             [--workers N]
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import create_engine

from demine.api import create_app
from demine.api.live import live_server
from demine.demo import generate
from demine.domain.vocab import Role
from demine.settings import Settings
from demine.store.database import Database, normalise_url
from demine.store.listing import list_records
from demine.store.loading import load_register
from demine.store.tiles import render_tile
from demine.store.users import add_user, create_token

LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1],
    {["Authorization"] = "Bearer %s"})
end
done = function(summary, latency, requests)
  local bad = summary.errors.status + summary.errors.connect
    + summary.errors.read + summary.errors.timeout
  io.write(string.format("RESULT %%.1f %%.1f %%.1f %%d %%d\\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.requests, bad))
end
"""


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def sample_places(db: Database, n: int, seed: int = 1) -> list[tuple[float, float]]:
    """Centres of ``n`` random hazards: where users look."""
    rows, _ = list_records(db, "hazard", None, limit=5000)
    rng = np.random.default_rng(seed)
    picks = rng.choice(len(rows), size=min(n, len(rows)), replace=False)
    out = []
    for i in picks:
        ring = rows[int(i)]["geom"]["coordinates"][0][0]
        out.append((float(ring[0][0]), float(ring[0][1])))
    return out


def wrk(url: str, paths: list[str], token: str, args: argparse.Namespace) -> str:
    quoted = ", ".join(f'"{p}"' for p in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % (quoted, token))
    result = subprocess.run(
        [
            "wrk",
            "-t",
            "4",
            "-c",
            str(args.clients),
            "-d",
            f"{args.duration}s",
            "-s",
            script.name,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    Path(script.name).unlink()
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("RESULT"))
    p50, p95, p99, n, bad = line.split()[1:]
    return (
        f"p50 {p50} ms  p95 {p95} ms  p99 {p99} ms  ({int(n):,} requests, {bad} errors)"
    )


def bare_tiles(db: Database, tiles: list[tuple[int, int, int]]) -> str:
    times = []
    for z, x, y in tiles:
        started = time.perf_counter()
        render_tile(db, "hazard", z, x, y, None)
        times.append((time.perf_counter() - started) * 1000)
    p50, p95 = np.percentile(times, [50, 95])
    return f"p50 {p50:.1f} ms  p95 {p95:.1f} ms  (one client, {len(times)} tiles)"


@contextmanager
def served(app: Any, server_url: str, workers: int) -> Iterator[str]:
    """The app in-process (one worker), or ``demine serve --workers N``."""
    if workers == 1:
        with live_server(app) as url:
            yield url
        return
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "DEMINE_DATABASE_URL": server_url}
    cmd = [sys.executable, "-m", "demine", "serve", "--port", str(port)]
    proc = subprocess.Popen(
        [*cmd, "--workers", str(workers)], env=env, stdout=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{url}/login", timeout=1):
                    break
            except OSError:
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def run(
    db: Database, frames: dict[str, Any], args: argparse.Namespace, server_url: str
) -> None:
    db.upgrade()
    load_register(db, frames)
    user = add_user(db, f"bench-{uuid.uuid4().hex[:6]}", "bench-password", Role.VIEWER)
    token = create_token(db, user.id, "bench")
    places = sample_places(db, 200)
    tiles = sorted(
        {(z, *tile_of(lon, lat, z)) for lon, lat in places for z in (10, 12)}
    )
    tile_paths = [f"/tiles/hazard/{z}/{x}/{y}.mvt" for z, x, y in tiles]
    item_paths = [
        f"/ogc/collections/hazards/items?limit=100&bbox={lon - 0.05:.4f},"
        f"{lat - 0.05:.4f},{lon + 0.05:.4f},{lat + 0.05:.4f}"
        for lon, lat in places
    ]
    app = create_app(Settings(database_url=db.url, secret_key="bench"), db)
    print(f"  tiles: {len(tiles)} distinct, feature queries: {len(item_paths)}")
    print(f"  bare tile query (store)  {bare_tiles(db, tiles)}")
    with served(app, server_url, args.workers) as url:
        print(f"  tiles, {args.clients} clients    {wrk(url, tile_paths, token, args)}")
        print(f"  features, {args.clients} clients {wrk(url, item_paths, token, args)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="medium")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgis", help="PostgreSQL URL (a schema is made)")
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument(
        "--workers", type=int, default=1, help="> 1: demine serve --workers N"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian package wrk)")
    frames = generate(args.scale, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        print(f"SQLite, {args.scale}")
        db = Database(str(Path(tmp) / "register.sqlite"))
        try:
            run(db, frames, args, db.url)
        finally:
            db.dispose()
    if args.postgis:
        print(f"PostGIS, {args.scale}")
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(normalise_url(args.postgis))
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        db = Database(args.postgis, schema=schema)
        sep = "&" if "?" in args.postgis else "?"
        server_url = f"{args.postgis}{sep}options=-csearch_path%3D{schema}%2Cpublic"
        try:
            run(db, frames, args, server_url)
        finally:
            db.dispose()
            with admin.begin() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            admin.dispose()


if __name__ == "__main__":
    main()
