# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: how long the web pages take, cold and warm, through a real server.

Serves an existing register with ``demine serve --workers N`` and asks, as a
reviewer (bearer token), for the dashboard (plain and filtered), the
priorities, the forecast, the casualties, the review queue, a hazard's and an
accident's record pages and the map page, one request at a time:

* **cold, after start**: the first request of each page after the server
  started (nothing computed yet);
* **cold, after a write**: the first request of each page after a hazard was
  added through the API (it stays in the register: run on a copy); the
  register version moved, so every cache keyed by it is stale;
* **warm**: ``--repeat`` requests of each page after that (the first ones per
  worker are not counted), median and p95.

Targets (issue 20, national register): each page <= 1 s warm, <= 3 s cold;
(issue 12, medium register): <= 300 ms warm.

    demine demo --scale national --db /tmp/national.sqlite
    python bench/pages.py --db /tmp/national.sqlite [--workers 2] [--repeat 10]
    python bench/pages.py --db postgresql+psycopg://USER:PW@HOST/DB
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from pathlib import Path

import httpx
import numpy as np
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_load import load_average, served

from demine.domain.vocab import ReviewState, Role
from demine.store.database import Database
from demine.store.schema import Accident, Hazard, Release
from demine.store.users import add_user, create_token

NEW_HAZARD = {
    "name": "Benchmark write",
    "hazard_class": "sha",
    "status": "open",
    "geom": {
        "type": "Polygon",
        "coordinates": [
            [
                [46.9, 39.9],
                [46.901, 39.9],
                [46.901, 39.901],
                [46.9, 39.901],
                [46.9, 39.9],
            ]
        ],
    },
}


def pages(db: Database) -> dict[str, str]:
    """The pages measured: name -> path (record pages of busy records)."""
    with db.transaction() as conn:
        busiest = conn.execute(
            select(Release.hazard_id)
            .group_by(Release.hazard_id)
            .order_by(func.count().desc())
            .limit(1)
        ).scalar()
        hazard = busiest or conn.execute(select(func.min(Hazard.id))).scalar()
        accident = conn.execute(
            select(func.min(Accident.id)).where(
                Accident.review_state == ReviewState.APPROVED
            )
        ).scalar()
    shown = {
        "dashboard": "/dashboard",
        "dashboard, 12 months, one organisation": (
            "/dashboard?period=12m&organisation=1"
        ),
        "priorities": "/priorities",
        "forecast": "/forecast",
        "casualties": "/casualties",
        "review queue": "/review",
        "hazard record": f"/records/hazard/{hazard}",
        "map": "/map",
    }
    if accident is not None:
        shown["accident record"] = f"/records/accident/{accident}"
    return shown


def timed(client: httpx.Client, path: str) -> float:
    started = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{path}: HTTP {response.status_code}\n{response.text[:500]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="register: SQLite file or URL")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    db = Database(args.db)
    db.require_initialised()
    db.upgrade()
    user = add_user(db, f"bench-{uuid.uuid4().hex[:6]}", "bench-password", Role.ADMIN)
    token = create_token(db, user.id, "bench")
    shown = pages(db)
    print(f"{db.describe()}: {args.workers} worker(s), {load_average()}")
    postgres = db.dialect == "postgresql"
    db.dispose()
    results: dict[str, dict[str, float]] = {name: {} for name in shown}
    headers = {"Authorization": f"Bearer {token}"}
    with (
        served(args.db, args.workers) as url,
        httpx.Client(base_url=url, headers=headers, timeout=600) as client,
    ):
        for name, path in shown.items():
            results[name]["start"] = timed(client, path)
        made = client.post("/api/v1/records/hazard", json={"fields": NEW_HAZARD})
        if made.status_code != 201:
            raise SystemExit(f"write failed: {made.status_code} {made.text[:300]}")
        if postgres and args.workers > 1:
            # The other worker reads PostgreSQL's counters once a second.
            time.sleep(1.5)
        for name, path in shown.items():
            results[name]["write"] = timed(client, path)
        for name, path in shown.items():
            for _ in range(2 * args.workers):
                timed(client, path)  # every worker's first ask
            times = [timed(client, path) for _ in range(args.repeat)]
            results[name]["p50"] = float(np.median(times))
            results[name]["p95"] = float(np.percentile(times, 95))
    print(f"  {load_average()}")
    head = f"{'cold start':>11} {'cold write':>11} {'warm p50':>9} {'p95':>9}"
    print(f"  {'page':42} {head}")
    for name, r in results.items():
        print(
            f"  {name:42} {r['start']:9.0f} ms {r['write']:9.0f} ms"
            f" {r['p50']:6.0f} ms {r['p95']:6.0f} ms"
        )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
