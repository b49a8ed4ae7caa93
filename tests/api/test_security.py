# SPDX-License-Identifier: GPL-3.0-or-later
"""Every endpoint x every role; CSRF, cookies, rate limits, bad input."""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from demine.server import create_app
from demine.settings import Settings
from demine.store.database import Database
from tests import api as api_tests
from tests.api.after_clearance import seed_after_clearance
from tests.api.conftest import PASSWORD, Seed, square

ROLES = (
    "anonymous",
    "viewer",
    "clerk",
    "other_clerk",
    "reviewer",
    "admin",
    "assistance",
)
VIEWER = ROLES.index("viewer")


Entry = tuple[str, str, Any, tuple[int, ...]]


def matrix(seed: Seed) -> list[Entry]:
    """(method, path, JSON body, expected status per role in ROLES order).

    A topic's routes live in its own ``tests/api/matrix_<topic>.py`` with an
    ``entries(seed)`` function; they are collected here. A row of six statuses
    (written before the assistance role) gives assistance the viewer's: that
    role reads the register as a viewer does.
    """
    entries = core_matrix(seed)
    for info in pkgutil.iter_modules(api_tests.__path__):
        if info.name.startswith("matrix_"):
            module = importlib.import_module(f"tests.api.{info.name}")
            entries.extend(module.entries(seed))
    return [
        (m, p, b, e if len(e) == len(ROLES) else (*e, e[VIEWER]))
        for m, p, b, e in entries
    ]


@pytest.fixture
def after(db: Database, seed: Seed, app: FastAPI) -> dict[str, Any]:
    """Certificates, survivors and the public service in the seed register."""
    return seed_after_clearance(db, seed, app.state.settings.attachments_dir)


def core_matrix(seed: Seed) -> list[Entry]:
    """The register's own routes: records, review, users, pages."""
    alpha, bravo, cha = (seed.hazards[k] for k in ("alpha_draft", "bravo_draft", "cha"))
    new = {"fields": {"hazard_class": "sha", "status": "open", "geom": square(47, 40)}}
    stale = {"version": 999, "changes": {"name": "x"}}
    return [
        ("GET", "/api/v1/records/hazard", None, (401, 200, 200, 200, 200, 200)),
        (
            "GET",
            f"/api/v1/records/hazard/{bravo}",
            None,
            (401, 404, 404, 200, 200, 200),
        ),
        ("GET", f"/api/v1/records/hazard/{cha}", None, (401, 200, 200, 200, 200, 200)),
        ("POST", "/api/v1/records/hazard", new, (401, 403, 201, 201, 201, 201)),
        (
            "PATCH",
            f"/api/v1/records/hazard/{alpha}",
            stale,
            (401, 404, 409, 404, 409, 409),
        ),
        (
            "PATCH",
            f"/api/v1/records/hazard/{cha}",
            stale,
            (401, 403, 403, 403, 409, 409),
        ),
        (
            "POST",
            f"/api/v1/records/hazard/{bravo}/submit",
            {"version": 999},
            (401, 404, 404, 409, 409, 409),
        ),
        # Approval names the version approved (issue 19, point 5).
        (
            "POST",
            f"/api/v1/records/hazard/{alpha}/approve",
            None,
            (401, 403, 403, 403, 422, 422),
        ),
        (
            "POST",
            f"/api/v1/records/hazard/{alpha}/approve",
            {"version": 1},
            (401, 403, 403, 403, 409, 409),
        ),
        (
            "GET",
            f"/api/v1/records/hazard/{cha}/history",
            None,
            (401, 200, 200, 200, 200, 200),
        ),
        ("GET", "/api/v1/review-queue", None, (401, 403, 403, 403, 200, 200)),
        # Reviewers and administrators sync; what is posted here is no
        # change file, so the reviewer's answer is a refusal of the file.
        (
            "POST",
            "/api/v1/sync",
            {"not": "a change file"},
            (401, 403, 403, 403, 422, 422),
        ),
        ("GET", "/api/v1/summary", None, (401, 200, 200, 200, 200, 200)),
        ("GET", "/api/v1/me", None, (401, 200, 200, 200, 200, 200)),
        ("POST", "/api/v1/tokens", {"name": "t"}, (401, 201, 201, 201, 201, 201)),
        ("GET", "/api/v1/users", None, (401, 403, 403, 403, 403, 200)),
        (
            "POST",
            "/api/v1/users",
            {"username": "newbie", "password": PASSWORD},
            (401, 403, 403, 403, 403, 201),
        ),
        ("GET", "/api/v1/public-layers", None, (401, 403, 403, 403, 403, 200)),
        (
            "PUT",
            "/api/v1/public-layers",
            {"layers": []},
            (401, 403, 403, 403, 403, 200),
        ),
        (
            "POST",
            f"/api/v1/records/hazard/{cha}/reject",
            {"reason": "r", "version": 1},
            (401, 403, 403, 403, 409, 409),
        ),
        (
            "POST",
            "/api/v1/login",
            {"username": "viewer", "password": PASSWORD},
            (200, 200, 200, 200, 200, 200),
        ),
        ("POST", "/api/v1/logout", None, (200, 200, 200, 200, 200, 200)),
        ("GET", "/ogc", None, (200, 200, 200, 200, 200, 200)),
        ("GET", "/ogc/conformance", None, (200, 200, 200, 200, 200, 200)),
        ("GET", "/ogc/collections", None, (200, 200, 200, 200, 200, 200)),
        ("GET", "/ogc/collections/hazards", None, (200, 200, 200, 200, 200, 200)),
        ("GET", "/ogc/collections/hazards/items", None, (401, 200, 200, 200, 200, 200)),
        (
            "GET",
            f"/ogc/collections/hazards/items/{bravo}",
            None,
            (401, 404, 404, 200, 200, 200),
        ),
        ("GET", "/tiles/hazard/0/0/0.mvt", None, (401, 200, 200, 200, 200, 200)),
        ("GET", "/map", None, (303, 200, 200, 200, 200, 200)),
        ("GET", "/dashboard", None, (303, 200, 200, 200, 200, 200)),
        ("GET", "/review", None, (303, 403, 403, 403, 200, 200)),
        ("GET", "/findings", None, (303, 403, 403, 403, 200, 200)),
        ("GET", "/hazards/new", None, (303, 403, 200, 200, 200, 200)),
        ("GET", f"/hazards/{alpha}/edit", None, (303, 403, 200, 404, 200, 200)),
        # Form posts need the session's CSRF token, which token clients lack.
        ("POST", "/findings", None, (303, 403, 403, 403, 403, 403)),
        (
            "POST",
            f"/review/hazard/{bravo}/approve",
            None,
            (303, 403, 403, 403, 403, 403),
        ),
        ("GET", f"/records/hazard/{bravo}", None, (303, 404, 404, 200, 200, 200)),
    ]


