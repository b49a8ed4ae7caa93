# SPDX-License-Identifier: GPL-3.0-or-later
"""Real data: the BHMAC suspected hazardous areas of Bosnia and Herzegovina.

11,068 features vectorised from EUFOR minefield maps, with real dirt: 3,094
features without geometry, 3 empty MultiPolygons, about 467 self-intersecting
polygons and about 957 overlapping pairs of valid polygons.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import psycopg
import pytest
import shapely
from numpy.typing import NDArray
from psycopg import sql
from pyogrio import read_dataframe

from demine.domain.findings import Finding, Rule
from demine.geo.area import geodesic_area
from demine.geo.extent import Extent
from demine.geo.repair import repair
from demine.geo.validation import check_geometries, summarise

pytestmark = pytest.mark.shared_data

ROOT = Path(__file__).resolve().parents[2]
SUSPECT = (
    ROOT / ".." / "shared" / "data" / "bosnia" / "suspect_areas_simplyfied.geojson"
)
AreaFn = Callable[[NDArray[np.object_]], NDArray[np.float64]]


@pytest.fixture(scope="module")
def suspect() -> tuple[NDArray[np.intp], NDArray[np.object_]]:
    """(ids, geometries) of every feature, ids being the feature's position."""
    if not SUSPECT.exists():
        pytest.skip(f"real data absent: {SUSPECT.name} not in ../shared/data/bosnia")
    frame = read_dataframe(SUSPECT)
    geoms = np.asarray(frame.geometry.values, dtype=object)
    return np.arange(len(geoms)), geoms


@pytest.fixture(scope="module")
def findings(suspect: tuple[NDArray[np.intp], NDArray[np.object_]]) -> list[Finding]:
    ids, geoms = suspect
    return check_geometries("hazard", ids, geoms, extent=Extent.named("BIH"))


def ids_of(findings: list[Finding], *rules: Rule) -> set[int | str]:
    return {f.id for f in findings if f.rule in rules}


def test_every_feature_is_read(
    suspect: tuple[NDArray[np.intp], NDArray[np.object_]],
) -> None:
    _, geoms = suspect
    assert len(geoms) == 11_068
    assert shapely.is_missing(geoms).sum() == 3_094


def test_findings_on_real_data(findings: list[Finding]) -> None:
    counts = summarise(findings)
    assert counts[Rule.EMPTY_GEOMETRY] == 3_094 + 3
    assert 400 <= counts[Rule.INVALID_GEOMETRY] <= 550
    assert 800 <= counts[Rule.OVERLAP] <= 1_100
    assert 1 <= counts.get(Rule.DUPLICATE_GEOMETRY, 0) <= 20
    # The maps are all within the country and drawn as polygons.
    for rule in (
        Rule.OUTSIDE_EXTENT,
        Rule.SWAPPED_COORDINATES,
        Rule.WRONG_GEOMETRY_TYPE,
    ):
        assert rule not in counts


def test_overlap_findings_are_real_and_each_pair_once(
    suspect: tuple[NDArray[np.intp], NDArray[np.object_]], findings: list[Finding]
) -> None:
    _, geoms = suspect
    overlaps = [f for f in findings if f.rule is Rule.OVERLAP]
    pairs = [(f.id, f.related_id) for f in overlaps]
    assert len(set(pairs)) == len(pairs)
    assert all(a < b for a, b in pairs)  # type: ignore[operator]
    left = geoms[[a for a, _ in pairs]]
    right = geoms[[b for _, b in pairs]]
    assert shapely.is_valid(left).all()
    assert shapely.is_valid(right).all()
    assert shapely.intersects(left, right).all()
    assert min(f.area_m2 or 0 for f in overlaps) > 1.0


def test_total_area_matches_published_figure(
    suspect: tuple[NDArray[np.intp], NDArray[np.object_]],
) -> None:
    _, geoms = suspect
    total_km2 = geodesic_area(geoms).sum() / 1e6
    assert 805 < total_km2 < 815  # SOURCES.md: about 810-812 km² (geodesic)


def test_repair_makes_every_polygon_valid(
    suspect: tuple[NDArray[np.intp], NDArray[np.object_]], findings: list[Finding]
) -> None:
    ids, geoms = suspect
    result = repair(ids, geoms)
    assert {r.id for r in result.repairs} == ids_of(
        findings, Rule.INVALID_GEOMETRY, Rule.TOO_FEW_VERTICES, Rule.DUPLICATE_VERTEX
    )
    fixed = result.geometries
    present = ~(shapely.is_missing(fixed) | shapely.is_empty(fixed))
    assert shapely.is_valid(fixed[present]).all()
    # No hazard lost: none collapsed, none shrank to nothing.
    assert all(r.after_area_m2 > 0 for r in result.repairs)
    untouched = np.setdiff1d(ids, [r.id for r in result.repairs])
    assert all(fixed[i] is geoms[i] for i in untouched)


# --- against PostGIS ---------------------------------------------------------


