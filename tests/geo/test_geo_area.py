# SPDX-License-Identifier: GPL-3.0-or-later
"""Geodesic area and length: against pyproj.Geod and PostGIS geography."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import psycopg
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from pyproj import Geod

from demine.geo.area import (
    equal_area_crs,
    geodesic_area,
    geodesic_distance,
    geodesic_length,
    to_equal_area,
)

GEOD = Geod(ellps="WGS84")
AreaFn = Callable[[NDArray[np.object_]], NDArray[np.float64]]


def geod_area(geoms: NDArray[np.object_]) -> NDArray[np.float64]:
    """Reference areas from geographiclib, one polygon at a time."""
    return np.array([abs(GEOD.geometry_area_perimeter(g)[0]) for g in geoms])


def rel_error(ours: NDArray[np.float64], ref: NDArray[np.float64]) -> NDArray:
    return np.abs(ours - ref) / ref


# --- projection -----------------------------------------------------------


def test_equal_area_crs_is_laea_centred_on_bounds() -> None:
    crs = equal_area_crs((44.0, 38.0, 50.0, 42.0))
    assert crs.is_projected
    params = {p.name: p.value for p in crs.coordinate_operation.params}
    assert crs.coordinate_operation.method_name == "Lambert Azimuthal Equal Area"
    assert params["Latitude of natural origin"] == pytest.approx(40.0)
    assert params["Longitude of natural origin"] == pytest.approx(47.0)
    assert crs.ellipsoid.name == "WGS 84"


@pytest.mark.parametrize(
    "bounds",
    [(50.0, 38.0, 44.0, 42.0), (44.0, 42.0, 50.0, 38.0), (np.nan, 0, 1, 1)],
)
def test_equal_area_crs_rejects_bad_bounds(bounds: tuple[float, ...]) -> None:
    with pytest.raises(ValueError, match="bounds"):
        equal_area_crs(bounds)  # type: ignore[arg-type]


def test_to_equal_area_keeps_none_and_reports_crs() -> None:
    square = shapely.box(47.0, 40.0, 47.01, 40.01)
    projected, crs = to_equal_area(np.array([square, None], dtype=object))
    assert projected[1] is None
    assert crs == equal_area_crs(square.bounds)
    # Centred on the square: it sits around the projection origin, in metres.
    x0, y0, _x1, y1 = projected[0].bounds
    assert x0 == pytest.approx(-426, abs=2)
    assert y1 - y0 == pytest.approx(1110, abs=2)


def test_to_equal_area_uses_the_given_crs() -> None:
    crs = equal_area_crs((40.0, 38.0, 50.0, 42.0))
    projected, used = to_equal_area([shapely.Point(45.0, 40.0)], crs=crs)
    assert used is crs
    assert projected[0].x == pytest.approx(0.0, abs=1e-6)


# --- area ------------------------------------------------------------------


def test_area_of_none_empty_points_and_lines_is_zero() -> None:
    geoms = [
        None,
        shapely.Polygon(),
        shapely.from_wkt("MULTIPOLYGON EMPTY"),
        shapely.Point(47, 40),
        shapely.LineString([(47, 40), (47.1, 40.1)]),
    ]
    assert geodesic_area(geoms).tolist() == [0.0] * 5


def test_impossible_coordinates_have_no_area_and_raise_no_warning(
    recwarn: pytest.WarningsRecorder,
) -> None:
    geoms = [
        shapely.box(47.0, 95.0, 47.01, 95.01),  # beyond the pole
        shapely.box(47.0, 40.0, 47.01, 40.01),
    ]
    area = geodesic_area(geoms)
    length = geodesic_length(geoms)
    assert area[0] == 0.0
    assert length[0] == 0.0
    assert area[1] == pytest.approx(geod_area(np.array(geoms[1:]))[0], rel=1e-6)
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_area_of_nothing_is_an_empty_array() -> None:
    assert geodesic_area([]).shape == (0,)


def test_area_subtracts_holes_and_sums_parts() -> None:
    outer = shapely.box(47.0, 40.0, 47.02, 40.02)
    inner = shapely.box(47.005, 40.005, 47.01, 40.01)
    far = shapely.box(48.0, 41.0, 48.01, 41.01)
    holed = outer.difference(inner)
    multi = shapely.MultiPolygon([outer, far])
    ours = geodesic_area([holed, multi])
    ref_outer, ref_inner, ref_far = geod_area(np.array([outer, inner, far]))
    assert ours[0] == pytest.approx(ref_outer - ref_inner, rel=1e-6)
    assert ours[1] == pytest.approx(ref_outer + ref_far, rel=1e-6)


def test_area_matches_geod_on_azerbaijan_polygons(
    azerbaijan_polygons: NDArray[np.object_],
) -> None:
    ours = geodesic_area(azerbaijan_polygons)
    ref = geod_area(azerbaijan_polygons)
    # The sizes asked for: from about 100 m² to about 50 km².
    assert ref.min() < 200
    assert ref.max() > 4e7
    assert rel_error(ours, ref).max() < 1e-3
    # Far tighter than required in practice: guard against silent regressions.
    assert np.median(rel_error(ours, ref)) < 1e-6


def test_area_over_several_zones_equals_area_alone() -> None:
    # Azerbaijan, Colombia and Cambodia in one call: one projection cannot
    # serve them all, so they are split into zones.
    squares = np.array(
        [
            shapely.box(47.0, 40.0, 47.01, 40.01),
            shapely.box(-75.0, 6.0, -74.99, 6.01),
            shapely.box(104.0, 12.0, 104.01, 12.01),
        ]
    )
    together = geodesic_area(squares)
    alone = np.concatenate([geodesic_area([s]) for s in squares])
    np.testing.assert_allclose(together, alone, rtol=1e-9)
    np.testing.assert_allclose(together, geod_area(squares), rtol=1e-6)


@st.composite
def polygons(draw: st.DrawFn) -> shapely.Polygon:
    """Star-shaped polygons anywhere between 60° S and 60° N."""
    lon = draw(st.floats(-179.0, 179.0))
    lat = draw(st.floats(-60.0, 60.0))
    radius_m = draw(st.floats(6.0, 4000.0))
    n = draw(st.integers(3, 30))
    radii = draw(st.lists(st.floats(0.5, 1.0), min_size=n, max_size=n))
    angles = np.arange(n) * (2.0 * math.pi / n)
    r = radius_m * np.asarray(radii)
    dx = r * np.cos(angles) / (111_000.0 * math.cos(math.radians(lat)))
    dy = r * np.sin(angles) / 111_000.0
    return shapely.Polygon(np.column_stack([lon + dx, lat + dy]))


@settings(max_examples=150, deadline=None)
@given(st.lists(polygons(), min_size=1, max_size=5))
def test_area_matches_geod_anywhere(shapes: list[shapely.Polygon]) -> None:
    geoms = np.array(shapes, dtype=object)
    ours = geodesic_area(geoms)
    ref = geod_area(geoms)
    assert rel_error(ours, ref).max() < 1e-3


def test_area_matches_postgis_on_azerbaijan_polygons(
    azerbaijan_polygons: NDArray[np.object_], pg_geography_area: AreaFn
) -> None:
    ours = geodesic_area(azerbaijan_polygons)
    theirs = pg_geography_area(azerbaijan_polygons)
    assert rel_error(ours, theirs).max() < 1e-3


# --- length ----------------------------------------------------------------


def test_distance_between_points() -> None:
    start = np.array([[47.0, 40.0], [47.0, 40.0]])
    end = np.array([[47.0, 41.0], [47.0, 40.0]])
    _, _, ref = GEOD.inv(47.0, 40.0, 47.0, 41.0)
    np.testing.assert_allclose(geodesic_distance(start, end), [ref, 0.0])
    assert geodesic_distance(np.zeros((0, 2)), np.zeros((0, 2))).shape == (0,)


def test_length_of_lines_and_perimeter_of_polygons() -> None:
    line = shapely.LineString([(47.0, 40.0), (47.05, 40.02), (47.1, 40.1)])
    multi = shapely.MultiLineString(
        [[(47.0, 40.0), (47.0, 40.1)], [(48.0, 40.0), (48.1, 40.0)]]
    )
    holed = shapely.box(47.0, 40.0, 47.02, 40.02).difference(
        shapely.box(47.005, 40.005, 47.01, 40.01)
    )
    ours = geodesic_length([line, multi, holed, None, shapely.Point(47, 40)])
    # Geod.geometry_length counts only a polygon's exterior; PostGIS (and we)
    # count the holes' boundaries too.
    rings = [holed.exterior, *holed.interiors]
    ref = [
        GEOD.geometry_length(line),
        GEOD.geometry_length(multi),
        sum(GEOD.geometry_length(r) for r in rings),
    ]
    np.testing.assert_allclose(ours[:3], ref, rtol=1e-9)
    assert ours[3:].tolist() == [0.0, 0.0]


def test_length_matches_postgis(postgis: psycopg.Connection) -> None:
    holed = shapely.box(47.0, 40.0, 47.02, 40.02).difference(
        shapely.box(47.005, 40.005, 47.01, 40.01)
    )
    lines = np.array(
        [
            shapely.LineString([(46.5, 39.7), (46.9, 39.9), (47.3, 40.2)]),
            shapely.LineString([(18.4, 43.85), (18.41, 43.86)]),
            holed,
        ]
    )
    rows = postgis.execute(
        "select case when GeometryType(g) = 'POLYGON' "
        "then ST_Perimeter(g::geography) else ST_Length(g::geography) end "
        "from (select ST_GeomFromWKB(w, 4326) as g, i "
        "from unnest(%s::bytea[]) with ordinality as t(w, i)) as s order by i",
        [list(shapely.to_wkb(lines))],
    ).fetchall()
    np.testing.assert_allclose(geodesic_length(lines), [r[0] for r in rows], rtol=1e-6)