def test_every_endpoint_for_every_role(
    app: FastAPI, as_role: dict[str, TestClient], seed: Seed, after: dict[str, Any]
) -> None:
    failures = []
    for method, path, body, expected in matrix(seed):
        for role, status in zip(ROLES, expected, strict=True):
            # Logging in would turn the role's client into another user.
            client = TestClient(app) if path.endswith("/login") else as_role[role]
            response = client.request(method, path, json=body, follow_redirects=False)
            if response.status_code != status:
                failures.append(
                    f"{role} {method} {path}: {response.status_code} "
                    f"(expected {status}) {response.text[:120]}"
                )
    assert not failures, "\n".join(failures)


def test_every_api_route_is_in_the_matrix(
    app: FastAPI, seed: Seed, after: dict[str, Any]
) -> None:
    covered = [(m, p) for m, p, _b, _e in matrix(seed)]
    for path, item in app.openapi()["paths"].items():
        pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$")
        for method in item:
            assert any(m == method.upper() and pattern.match(p) for m, p in covered), (
                f"{method} {path} is not in the matrix"
            )


def test_public_layer_opens_approved_records_to_anonymous(
    as_role: dict[str, TestClient],
) -> None:
    admin, anonymous = as_role["admin"], as_role["anonymous"]
    assert (
        admin.put("/api/v1/public-layers", json={"layers": ["hazard"]}).status_code
        == 200
    )
    names = {h["name"] for h in anonymous.get("/api/v1/records/hazard").json()["items"]}
    assert names == {"Approved CHA", "Approved SHA"}
    assert anonymous.get("/tiles/hazard/0/0/0.mvt").status_code == 200
    assert anonymous.get("/api/v1/records/accident").status_code == 401
    assert (
        anonymous.post("/api/v1/records/hazard", json={"fields": {}}).status_code == 401
    )


def test_cookie_session_needs_csrf_token_and_has_safe_flags(client: TestClient) -> None:
    login = client.post(
        "/api/v1/login", json={"username": "clerk", "password": PASSWORD}
    )
    assert login.status_code == 200
    cookie = login.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    token = login.json()["csrf_token"]
    body = {"fields": {"hazard_class": "sha", "status": "open", "geom": square(47, 40)}}
    forged = client.post("/api/v1/records/hazard", json=body)
    assert forged.status_code == 403
    real = client.post(
        "/api/v1/records/hazard", json=body, headers={"X-CSRF-Token": token}
    )
    assert real.status_code == 201
    form = client.post("/logout", data={"csrf_token": "wrong"}, follow_redirects=False)
    assert form.status_code == 403
    assert client.get("/api/v1/me").status_code == 200


