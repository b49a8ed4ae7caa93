# SPDX-License-Identifier: GPL-3.0-or-later
"""OGC API - Features read by GDAL's own OAPIF client against a live server."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from demine.server import create_app
from demine.settings import Settings
from demine.store.database import Database
from tests.api.conftest import Seed, live_server, seed_register

pytestmark = pytest.mark.skipif(
    shutil.which("ogrinfo") is None, reason="GDAL (gdal-bin) is not installed"
)


@pytest.fixture(scope="module")
def server(module_db: Database) -> Iterator[tuple[str, Seed]]:
    seed = seed_register(module_db)
    app = create_app(Settings(database_url=module_db.url, secret_key="k"), module_db)
    with live_server(app) as url:
        yield url, seed


def gdal(args: list[str], token: str | None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GDAL_HTTP_TIMEOUT": "30", "CPL_DEBUG": "OFF"}
    env.pop("GDAL_HTTP_HEADERS", None)
    if token:
        env["GDAL_HTTP_HEADERS"] = f"Authorization: Bearer {token}"
    return subprocess.run(
        args, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def feature_counts(output: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    layer = None
    for line in output.splitlines():
        if line.startswith("Layer name:"):
            layer = line.split(":", 1)[1].strip()
        elif line.startswith("Feature Count:") and layer:
            counts[layer] = int(line.split(":", 1)[1])
    return counts


def test_ogrinfo_lists_layers_with_correct_counts(server: tuple[str, Seed]) -> None:
    url, seed = server
    viewer = gdal(
        ["ogrinfo", "-ro", "-so", "-al", f"OAPIF:{url}/ogc"], seed.tokens["viewer"]
    )
    assert viewer.returncode == 0, viewer.stderr
    counts = feature_counts(viewer.stdout)
    assert counts == {
        "hazards": 2,
        "releases": 0,
        "eo_items": 0,
        "accidents": 1,
        "activities": 0,
    }
    reviewer = gdal(
        ["ogrinfo", "-ro", "-so", "-al", f"OAPIF:{url}/ogc"], seed.tokens["reviewer"]
    )
    assert feature_counts(reviewer.stdout)["hazards"] == 4


def test_ogr2ogr_copies_features_in_a_bbox(
    server: tuple[str, Seed], tmp_path: Path
) -> None:
    url, seed = server
    out = tmp_path / "hazards.geojson"
    done = gdal(
        [
            "ogr2ogr",
            "-f",
            "GeoJSON",
            str(out),
            f"OAPIF:{url}/ogc",
            "hazards",
            "-spat",
            "46.69",
            "39.79",
            "46.72",
            "39.82",
        ],
        seed.tokens["viewer"],
    )
    assert done.returncode == 0, done.stderr
    features = json.loads(out.read_text())["features"]
    assert [f["properties"]["name"] for f in features] == ["Approved CHA"]
    assert features[0]["geometry"]["type"] == "MultiPolygon"


def test_paging_follows_next_links(server: tuple[str, Seed], tmp_path: Path) -> None:
    url, seed = server
    out = tmp_path / "all.geojson"
    done = gdal(
        [
            "ogr2ogr",
            "-f",
            "GeoJSON",
            str(out),
            f"OAPIF:{url}/ogc",
            "hazards",
            "-oo",
            "PAGE_SIZE=1",
        ],
        seed.tokens["reviewer"],
    )
    assert done.returncode == 0, done.stderr
    names = sorted(
        f["properties"]["name"] for f in json.loads(out.read_text())["features"]
    )
    assert names == ["Approved CHA", "Approved SHA", "alpha_draft", "bravo_draft"]
