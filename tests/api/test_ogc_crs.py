# SPDX-License-Identifier: GPL-3.0-or-later
"""OGC API - Features Part 2: features in other CRSs, and a bbox given in one."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from pyproj import Transformer

from demine.api.ogc import CRS84, SUPPORTED_CRS
from demine.server import create_app
from demine.settings import Settings
from demine.store.database import Database
from tests.api.conftest import Seed, live_server, seed_register

EPSG = "http://www.opengis.net/def/crs/EPSG/0/"
WEB_MERCATOR = EPSG + "3857"
UTM_38N = EPSG + "32638"
LAT_LON = EPSG + "4326"
# Around the approved CHA (46.70-46.71 E, 39.80-39.81 N) and the accident
# point inside it, clear of the other hazards' squares.
BOX = (46.69, 39.79, 46.72, 39.82)


@pytest.fixture(scope="module")
def server(module_db: Database) -> Iterator[tuple[str, Seed]]:
    seed = seed_register(module_db)
    app = create_app(Settings(database_url=module_db.url, secret_key="k"), module_db)
    with live_server(app) as url:
        yield url, seed


def get(server: tuple[str, Seed], path: str, **params: Any) -> httpx.Response:
    url, seed = server
    headers = {"Authorization": f"Bearer {seed.tokens['reviewer']}"}
    return httpx.get(f"{url}/ogc{path}", params=params, headers=headers, timeout=30)


def coords(geometry: dict[str, Any]) -> np.ndarray:
    """Every position of a GeoJSON geometry, as an (n, 2) array."""
    flat: list[list[float]] = []

    def walk(value: Any) -> None:
        if isinstance(value[0], int | float):
            flat.append([float(value[0]), float(value[1])])
        else:
            for part in value:
                walk(part)

    walk(geometry["coordinates"])
    return np.array(flat)


def by_id(collection: dict[str, Any]) -> dict[Any, dict[str, Any]]:
    return {f["id"]: f["geometry"] for f in collection["features"]}


def test_conformance_and_collections_list_the_crs(server: tuple[str, Seed]) -> None:
    conforms = get(server, "/conformance").json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in conforms
    for body in (
        get(server, "/collections/hazards").json(),
        *get(server, "/collections").json()["collections"],
    ):
        assert body["crs"][0] == CRS84
        assert body["crs"] == list(SUPPORTED_CRS)
        assert {LAT_LON, WEB_MERCATOR, UTM_38N, EPSG + "32639"} <= set(body["crs"])
        assert body["storageCrs"] == CRS84


@pytest.mark.parametrize("crs", [WEB_MERCATOR, UTM_38N, EPSG + "32639"])
def test_items_in_a_projected_crs_match_pyproj(
    server: tuple[str, Seed], crs: str
) -> None:
    plain = get(server, "/collections/hazards/items")
    moved = get(server, "/collections/hazards/items", crs=crs)
    assert plain.headers["content-crs"] == f"<{CRS84}>"
    assert moved.status_code == 200, moved.text
    assert moved.headers["content-crs"] == f"<{crs}>"
    expected, got = by_id(plain.json()), by_id(moved.json())
    assert expected.keys() == got.keys()
    assert len(got) == 4
    to_crs = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    for ident, geometry in expected.items():
        lonlat = coords(geometry)
        x, y = to_crs.transform(lonlat[:, 0], lonlat[:, 1])
        metres = coords(got[ident])
        assert got[ident]["type"] == geometry["type"]
        # Easting first, northing second, in metres (UTM eastings near 500 km).
        np.testing.assert_allclose(metres[:, 0], x, rtol=1e-6, atol=0.01)
        np.testing.assert_allclose(metres[:, 1], y, rtol=1e-6, atol=0.01)
        assert metres[:, 1].min() > 4_000_000
    assert moved.json()["numberMatched"] == plain.json()["numberMatched"]


def test_epsg_4326_is_latitude_first(server: tuple[str, Seed]) -> None:
    plain = by_id(get(server, "/collections/accidents/items").json())
    swapped = get(server, "/collections/accidents/items", crs=LAT_LON)
    assert swapped.headers["content-crs"] == f"<{LAT_LON}>"
    [(ident, point)] = by_id(swapped.json()).items()
    assert point["coordinates"] == pytest.approx([39.805, 46.705])
    assert plain[ident]["coordinates"] == pytest.approx([46.705, 39.805])


def test_one_item_in_another_crs(server: tuple[str, Seed]) -> None:
    _, seed = server
    path = f"/collections/hazards/items/{seed.hazards['cha']}"
    plain = get(server, path)
    assert plain.headers["content-crs"] == f"<{CRS84}>"
    moved = get(server, path, crs=UTM_38N)
    assert moved.status_code == 200, moved.text
    assert moved.headers["content-crs"] == f"<{UTM_38N}>"
    lonlat = coords(plain.json()["geometry"])
    x, y = Transformer.from_crs("EPSG:4326", UTM_38N, always_xy=True).transform(
        lonlat[:, 0], lonlat[:, 1]
    )
    np.testing.assert_allclose(coords(moved.json()["geometry"]), np.c_[x, y], atol=0.01)
    assert moved.json()["properties"] == plain.json()["properties"]


def test_bbox_in_web_mercator_selects_as_the_crs84_bbox(
    server: tuple[str, Seed],
) -> None:
    west, south, east, north = BOX
    to_merc = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    (x1, x2), (y1, y2) = to_merc.transform([west, east], [south, north])
    for collection in ("hazards", "accidents"):
        plain = get(
            server, f"/collections/{collection}/items", bbox=",".join(map(str, BOX))
        ).json()
        merc = get(
            server,
            f"/collections/{collection}/items",
            bbox=f"{x1},{y1},{x2},{y2}",
            **{"bbox-crs": WEB_MERCATOR},
        )
        assert merc.status_code == 200, merc.text
        assert by_id(merc.json()).keys() == by_id(plain).keys()
        assert len(by_id(plain)) == 1
    # The same box in EPSG:4326 is south,west,north,east.
    lat_first = get(
        server,
        "/collections/hazards/items",
        bbox=f"{south},{west},{north},{east}",
        **{"bbox-crs": LAT_LON},
    ).json()
    assert [f["properties"]["name"] for f in lat_first["features"]] == ["Approved CHA"]


def test_links_and_cache_carry_crs_and_bbox_crs(server: tuple[str, Seed]) -> None:
    west, south, east, north = BOX
    params = {"limit": 1, "crs": UTM_38N}
    first = get(server, "/collections/hazards/items", **params).json()
    links = {link["rel"]: link["href"] for link in first["links"]}
    assert f"crs={UTM_38N}" in links["self"]
    assert f"crs={UTM_38N}" in links["next"]
    # Following next stays in UTM.
    _url, seed = server
    nxt = httpx.get(
        links["next"],
        headers={"Authorization": f"Bearer {seed.tokens['reviewer']}"},
        timeout=30,
    )
    assert nxt.headers["content-crs"] == f"<{UTM_38N}>"
    assert coords(nxt.json()["features"][0]["geometry"])[:, 1].min() > 4_000_000
    # The same page in CRS84 is not answered from the UTM page kept in memory.
    again = get(server, "/collections/hazards/items", limit=1).json()
    assert coords(again["features"][0]["geometry"])[:, 0].max() < 180
    boxed = get(
        server,
        "/collections/hazards/items",
        bbox=f"{south},{west},{north},{east}",
        **{"bbox-crs": LAT_LON, "crs": WEB_MERCATOR},
    ).json()
    [self_link] = [link["href"] for link in boxed["links"] if link["rel"] == "self"]
    assert f"bbox={south!r},{west!r},{north!r},{east!r}" in self_link
    assert f"bbox-crs={LAT_LON}" in self_link
    assert f"crs={WEB_MERCATOR}" in self_link


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"crs": "http://www.opengis.net/def/crs/EPSG/0/2056"}, "crs"),
        ({"crs": "EPSG:3857"}, "crs"),
        ({"bbox": "1,2,3,4", "bbox-crs": "urn:ogc:def:crs:EPSG::99999"}, "bbox-crs"),
    ],
)
def test_unsupported_crs_is_a_400_naming_the_parameter(
    server: tuple[str, Seed], params: dict[str, str], field: str
) -> None:
    for path in ("/collections/hazards/items", "/collections/hazards/items/1"):
        if path.endswith("/1") and field != "crs":
            continue
        answer = get(server, path, **params)
        assert answer.status_code == 400, answer.text
        body = answer.json()
        assert body["field"] == field
        assert f"field '{field}'" in body["error"]
        assert WEB_MERCATOR in body["error"]
        assert CRS84 in body["error"]


@pytest.mark.parametrize(
    "bbox", ["1,2,3", "a,b,c,d", "5000000,4800000,4000000,4900000", "nan,1,2,3"]
)
def test_bad_bbox_in_a_crs_is_a_4xx(server: tuple[str, Seed], bbox: str) -> None:
    answer = get(
        server, "/collections/hazards/items", bbox=bbox, **{"bbox-crs": WEB_MERCATOR}
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == "bbox"


# --- GDAL's OAPIF client -------------------------------------------------------


def gdal(args: list[str], token: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GDAL_HTTP_TIMEOUT": "30", "CPL_DEBUG": "OFF"}
    env["GDAL_HTTP_HEADERS"] = f"Authorization: Bearer {token}"
    return subprocess.run(
        args, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def gdal_version() -> tuple[int, int]:
    if shutil.which("ogrinfo") is None:
        return (0, 0)
    out = subprocess.run(
        ["ogrinfo", "--version"], capture_output=True, text=True, check=False
    ).stdout
    found = re.search(r"GDAL (\d+)\.(\d+)", out)
    return (int(found[1]), int(found[2])) if found else (0, 0)


needs_gdal = pytest.mark.skipif(
    shutil.which("ogrinfo") is None, reason="GDAL (gdal-bin) is not installed"
)


@pytest.mark.skipif(
    gdal_version() < (3, 7), reason="GDAL's OAPIF CRS open option came in GDAL 3.7"
)
def test_ogrinfo_opens_a_layer_in_web_mercator(server: tuple[str, Seed]) -> None:
    url, seed = server
    done = gdal(
        [
            "ogrinfo",
            "-ro",
            "-so",
            f"OAPIF:{url}/ogc",
            "hazards",
            "-oo",
            "CRS=EPSG:3857",
        ],
        seed.tokens["reviewer"],
    )
    assert done.returncode == 0, done.stderr
    assert "Feature Count: 4" in done.stdout
    assert re.search(r"ID\[\"EPSG\",\s*3857\]", done.stdout), done.stdout


@needs_gdal
def test_ogr2ogr_pages_through_features_in_utm(
    server: tuple[str, Seed], tmp_path: Path
) -> None:
    """GDAL before 3.7 cannot ask for a CRS, but sends the URL's own query on.

    Its layer still claims WGS 84, so this checks the coordinates GDAL
    received (and that every ``next`` link kept the crs), not its SRS.
    """
    url, seed = server
    out = tmp_path / "utm.geojson"
    done = gdal(
        [
            "ogr2ogr",
            "-f",
            "GeoJSON",
            str(out),
            f"OAPIF:{url}/ogc?crs={UTM_38N}",
            "hazards",
            "-oo",
            "PAGE_SIZE=1",
        ],
        seed.tokens["reviewer"],
    )
    assert done.returncode == 0, done.stderr
    features = json.loads(out.read_text())["features"]
    assert len(features) == 4
    for f in features:
        eastings, northings = coords(f["geometry"]).T
        assert eastings.min() > 100_000
        assert eastings.max() < 900_000
        assert 4_000_000 < northings.min() < 5_000_000
