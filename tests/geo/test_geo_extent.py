# SPDX-License-Identifier: GPL-3.0-or-later
"""Extents: containment, parsing and the named country boxes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from demine.errors import RecordError
from demine.geo.extent import COUNTRY_EXTENTS, Extent

# Capitals and far corners (lon, lat) that each named extent must contain.
PLACES = {
    "AZE": [(49.867, 40.409), (45.41, 39.21), (50.35, 40.45)],  # Baku, Nakhchivan
    "BIH": [(18.413, 43.856), (15.74, 45.18), (19.61, 44.0)],  # Sarajevo, Bihać
    "COL": [(-74.072, 4.711), (-81.70, 12.58), (-67.0, -4.2)],  # Bogotá, San Andrés
    "UKR": [(30.523, 50.450), (22.3, 48.6), (40.1, 49.3), (33.5, 44.5)],  # Kyiv
    "KHM": [(104.916, 11.556), (102.4, 13.5), (107.6, 12.3)],  # Phnom Penh
    "LAO": [(102.600, 17.966), (101.0, 21.8), (107.5, 15.0)],  # Vientiane
}


def test_contains_is_vectorised_and_includes_edges() -> None:
    box = Extent(0.0, 10.0, 1.0, 11.0)
    lon = np.array([0.0, 1.0, 0.5, 1.0000001, np.nan, 0.5])
    lat = np.array([10.0, 11.0, 10.5, 10.5, 10.5, 9.9])
    assert box.contains(lon, lat).tolist() == [True, True, True, False, False, False]


@pytest.mark.parametrize("code", sorted(PLACES))
def test_country_extent_contains_its_places_and_not_the_others(code: str) -> None:
    extent = COUNTRY_EXTENTS[code]
    lon, lat = np.array(PLACES[code]).T
    assert extent.contains(lon, lat).all()
    others = np.array([p for c, ps in PLACES.items() if c != code for p in ps])
    assert not extent.contains(others[:, 0], others[:, 1]).any()


def test_azerbaijan_extent_rejects_swapped_coordinates() -> None:
    aze = Extent.named("Azerbaijan")
    assert not aze.contains(40.409, 49.867)  # Baku with lat/lon swapped


def test_named_accepts_names_and_codes_case_insensitively() -> None:
    assert Extent.named("azerbaijan") is Extent.named("AZE")
    assert Extent.named(" Bosnia and Herzegovina ").name == "Bosnia and Herzegovina"
    with pytest.raises(RecordError, match=r"unknown extent 'Atlantis'.*Ukraine"):
        Extent.named("Atlantis")


def test_parse_numbers_and_names() -> None:
    assert Extent.parse("15.5,42.4,19.8,45.5") == Extent(15.5, 42.4, 19.8, 45.5)
    assert Extent.parse("khm") is COUNTRY_EXTENTS["KHM"]


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("1,2,x,4", "four numbers"),
        ("3,0,1,1", "longitudes"),
        ("0,50,1,40", "latitudes"),
        ("0,0,181,1", "longitudes"),
        ("nan,0,1,1", "finite"),
        ("1,2,3", "unknown extent"),
    ],
)
def test_parse_rejects_bad_text(text: str, match: str) -> None:
    with pytest.raises(RecordError, match=match) as info:
        Extent.parse(text)
    assert info.value.field == "extent"


def test_name_labels_but_does_not_change_equality() -> None:
    assert Extent(0, 0, 1, 1, name="a") == Extent(0, 0, 1, 1)
    assert Extent(0, 0, 1, 1, name="a").describe() == "a (0,0,1,1)"
    assert Extent(0, 0, 1, 1).describe() == "extent (0,0,1,1)"


lons = st.floats(-180, 180, allow_nan=False)
lats = st.floats(-90, 90, allow_nan=False)


@given(lons, lats, lons, lats)
def test_parse_round_trips_its_bounds(a: float, b: float, c: float, d: float) -> None:
    extent = Extent(min(a, c), min(b, d), max(a, c), max(b, d))
    assert Extent.parse(",".join(repr(v) for v in extent.bounds)) == extent
    assert extent.contains(extent.min_lon, extent.max_lat)
