# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures for geometry tests: PostGIS connection, real and synthetic shapes."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator

import numpy as np
import psycopg
import pytest
import shapely
from numpy.typing import NDArray

# Metres per degree near 40° N, good enough to size synthetic shapes.
M_PER_DEG_LAT = 111_000.0


def _libpq_url(url: str) -> str:
    """psycopg wants ``postgresql://``; settings use SQLAlchemy's ``+psycopg``."""
    scheme, sep, rest = url.partition("://")
    return f"{scheme.split('+')[0]}{sep}{rest}"


@pytest.fixture(scope="session")
def postgis() -> Iterator[psycopg.Connection]:
    """A live PostGIS connection, or skip with the reason it is unavailable."""
    url = os.environ.get("DEMINE_TEST_DATABASE_URL")
    if not url:
        pytest.skip("DEMINE_TEST_DATABASE_URL is not set: no PostGIS to compare with")
    try:
        conn = psycopg.connect(_libpq_url(url), connect_timeout=5, autocommit=True)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable at DEMINE_TEST_DATABASE_URL: {exc}")
    try:
        conn.execute("select postgis_version()")
    except psycopg.Error as exc:
        conn.close()
        pytest.skip(f"PostGIS extension not available: {exc}")
    try:
        yield conn
    finally:
        conn.close()


@pytest.fixture(scope="session")
def pg_geography_area(
    postgis: psycopg.Connection,
) -> Callable[[NDArray[np.object_]], NDArray[np.float64]]:
    """``ST_Area(geom::geography)`` of each geometry, in input order."""

    def area(geoms: NDArray[np.object_]) -> NDArray[np.float64]:
        rows = postgis.execute(
            "select ST_Area(ST_GeomFromWKB(w, 4326)::geography) "
            "from unnest(%s::bytea[]) with ordinality as t(w, i) order by i",
            [list(shapely.to_wkb(geoms))],
        ).fetchall()
        return np.array([r[0] for r in rows], dtype=np.float64)

    return area


def star_polygon(
    rng: np.random.Generator, lon: float, lat: float, area_m2: float, n: int
) -> shapely.Polygon:
    """A simple star-shaped polygon of roughly ``area_m2`` around lon/lat."""
    # Jittered but ordered angles keep the polygon simple (star-shaped).
    angles = (np.arange(n) + rng.uniform(-0.3, 0.3, n)) * (2.0 * math.pi / n)
    # A regular n-gon's area is n/2 r² sin(2π/n); jitter changes it a little.
    radius = math.sqrt(2.0 * area_m2 / (n * math.sin(2.0 * math.pi / n)))
    r = radius * rng.uniform(0.9, 1.1, n)
    dx = r * np.cos(angles) / (M_PER_DEG_LAT * math.cos(math.radians(lat)))
    dy = r * np.sin(angles) / M_PER_DEG_LAT
    return shapely.Polygon(np.column_stack([lon + dx, lat + dy]))


@pytest.fixture(scope="session")
def azerbaijan_polygons() -> NDArray[np.object_]:
    """400 valid polygons in 40-50° E, 38-42° N, from about 100 m² to 50 km².

    Star shapes of 3 to 40 vertices, thin strips, squares with holes, and
    the two extremes: a 10 m and a 7.07 km square.
    """
    rng = np.random.default_rng(20201110)
    side_10m = 10.0 / M_PER_DEG_LAT
    shapes = [
        shapely.box(
            47.0, 40.0, 47.0 + side_10m / math.cos(math.radians(40)), 40.0 + side_10m
        ),
        shapely.box(45.0, 39.0, 45.0 + 0.0824, 39.0 + 0.0637),
    ]
    for _ in range(360):
        shapes.append(
            star_polygon(
                rng,
                rng.uniform(40.0, 50.0),
                rng.uniform(38.0, 42.0),
                10 ** rng.uniform(2.0, math.log10(4.5e7)),
                int(rng.integers(3, 41)),
            )
        )
    for k in range(20):
        # A strip 10 km by 5 m along a former front line: long edges.
        lon, lat = 46.0 + k * 0.2, 39.5
        shapes.append(shapely.box(lon, lat, lon + 0.117, lat + 0.000045))
    for k in range(20):
        size = 0.001 * (k + 1)
        lon, lat = 47.0 + k * 0.1, 40.5
        outer = shapely.box(lon, lat, lon + size, lat + size)
        inner = shapely.box(
            lon + size / 4, lat + size / 4, lon + size / 2, lat + size / 2
        )
        shapes.append(outer.difference(inner))
    out = np.array(shapes, dtype=object)
    assert shapely.is_valid(out).all()
    return out