@pytest.fixture(scope="module")
def pg_suspect(
    postgis: psycopg.Connection,
    suspect: tuple[NDArray[np.intp], NDArray[np.object_]],
) -> Iterator[sql.Identifier]:
    """The non-empty polygons in a temporary PostGIS table with a GiST index."""
    ids, geoms = suspect
    keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    table = sql.Identifier("geo_test_bosnia_suspect")
    postgis.execute(
        sql.SQL(
            "create temporary table {} "
            "(id integer primary key, geom geometry(Geometry, 4326) not null)"
        ).format(table)
    )
    # WKB without SRID takes the column's SRID (4326) on the way in.
    with (
        postgis.cursor() as cur,
        cur.copy(sql.SQL("copy {} (id, geom) from stdin").format(table)) as copy,
    ):
        for row in zip(
            ids[keep].tolist(),
            shapely.to_wkb(geoms[keep], hex=True).tolist(),
            strict=True,
        ):
            copy.write_row(row)
    postgis.execute(sql.SQL("create index on {} using gist (geom)").format(table))
    postgis.execute(sql.SQL("analyze {}").format(table))
    yield table
    postgis.execute(sql.SQL("drop table {}").format(table))


def test_invalid_polygons_are_exactly_those_postgis_finds(
    postgis: psycopg.Connection, pg_suspect: sql.Identifier, findings: list[Finding]
) -> None:
    rows = postgis.execute(
        sql.SQL("select id from {} where not ST_IsValid(geom)").format(pg_suspect)
    ).fetchall()
    ours = ids_of(findings, Rule.INVALID_GEOMETRY, Rule.TOO_FEW_VERTICES)
    assert ours == {r[0] for r in rows}


def test_overlaps_are_those_postgis_finds_bar_duplicates(
    postgis: psycopg.Connection,
    pg_suspect: sql.Identifier,
    suspect: tuple[NDArray[np.intp], NDArray[np.object_]],
    findings: list[Finding],
) -> None:
    ids, geoms = suspect
    rows = postgis.execute(
        sql.SQL(
            "select a.id, b.id from {t} a join {t} b "
            "on a.id < b.id and ST_Intersects(a.geom, b.geom) "
            "where ST_IsValid(a.geom) and ST_IsValid(b.geom) "
            "and ST_Area(ST_Intersection(a.geom, b.geom)) > 0"
        ).format(t=pg_suspect)
    ).fetchall()
    theirs = {(a, b) for a, b in rows}
    ours_all = check_geometries("hazard", ids, geoms, min_overlap_m2=0.0)
    ours = {(f.id, f.related_id) for f in ours_all if f.rule is Rule.OVERLAP}
    # We leave later exact copies out of the overlap check (they are reported
    # as duplicate_geometry), so PostGIS finds exactly those pairs more.
    later_copies = ids_of(findings, Rule.DUPLICATE_GEOMETRY)
    assert later_copies
    assert ours <= theirs
    extra = theirs - ours
    assert extra
    assert all(a in later_copies or b in later_copies for a, b in extra)


def test_areas_match_postgis_geography(
    suspect: tuple[NDArray[np.intp], NDArray[np.object_]],
    pg_geography_area: AreaFn,
) -> None:
    _, geoms = suspect
    present = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    ours = geodesic_area(present)
    theirs = pg_geography_area(present)
    measurable = theirs >= 1.0
    # Degenerate slivers under 1 m² (zero-area bow-ties) differ by rounding
    # noise only; everything measurable agrees within 0.1 %.
    assert measurable.sum() > 7_900
    rel = np.abs(ours - theirs)[measurable] / theirs[measurable]
    assert rel.max() < 1e-3
    assert np.abs(ours - theirs)[~measurable].max() < 0.01
    assert ours.sum() == pytest.approx(theirs.sum(), rel=1e-6)


def test_cleared_areas_and_incident_points() -> None:
    cleared_path = SUSPECT.with_name("cleared_areas_simplyfied.geojson")
    incidents_path = SUSPECT.with_name("incidents.geojson")
    if not (cleared_path.exists() and incidents_path.exists()):
        pytest.skip("real data absent: Bosnian cleared areas or incidents")
    cleared = np.asarray(read_dataframe(cleared_path).geometry.values, dtype=object)
    counts = summarise(
        check_geometries(
            "cleared_area", np.arange(len(cleared)), cleared, extent=Extent.named("BIH")
        )
    )
    assert len(cleared) == 8_329
    assert shapely.is_missing(cleared).sum() == 108
    assert 650 <= counts[Rule.INVALID_GEOMETRY] <= 770
    assert 38 < geodesic_area(cleared).sum() / 1e6 < 42  # SOURCES.md: about 40 km²

    points = np.asarray(read_dataframe(incidents_path).geometry.values, dtype=object)
    found = check_geometries(
        "accident",
        np.arange(len(points)),
        points,
        extent=Extent.named("BIH"),
        expected="point",
    )
    # All 1,442 accident points lie in the country; only repeated exact
    # locations (likely double entries) are worth a look.
    assert len(points) == 1_442
    assert set(summarise(found)) == {Rule.DUPLICATE_GEOMETRY}
