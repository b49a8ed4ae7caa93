# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: demine geometry checks against PostGIS on real Bosnian polygons.

Reads the BHMAC suspected hazardous areas from ``../shared/data/bosnia``,
times :func:`demine.geo.validation.check_geometries` with every rule, then
loads the same polygons into PostGIS (COPY, GiST index) and times
``ST_IsValid`` over all of them plus the GiST overlap self-join of valid
polygons, and prints both and their ratio. Each timing is the best of
``--repeat`` runs, so both sides are measured warm. The benchmark table is
dropped afterwards; nothing is written to files.

Run::

    .venv/bin/python bench/bosnia_validate.py [--db URL] [--repeat 3]
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import psycopg
import shapely
from psycopg import sql
from pyogrio import read_dataframe

from demine.domain.findings import Rule
from demine.geo.extent import Extent
from demine.geo.validation import check_geometries, summarise

logger = logging.getLogger(__name__)

DATA = (
    Path(__file__).resolve().parents[1]
    / ".."
    / "shared"
    / "data"
    / "bosnia"
    / "suspect_areas_simplyfied.geojson"
)
DEFAULT_DB = "postgresql://demine:demine@127.0.0.1:5433/demine_bench"
TABLE = "bench_bosnia_validate"

# Table names go in as identifiers, never by string formatting.
T_ID = sql.Identifier(TABLE)
INVALID_SQL = sql.SQL("select id from {t} where not ST_IsValid(geom)").format(t=T_ID)
OVERLAP_SQL = sql.SQL("""
select a.id, b.id
from {t} a join {t} b
  on a.id < b.id and ST_Intersects(a.geom, b.geom)
where ST_IsValid(a.geom) and ST_IsValid(b.geom)
  and ST_Area(ST_Intersection(a.geom, b.geom)) > 0
""").format(t=T_ID)

T = TypeVar("T")


def best_of(repeat: int, fn: Callable[[], T]) -> tuple[float, T]:
    """Run ``fn`` ``repeat`` times; return the fastest time and last result."""
    best = float("inf")
    result: Any = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def libpq_url(url: str) -> str:
    """Accept a SQLAlchemy URL (``postgresql+psycopg://``) as psycopg does not."""
    scheme, sep, rest = url.partition("://")
    return f"{scheme.split('+')[0]}{sep}{rest}"


def load_polygons() -> tuple[np.ndarray, np.ndarray]:
    """Return (ids, geometries) of the non-empty suspected-area polygons."""
    frame = read_dataframe(DATA)
    geoms = np.asarray(frame.geometry.values, dtype=object)
    keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    return np.flatnonzero(keep), geoms[keep]


def load_postgis(conn: psycopg.Connection, ids: np.ndarray, geoms: np.ndarray) -> None:
    """Create the benchmark table, COPY the polygons in, index and analyse."""
    ewkb = shapely.to_wkb(shapely.set_srid(geoms, 4326), hex=True, include_srid=True)
    with conn.cursor() as cur:
        cur.execute(sql.SQL("drop table if exists {t}").format(t=T_ID))
        cur.execute(
            sql.SQL(
                "create table {t} (id integer primary key, "
                "geom geometry(Geometry, 4326) not null)"
            ).format(t=T_ID)
        )
        copy_sql = sql.SQL("copy {t} (id, geom) from stdin").format(t=T_ID)
        with cur.copy(copy_sql) as copy:
            for row in zip(ids.tolist(), ewkb.tolist(), strict=True):
                copy.write_row(row)
        cur.execute(sql.SQL("create index on {t} using gist (geom)").format(t=T_ID))
        cur.execute(sql.SQL("analyze {t}").format(t=T_ID))
    conn.commit()


def run_sql(
    conn: psycopg.Connection, query: sql.Composed | str
) -> list[tuple[Any, ...]]:
    with conn.cursor() as cur:
        cur.execute(query)
        return cur.fetchall()


Row = tuple[str, float | None, int | None]


def bench_demine(ids: np.ndarray, geoms: np.ndarray, repeat: int) -> list[Row]:
    """Time check_geometries with every rule; rows for the table."""
    extent = Extent.named("BIH")
    secs, findings = best_of(
        repeat, lambda: check_geometries("hazard", ids, geoms, extent=extent)
    )
    counts = summarise(findings)
    # Same threshold as the SQL (> 0), untimed, to compare counts exactly.
    zero = check_geometries("hazard", ids, geoms, extent=extent, min_overlap_m2=0.0)
    invalid = counts.get(Rule.INVALID_GEOMETRY, 0)
    invalid += counts.get(Rule.TOO_FEW_VERTICES, 0)
    return [
        ("demine check_geometries (all rules)", secs, len(findings)),
        ("  invalid (incl. too few vertices)", None, invalid),
        ("  overlaps > 1 m² (duplicates apart)", None, counts.get(Rule.OVERLAP, 0)),
        (
            "  overlaps > 0 m² (duplicates apart)",
            None,
            sum(1 for f in zero if f.rule is Rule.OVERLAP),
        ),
        ("  exact duplicates", None, counts.get(Rule.DUPLICATE_GEOMETRY, 0)),
    ]


