# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: import + validate the Bosnian suspected areas, against ogr2ogr.

Times, in one run on the same file (``../shared/data/bosnia/
suspect_areas_simplyfied.geojson``, 11,068 features):

* ``demine import`` with the shipped BHMAC mapping (read, map, check every
  row, write, ledger) and then ``demine validate`` (every geometry rule,
  the land-release ledger), into SQLite and into PostGIS;
* GDAL's ``ogr2ogr`` (Debian's gdal-bin) loading the same file into
  PostGIS, and that table checked with ``ST_IsValid`` plus the GiST
  overlap self-join, the nearest PostGIS has to the same validation.

ogr2ogr copies features; demine also maps them to the register, checks the
rules and computes areas and the ledger, so the comparison shows what that
costs. Scratch files, schemas and tables are removed afterwards.

Run::

    .venv/bin/python bench/exchange_bosnia.py [--db URL]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import psycopg
from psycopg import sql
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from demine.analysis.checks import CheckOptions, validate_register
from demine.exchange import SHIPPED_MAPPINGS
from demine.exchange.importer import import_files
from demine.exchange.mapping import load_mapping
from demine.geo.extent import Extent
from demine.store.database import Database, normalise_url

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "bosnia" / "suspect_areas_simplyfied.geojson"
DEFAULT_DB = "postgresql://demine:demine@127.0.0.1:5433/demine_bench"
T = TypeVar("T")


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    began = time.perf_counter()
    result = fn()
    return time.perf_counter() - began, result


def demine_run(db: Database) -> tuple[float, float, Counter[str]]:
    """Seconds to import and to validate, and the findings by rule."""
    db.upgrade()
    mapping = load_mapping(SHIPPED_MAPPINGS / "bosnia_suspected_areas.yaml")
    load_s, result = timed(lambda: import_files(db, "hazard", [DATA], mapping=mapping))
    assert result.counts["hazard"].inserted == 11_068

    def check() -> Counter[str]:
        with db.transaction(write=True) as conn:
            found = validate_register(conn, CheckOptions(extent=Extent.named("BIH")))
        return Counter(str(f.rule) for f in found)

    check_s, counts = timed(check)
    return load_s, check_s, counts


def in_schema(url: str, fn: Callable[[Database], T]) -> T:
    """Run ``fn`` on a register in a throwaway PostgreSQL schema."""
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(normalise_url(url))
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    db = Database(url, schema=schema)
    try:
        return fn(db)
    finally:
        db.dispose()
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def ogr_connection(url: str) -> str:
    u = make_url(normalise_url(url))
    parts = {
        "host": u.host,
        "port": u.port,
        "dbname": u.database,
        "user": u.username,
        "password": u.password,
    }
    return "PG:" + " ".join(f"{k}={v}" for k, v in parts.items() if v is not None)


def libpq(url: str) -> str:
    return (
        make_url(normalise_url(url))
        .set(drivername="postgresql")
        .render_as_string(hide_password=False)
    )


def ogr2ogr_run(url: str) -> tuple[float, float, int, str]:
    """ogr2ogr into PostGIS, then ST_IsValid and the overlap join."""
    exe = shutil.which("ogr2ogr")
    if exe is None:
        raise SystemExit("ogr2ogr not found: install gdal-bin")
    table = f"bench_ogr_{uuid.uuid4().hex[:8]}"
    command = [
        exe,
        "-f",
        "PostgreSQL",
        ogr_connection(url),
        str(DATA),
        "-nln",
        table,
        "-nlt",
        "PROMOTE_TO_MULTI",
        "-lco",
        "GEOMETRY_NAME=geom",
        "-lco",
        "SPATIAL_INDEX=GIST",
        "-gt",
        "65536",
    ]
    load_s, _ = timed(lambda: subprocess.run(command, check=True, capture_output=True))
    version = subprocess.run(
        [exe, "--version"], check=True, capture_output=True, text=True
    ).stdout.strip()
    t = sql.Identifier(table)
    invalid = sql.SQL(
        "select count(*) from {t} where geom is not null and not ST_IsValid(geom)"
    ).format(t=t)
    overlaps = sql.SQL(
        "select count(*) from {t} a join {t} b on a.ogc_fid < b.ogc_fid "
        "and ST_Intersects(a.geom, b.geom) where ST_IsValid(a.geom) "
        "and ST_IsValid(b.geom) and ST_Area(ST_Intersection(a.geom, b.geom)) > 0"
    ).format(t=t)
    with psycopg.connect(libpq(url)) as conn:

        def check() -> int:
            with conn.cursor() as cur:
                cur.execute(invalid)
                (bad,) = cur.fetchone()  # type: ignore[misc]
                cur.execute(overlaps)
            return int(bad)

        check_s, bad = timed(check)
        with conn.cursor() as cur:
            cur.execute(sql.SQL("drop table {t}").format(t=t))
    return load_s, check_s, bad, version


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db", default=os.environ.get("DEMINE_BENCH_DATABASE_URL", DEFAULT_DB)
    )
    args = parser.parse_args(argv)
    if not DATA.exists():
        print(f"data not found: {DATA}", file=sys.stderr)
        return 1
    rows: list[tuple[str, float, float, str]] = []
    with tempfile.TemporaryDirectory() as scratch:
        sqlite = Database(str(Path(scratch) / "bench.sqlite"))
        load_s, check_s, found = demine_run(sqlite)
        sqlite.dispose()
    rows.append(("demine → SQLite", load_s, check_s, _summary(found)))
    load_s, check_s, found = in_schema(args.db, demine_run)
    rows.append(("demine → PostGIS", load_s, check_s, _summary(found)))
    load_s, check_s, bad, version = ogr2ogr_run(args.db)
    rows.append(("ogr2ogr → PostGIS", load_s, check_s, f"{bad} invalid (ST_IsValid)"))
    print(f"Bosnia suspected areas: {DATA.name}, 11,068 features; {version}")
    print(f"{'':<20}{'import s':>10}{'validate s':>12}{'total s':>10}  findings")
    for name, a, b, text in rows:
        print(f"{name:<20}{a:>10.2f}{b:>12.2f}{a + b:>10.2f}  {text}")
    return 0


def _summary(found: Counter[str]) -> str:
    keys = ("empty_geometry", "invalid_geometry", "overlap", "duplicate_geometry")
    return ", ".join(f"{found.get(k, 0):,} {k}" for k in keys)


if __name__ == "__main__":
    sys.exit(main())