def test_secure_cookie_flag_when_configured(db: Database, seed: Seed) -> None:
    settings = Settings(database_url=db.url, secret_key="s", secure_cookies=True)
    with TestClient(create_app(settings, db)) as client:
        login = client.post(
            "/api/v1/login", json={"username": "viewer", "password": PASSWORD}
        )
        assert "secure" in login.headers["set-cookie"].lower()


def test_login_is_rate_limited(client: TestClient) -> None:
    for _ in range(10):
        wrong = client.post(
            "/api/v1/login", json={"username": "admin", "password": "nope"}
        )
        assert wrong.status_code == 401
    right = client.post(
        "/api/v1/login", json={"username": "admin", "password": PASSWORD}
    )
    assert right.status_code == 429
    assert "too many" in right.json()["error"]


def test_upload_size_is_limited(as_role: dict[str, TestClient]) -> None:
    ring = [[46 + i * 1e-6, 40.0] for i in range(20_000)] + [[46, 40.1], [46, 40.0]]
    body = {
        "fields": {
            "hazard_class": "sha",
            "status": "open",
            "geom": {"type": "Polygon", "coordinates": [ring]},
        }
    }
    response = as_role["reviewer"].post("/api/v1/records/hazard", json=body)
    assert response.status_code == 413


TRIANGLE = {
    "type": "Polygon",
    "coordinates": [[[46, 40], [46.1, 40], [46, 40.1], [46, 40]]],
}
FLAT = {"type": "Polygon", "coordinates": [[[46, 40], [46, 40], [46, 40], [46, 40]]]}
BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[46, 40], [46.2, 40.1], [46.2, 40], [46, 40.2], [46, 40]]],
}
HAZARD = {"hazard_class": "sha", "status": "open"}


def fields(**values: object) -> str:
    return json.dumps({"fields": {**HAZARD, **values}})


BAD_BODIES = [
    ('{"fields": ', 400, "not valid JSON"),
    ("[1, 2]", 422, "fields"),
    (fields(hazard_class=5, geom=TRIANGLE), 422, "hazard_class"),
    (fields(geom={"type": "Polygon", "coordinates": "x"}), 422, "geom"),
    (fields(geom={"type": "Point", "coordinates": [46, 40]}), 422, "geom"),
    (fields(geom=FLAT), 422, "three separate corners"),
    (fields(geom=BOWTIE), 422, "crosses itself here (longitude"),
    (fields(geom="POLYGON(("), 422, "geom"),
    (fields(geom=TRIANGLE, no_such=1), 422, "no_such"),
    (fields(geom=TRIANGLE, recorded_on="yesterday"), 422, "recorded_on"),
]
BAD_QUERIES = [
    "/api/v1/records/hazard?bbox=a,b,c,d",
    "/api/v1/records/hazard?bbox=10,10,0,0",
    "/api/v1/records/hazard?sort=geom",
    "/api/v1/records/hazard?limit=0",
    "/api/v1/records/nonsense",
    "/api/v1/records/organisation?status=x",
    "/api/v1/records/hazard/1/history?x=1&x=2",
    "/tiles/hazard/2/9/0.mvt",
    "/tiles/nolayer/0/0/0.mvt",
    "/ogc/collections/nothing/items",
    "/ogc/collections/hazards/items?bbox=1,2,3",
]


def test_bad_input_is_a_clear_4xx(as_role: dict[str, TestClient]) -> None:
    api = as_role["reviewer"]
    for body, status, words in BAD_BODIES:
        response = api.post(
            "/api/v1/records/hazard",
            content=body,
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == status, (body, response.text)
        assert words in response.json()["error"], body
        assert "Traceback" not in response.text
    for path in BAD_QUERIES:
        response = api.get(path)
        if path.endswith("x=2"):
            continue  # repeated unknown parameters are ignored, not an error
        assert 400 <= response.status_code < 500, (path, response.text)
        assert json.loads(response.text)["error"]


def test_control_characters_are_a_4xx(as_role: dict[str, TestClient]) -> None:
    api = as_role["reviewer"]
    login = api.post("/api/v1/login", json={"username": "a\x00b", "password": "x"})
    assert login.status_code in (401, 422)
    made = api.post(
        "/api/v1/records/hazard",
        json={"fields": {**HAZARD, "name": "nul\x00name", "geom": TRIANGLE}},
    )
    assert made.status_code in (201, 422), made.text
