# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: one million EO item rows from CSV into SQLite and into PostGIS.

Writes a CSV of ``--rows`` finds as an operator's data clerk would send
them (their own column names, decimal commas, day-first dates, models by
name, the task each find belongs to) and a YAML mapping for it, then times
``demine import`` end to end (read, map, check every row, resolve the 100
tasks and 6 models the rows refer to, write through executemany on SQLite
and COPY on PostGIS, in one transaction) on both backends, with a progress
bar. The target is 50,000 rows/s or better. Nothing is left behind: the
SQLite file and the PostgreSQL schema are temporary.

Run::

    .venv/bin/python bench/exchange_eo_items.py [--rows 1000000] [--db URL]
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from sqlalchemy import create_engine

from demine.exchange.importer import import_files
from demine.exchange.mapping import parse_mapping
from demine.store.database import Database, normalise_url

log = logging.getLogger(__name__)

DEFAULT_DB = "postgresql://demine:demine@127.0.0.1:5433/demine_bench"
MODELS = ("PMN-2", "TM-62M", "OZM-72", "PFM-1", "9N210", "M-74 UXO")
CATEGORIES = ("ap_mine", "at_mine", "ap_mine", "ap_mine", "submunition", "uxo")
MAPPING = {
    "source": {"delimiter": ";"},
    "kind": "eo_item",
    "fields": {
        "external_id": "ID_HALLAZGO",
        "activity": "TAREA",
        "eo_model": "MODELO",
        "category": {
            "column": "CATEGORIA",
            "values": {
                "Mina AP": "ap_mine",
                "Mina AT": "at_mine",
                "Submunición": "submunition",
                "UXO": "uxo",
            },
        },
        "quantity": "CANTIDAD",
        "found_on": {"column": "FECHA", "date": "%d/%m/%Y"},
        "depth_cm": {"column": "PROFUNDIDAD_CM", "number": {"decimal": ","}},
        "condition": {
            "column": "ESTADO",
            "values": {"Armada": "armed", "Desarmada": "unarmed"},
        },
        "disposal": {"value": "in_situ"},
        "geom": {"lon": "LON", "lat": "LAT", "number": {"decimal": ","}},
    },
}


def write_sources(folder: Path, rows: int, seed: int = 1) -> tuple[Path, Path, Path]:
    """The catalogue, 100 tasks and ``rows`` finds as files in ``folder``."""
    rng = np.random.default_rng(seed)
    models = folder / "eo_models.csv"
    pd.DataFrame(
        {
            "external_id": [f"M{i}" for i in range(len(MODELS))],
            "model": MODELS,
            "category": CATEGORIES,
        }
    ).to_csv(models, index=False)
    tasks = folder / "activities.csv"
    pd.DataFrame(
        {
            "external_id": [f"EOD-{i:03d}" for i in range(100)],
            "activity_type": "eod",
            "status": "completed",
            "start_date": "2021-03-01",
            "end_date": "2023-12-31",
        }
    ).to_csv(tasks, index=False)
    pick = rng.integers(0, len(MODELS), rows)
    label = np.array(["Mina AP", "Mina AT", "Mina AP", "Mina AP", "Submunición", "UXO"])
    days = rng.integers(0, 1000, rows)
    dates = (pd.Timestamp("2021-03-01") + pd.to_timedelta(days, unit="D")).strftime(
        "%d/%m/%Y"
    )
    lon = np.round(46.5 + rng.random(rows) * 1.5, 6).astype(str)
    lat = np.round(39.4 + rng.random(rows) * 1.0, 6).astype(str)
    finds = pd.DataFrame(
        {
            "ID_HALLAZGO": np.char.add("H-", np.arange(rows).astype(str)),
            "TAREA": np.char.add(
                "EOD-", np.char.zfill(rng.integers(0, 100, rows).astype(str), 3)
            ),
            "MODELO": np.array(MODELS)[pick],
            "CATEGORIA": label[pick],
            "CANTIDAD": rng.integers(1, 4, rows),
            "FECHA": dates,
            "PROFUNDIDAD_CM": np.char.replace(
                np.round(rng.random(rows) * 30, 1).astype(str), ".", ","
            ),
            "ESTADO": np.where(rng.random(rows) < 0.8, "Armada", "Desarmada"),
            "LON": np.char.replace(lon, ".", ","),
            "LAT": np.char.replace(lat, ".", ","),
        }
    )
    path = folder / "hallazgos.csv"
    finds.to_csv(path, sep=";", index=False)
    return models, tasks, path


def run(db: Database, models: Path, tasks: Path, finds: Path, rows: int) -> float:
    """Seconds to import the finds (the catalogue and tasks first, untimed)."""
    db.upgrade()
    import_files(db, "eo_model", [models])
    import_files(db, "activity", [tasks])
    progress = Progress(
        "[bold]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )

    def start(label: str, total: int):  # type: ignore[no-untyped-def]
        task = progress.add_task(label, total=total)
        return lambda n: progress.advance(task, n)

    with progress:
        began = time.perf_counter()
        result = import_files(
            db, "eo_item", [finds], mapping=parse_mapping(MAPPING), progress=start
        )
        seconds = time.perf_counter() - began
    assert result.counts["eo_item"].inserted == rows
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--db",
        default=os.environ.get("DEMINE_BENCH_DATABASE_URL", DEFAULT_DB),
        help="PostgreSQL/PostGIS URL (default: %(default)s); 'none' to skip",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        began = time.perf_counter()
        models, tasks, finds = write_sources(folder, args.rows)
        size = finds.stat().st_size / 1e6
        took = time.perf_counter() - began
        print(f"wrote {args.rows:,} rows ({size:,.0f} MB) in {took:.1f} s")
        results = {}
        sqlite = Database(str(folder / "bench.sqlite"))
        results["SQLite"] = run(sqlite, models, tasks, finds, args.rows)
        sqlite.dispose()
        if args.db != "none":
            results["PostGIS"] = run_postgres(args.db, models, tasks, finds, args.rows)
    print()
    print(f"{'backend':<10}{'seconds':>10}{'rows/s':>12}")
    for name, seconds in results.items():
        print(f"{name:<10}{seconds:>10.1f}{args.rows / seconds:>12,.0f}")
    return 0


def run_postgres(url: str, models: Path, tasks: Path, finds: Path, rows: int) -> float:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(normalise_url(url))
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        db = Database(url, schema=schema)
        try:
            return run(db, models, tasks, finds, rows)
        finally:
            db.dispose()
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


if __name__ == "__main__":
    sys.exit(main())
