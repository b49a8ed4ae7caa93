# SPDX-License-Identifier: GPL-3.0-or-later
"""The offline basemap from the register's reference layers, the PMTiles
file served by ranges, where the map opens, its search, and the
organisation and period filters the grouped tiles take from the server."""

from __future__ import annotations

import json
import re
from pathlib import Path

import mapbox_vector_tile
import shapely
from fastapi.testclient import TestClient

from demine.server import create_app
from demine.settings import Settings
from demine.store.database import Database
from demine.store.editing import add_records
from demine.store.schema import Place, ReferenceFeature
from demine.web.map_style import PALETTE, SWATCHES, contrast
from tests.api.conftest import Seed


def _tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    import math

    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def _reference(db: Database) -> None:
    with db.session(write=True) as session:
        country = shapely.box(46.0, 39.0, 48.0, 41.0)
        district = shapely.box(46.5, 39.5, 47.2, 40.2)
        for name, kind, shape in (
            ("Azərbaycan", "country", country),
            ("Ağdam rayonu", "admin1", district),
        ):
            session.add(
                Place(
                    name=name,
                    place_type=kind,
                    boundary=shapely.MultiPolygon([shape]),
                    location=shape.centroid,
                )
            )
        session.add(
            ReferenceFeature(
                kind="road",
                name="Şuşa yolu",
                geom=shapely.LineString([(46.6, 39.7), (46.9, 39.9)]),
            )
        )
        session.add(
            ReferenceFeature(
                kind="water",
                name="Тертер",
                geom=shapely.LineString([(46.5, 39.75), (47.1, 39.8)]),
            )
        )


def test_basemap_tiles_draw_boundaries_roads_and_rivers(
    as_role: dict[str, TestClient], db: Database
) -> None:
    _reference(db)
    x, y = _tile_of(46.75, 39.85, 8)
    answer = as_role["viewer"].get(f"/basemap/8/{x}/{y}.mvt")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/vnd.mapbox-vector-tile"
    tile = mapbox_vector_tile.decode(answer.content)
    levels = {f["properties"]["level"] for f in tile["boundary"]["features"]}
    assert levels == {"country", "admin1"}
    # Districts are named at a point inside; the country is not labelled.
    assert [f["properties"]["name"] for f in tile["boundary_label"]["features"]] == [
        "Ağdam rayonu"
    ]
    lines = {f["properties"]["name"]: f for f in tile["reference_line"]["features"]}
    assert lines["Şuşa yolu"]["properties"]["kind"] == "road"
    assert lines["Тертер"]["properties"]["kind"] == "water"
    assert lines["Şuşa yolu"]["geometry"]["type"] == "LineString"
    # Far from the register's layers the tile is empty.
    far_x, far_y = _tile_of(10.0, 50.0, 8)
    assert as_role["viewer"].get(f"/basemap/8/{far_x}/{far_y}.mvt").content == b""
    # Not for anonymous readers unless the layer is made public.
    refused = as_role["anonymous"].get(
        f"/basemap/8/{x}/{y}.mvt", follow_redirects=False
    )
    assert refused.status_code in (303, 401)
    assert refused.headers.get("content-type") != "application/vnd.mapbox-vector-tile"


def test_map_opens_on_the_hazards_with_the_palette_of_its_legend(
    as_role: dict[str, TestClient], seed: Seed
) -> None:
    html = as_role["viewer"].get("/map").text
    bounds = json.loads(re.search(r'data-bounds="([^"]*)"', html)[1])
    # The viewer's approved hazards: 0.01° squares at 46.70/39.80 and
    # 46.80/39.90, whole, with a margin, and not the drafts at 47.0/40.0.
    west, south, east, north = bounds
    assert 46.69 <= west <= 46.70
    assert 39.79 <= south <= 39.80
    assert 46.81 <= east <= 46.83
    assert 39.91 <= north <= 39.93
    assert '<h1 class="sr">Map of the register</h1>' in html
    for name in SWATCHES:
        assert f"background:{PALETTE[name]}" in html
    basemap = json.loads(
        re.search(r'data-basemap="([^"]*)"', html)[1].replace("&#34;", '"')
    )
    assert basemap == {"kind": "register", "url": "/basemap/{z}/{x}/{y}.mvt"}


def test_legend_colours_stand_out_and_need_no_red_green_vision() -> None:
    for name in SWATCHES:
        for ground in (PALETTE["land"], "#ffffff"):
            assert contrast(PALETTE[name], ground) >= 3.0, (name, ground)
    # Confirmed and suspected differ in lightness, which every kind of
    # colour vision sees; released land is blue, not green.
    assert contrast(PALETTE["cha"], PALETTE["sha"]) >= 1.5
    red, green, blue = (int(PALETTE["released"][i : i + 2], 16) for i in (1, 3, 5))
    assert blue > green > red


