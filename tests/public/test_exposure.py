# SPDX-License-Identifier: GPL-3.0-or-later
"""Anonymous readers see the public service and nothing else, through any route.

Every GET route of the application (API, OGC API, tiles, exports, reports,
pages, certificates) is asked by an anonymous client with real ids of the
seed register filled in; the few that answer 200 must be on the public
list, and no answer may carry a canary: a name, an organisation, a
survivor's contact, or a vertex of a recorded polygon.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
import shapely
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from demine.analysis.summary import GROUPINGS
from demine.api.ogc import COLLECTIONS
from demine.server import routers
from demine.store.database import Database
from demine.store.listing import MODELS
from tests.api.after_clearance import CANARIES, CORNER, seed_after_clearance
from tests.api.conftest import Seed

# Paths (after filling) that anonymous readers may get with 200.
PUBLIC = re.compile(
    r"^/(public(/certificates/[^/]+)?|api/v1/public/(lookup|certificates/[^/]+)"
    r"|login|api|api/docs|ogc|ogc/conformance|ogc/collections(/[^/]+)?"
    # the page scripts' texts: the catalogue, no data
    r"|i18n/[a-z]+\.json)$"
)


@pytest.fixture
def after(db: Database, seed: Seed, app: FastAPI) -> dict[str, Any]:
    return seed_after_clearance(db, seed, app.state.settings.attachments_dir)


def _values(seed: Seed, after: dict[str, Any]) -> dict[str, list[str]]:
    ids = [str(i) for i in (*seed.hazards.values(), after["hazard"], after["danger"])]
    return {
        "kind": sorted(MODELS),
        "record_id": ids,
        "hazard_id": [str(after["hazard"])],
        "survivor_id": [str(after["survivor"])],
        "code": [after["code"]],
        "number": [after["certificate"]],
        "collection_id": sorted(COLLECTIONS),
        "feature_id": ids,
        "layer": sorted(MODELS),
        "attachment_id": [str(after["attachment"])],
        "language": ["en"],
        "z": ["0", "12"],
        "x": ["0", "2639"],
        "y": ["0", "1550"],
        "by": list(GROUPINGS),
        "user_id": [str(i) for i in seed.users.values()],
        "job_id": ["1"],
    }


def _paths(values: dict[str, list[str]]) -> list[str]:
    out = ["/api", "/api/docs"]
    for route in (r for router in routers() for r in router.routes):
        if not isinstance(route, APIRoute) or "GET" not in route.methods:
            continue
        names = re.findall(r"\{([^}]+)\}", route.path)
        # Ids no fixture names (quality, people) take the first record's.
        for combo in itertools.product(*(values.get(n, ["1"]) for n in names)):
            path = route.path
            for name, value in zip(names, combo, strict=True):
                path = path.replace("{" + name + "}", value)
            out.append(path)
    return out


QUERIES = (
    "",
    "?lon=46.7145&lat=39.8145",
    "?settlement=Sarijali",
    "?period=2025",
    "?format=pdf&period=2025",
)


def test_anonymous_reader_sees_nothing_but_the_public_service(
    app: FastAPI, seed: Seed, after: dict[str, Any]
) -> None:
    anonymous = TestClient(app)
    leaks, opened = [], []
    asked = 0
    for path in _paths(_values(seed, after)):
        for query in QUERIES:
            response = anonymous.get(path + query, follow_redirects=False)
            asked += 1
            if response.status_code != 200:
                continue
            if not PUBLIC.match(path):
                opened.append(path + query)
            text = response.content.decode("utf-8", errors="replace")
            leaks += [f"{path}{query}: {c}" for c in CANARIES if c in text]
    assert asked > 300
    assert not opened, "open to anonymous readers:\n" + "\n".join(sorted(set(opened)))
    assert not leaks, "\n".join(leaks)


def test_resident_sees_released_land_and_generalised_danger(
    app: FastAPI, seed: Seed, after: dict[str, Any]
) -> None:
    anonymous = TestClient(app)
    answer = anonymous.get(
        "/api/v1/public/lookup", params={"settlement": "sarijali"}
    ).json()
    assert set(answer) == {
        "open",
        "layers",
        "released",
        "hazardous",
        "messages",
        "warning",
        "hotline",
        "query",
        "settlement",
        "bbox",
    }
    [released] = answer["released"]
    assert set(released) == {
        "released_on",
        "area_ha",
        "certificate",
        "verify_url",
        "geometry",
    }
    assert released["certificate"] == after["certificate"]
    assert released["verify_url"].endswith(f"/public/certificates/{after['code']}")
    assert released["released_on"] == "2026-06-30"
    # The approved CHA and the open canary are near; drafts are not counted.
    assert answer["hazardous"]["count"] == 2
    assert answer["warning"].startswith("Danger")
    shown = shapely.geometry.shape(answer["hazardous"]["geometry"])
    cha = shapely.box(46.70, 39.80, 46.71, 39.81)
    assert shown.covers(cha)
    # Generalised: no vertex of the recorded square survives.
    vertices = {tuple(v) for v in shapely.get_coordinates(shown).round(6).tolist()}
    assert not vertices & {(46.70, 39.80), (46.71, 39.81), (46.70, 39.81)}
    assert shown.area > 1.5 * cha.area


def test_point_lookup_says_released_or_hazardous(
    app: FastAPI, after: dict[str, Any]
) -> None:
    anonymous = TestClient(app)
    x, y = CORNER
    inside = anonymous.get(
        "/api/v1/public/lookup", params={"lon": x + 0.002, "lat": y + 0.002}
    ).json()
    # The cleared field lies inside the generalised cells of the CHA nearby.
    assert inside["status"] in ("released", "hazardous")
    far = anonymous.get(
        "/api/v1/public/lookup", params={"lon": 45.0, "lat": 41.0}
    ).json()
    assert far["status"] == "no_record"
    assert far["released"] == []
    assert far["hazardous"]["count"] == 0


def test_closed_service_shows_nothing(
    app: FastAPI, as_role: dict[str, TestClient], after: dict[str, Any]
) -> None:
    closed = as_role["admin"].put("/api/v1/public/settings", json={"layers": {}})
    assert closed.status_code == 200
    answer = (
        as_role["anonymous"]
        .get("/api/v1/public/lookup", params={"settlement": "Sarijali"})
        .json()
    )
    assert answer["open"] is False
    assert answer["released"] == []
    assert answer["hazardous"]["count"] == 0


def test_administrator_bad_settings_are_refused_all_at_once(
    as_role: dict[str, TestClient],
) -> None:
    response = as_role["admin"].put(
        "/api/v1/public/settings",
        json={"layers": {"casualties": 0, "hazardous_area": -5}},
    )
    assert response.status_code == 422
    text = response.text
    assert "casualties" in text
    assert "hazardous_area" in text


def test_public_pages_are_light_cacheable_and_set_no_cookie(
    app: FastAPI, after: dict[str, Any]
) -> None:
    anonymous = TestClient(app)
    for path in (
        "/public?settlement=Sarijali",
        "/public?lon=46.7145&lat=39.8145",
        f"/public/certificates/{after['code']}",
    ):
        response = anonymous.get(path)
        assert response.status_code == 200
        assert response.headers["cache-control"] == "public, max-age=300"
        assert "set-cookie" not in response.headers
        # One request, no script or style files: the whole page is this.
        assert len(response.content) < 30_000
        assert "<script src" not in response.text
        assert '<link rel="stylesheet"' not in response.text
