# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: 10,000 changed records with geometry each way between a field
register and headquarters, and kill -9 in the middle of ``sync --import``.

Headquarters holds the medium demo register (10,000 hazards, 100,000 EO
items ...) on SQLite, then on PostGIS; a laptop register is checked out from
it (whole). The laptop moves and renames ``--records`` hazards, headquarters
moves ``--records`` EO items (each edit a new version); then the change
files are written and applied each way, timed, and their sizes compared
with a GeoPackage of the same records (``demine export``'s layers). The
laptop's file is applied a second time (nothing may change). Last, the
laptop edits a few hazards ``--kill-trials`` times; each time a
``demine sync --import`` process at headquarters is killed at a seeded
moment, headquarters must hold all of the file or none of it, and the next
import must finish it. Targets: ≤ 30 s each way, change file ≤ 2× the
GeoPackage. Nothing is left behind.

Run::

    .venv/bin/python bench/sync.py [--records 10000] [--kill-trials 20] [--db URL|none]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import create_engine

from demine.demo.generator import generate
from demine.exchange.exporter import write_layer
from demine.exchange.sync.changes import export_changes, import_changes
from demine.exchange.sync.checkout import checkout
from demine.exchange.sync.rows import exported_rows
from demine.exchange.sync.selection import Selection
from demine.store.bulk import read_frame
from demine.store.database import Database, normalise_url
from demine.store.loading import load_register
from demine.store.upsert import update_frame

DEFAULT_DB = "postgresql://demine:demine@127.0.0.1:5433/demine_bench"


def move(db: Database, kind: str, n: int) -> list[int]:
    """Move the first ``n`` records of ``kind`` by a metre or so: new versions."""
    with db.transaction(write=True) as conn:
        stored = read_frame(conn, kind, ["id", "geom"]).head(n)
        geoms = shapely.transform(
            stored["geom"].to_numpy(dtype=object), lambda c: c + 1e-5
        )
        update_frame(conn, kind, pd.DataFrame({"id": stored["id"], "geom": geoms}))
    return [int(i) for i in stored["id"]]


def rename(db: Database, kind: str, n: int) -> list[int]:
    """Rename the first ``n`` records of ``kind`` (moving a hazard would break
    the ledger of its releases, which the import rightly refuses)."""
    with db.transaction(write=True) as conn:
        stored = read_frame(conn, kind, ["id"]).head(n)
        names = [f"edited in the field {i}" for i in stored["id"]]
        update_frame(conn, kind, pd.DataFrame({"id": stored["id"], "name": names}))
    return [int(i) for i in stored["id"]]


def geopackage_size(db: Database, kind: str, ids: list[int], path: Path) -> int:
    """Bytes of a GeoPackage of these records, as ``demine export`` writes them."""
    with db.transaction() as conn:
        frame = exported_rows(conn, kind, ids, {})
    write_layer(path, "gpkg", kind, frame)
    return path.stat().st_size


def timed(label: str, work, figures: dict[str, float]):  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    result = work()
    figures[label] = time.perf_counter() - began
    print(f"  {label:<38}{figures[label]:>8.1f} s", flush=True)
    return result


def run(
    hq: Database, cli_url: str, folder: Path, records: int, trials: int
) -> dict[str, float]:
    figures: dict[str, float] = {}
    hq.upgrade()
    timed(
        "load the medium demo register",
        lambda: load_register(hq, generate("medium", seed=1)),
        figures,
    )
    laptop_path = folder / "field.sqlite"
    timed(
        "checkout (whole register)",
        lambda: checkout(hq, laptop_path, Selection(), "field"),
        figures,
    )
    laptop = Database(f"sqlite:///{laptop_path}")
    hazards = rename(laptop, "hazard", records)
    items = move(hq, "eo_item", records)
    up, down = folder / "to-hq.demine", folder / "to-field.demine"
    sent = timed("laptop: sync --export", lambda: export_changes(laptop, up), figures)
    applied = timed(
        "headquarters: sync --import", lambda: import_changes(hq, up), figures
    )
    assert applied.updated == {"hazards": records}, applied.as_dict()
    assert applied.conflicts == 0
    figures["laptop → headquarters"] = (
        figures["laptop: sync --export"] + figures["headquarters: sync --import"]
    )
    back = timed(
        "headquarters: sync --export",
        lambda: export_changes(hq, down, "field"),
        figures,
    )
    got = timed("laptop: sync --import", lambda: import_changes(laptop, down), figures)
    assert got.updated.get("eo_items") == records, got.as_dict()
    figures["headquarters → laptop"] = (
        figures["headquarters: sync --export"] + figures["laptop: sync --import"]
    )
    again = timed(
        "headquarters: same file again", lambda: import_changes(hq, up), figures
    )
    assert (again.inserted, again.updated, again.conflicts) == ({}, {}, 0), (
        again.as_dict()
    )
    print(f"  records sent: {sent.records} / {back.records}")
    figures["change file up (MB)"] = up.stat().st_size / 1e6
    figures["GeoPackage of the hazards (MB)"] = (
        geopackage_size(hq, "hazard", hazards, folder / "hazards.gpkg") / 1e6
    )
    figures["change file down (MB)"] = down.stat().st_size / 1e6
    figures["GeoPackage of the EO items (MB)"] = (
        geopackage_size(hq, "eo_item", items, folder / "items.gpkg") / 1e6
    )
    for key in (
        "change file up (MB)",
        "GeoPackage of the hazards (MB)",
        "change file down (MB)",
        "GeoPackage of the EO items (MB)",
    ):
        print(f"  {key:<38}{figures[key]:>8.2f}")
    figures["kill trials consistent"] = kill_trials(
        cli_url, laptop, laptop_path, hq, folder, trials
    )
    laptop.dispose()
    return figures


def names(db: Database, ids: list[int]) -> set[str]:
    with db.transaction() as conn:
        frame = read_frame(conn, "hazard", ["id", "notes"])
    return set(frame[frame["id"].isin(ids)]["notes"].astype(str))


def kill_trials(
    cli_url: str,
    laptop: Database,
    laptop_path: Path,
    hq: Database,
    folder: Path,
    trials: int,
) -> float:
    """kill -9 ``sync --import`` at seeded moments; every trial all or nothing."""
    rng = random.Random(13)
    ids = list(range(1, 201))
    killed = consistent = 0
    for trial in range(trials):
        with laptop.transaction(write=True) as conn:
            update_frame(
                conn,
                "hazard",
                pd.DataFrame({"id": ids, "notes": [f"trial {trial}"] * len(ids)}),
            )
        path = folder / f"trial-{trial}.demine"
        export_changes(laptop, path)
        before = names(hq, ids)
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "demine",
                "sync",
                "--import",
                str(path),
                "--db",
                cli_url,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + rng.uniform(1.0, 12.0)
        while process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            killed += 1
        process.wait()
        after = names(hq, ids)
        ok = after in (before, {f"trial {trial}"})
        import_changes(hq, path)
        ok = ok and names(hq, ids) == {f"trial {trial}"}
        consistent += ok
        how = "killed" if process.returncode < 0 else "finished"
        print(f"  trial {trial}: {how}, {'consistent' if ok else 'INCONSISTENT'}")
    print(f"  {killed} of {trials} imports killed mid-way; {consistent} consistent")
    return float(consistent)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--kill-trials", type=int, default=20)
    parser.add_argument(
        "--db",
        default=os.environ.get("DEMINE_BENCH_DATABASE_URL", DEFAULT_DB),
        help="PostGIS URL for headquarters (default: %(default)s); 'none' to skip",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        print("SQLite headquarters")
        (folder / "sqlite").mkdir()
        hq_url = f"sqlite:///{folder / 'hq.sqlite'}"
        hq = Database(hq_url)
        run(hq, hq_url, folder / "sqlite", args.records, args.kill_trials)
        hq.dispose()
        if args.db != "none":
            print("PostGIS headquarters")
            (folder / "pg").mkdir()
            run_postgres(args.db, folder / "pg", args.records, args.kill_trials)
    return 0


def run_postgres(url: str, folder: Path, records: int, trials: int) -> None:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(normalise_url(url))
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in url else "?"
    cli_url = f"{url}{sep}options=-csearch_path%3D{schema}%2Cpublic"
    try:
        db = Database(cli_url)
        try:
            run(db, cli_url, folder, records, trials)
        finally:
            db.dispose()
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
