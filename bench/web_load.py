# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: the web application under 20 concurrent clients on loopback.

Serves an existing register with ``demine serve`` and drives it with ``wrk``
(Debian package ``wrk``): vector tiles of the hazard layer (``--layers``: or
several, as a map screen asks for) at zooms 8-14 around random hazards, and
bbox feature queries (OGC API - Features, limit 100). Each workload is
measured twice: a cold pass (every tile or page asked once, 20 at a time, by
an asyncio client: every request renders) and then ``wrk`` for
``--duration`` seconds over the same requests (the server's cache warm). It
also times the store's own tile function for the same tiles (on PostGIS that
is the bare ``ST_AsMVT`` query), one client, so the HTTP overhead shows.
Targets (issue 4): tile p95 <= 50 ms, feature query p95 <= 100 ms.

    demine demo --scale medium --db /tmp/webspeed-medium.sqlite
    python bench/web_load.py --db /tmp/webspeed-medium.sqlite [--workers 2]
        [--layers hazard,release,eo_item,accident]
"""

from __future__ import annotations

import argparse
import asyncio
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

import httpx
import numpy as np
from sqlalchemy import select

from demine.domain.vocab import ReviewState, Role
from demine.store.database import Database
from demine.store.schema import Hazard
from demine.store.tiles import render_tile
from demine.store.users import Principal, add_user, create_token

LUA = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1],
    {["Authorization"] = "Bearer %s"})
end
done = function(summary, latency, requests)
  local bad = summary.errors.status + summary.errors.connect
    + summary.errors.read + summary.errors.timeout
  io.write(string.format("RESULT %%.1f %%.1f %%.1f %%d %%d %%.0f\\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.requests, bad,
    summary.requests / (summary.duration / 1e6)))
end
"""


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def sample_places(db: Database, n: int, seed: int = 1) -> list[tuple[float, float]]:
    """Centres of ``n`` random approved hazards: where users look."""
    centre = select(
        (Hazard.min_lon + Hazard.max_lon) / 2, (Hazard.min_lat + Hazard.max_lat) / 2
    ).where(Hazard.review_state == ReviewState.APPROVED, Hazard.min_lon.is_not(None))
    with db.transaction() as conn:
        rows = conn.execute(centre.order_by(Hazard.id)).all()
    rng = np.random.default_rng(seed)
    picks = rng.choice(len(rows), size=min(n, len(rows)), replace=False)
    return [(float(rows[i][0]), float(rows[i][1])) for i in picks]


def percentiles(times_ms: list[float]) -> str:
    p50, p95, p99 = np.percentile(times_ms, [50, 95, 99])
    return f"p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  p99 {p99:7.1f} ms"


def load_average() -> str:
    return "load average " + " ".join(f"{v:.2f}" for v in os.getloadavg())


def bare_tiles(
    db: Database, tiles: list[tuple[str, int, int, int]], who: Principal
) -> str:
    times = []
    for layer, z, x, y in tiles:
        started = time.perf_counter()
        render_tile(db, layer, z, x, y, who)
        times.append((time.perf_counter() - started) * 1000)
    return (
        f"{percentiles(times)}  max {max(times):7.1f} ms"
        f"  (one client, {len(times)} tiles)"
    )


async def _cold(
    url: str, paths: list[str], token: str, clients: int
) -> tuple[list[float], int]:
    headers = {"Authorization": f"Bearer {token}"}
    times: list[float] = []
    errors: list[str] = []
    queue = list(reversed(paths))
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(
        base_url=url, headers=headers, timeout=300, limits=limits
    ) as client:

        async def worker() -> None:
            while queue:
                path = queue.pop()
                started = time.perf_counter()
                try:
                    response = await client.get(path)
                    response.raise_for_status()
                except httpx.HTTPError as exc:
                    errors.append(f"{path}: {exc!r}")
                    continue
                times.append((time.perf_counter() - started) * 1000)

        await asyncio.gather(*(worker() for _ in range(clients)))
    for error in errors[:3]:
        print(f"  error: {error}", file=sys.stderr)
    return times, len(errors)


def cold_pass(url: str, paths: list[str], token: str, clients: int) -> str:
    started = time.perf_counter()
    times, errors = asyncio.run(_cold(url, paths, token, clients))
    rate = len(times) / (time.perf_counter() - started)
    return (
        f"{percentiles(times)}  {rate:6.0f} req/s"
        f"  ({len(times)} requests, {errors} errors)"
    )


