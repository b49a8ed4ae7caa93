# SPDX-License-Identifier: GPL-3.0-or-later
"""Geometry validation: one small inline fixture per rule, plus properties."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from demine.domain.findings import Finding, Rule
from demine.geo.extent import Extent
from demine.geo.validation import check_geometries, summarise

GEOD = Geod(ellps="WGS84")
AZE = Extent.named("AZE")
W = shapely.from_wkt

# Fixtures in Azerbaijan, near Aghdam (47.0 E, 40.0 N).
SQUARE = shapely.box(47.0, 40.0, 47.002, 40.002)  # about 170 m by 220 m
BOWTIE = W("POLYGON ((47 40, 47.002 40.002, 47 40.002, 47.002 40, 47 40))")
TWO_VERTEX_RING = W("POLYGON ((47 40, 47.001 40.001, 47.001 40.001, 47 40))")
REPEATED_VERTEX = W(
    "POLYGON ((47 40, 47.002 40, 47.002 40, 47.002 40.002, 47 40.002, 47 40))"
)
# 0.075 degrees of longitude at 40° N is about 6.4 km.
LONG_STRIP = shapely.box(47.0, 40.0, 47.075, 40.0005)
SWAPPED = shapely.box(40.0, 47.0, 40.002, 47.002)


def rules(findings: list[Finding]) -> list[str]:
    return [f.rule.value for f in findings]


def check(geoms: list, **kwargs) -> list[Finding]:  # type: ignore[type-arg]
    return check_geometries("hazard", list(range(1, len(geoms) + 1)), geoms, **kwargs)


def test_clean_polygons_give_no_findings() -> None:
    geoms = [SQUARE, shapely.box(47.01, 40.0, 47.012, 40.002)]
    assert check(geoms, extent=AZE) == []


def test_missing_and_empty_geometries() -> None:
    findings = check([None, shapely.Polygon(), W("MULTIPOLYGON EMPTY")])
    assert rules(findings) == ["empty_geometry"] * 3
    assert [f.id for f in findings] == [1, 2, 3]
    assert findings[0].message == "hazard 1: no geometry"
    assert findings[1].message == "hazard 2: empty geometry"
    assert findings[0].x is None


def test_bowtie_is_invalid_with_reason_and_location() -> None:
    (finding,) = check([BOWTIE])
    assert finding.rule is Rule.INVALID_GEOMETRY
    assert "Self-intersection[47.001 40.001]" in finding.message
    assert "lon 47.001000, lat 40.001000" in finding.message
    assert (finding.x, finding.y) == pytest.approx((47.001, 40.001))


def test_two_vertex_ring_is_too_few_vertices_not_invalid() -> None:
    findings = check([TWO_VERTEX_RING])
    assert rules(findings) == ["too_few_vertices", "duplicate_vertex"]
    assert "only 2 distinct vertices (needs 3)" in findings[0].message
    assert (findings[0].x, findings[0].y) == (47.0, 40.0)


def test_ring_going_back_and_forth_has_too_few_vertices() -> None:
    # Four vertices, but only two distinct ones, none repeated consecutively.
    back_and_forth = W("POLYGON ((47 40, 47.001 40.001, 47 40, 47.001 40.001, 47 40))")
    assert rules(check([back_and_forth])) == ["too_few_vertices"]


def test_line_with_one_distinct_vertex_is_too_few_vertices() -> None:
    stub = W("LINESTRING (47 40, 47 40)")
    findings = check([stub], expected="line")
    assert rules(findings) == ["too_few_vertices", "duplicate_vertex"]
    assert "a line has only 1 distinct vertices (needs 2)" in findings[0].message


def test_repeated_vertex_is_reported_once_with_location() -> None:
    twice = W("POLYGON ((47 40, 47 40, 47.002 40, 47.002 40, 47.002 40.002, 47 40))")
    findings = check([REPEATED_VERTEX, twice], check_overlap=False)
    assert rules(findings) == ["duplicate_vertex"] * 2
    assert "1 vertex is repeated consecutively, first at lon 47.002000" in (
        findings[0].message
    )
    assert findings[1].message.startswith("hazard 2: 2 vertices are repeated")
    assert (findings[1].x, findings[1].y) == (47.0, 40.0)


def test_long_segment_uses_geodesic_distance() -> None:
    findings = check([LONG_STRIP])
    assert rules(findings) == ["long_segment"]
    _, _, length = GEOD.inv(47.0, 40.0, 47.075, 40.0)
    assert f"longest {length:,.0f} m" in findings[0].message
    assert "2 segments longer than 5,000 m" in findings[0].message
    assert findings[0].x == pytest.approx(47.0375)
    assert check([LONG_STRIP], max_segment_m=7000.0) == []


def test_long_segment_in_a_line() -> None:
    line = shapely.LineString([(47.0, 40.0), (47.001, 40.0), (47.1, 40.0)])
    findings = check([line], expected="line")
    assert rules(findings) == ["long_segment"]
    assert "1 segment longer than" in findings[0].message


def test_holes_are_not_joined_to_their_shell_by_a_fake_segment() -> None:
    # Shell and hole 5.5 km apart in coordinate order: no real edge is long.
    shell = shapely.box(47.0, 40.0, 47.07, 40.04)
    hole = shapely.box(47.064, 40.034, 47.066, 40.036)
    segments = shapely.segmentize(shell.difference(hole), 0.01)
    assert check([segments]) == []


def test_overlapping_squares_report_known_area_once() -> None:
    left = shapely.box(47.0, 40.0, 47.002, 40.002)
    right = shapely.box(47.001, 40.0, 47.003, 40.002)
    findings = check([left, right])
    assert rules(findings) == ["overlap"]
    (finding,) = findings
    expected = abs(GEOD.geometry_area_perimeter(left.intersection(right))[0])
    assert finding.area_m2 == pytest.approx(expected, rel=1e-5)
    assert 18_000 < expected < 20_000
    assert (finding.id, finding.related_id) == (1, 2)
    assert left.intersection(right).contains(shapely.Point(finding.x, finding.y))
    assert "overlaps hazard 2 by" in finding.message


def test_contained_polygon_overlaps_by_its_own_area() -> None:
    inner = shapely.box(47.0005, 40.0005, 47.001, 40.001)
    (finding,) = check([SQUARE, inner])
    assert finding.rule is Rule.OVERLAP
    assert finding.area_m2 == pytest.approx(
        abs(GEOD.geometry_area_perimeter(inner)[0]), rel=1e-5
    )


def test_touching_polygons_and_slivers_are_not_overlaps() -> None:
    touching = shapely.box(47.002, 40.0, 47.004, 40.002)
    # 1e-8 degrees wide: about 0.85 mm by 220 m, about 0.19 m².
    sliver = shapely.box(47.00199999, 40.0, 47.004, 40.002)
    assert check([SQUARE, touching]) == []
    findings = check([SQUARE, sliver])
    assert findings == []
    (finding,) = check([SQUARE, sliver], min_overlap_m2=0.0)
    assert 0.1 < finding.area_m2 < 0.3


def test_three_mutual_overlaps_are_three_pairs() -> None:
    a = shapely.box(47.0, 40.0, 47.002, 40.002)
    b = shapely.box(47.001, 40.0, 47.003, 40.002)
    c = shapely.box(47.0015, 40.001, 47.0025, 40.003)
    findings = check([a, b, c], check_overlap=True)
    assert {(f.id, f.related_id) for f in findings} == {(1, 2), (1, 3), (2, 3)}
    assert check([a, b, c], check_overlap=False) == []


def test_invalid_polygons_are_left_out_of_the_overlap_check() -> None:
    assert rules(check([SQUARE, BOWTIE])) == ["invalid_geometry"]


def test_exact_duplicates_name_the_first_copy_and_are_not_overlaps() -> None:
    reordered = W(
        "POLYGON ((47.002 40.002, 47.002 40, 47 40, 47 40.002, 47.002 40.002))"
    )
    other = shapely.box(47.001, 40.001, 47.003, 40.003)
    findings = check([SQUARE, other, reordered, SQUARE])
    assert rules(findings) == ["duplicate_geometry", "duplicate_geometry", "overlap"]
    assert [(f.id, f.related_id) for f in findings] == [(3, 1), (4, 1), (1, 2)]
    assert "same geometry as hazard 1" in findings[0].message


def test_swapped_coordinates_reported_instead_of_outside() -> None:
    (finding,) = check([SWAPPED], extent=AZE)
    assert finding.rule is Rule.SWAPPED_COORDINATES
    # Located where the clerk meant it to be.
    assert AZE.contains(finding.x, finding.y)
    vertex = (finding.y, finding.x)  # swapped back, it is a vertex as given
    assert vertex in list(SWAPPED.exterior.coords)
    assert f"{finding.y:.6f}, lat {finding.x:.6f} is outside Azerbaijan" in (
        finding.message
    )


def test_outside_extent_counts_vertices_outside() -> None:
    far = shapely.box(30.0, 10.0, 30.001, 10.001)  # the Sahel, not Azerbaijan
    straddling = shapely.box(50.99, 40.0, 51.01, 40.01)  # into the Caspian
    findings = check([far, straddling], extent=AZE)
    assert rules(findings) == ["outside_extent"] * 2
    assert "4 of 4 vertices outside Azerbaijan" in findings[0].message
    assert "2 of 4 vertices outside" in findings[1].message
    assert (findings[1].x, findings[1].y) == (51.01, 40.0)


def test_extent_checks_points_too() -> None:
    points = [shapely.Point(47.0, 40.0), shapely.Point(40.0, 47.0)]
    findings = check(points, extent=AZE, expected="point")
    assert rules(findings) == ["swapped_coordinates"]
    assert findings[0].id == 2


def test_without_extent_only_impossible_coordinates_are_reported() -> None:
    assert check([SWAPPED]) == []
    # Phnom Penh entered as (lat, lon): a latitude of 104.9° cannot be.
    phnom_penh = shapely.Point(11.556, 104.916)
    beyond = shapely.Point(200.0, 10.0)
    findings = check([phnom_penh, beyond], expected="point")
    assert [(f.rule.value, f.id) for f in findings] == [
        ("outside_extent", 2),
        ("swapped_coordinates", 1),
    ]
    assert "outside the world (-180,-90,180,90)" in findings[0].message
    assert (findings[1].x, findings[1].y) == (104.916, 11.556)


def test_nan_coordinates_are_invalid_and_findings_stay_json_ready() -> None:
    with np.errstate(invalid="ignore"):
        nan_point = shapely.Point(np.nan, np.nan)
        nan_line = shapely.LineString([(np.nan, 40.0), (47.0, 40.0)])
    findings = check([nan_point, nan_line], expected="any", extent=AZE)
    assert rules(findings) == ["invalid_geometry"] * 2
    assert "Invalid Coordinate" in findings[0].message
    assert findings[0].x is None
    json.dumps([f.as_dict() for f in findings], allow_nan=False)


@pytest.mark.parametrize(
    ("geom", "expected", "wrong"),
    [
        (shapely.Point(47.0, 40.0), "polygon", True),
        (shapely.LineString([(47, 40), (47.001, 40.001)]), "polygon", True),
        (shapely.Point(47.0, 40.0), "point", False),
        (shapely.MultiPoint([(47.0, 40.0), (47.1, 40.0)]), "point", False),
        (SQUARE, "point", True),
        (shapely.LineString([(47, 40), (47.001, 40.001)]), "line", False),
        (shapely.Point(47.0, 40.0), "any", False),
        (shapely.GeometryCollection([SQUARE]), "polygon", True),
        (shapely.MultiPolygon([SQUARE]), "polygon", False),
    ],
)
def test_wrong_geometry_type(
    geom: shapely.Geometry, expected: str, wrong: bool
) -> None:
    findings = check([geom], expected=expected)  # type: ignore[arg-type]
    assert rules(findings) == (["wrong_geometry_type"] if wrong else [])
    if wrong:
        assert f"{geom.geom_type} given where a {expected} is expected" in (
            findings[0].message
        )


def test_point_where_polygon_expected_is_not_an_overlap_candidate() -> None:
    inside = shapely.Point(47.001, 40.001)
    assert rules(check([SQUARE, inside])) == ["wrong_geometry_type"]


def test_findings_are_grouped_by_rule_in_rule_order() -> None:
    findings = check([LONG_STRIP, None, BOWTIE, SWAPPED, None], extent=AZE)
    assert rules(findings) == [
        "invalid_geometry",
        "empty_geometry",
        "empty_geometry",
        "long_segment",
        "swapped_coordinates",
    ]
    assert [f.id for f in findings] == [3, 2, 5, 1, 4]


def test_ids_are_kept_as_given_and_json_ready() -> None:
    findings = check_geometries("cleared_area", ["CA-7", "CA-9"], [SQUARE, SQUARE])
    assert (findings[0].id, findings[0].related_id) == ("CA-9", "CA-7")
    numeric = check_geometries("hazard", np.array([10, 20]), [SQUARE, None])
    assert type(numeric[0].id) is int
    json.dumps([f.as_dict() for f in numeric])
    mixed = check_geometries("hazard", [1, "H-2"], [SQUARE, SQUARE])
    assert (mixed[0].id, mixed[0].related_id) == ("H-2", 1)
    scalars = check_geometries("hazard", [np.int64(3), np.int64(4)], [SQUARE, SQUARE])
    assert type(scalars[0].id) is int
    assert type(scalars[0].related_id) is int


def test_bad_arguments_raise() -> None:
    with pytest.raises(ValueError, match="1 ids for 2 geometries"):
        check_geometries("hazard", [1], [SQUARE, SQUARE])
    with pytest.raises(ValueError, match="expected"):
        check_geometries("hazard", [1], [SQUARE], expected="polygons")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_segment_m"):
        check_geometries("hazard", [1], [SQUARE], max_segment_m=0)


def test_accepts_a_geoseries_and_empty_input() -> None:
    import geopandas as gpd

    series = gpd.GeoSeries([SQUARE, BOWTIE], index=[5, 6], crs="EPSG:4326")
    findings = check_geometries("hazard", series.index, series.values)
    assert [(f.rule.value, f.id) for f in findings] == [("invalid_geometry", 6)]
    assert check_geometries("hazard", [], np.array([], dtype=object)) == []


def test_summarise_counts_per_rule_in_rule_order() -> None:
    findings = check([None, BOWTIE, None, SWAPPED], extent=AZE)
    summary = summarise(findings)
    assert summary == {
        Rule.INVALID_GEOMETRY: 1,
        Rule.EMPTY_GEOMETRY: 2,
        Rule.SWAPPED_COORDINATES: 1,
    }
    assert list(summary) == [
        Rule.INVALID_GEOMETRY,
        Rule.EMPTY_GEOMETRY,
        Rule.SWAPPED_COORDINATES,
    ]
    assert summarise([]) == {}


# Boxes on a 0.001° grid (about 85 m by 111 m): overlaps are either nothing,
# a shared edge, or at least one grid cell (thousands of m²), never a sliver.
grid_boxes = st.tuples(
    st.integers(0, 8), st.integers(0, 8), st.integers(1, 4), st.integers(1, 4)
).map(
    lambda t: shapely.box(
        47.0 + t[0] * 1e-3,
        40.0 + t[1] * 1e-3,
        47.0 + (t[0] + t[2]) * 1e-3,
        40.0 + (t[1] + t[3]) * 1e-3,
    )
)


@settings(max_examples=100, deadline=None)
@given(st.lists(grid_boxes, min_size=0, max_size=12, unique_by=lambda b: b.wkt))
def test_overlaps_match_brute_force_pairs(boxes: list[shapely.Polygon]) -> None:
    findings = check(boxes)
    found = {(f.id, f.related_id) for f in findings if f.rule is Rule.OVERLAP}
    expected = {
        (i + 1, j + 1)
        for (i, a), (j, b) in itertools.combinations(enumerate(boxes), 2)
        if a.intersection(b).area > 0
    }
    assert found == expected
    assert len(found) == len([f for f in findings if f.rule is Rule.OVERLAP])


coordinates = st.tuples(st.floats(-180, 180), st.floats(-89.9, 89.9))


@settings(max_examples=300, deadline=None)
@given(coordinates, st.floats(-0.2, 0.2), st.floats(-0.2, 0.2))
def test_long_segments_match_geod_anywhere(
    start: tuple[float, float], dlon: float, dlat: float
) -> None:
    # Segments of 0-30 km around the 5 km limit, anywhere on Earth; the
    # cheap pre-filter must never hide a long one.
    lon, lat = start
    end = (lon + dlon, max(-89.99, min(89.99, lat + dlat)))
    line = shapely.LineString([start, end])
    _, _, length = GEOD.inv(*start, *end)
    findings = check([line], expected="line", max_segment_m=5000.0)
    found = any(f.rule is Rule.LONG_SEGMENT for f in findings)
    assert found == (length > 5000.0)
