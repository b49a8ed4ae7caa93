# SPDX-License-Identifier: GPL-3.0-or-later
"""Geometry repair: every change is recorded, nothing else changes."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import Geod

from demine.domain.findings import Rule
from demine.geo.repair import MAX_BEFORE_WKT, repair
from demine.geo.validation import check_geometries

GEOD = Geod(ellps="WGS84")
W = shapely.from_wkt

SQUARE = shapely.box(47.0, 40.0, 47.002, 40.002)
BOWTIE = W("POLYGON ((47 40, 47.002 40.002, 47 40.002, 47.002 40, 47 40))")
REPEATED = W("POLYGON ((47 40, 47.002 40, 47.002 40, 47.002 40.002, 47 40.002, 47 40))")
TWO_VERTEX_RING = W("POLYGON ((47 40, 47.001 40.001, 47.001 40.001, 47 40))")


def geod_area(geom: shapely.Geometry) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0])


def test_valid_geometries_are_returned_unchanged_without_records() -> None:
    geoms = [
        SQUARE,
        None,
        shapely.Polygon(),
        shapely.Point(47, 40),
        shapely.LineString([(47, 40), (47, 40), (47.1, 40)]),  # not an area
    ]
    result = repair(["a", "b", "c", "d", "e"], geoms)
    assert result.repairs == []
    assert result.changed == 0
    assert all(
        out is given for out, given in zip(result.geometries, geoms, strict=True)
    )


def test_bowtie_becomes_its_two_lobes_and_is_recorded() -> None:
    result = repair(["H-1", "H-2"], [BOWTIE, SQUARE])
    fixed = result.geometries[0]
    assert fixed.geom_type == "MultiPolygon"
    assert len(fixed.geoms) == 2
    assert fixed.is_valid
    assert result.geometries[1] is SQUARE
    (record,) = result.repairs
    assert record.id == "H-1"
    assert record.rule is Rule.INVALID_GEOMETRY
    assert W(record.before).equals_exact(BOWTIE, tolerance=0)
    # The two lobes are half the square; the bow-tie's own area cancels out.
    assert record.after_area_m2 == pytest.approx(geod_area(SQUARE) / 2, rel=1e-5)
    assert record.before_area_m2 == pytest.approx(0.0, abs=1.0)
    assert "made valid (Self-intersection[47.001 40.001])" in record.message
    assert "now 2 polygons" in record.message


def test_repeated_vertex_is_dropped_and_area_kept() -> None:
    result = repair([7], [REPEATED])
    fixed = result.geometries[0]
    assert fixed.geom_type == "MultiPolygon"
    assert shapely.get_num_coordinates(fixed) == 5
    assert fixed.equals(SQUARE)
    (record,) = result.repairs
    assert record.rule is Rule.DUPLICATE_VERTEX
    assert record.after_area_m2 == pytest.approx(record.before_area_m2, rel=1e-12)
    assert record.message.startswith("removed 1 repeated vertex; now 1 polygon;")


def test_ring_with_too_few_vertices_collapses_and_says_so() -> None:
    result = repair([3], [TWO_VERTEX_RING])
    fixed = result.geometries[0]
    assert fixed.geom_type == "MultiPolygon"
    assert fixed.is_empty
    (record,) = result.repairs
    assert record.rule is Rule.TOO_FEW_VERTICES
    assert record.after_area_m2 == 0.0
    assert record.message.startswith(
        "rebuilt a ring of < 3 vertices; removed 1 repeated vertex; "
        "now nothing of area remained (empty)"
    )


def test_spike_is_cut_off_as_it_has_no_area() -> None:
    # A square with a zero-width spike out of one side.
    spiked = W(
        "POLYGON ((47 40, 47.002 40, 47.002 40.001, 47.004 40.001, 47.002 40.001,"
        " 47.002 40.002, 47 40.002, 47 40))"
    )
    assert not spiked.is_valid
    result = repair([1], [spiked])
    fixed = result.geometries[0]
    assert fixed.is_valid
    assert fixed.geom_type == "MultiPolygon"
    assert fixed.equals(shapely.MultiPolygon([SQUARE]))


def test_hole_outside_its_shell_becomes_area_and_the_record_shows_it() -> None:
    # GEOS' "structure" method keeps such a ring as a polygon of its own: for
    # a hazard that errs on the safe side, and the record shows the change.
    stray = shapely.box(47.01, 40.01, 47.011, 40.011)
    outside_hole = shapely.Polygon(SQUARE.exterior.coords, [stray.exterior.coords])
    assert not outside_hole.is_valid
    result = repair([1], [outside_hole])
    assert result.geometries[0].equals(shapely.MultiPolygon([SQUARE, stray]))
    (record,) = result.repairs
    assert record.after_area_m2 == pytest.approx(
        geod_area(SQUARE) + geod_area(stray), rel=1e-5
    )
    assert record.before_area_m2 == pytest.approx(
        geod_area(SQUARE) - geod_area(stray), rel=1e-5
    )
    assert "Hole lies outside shell" in record.message


def test_repaired_geometries_pass_validation() -> None:
    geoms = [BOWTIE, REPEATED, TWO_VERTEX_RING, SQUARE]
    result = repair([1, 2, 3, 4], geoms)
    assert [r.id for r in result.repairs] == [1, 2, 3]
    remaining = {
        f.rule for f in check_geometries("hazard", [1, 2, 3, 4], result.geometries)
    }
    # The collapsed ring is now empty, which validation reports; the rest is
    # sound apart from the overlaps that repair has made visible.
    assert remaining <= {Rule.EMPTY_GEOMETRY, Rule.OVERLAP}


def test_very_long_wkt_is_summarised() -> None:
    angles = np.linspace(0, 2 * np.pi, 1500, endpoint=False)
    ring = np.column_stack([47 + 0.01 * np.cos(angles), 40 + 0.01 * np.sin(angles)])
    ring[10] = ring[900]  # pull one vertex across: self-intersecting
    big = shapely.Polygon(ring)
    assert not big.is_valid
    assert len(big.wkt) > MAX_BEFORE_WKT
    (record,) = repair([1], [big]).repairs
    assert record.before.startswith("Polygon with 1501 vertices within lon 46.99")
    assert record.before.endswith("(WKT too long)")


def test_ids_must_match_geometries() -> None:
    with pytest.raises(ValueError, match="2 ids for 1 geometries"):
        repair([1, 2], [SQUARE])


def test_repair_rules_agree_with_validation() -> None:
    back_and_forth = W("POLYGON ((47 40, 47.001 40.001, 47 40, 47.001 40.001, 47 40))")
    geoms = [BOWTIE, REPEATED, TWO_VERTEX_RING, back_and_forth]
    ids = np.arange(4)
    # The repair is filed under the geometry's foremost finding.
    found: dict[int | str, Rule] = {}
    for f in check_geometries("hazard", ids, geoms):
        found.setdefault(f.id, f.rule)
    records = repair(ids, geoms).repairs
    assert {r.id: r.rule for r in records} == found
    assert all(type(r.id) is int for r in records)


def test_vertex_with_nan_coordinate_is_dropped_and_recorded() -> None:
    with np.errstate(invalid="ignore"):
        broken = shapely.polygons(
            [[47, 40], [np.nan, 40], [47.002, 40.002], [47, 40.002], [47, 40]]
        )
    (record,) = repair([1], [broken]).repairs
    assert record.rule is Rule.INVALID_GEOMETRY
    assert "Invalid Coordinate" in record.message
    assert record.after_area_m2 > 0