def wrk(url: str, paths: list[str], token: str, args: argparse.Namespace) -> str:
    with tempfile.TemporaryDirectory(prefix="webspeed-") as tmp:
        listing = Path(tmp) / "paths.txt"
        listing.write_text("\n".join(paths) + "\n")
        script = Path(tmp) / "load.lua"
        script.write_text(LUA % (listing, token))
        result = subprocess.run(
            [
                "wrk",
                "-t",
                "4",
                "-c",
                str(args.clients),
                "-d",
                f"{args.duration}s",
                "--timeout",
                "30s",
                "-s",
                str(script),
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("RESULT"))
    p50, p95, p99, n, bad, rate = line.split()[1:]
    return (
        f"p50 {float(p50):7.1f} ms  p95 {float(p95):7.1f} ms  p99 {float(p99):7.1f} ms"
        f"  {float(rate):6.0f} req/s  ({int(n):,} requests, {bad} errors)"
    )


@contextmanager
def served(db_url: str, workers: int) -> Iterator[str]:
    """``demine serve --workers N --no-access-log`` on a free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "DEMINE_SECRET_KEY": uuid.uuid4().hex}
    cmd = [sys.executable, "-m", "demine", "serve", "--db", db_url]
    cmd += ["--port", str(port), "--workers", str(workers), "--no-access-log"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                with urllib.request.urlopen(f"{url}/login", timeout=1):
                    break
            except OSError:
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def overviews(db: Database) -> str:
    """The precomputed low-zoom overviews brought up to date first, as the
    demo build leaves them (issue 20); absent before them."""
    try:
        from demine.store.overview_cells import refresh_overviews
    except ImportError:
        return "no precomputed overviews (before issue 20)"
    started = time.perf_counter()
    rebuilt = refresh_overviews(db)
    took = time.perf_counter() - started
    return f"overviews rebuilt: {', '.join(rebuilt) or 'none'} ({took:.1f} s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="register: SQLite file or URL")
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--places", type=int, default=200)
    parser.add_argument(
        "--only", choices=("tiles", "features"), help="run one workload only"
    )
    parser.add_argument(
        "--zooms", default="8-14", help="tile zooms, FIRST-LAST (default 8-14)"
    )
    parser.add_argument(
        "--bare-only",
        action="store_true",
        help="time the store's tile function only (no server, no wrk)",
    )
    parser.add_argument(
        "--layers",
        default="hazard",
        help="tile layers, comma-separated (a map screen asks for all record layers)",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian package wrk)")
    db = Database(args.db)
    db.require_initialised()
    db.upgrade()
    print(f"  {overviews(db)}")
    user = add_user(db, f"bench-{uuid.uuid4().hex[:6]}", "bench-password", Role.VIEWER)
    token = create_token(db, user.id, "bench")
    places = sample_places(db, args.places)
    layers = args.layers.split(",")
    first, last = (int(v) for v in args.zooms.split("-"))
    zooms = range(first, last + 1)
    grid = sorted({(z, *tile_of(lon, lat, z)) for lon, lat in places for z in zooms})
    tiles = [(layer, z, x, y) for z, x, y in grid for layer in layers]
    tile_paths = [f"/tiles/{layer}/{z}/{x}/{y}.mvt" for layer, z, x, y in tiles]
    item_paths = [
        f"/ogc/collections/hazards/items?limit=100&bbox={lon - 0.05:.4f},"
        f"{lat - 0.05:.4f},{lon + 0.05:.4f},{lat + 0.05:.4f}"
        for lon, lat in places
    ]
    print(f"{db.describe()}: {args.workers} worker(s), {args.clients} clients")
    print(
        f"  {len(tiles)} distinct tiles (z{args.zooms}, {args.layers}),"
        f" {len(item_paths)} feature queries"
    )
    how = "ST_AsMVT" if db.dialect == "postgresql" else "Shapely + NumPy encoder"
    print(f"  bare tile ({how})  {bare_tiles(db, tiles, user)}")
    print(f"  {load_average()}")
    db.dispose()
    if args.bare_only:
        return
    with served(args.db, args.workers) as url:
        workloads = (("tiles", tile_paths), ("features", item_paths))
        for name, paths in workloads:
            if args.only and name != args.only:
                continue
            print(f"  {name:8} cold pass  {cold_pass(url, paths, token, args.clients)}")
            print(f"  {load_average()}")
            # Each worker keeps its own cache: the first run still fills them.
            for phase in ("filling", "warm"):
                result = wrk(url, paths, token, args)
                print(f"  {name:8} wrk {args.duration} s, {phase:7}  {result}")
                print(f"  {load_average()}")


if __name__ == "__main__":
    main()
