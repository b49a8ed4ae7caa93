# SPDX-License-Identifier: GPL-3.0-or-later
"""Vector tiles: real MVT bytes with the features each reader may see."""

from __future__ import annotations

import math

import mapbox_vector_tile
import numpy as np
from fastapi.testclient import TestClient

from demine.geo.web_mercator import to_mercator
from demine.store.tiles import tile_bounds
from tests.api.conftest import Seed


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def names_in_tile(client: TestClient, z: int, lon: float, lat: float) -> set[str]:
    x, y = tile_of(lon, lat, z)
    response = client.get(f"/tiles/hazard/{z}/{x}/{y}.mvt")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.mapbox-vector-tile"
    if not response.content:
        return set()
    layer = mapbox_vector_tile.decode(response.content)["hazard"]
    assert layer["extent"] == 4096
    return {f["properties"].get("name") for f in layer["features"]}


def test_tile_holds_the_features_each_role_may_see(
    as_role: dict[str, TestClient], seed: Seed
) -> None:
    approved = {"Approved CHA", "Approved SHA"}

    def names(role: str) -> set[str]:
        # Zoom 11, the first with each record drawn: the three places' tiles.
        places = ((46.705, 39.805), (46.805, 39.905), (47.005, 40.005))
        return set().union(
            *(names_in_tile(as_role[role], 11, lon, lat) for lon, lat in places)
        )

    assert names("viewer") == approved
    assert names("clerk") == approved | {"alpha_draft"}
    assert names("reviewer") == approved | {"alpha_draft", "bravo_draft"}
    assert names_in_tile(as_role["viewer"], 14, 46.705, 39.805) == {"Approved CHA"}
    assert names_in_tile(as_role["viewer"], 10, 10.0, 10.0) == set()


def test_tile_geometry_lands_where_the_hazard_is(
    as_role: dict[str, TestClient],
) -> None:
    z = 12
    x, y = tile_of(46.705, 39.805, z)
    data = as_role["viewer"].get(f"/tiles/hazard/{z}/{x}/{y}.mvt").content
    [feature] = [
        f
        for f in mapbox_vector_tile.decode(data)["hazard"]["features"]
        if f["properties"]["name"] == "Approved CHA"
    ]
    assert feature["properties"]["hazard_class"] == "cha"
    assert feature["properties"]["status"] == "open"
    ring = feature["geometry"]["coordinates"][0]
    ring = ring[0] if isinstance(ring[0][0], list) else ring
    # Tile coordinates: 0..4096, y up after decode; the corner at 46.70, 39.80.
    minx, miny, maxx, maxy = tile_bounds(z, x, y)
    corner = to_mercator(np.array([[46.70, 39.80]]))[0]
    expect_x = (corner[0] - minx) / (maxx - minx) * 4096
    expect_y = (corner[1] - miny) / (maxy - miny) * 4096
    assert min(abs(px - expect_x) + abs(py - expect_y) for px, py in ring) < 3
