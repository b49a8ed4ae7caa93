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

INVALID_SQL = f"select id from {TABLE} where not ST_IsValid(geom)"
OVERLAP_SQL = f"""
select a.id, b.id
from {TABLE} a join {TABLE} b
  on a.id < b.id and ST_Intersects(a.geom, b.geom)
where ST_IsValid(a.geom) and ST_IsValid(b.geom)
  and ST_Area(ST_Intersection(a.geom, b.geom)) > 0
"""

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
        cur.execute(f"drop table if exists {TABLE}")
        cur.execute(
            f"create table {TABLE} (id integer primary key, "
            "geom geometry(Geometry, 4326) not null)"
        )
        with cur.copy(f"copy {TABLE} (id, geom) from stdin") as copy:
            for row in zip(ids.tolist(), ewkb.tolist(), strict=True):
                copy.write_row(row)
        cur.execute(f"create index on {TABLE} using gist (geom)")
        cur.execute(f"analyze {TABLE}")
    conn.commit()


def run_sql(conn: psycopg.Connection, sql: str) -> list[tuple[Any, ...]]:
    with conn.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


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
    extent = Extent.named("BIH")
    ours_s, findings = best_of(
        args.repeat,
        lambda: check_geometries("hazard", ids, geoms, extent=extent),
    )
    counts = summarise(findings)
    # Same threshold as the SQL (> 0), untimed, to compare counts exactly.
    zero = check_geometries("hazard", ids, geoms, extent=extent, min_overlap_m2=0.0)
    ours_overlaps_0 = sum(1 for f in zero if f.rule is Rule.OVERLAP)

    with psycopg.connect(libpq_url(args.db), connect_timeout=5) as conn:
        load_s, _ = best_of(1, lambda: load_postgis(conn, ids, geoms))
        valid_s, invalid_rows = best_of(args.repeat, lambda: run_sql(conn, INVALID_SQL))
        join_s, overlap_rows = best_of(args.repeat, lambda: run_sql(conn, OVERLAP_SQL))
        version = run_sql(conn, "select postgis_lib_version(), postgis_geos_version()")
        with conn.cursor() as cur:
            cur.execute(f"drop table {TABLE}")
        conn.commit()

    postgis_s = valid_s + join_s
    print(f"Bosnia suspected areas: {len(geoms):,} non-empty polygons")
    print(
        f"shapely {shapely.__version__} (GEOS {shapely.geos_version_string}); "
        f"PostGIS {version[0][0]} (GEOS {version[0][1]})"
    )
    print(f"best of {args.repeat}; read {read_s:.2f} s, PostGIS load {load_s:.2f} s")
    print()
    print(f"{'step':<44}{'seconds':>9}{'count':>8}")
    print("-" * 61)
    n_invalid = counts.get(Rule.INVALID_GEOMETRY, 0) + counts.get(
        Rule.TOO_FEW_VERTICES, 0
    )
    rows = [
        ("demine check_geometries (all rules)", ours_s, len(findings)),
        ("  invalid (incl. too few vertices)", None, n_invalid),
        ("  overlaps > 1 m² (duplicates apart)", None, counts.get(Rule.OVERLAP, 0)),
        ("  overlaps > 0 m² (duplicates apart)", None, ours_overlaps_0),
        ("  exact duplicates", None, counts.get(Rule.DUPLICATE_GEOMETRY, 0)),
        ("PostGIS ST_IsValid over all", valid_s, len(invalid_rows)),
        ("PostGIS GiST overlap self-join (> 0)", join_s, len(overlap_rows)),
        ("PostGIS total", postgis_s, None),
    ]
    for name, secs, count in rows:
        s = f"{secs:9.3f}" if secs is not None else " " * 9
        c = f"{count:8,d}" if count is not None else ""
        print(f"{name:<44}{s}{c}")
    print("-" * 61)
    print(
        f"ratio demine / PostGIS: {ours_s / postgis_s:.2f} "
        f"(PostGIS / demine: {postgis_s / ours_s:.1f}x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