def test_search_finds_places_and_hazards(
    as_role: dict[str, TestClient], db: Database, seed: Seed
) -> None:
    _reference(db)
    found = as_role["viewer"].get("/map/search.json", params={"q": "ağdam"}).json()
    [place] = found["found"]
    assert place["kind"] == "place"
    assert place["name"] == "Ağdam rayonu"
    assert place["bounds"] == [46.5, 39.5, 47.2, 40.2]
    by_name = as_role["viewer"].get("/map/search.json", params={"q": "approved c"})
    assert [f["id"] for f in by_name.json()["found"]] == [seed.hazards["cha"]]
    by_number = as_role["viewer"].get(
        "/map/search.json", params={"q": str(seed.hazards["sha"])}
    )
    assert seed.hazards["sha"] in [f["id"] for f in by_number.json()["found"]]
    # A viewer does not find another organisation's draft.
    drafts = as_role["viewer"].get("/map/search.json", params={"q": "draft"}).json()
    assert drafts["found"] == []


def test_grouped_tiles_keep_one_organisation_and_one_period(
    as_role: dict[str, TestClient], db: Database, seed: Seed
) -> None:
    reviewer = as_role["reviewer"]
    x, y = _tile_of(47.005, 40.005, 8)  # both drafts, grouped at zoom 8

    def cells(layer: str, **query: str) -> list[dict[str, object]]:
        answer = reviewer.get(f"/tiles/{layer}/8/{x}/{y}.mvt", params=query)
        assert answer.status_code == 200
        return [
            f["properties"]
            for f in mapbox_vector_tile.decode(answer.content).get(
                layer, {"features": []}
            )["features"]
        ]

    everyone = cells("hazard")
    assert sum(int(c["records"]) for c in everyone) == 2
    alpha = cells("hazard", organisation=str(seed.orgs["Alpha Demining"]))
    assert sum(int(c["records"]) for c in alpha) == 1
    add_records(
        db,
        "accident",
        [
            {
                "accident_type": "demining",
                "occurred_on": day,
                "geom": {"type": "Point", "coordinates": [47.002, 40.002]},
            }
            for day in ("2021-06-15", "2024-03-01")
        ],
    )
    assert sum(int(c["records"]) for c in cells("accident")) == 2
    recent = cells("accident", **{"from": "2024-01-01"})
    assert sum(int(c["records"]) for c in recent) == 1
    assert cells("accident", **{"from": "2024-01-01", "to": "2024-02-01"}) == []
    bad = reviewer.get(f"/tiles/accident/8/{x}/{y}.mvt", params={"from": "May"})
    assert bad.status_code == 422
    assert "from" in bad.text


def test_pmtiles_basemap_is_served_by_ranges(
    db: Database, seed: Seed, tmp_path: Path
) -> None:
    from tests.api.conftest import PASSWORD

    archive = tmp_path / "basemap.pmtiles"
    archive.write_bytes(b"PMTiles\x03" + bytes(range(256)) * 4)
    settings = Settings(
        database_url=db.url, secret_key="k", basemap_pmtiles=str(archive)
    )
    with TestClient(create_app(settings, db)) as client:
        login = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', login.text)[1]
        client.post(
            "/login",
            data={"username": "viewer", "password": PASSWORD, "csrf_token": token},
        )
        html = client.get("/map").text
        assert "/static/vendor/pmtiles.js" in html
        part = client.get("/basemap.pmtiles", headers={"Range": "bytes=0-7"})
        assert part.status_code == 206
        assert part.content == b"PMTiles\x03"
        assert part.headers["content-range"] == f"bytes 0-7/{archive.stat().st_size}"
        tail = client.get("/basemap.pmtiles", headers={"Range": "bytes=8-11"})
        assert tail.content == bytes(range(4))


def test_drawing_check_names_faults_in_plain_words_and_where(
    as_role: dict[str, TestClient], seed: Seed
) -> None:
    clerk = as_role["clerk"]
    bow_tie = {
        "type": "Polygon",
        "coordinates": [
            [[46.0, 40.0], [46.2, 40.2], [46.2, 40.0], [46.0, 40.2], [46.0, 40.0]]
        ],
    }
    answer = clerk.get(
        "/draw/check.json", params={"geometry": json.dumps(bow_tie)}
    ).json()
    assert answer == {
        "problems": [
            {"message": "The boundary crosses itself here.", "at": [46.1, 40.1]}
        ],
        "area_m2": None,
    }
    box = shapely.geometry.mapping(shapely.box(46.0, 40.0, 46.01, 40.01))
    fine = clerk.get("/draw/check.json", params={"geometry": json.dumps(box)}).json()
    assert fine["problems"] == []
    assert 940_000 < fine["area_m2"] < 960_000  # 0.01° square at 40° N, ~0.95 km²
    # A clerk's drawing opens on the hazards the clerk sees: the approved
    # ones and the own organisation's draft (47.0/40.0), not the other's.
    west, _south, east, north = clerk.get("/draw/work-extent.json").json()["bounds"]
    assert west < 46.71
    assert east > 47.01
    assert north > 40.01
