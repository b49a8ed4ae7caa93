# SPDX-License-Identifier: GPL-3.0-or-later
"""The server-rendered pages through the test client: forms, CSRF, messages."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

from tests.api.conftest import PASSWORD, Seed, square


def form_token(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "no CSRF token in the page"
    return match.group(1)


def log_in(client: TestClient, username: str) -> str:
    """Log in through the form; returns the new session's CSRF token."""
    token = form_token(client.get("/login").text)
    done = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    # A new session on login: the old token is void.
    fresh = form_token(client.get("/map").text)
    assert fresh != token
    return fresh


def test_wrong_password_shows_the_form_again(client: TestClient) -> None:
    token = form_token(client.get("/login").text)
    page = client.post(
        "/login", data={"username": "clerk", "password": "x", "csrf_token": token}
    )
    assert page.status_code == 401
    assert "wrong user name or password" in page.text
    assert 'name="username"' in page.text


def test_login_redirects_only_within_the_site(client: TestClient) -> None:
    token = form_token(client.get("/login?next=//evil.example").text)
    done = client.post(
        "/login",
        data={
            "username": "viewer",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/x",
        },
        follow_redirects=False,
    )
    assert done.headers["location"] == "/map"


def test_hazard_form_shows_errors_next_to_the_field_and_takes_uploads(
    client: TestClient,
) -> None:
    token = log_in(client, "clerk")
    bad = client.post(
        "/hazards/new",
        data={
            "csrf_token": token,
            "hazard_class": "sha",
            "status": "open",
            "geom": "not json",
        },
    )
    assert bad.status_code == 422
    assert re.search(r'id="geom-error"[^>]*>[^<]*not GeoJSON', bad.text)
    feature = {"type": "Feature", "properties": {}, "geometry": square(47.2, 40.2)}
    made = client.post(
        "/hazards/new",
        data={
            "csrf_token": token,
            "name": "Uploaded",
            "hazard_class": "cha",
            "status": "open",
        },
        files={"upload": ("h.geojson", json.dumps(feature), "application/geo+json")},
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    record = client.get(made.headers["location"])
    assert "Uploaded" in record.text
    assert "submitted" in record.text


def test_reject_with_reason_through_the_review_page(
    client: TestClient, as_role: dict[str, TestClient], seed: Seed
) -> None:
    hid = seed.hazards["alpha_draft"]
    submitted = as_role["clerk"].post(f"/api/v1/records/hazard/{hid}/submit")
    token = log_in(client, "reviewer")
    queue = client.get("/review").text
    assert f'data-id="{hid}"' in queue
    version = submitted.json()["version"]
    assert f'name="version" value="{version}"' in queue
    done = client.post(
        f"/review/hazard/{hid}/reject",
        data={"csrf_token": token, "reason": "wrong village", "version": version},
        follow_redirects=False,
    )
    assert done.status_code == 303
    record = client.get(f"/records/hazard/{hid}").text
    assert "rejected" in record
    assert "wrong village" in record


def test_findings_link_to_records_and_the_map(client: TestClient, seed: Seed) -> None:
    token = log_in(client, "reviewer")
    page = client.post("/findings", data={"csrf_token": token})
    assert page.status_code == 200
    assert 'id="findings-summary"' in page.text
    # The two seeded drafts lie on the same ground: an overlap.
    drafts = (seed.hazards["alpha_draft"], seed.hazards["bravo_draft"])
    assert any(f'href="/records/hazard/{hid}"' in page.text for hid in drafts)
    assert "/map#at=" in page.text


def test_edit_form_reports_a_conflict_and_keeps_the_edit(
    client: TestClient, as_role: dict[str, TestClient], seed: Seed
) -> None:
    hid = seed.hazards["cha"]
    token = log_in(client, "reviewer")
    form = client.get(f"/hazards/{hid}/edit").text
    version = int(re.search(r'name="version" value="(\d+)"', form).group(1))
    geom = re.search(r'<textarea id="geom" name="geom"[^>]*>([^<]*)<', form).group(1)
    other = as_role["admin"].patch(
        f"/api/v1/records/hazard/{hid}",
        json={"version": version, "changes": {"name": "Admin's name"}},
    )
    assert other.status_code == 200
    data = {
        "csrf_token": token,
        "version": version,
        "name": "Reviewer's name",
        "hazard_class": "cha",
        "status": "open",
        "geom": geom.replace("&#34;", '"').replace("&quot;", '"'),
    }
    clash = client.post(f"/hazards/{hid}/edit", data=data)
    assert clash.status_code == 409
    assert "Someone else changed this hazard" in clash.text
    assert "Admin&#39;s name" in clash.text or "Admin's name" in clash.text
    assert "Reviewer&#39;s name" in clash.text or "Reviewer's name" in clash.text
    data["version"] = version + 1
    saved = client.post(f"/hazards/{hid}/edit", data=data, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    stored = as_role["reviewer"].get(f"/api/v1/records/hazard/{hid}").json()
    assert stored["name"] == "Reviewer's name"
    assert stored["version"] == version + 2
