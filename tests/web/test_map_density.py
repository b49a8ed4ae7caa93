# SPDX-License-Identifier: GPL-3.0-or-later
"""The national map's low zooms on the small demo register (issue 20): grid
cells with their density, precomputed cells equal to grouping the records
themselves, and the legend that explains the colours.

The national register is too slow to build here; ``bench/national_map.py``
takes the screenshots on it.
"""

from __future__ import annotations

import json
import math
import uuid
from html import unescape

import mapbox_vector_tile
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from demine.demo import generate
from demine.domain.vocab import HazardStatus, ReviewState, Role
from demine.server import create_app
from demine.settings import Settings
from demine.store.database import Database
from demine.store.layer_frames import layer_frame
from demine.store.loading import load_register
from demine.store.overview import _frame_cells, _postgis_cells, encode_cells, per_cell
from demine.store.overview_cells import precomputed_cells, refresh_overviews
from demine.store.schema import Hazard
from demine.store.tile_layers import SPECS
from demine.store.tiles import _filters
from demine.store.users import add_user, create_token
from demine.web.map_style import DENSITY
from tests.api.test_tiles import tile_of

RECORD_LAYERS = ("hazard", "release", "eo_item", "accident")


@pytest.fixture(scope="module")
def demo(module_db: Database) -> Database:
    load_register(module_db, generate("small", seed=1))
    assert refresh_overviews(module_db) == list(RECORD_LAYERS)
    assert refresh_overviews(module_db) == []  # nothing changed since
    return module_db


def _extent(db: Database) -> tuple[float, float, float, float]:
    with db.transaction() as conn:
        return conn.execute(
            select(
                func.min(Hazard.min_lon),
                func.min(Hazard.min_lat),
                func.max(Hazard.max_lon),
                func.max(Hazard.max_lat),
            )
        ).one()


def _tiles(db: Database, z: int) -> list[tuple[int, int, int]]:
    west, south, east, north = _extent(db)
    x0, y0 = tile_of(west, north, z)
    x1, y1 = tile_of(east, south, z)
    return [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]


def _live(db: Database, layer: str, zxy: tuple[int, int, int]) -> bytes:
    """The same tile grouped from the records themselves, as without overviews."""
    spec = SPECS[layer]
    filters = _filters(spec, None)
    if db.dialect == "postgresql":
        keyed = _postgis_cells(db, spec, zxy, filters)
    else:
        keyed = _frame_cells(spec, layer_frame(db, spec, None, filters), zxy)
    return encode_cells(spec, zxy, per_cell(spec, keyed))


def _features(layer: str, tile: bytes) -> list[tuple[str, list[tuple[str, float]]]]:
    """A tile's cells in a comparable order: geometry, then properties."""
    if not tile:
        return []
    found = mapbox_vector_tile.decode(tile)[layer]["features"]
    return sorted(
        (json.dumps(f["geometry"]["coordinates"]), sorted(f["properties"].items()))
        for f in found
    )


def test_precomputed_cells_are_the_records_grouped(demo: Database) -> None:
    for layer in RECORD_LAYERS:
        spec = SPECS[layer]
        for z in (7, 9):
            for zxy in _tiles(demo, z):
                cells = precomputed_cells(demo, spec, zxy, None, {}, None)
                assert cells is not None
                got = _features(layer, encode_cells(spec, zxy, cells))
                assert got == _features(layer, _live(demo, layer, zxy))


def test_low_zoom_tiles_carry_remaining_hectares_per_square_km(
    demo: Database,
) -> None:
    app = create_app(Settings(database_url=demo.url, secret_key="k"), demo)
    with demo.transaction() as conn:
        approved = conn.execute(
            select(func.count())
            .select_from(Hazard)
            .where(Hazard.review_state == ReviewState.APPROVED)
        ).scalar_one()
        remaining = conn.execute(
            select(func.sum(Hazard.area_m2)).where(
                Hazard.review_state == ReviewState.APPROVED,
                Hazard.status != HazardStatus.CLOSED,
            )
        ).scalar_one()
    token = _viewer_token(demo)
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as client:
        records = 0
        hectares = 0.0
        z = 7
        for _, x, y in _tiles(demo, z):
            response = client.get(f"/tiles/hazard/{z}/{x}/{y}.mvt")
            assert response.status_code == 200
            if not response.content:
                continue
            for f in mapbox_vector_tile.decode(response.content)["hazard"]["features"]:
                props = f["properties"]
                assert set(props) == {"records", "area_m2", "density"}
                ring = f["geometry"]["coordinates"][0]
                row = y * 64 + int((4096 - max(p[1] for p in ring)) // 64)
                records += int(props["records"])
                hectares += float(props["density"]) * _cell_km2(z, row)
    assert records == approved  # each hazard counted once, in one cell
    # Densities have two significant digits: the hectares they add up to agree.
    assert hectares == pytest.approx(remaining / 1e4, rel=0.06)


def _cell_km2(z: int, row: int) -> float:
    size = 2 * math.pi * 6378.137 / 2 ** (z + 6)
    lat = math.atan(math.sinh(math.pi * (1 - 2 * (row + 0.5) / 2 ** (z + 6))))
    return (size * math.cos(lat)) ** 2


def _viewer_token(db: Database) -> str:
    name = f"viewer-{uuid.uuid4().hex[:6]}"
    user = add_user(db, name, "a-long-password", Role.VIEWER)
    return create_token(db, user.id, "density")


def test_the_map_explains_its_grid(demo: Database) -> None:
    app = create_app(Settings(database_url=demo.url, secret_key="k"), demo)
    token = _viewer_token(demo)
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as client:
        html = client.get("/map").text
    # One choice and one legend per grouped layer; the hazards' shown first.
    assert html.count('name="density"') == len(RECORD_LAYERS)
    assert 'value="hazard" checked' in html
    for layer, ramp in DENSITY.items():
        start = html.index(f'class="density-legend" data-layer="{layer}"')
        legend = html[start : html.index("</ul>", start)]
        for colour in ramp["colours"]:  # type: ignore[union-attr]
            assert f"background:{colour}" in legend
        assert f"{ramp['steps'][-1]} or more" in legend  # type: ignore[index]
    data = html.split('data-density="', 1)[1].split('"', 1)[0]
    style = json.loads(unescape(data))
    assert style["hazard"]["max_zoom"] == SPECS["hazard"].overview.max_zoom
    assert style["eo_item"]["squares"] is False  # finds drawn as dots
