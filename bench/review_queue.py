# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: the review queue, My submissions and the header's count on a
demo register with a queue of waiting records (issue 12, problem 5).

Adds, as a clerk of the register's first organisation, ``--hazards``
submitted hazards (the outlines of existing ones) and ``--accidents``
submitted accidents with two victims each, then times, in process through
the ASGI app (no network): the header count cold (COUNT query) and warm
(kept per register version), ``GET /review`` (the oldest 100 records with
their context) and ``GET /my-submissions``. Target (issue 12): page loads
under 300 ms warm on the medium register.

    demine demo --scale medium --db /tmp/review-medium.sqlite
    python bench/review_queue.py --db /tmp/review-medium.sqlite
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

from demine.domain.vocab import Role
from demine.errors import NotFoundError
from demine.server import create_app
from demine.settings import Settings
from demine.store import review_context
from demine.store.database import Database
from demine.store.review import Children, create_record
from demine.store.schema import Hazard, Organisation
from demine.store.users import add_user, create_token, find_user

PASSWORD = "bench password 1234"


def timed(work: Callable[[], object], runs: int) -> list[float]:
    """Milliseconds of each of ``runs`` calls of ``work``."""
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        out.append((time.perf_counter() - start) * 1000)
    return out


def summary(name: str, ms: list[float]) -> None:
    ordered = sorted(ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(f"| {name} | {statistics.median(ms):.1f} ms | {p95:.1f} ms | {len(ms)} |")


def fill(db: Database, hazards: int, accidents: int) -> None:
    """The waiting records, written as a clerk would through the forms."""
    with db.session() as session:
        org = session.scalars(select(Organisation.id).order_by(Organisation.id)).first()
        shapes = session.scalars(select(Hazard.geom).limit(hazards)).all()
    for role in ("bench_reviewer", "bench_clerk"):
        try:
            find_user(db, role)
        except NotFoundError:  # made on the first run only
            add_user(
                db,
                role,
                PASSWORD,
                Role.REVIEWER if role == "bench_reviewer" else Role.CLERK,
                org if role == "bench_clerk" else None,
            )
    clerk = find_user(db, "bench_clerk")
    for n, geom in enumerate(shapes):
        create_record(
            db,
            "hazard",
            {
                "name": f"Bench field {n}",
                "hazard_class": "sha",
                "status": "open",
                "geom": geom.wkt,
            },
            clerk,
        )
    for n in range(accidents):
        create_record(
            db,
            "accident",
            {
                "accident_type": "non_demining",
                "occurred_on": "2026-06-01",
                "geom": {"type": "Point", "coordinates": [46.9 + n / 1000, 39.9]},
            },
            clerk,
            children=[
                Children(
                    "victim",
                    "accident_id",
                    [{"outcome": "injured"}, {"outcome": "killed"}],
                )
            ],
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--hazards", type=int, default=150)
    parser.add_argument("--accidents", type=int, default=150)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    db = Database(args.db)
    start = time.perf_counter()
    fill(db, args.hazards, args.accidents)
    print(f"filled in {time.perf_counter() - start:.1f} s")
    reviewer = find_user(db, "bench_reviewer")
    clerk = find_user(db, "bench_clerk")

    def cold() -> None:
        review_context._COUNTS.clear()
        review_context.header_count(db, reviewer)

    app = create_app(Settings(database_url=args.db, secret_key="bench"), db)
    tokens = {
        who.username: create_token(db, who.id, "bench") for who in (reviewer, clerk)
    }
    with TestClient(app) as client:

        def page(path: str, who: str) -> Callable[[], object]:
            headers = {"Authorization": f"Bearer {tokens[who]}"}

            def get() -> None:
                answer = client.get(path, headers=headers)
                assert answer.status_code == 200, answer.text[:300]

            return get

        waiting = review_context.header_count(db, reviewer)
        print(f"{waiting} records waiting for review")
        print("| what | p50 | p95 | runs |")
        print("|---|---:|---:|---:|")
        summary("header count, cold (COUNT query)", timed(cold, args.runs))
        summary(
            "header count, warm (same register version)",
            timed(lambda: review_context.header_count(db, reviewer), args.runs),
        )
        page("/review", "bench_reviewer")()
        summary(
            "GET /review (100 oldest)",
            timed(page("/review", "bench_reviewer"), args.runs),
        )
        page("/my-submissions", "bench_clerk")()
        summary(
            "GET /my-submissions",
            timed(page("/my-submissions", "bench_clerk"), args.runs),
        )


if __name__ == "__main__":
    main()
