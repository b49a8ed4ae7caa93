# SPDX-License-Identifier: GPL-3.0-or-later
"""Soak: the register's guarantees over many seeded trials (issue 11).

The CI runs a few trials of each (``tests/reliability/``); this runs many:

* kill -9 at seeded random moments during ``import`` (20,000 hazards),
  ``validate --repair``, ``demo``, ``predict publish`` and web form writes
  (``--trials`` each, default 20): the register after is the one before or
  the one after, ``integrity_check`` says ok, ``validate`` runs;
* two reviewers saving one record ``--edits`` times each, a third adding
  hazards and an import running beside a two-worker server, on SQLite and,
  with ``--postgis URL``, on PostGIS: HTTP 5xx, lost updates, audit rows
  against accepted writes;
* ``demine backup`` while the server writes, restored and checked.

    python bench/reliability.py [--trials 20] [--edits 300] [--seed 1]
        [--postgis postgresql://demine:demine@127.0.0.1:5433/demine_bench]
        [--only crash,concurrency,backup]

Figures go in ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, select  # noqa: E402

from demine.domain.vocab import Role  # noqa: E402
from demine.store.database import Database, normalise_url  # noqa: E402
from demine.store.schema import AuditEvent, Hazard  # noqa: E402
from tests.reliability import test_concurrency as concurrency  # noqa: E402
from tests.reliability.crash import (  # noqa: E402
    copy_register,
    crash_trials,
    web_crash_trials,
)
from tests.reliability.harness import (  # noqa: E402
    demine_command,
    hazard,
    hazards_csv,
    run_cli,
    serve,
    user_token,
)
from tests.reliability.test_backup import Writer  # noqa: E402
from tests.reliability.test_crash import risk_lattice  # noqa: E402


def empty_register(path: Path) -> Path:
    db = Database(str(path))
    db.upgrade()
    db.dispose()
    return path


def crash(folder: Path, trials: int, seed: int) -> list[str]:
    lines = []
    empty = empty_register(folder / "empty.sqlite")
    demo = folder / "demo.sqlite"
    copy_register(empty, demo)
    run_cli(str(demo), "demo", "--scale", "small", "--seed", str(seed))
    published = folder / "published.sqlite"
    copy_register(demo, published)
    scores = risk_lattice(folder / "risk.csv")
    run_cli(str(published), "predict", "publish", str(scores), "--model", "first")
    csv = hazards_csv(folder / "hazards.csv", 20_000)
    runs = [
        ("import 20,000 hazards", empty, ["import", "hazards", str(csv)]),
        ("validate --repair", demo, ["validate", "--repair", "--summary"]),
        ("demo --scale small", empty, ["demo", "--scale", "small", "--seed", "2"]),
        (
            "predict publish",
            published,
            ["predict", "publish", str(scores), "--model", "second"],
        ),
    ]
    for name, before, command in runs:
        report = crash_trials(
            name.split()[0] + "-" + uuid.uuid4().hex[:6],
            before,
            command,
            folder,
            trials=trials,
            seed=seed,
        )
        report.name = name
        lines.append(f"{report.line()}; full run {report.seconds_full_run:.1f} s")
        lines += [f"  {f}" for f in report.failures]
        print(lines[-1], flush=True)
    web = web_crash_trials(empty, folder, trials=trials, seed=seed)
    lines.append(web.line())
    lines += [f"  {f}" for f in web.failures]
    print(lines[-1], flush=True)
    return lines


def concurrency_run(url: str, folder: Path, edits: int, label: str) -> str:
    concurrency.EDITS_PER_REVIEWER = edits
    concurrency.NEW_HAZARDS = max(20, edits // 4)
    concurrency.IMPORTED = 20_000
    started = time.perf_counter()
    tokens = {n: user_token(url, n, Role.REVIEWER) for n in ("ana", "bea")}
    admin = user_token(url, "chief", Role.ADMIN)
    csv = hazards_csv(folder / f"imp-{label}.csv", concurrency.IMPORTED)
    with serve(url, folder, workers=2) as server:
        seed = server.client(admin).post(
            "/api/v1/records/hazard", json={"fields": hazard("Disputed")}
        )
        record = seed.json()["id"]
        reviewers = [
            concurrency.Reviewer(server.url, t, n, record) for n, t in tokens.items()
        ]
        clerk = concurrency.Clerk(server.url, admin)
        importing = subprocess.Popen(
            demine_command("import", "hazards", str(csv), "--db", url),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for t in (*reviewers, clerk):
            t.start()
        _, import_err = importing.communicate(timeout=1800)
        for t in (*reviewers, clerk):
            t.join(timeout=1800)
    statuses = sum((r.statuses for r in reviewers), clerk.statuses)
    accepted = sum(len(r.accepted) for r in reviewers)
    db = Database(url)
    try:
        with db.session() as session:
            version = session.get(Hazard, record).version  # type: ignore[union-attr]
            updates = session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.record_id == record, AuditEvent.action == "update")
            )
    finally:
        db.dispose()
    errors = sum(n for code, n in statuses.items() if code >= 500)
    lost = accepted - (version - 1)
    return (
        f"{label}: {sum(statuses.values()):,} requests {dict(sorted(statuses.items()))}"
        f", 5xx {errors}, accepted edits {accepted}, lost updates {lost}, "
        f"audit rows {updates} for {accepted} accepted, import exit "
        f"{importing.returncode}{' (traceback!)' if 'Traceback' in import_err else ''}"
        f", {time.perf_counter() - started:.0f} s"
    )


def backup_run(url: str, folder: Path, rounds: int, label: str) -> str:
    token = user_token(url, "writer", Role.ADMIN)
    ok = bad = 0
    acknowledged: list[int] = []
    with serve(url, folder, workers=2) as server:
        writer = Writer(server.url, token)
        writer.start()
        for i in range(rounds):
            path = folder / f"{label}-{i}.backup"
            run_cli(url, "backup", str(path))
            if url.startswith("sqlite"):
                conn = sqlite3.connect(path)
                fine = conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                conn.close()
            else:
                fine = path.stat().st_size > 0
            ok += fine
            bad += not fine
        writer.stop.set()
        writer.join(timeout=600)
        acknowledged = list(writer.acknowledged)
    return (
        f"{label}: {rounds} backups while {len(acknowledged)} hazards were "
        f"written: {ok} consistent, {bad} damaged"
    )


def postgis_url(base: str) -> str:
    schema = f"r_{uuid.uuid4().hex[:10]}"
    engine = create_engine(normalise_url(base))
    with engine.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine.dispose()
    sep = "&" if "?" in base else "?"
    url = f"{normalise_url(base)}{sep}options=-csearch_path%3D{schema}%2Cpublic"
    db = Database(url)
    db.upgrade()
    db.dispose()
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--edits", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--postgis", default=os.environ.get("DEMINE_BENCH_DATABASE_URL")
    )
    parser.add_argument("--only", default="crash,concurrency,backup")
    args = parser.parse_args()
    parts = set(args.only.split(","))
    out: list[str] = [f"load average at start {os.getloadavg()}"]
    with tempfile.TemporaryDirectory(prefix="demine-soak-") as scratch:
        folder = Path(scratch)
        if "crash" in parts:
            out += crash(folder, args.trials, args.seed)
        if "concurrency" in parts:
            sqlite = empty_register(folder / "concurrency.sqlite")
            out.append(concurrency_run(str(sqlite), folder, args.edits, "SQLite"))
            print(out[-1], flush=True)
            if args.postgis:
                pg = postgis_url(args.postgis)
                out.append(concurrency_run(pg, folder, args.edits, "PostGIS"))
                print(out[-1], flush=True)
        if "backup" in parts:
            sqlite = empty_register(folder / "backup.sqlite")
            out.append(backup_run(str(sqlite), folder, args.trials, "SQLite"))
            print(out[-1], flush=True)
            if args.postgis:
                out.append(backup_run(postgis_url(args.postgis), folder, 5, "PostGIS"))
                print(out[-1], flush=True)
    out.append(f"load average at end {os.getloadavg()}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