def bench_postgis(
    url: str, ids: np.ndarray, geoms: np.ndarray, repeat: int
) -> tuple[list[Row], str]:
    """Load into PostGIS, time validity and the overlap join, drop the table."""
    with psycopg.connect(libpq_url(url), connect_timeout=5) as conn:
        load_s, _ = best_of(1, lambda: load_postgis(conn, ids, geoms))
        valid_s, invalid = best_of(repeat, lambda: run_sql(conn, INVALID_SQL))
        join_s, overlaps = best_of(repeat, lambda: run_sql(conn, OVERLAP_SQL))
        ((lib, geos),) = run_sql(
            conn, "select postgis_lib_version(), postgis_geos_version()"
        )
        with conn.cursor() as cur:
            cur.execute(sql.SQL("drop table {t}").format(t=T_ID))
        conn.commit()
    rows: list[Row] = [
        ("PostGIS load (COPY, GiST index, analyze)", load_s, len(geoms)),
        ("PostGIS ST_IsValid over all", valid_s, len(invalid)),
        ("PostGIS GiST overlap self-join (> 0)", join_s, len(overlaps)),
        ("PostGIS validity + overlaps", valid_s + join_s, None),
    ]
    return rows, f"PostGIS {lib} (GEOS {geos})"


def bench_register(repeat: int) -> list[Row]:
    """``demine validate`` end to end: every feature as a hazard in a register."""
    import tempfile

    import pandas as pd

    from demine.analysis.checks import CheckOptions, validate_register
    from demine.store.database import Database
    from demine.store.loading import load_register

    frame = read_dataframe(DATA)
    geoms = np.asarray(frame.geometry.values, dtype=object)
    multi = shapely.get_type_id(geoms) == 3
    geoms[multi] = [shapely.MultiPolygon([g]) for g in geoms[multi]]
    hazards = pd.DataFrame(
        {
            "id": np.arange(1, len(frame) + 1),
            "external_id": [f"BIH-{i}" for i in range(1, len(frame) + 1)],
            "hazard_class": "sha",
            "status": "open",
            "reported_by_id": 1,
            "notes": frame["fileId"].astype(str),
            "geom": geoms,
        }
    )
    org = pd.DataFrame(
        {"id": [1], "name": ["BHMAC"], "org_type": ["national_authority"]}
    )
    options = CheckOptions(extent=Extent.named("BIH"))
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(str(Path(tmp) / "bosnia.sqlite"))
        db.upgrade()
        load_s, _ = best_of(
            1, lambda: load_register(db, {"organisation": org, "hazard": hazards})
        )

        def validate() -> list[Any]:
            with db.transaction(write=True) as conn:
                return validate_register(conn, options)

        validate_s, findings = best_of(repeat, validate)
        db.dispose()
    return [
        ("demine load register (11,068 hazards, SQLite)", load_s, len(hazards)),
        ("demine validate (register, all rules, SQLite)", validate_s, len(findings)),
    ]


def print_table(rows: list[Row]) -> None:
    print(f"{'step':<50}{'seconds':>9}{'count':>8}")
    print("-" * 67)
    for name, secs, count in rows:
        s = f"{secs:9.3f}" if secs is not None else " " * 9
        c = f"{count:8,d}" if count is not None else ""
        print(f"{name:<50}{s}{c}")
    print("-" * 67)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db",
        default=os.environ.get("DEMINE_BENCH_DATABASE_URL", DEFAULT_DB),
        help="PostgreSQL/PostGIS URL (default: %(default)s)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing")
    args = parser.parse_args(argv)
    if not DATA.exists():
        print(f"data not found: {DATA}", file=sys.stderr)
        return 1

    read_s, (ids, geoms) = best_of(1, load_polygons)
    ours = bench_demine(ids, geoms, args.repeat)
    register = bench_register(args.repeat)
    try:
        theirs, postgis = bench_postgis(args.db, ids, geoms, args.repeat)
    except psycopg.OperationalError as exc:
        print(f"PostGIS not reachable at {args.db}: {exc}", file=sys.stderr)
        return 2

    print(f"Bosnia suspected areas: {len(geoms):,} non-empty polygons")
    print(
        f"shapely {shapely.__version__} (GEOS {shapely.geos_version_string}); {postgis}"
    )
    print(f"best of {args.repeat} runs; reading the GeoJSON took {read_s:.2f} s")
    print()
    print_table(ours + register + theirs)
    postgis_s = float(theirs[-1][1] or 0.0)
    for label, row in (("check_geometries", ours[0]), ("validate", register[1])):
        secs = float(row[1] or 0.0)
        print(
            f"ratio demine {label} / PostGIS: {secs / postgis_s:.2f} "
            f"(PostGIS takes {postgis_s / secs:.1f}x as long)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
