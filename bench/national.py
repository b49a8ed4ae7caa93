# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: national-scale demo register on SQLite (and PostGIS if given).

Times, in one run: generating and loading the national demo register
(~100,000 hazards, ~300,000 release polygons, ~1,000,000 EO items),
``summary`` and ``validate``. Targets (issue 2): load <= 60 s, summary <= 2 s,
validate <= 60 s on SQLite on a 2-core machine.

    python bench/national.py [--scale national] [--postgis URL]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine

from demine.analysis.checks import CheckOptions, validate_register
from demine.analysis.summary import national_summary, summary_by
from demine.demo import generate
from demine.geo.extent import Extent
from demine.store.database import Database, normalise_url
from demine.store.loading import load_register


def timed(label: str, fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - started
    print(f"  {label:<28} {elapsed:8.2f} s", flush=True)
    return elapsed, result


def run(db: Database, frames: dict[str, Any]) -> dict[str, float]:
    times: dict[str, float] = {}
    db.upgrade()
    times["load"], counts = timed(
        "load (derive + insert)", lambda: load_register(db, frames)
    )
    print(f"  rows: {', '.join(f'{k} {v:,}' for k, v in counts.items())}")

    def summary() -> dict[str, Any]:
        with db.transaction() as conn:
            return national_summary(conn)

    def summary_all() -> None:
        with db.transaction() as conn:
            for by in ("admin", "org", "method", "year"):
                summary_by(conn, by)  # type: ignore[arg-type]

    times["summary"], data = timed("summary", summary)
    times["summary --by (all 4)"], _ = timed("summary --by x4", summary_all)
    print(
        f"  hazards {data['hazards']:,},"
        f" total {data['area_m2']['total'] / 1e4:,.0f} ha,"
        f" released {data['area_m2']['released'] / 1e4:,.0f} ha,"
        f" items {data['items_total']:,}"
    )

    def validate() -> int:
        with db.transaction(write=True) as conn:
            return len(
                validate_register(conn, CheckOptions(extent=Extent.named("AZE")))
            )

    times["validate"], n = timed("validate", validate)
    print(f"  findings: {n:,}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", default="national")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgis", help="PostgreSQL URL to run the same steps on")
    args = parser.parse_args()
    t_gen, frames = timed(
        f"generate {args.scale}", lambda: generate(args.scale, args.seed)
    )
    with tempfile.TemporaryDirectory() as tmp:
        print("SQLite:")
        db = Database(str(Path(tmp) / "bench.sqlite"))
        sqlite_times = run(db, frames)
        db.dispose()
    if args.postgis:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(normalise_url(args.postgis))
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        try:
            print("PostGIS:")
            db = Database(args.postgis, schema=schema)
            run(db, frames)
            db.dispose()
        finally:
            with admin.begin() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    print(
        f"generate {t_gen:.1f} s; SQLite load+generate "
        f"{t_gen + sqlite_times['load']:.1f} s"
    )


if __name__ == "__main__":
    main()
