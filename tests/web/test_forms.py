# SPDX-License-Identifier: GPL-3.0-or-later
"""The data-entry forms through the test client: activities with release
products, EO finds, accidents with victims, and their edit forms."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import Seed, square
from tests.web.test_pages import form_token, log_in

POINT_LON, POINT_LAT = "47.005", "40.005"


def field_error(page: str, key: str) -> str:
    """The message shown next to input ``key``, or '' if none."""
    match = re.search(rf'id="{re.escape(key)}-error"[^>]*>([^<]*)<', page)
    return html.unescape(match.group(1)) if match else ""


def count(api: TestClient, kind: str) -> int:
    return int(api.get(f"/api/v1/records/{kind}").json()["total"])


def activity_form(token: str, hazard: int, **extra: Any) -> dict[str, Any]:
    inner = square(47.002, 40.002, 0.002)
    data = {
        "csrf_token": token,
        "name": "Clearance of the orchard",
        "activity_type": "clearance",
        "status": "completed",
        "hazard_id": str(hazard),
        "start_date": "2026-03-01",
        "end_date": "2026-04-15",
        "releases-0-kind": "cleared",
        "releases-0-released_on": "2026-04-15",
        "releases-0-depth_cm": "13",
        "releases-0-geom": json.dumps(inner),
        "releases-1-kind": "cancelled",
        "releases-1-released_on": "2026-03-02",
        "releases-1-geom": json.dumps(square(47.006, 40.006, 0.002)),
        "releases-2-kind": "",
    }
    data.update(extra)
    return data


def test_clerk_adds_an_activity_with_release_products(
    client: TestClient, as_role: dict[str, TestClient], seed: Seed
) -> None:
    hazard = seed.hazards["alpha_draft"]
    token = log_in(client, "clerk")
    page = client.get(f"/activities/new?hazard_id={hazard}")
    assert page.status_code == 200
    # The hazard the link named, shown by name in its picker.
    assert f'name="hazard_id" value="alpha_draft ({hazard})"' in page.text
    assert 'name="releases-0-geom"' in page.text
    # A clerk cannot report for another organisation, whatever the form says.
    data = activity_form(
        token, hazard, organisation_id=str(seed.orgs["Bravo Clearance"])
    )
    made = client.post("/activities/new", data=data, follow_redirects=False)
    assert made.status_code == 303, made.text
    activity_id = int(made.headers["location"].rsplit("/", 1)[1])
    api = as_role["reviewer"]
    activity = api.get(f"/api/v1/records/activity/{activity_id}").json()
    assert activity["review_state"] == "submitted"
    assert activity["organisation_id"] == seed.orgs["Alpha Demining"]
    assert activity["reported_by_id"] == seed.orgs["Alpha Demining"]
    releases = [
        r
        for r in api.get("/api/v1/records/release").json()["items"]
        if r["activity_id"] == activity_id
    ]
    assert sorted(r["kind"] for r in releases) == ["cancelled", "cleared"]
    assert {r["hazard_id"] for r in releases} == {hazard}
    assert {r["review_state"] for r in releases} == {"submitted"}
    cleared = next(r for r in releases if r["kind"] == "cleared")
    assert cleared["depth_cm"] == 13
    assert 37_000 < cleared["area_m2"] < 39_000  # 222 m x 170 m at 40° N
    record = client.get(f"/records/activity/{activity_id}").text
    assert f'href="/activities/{activity_id}/edit"' in record
    edit = client.get(f"/activities/{activity_id}/edit").text
    assert edit.count('href="/records/release/') == 2


def test_a_bad_release_row_writes_nothing_and_says_where(
    client: TestClient, as_role: dict[str, TestClient], seed: Seed
) -> None:
    token = log_in(client, "clerk")
    api = as_role["reviewer"]
    before = count(api, "activity"), count(api, "release")
    data = activity_form(token, seed.hazards["alpha_draft"])
    del data["releases-0-depth_cm"]
    page = client.post("/activities/new", data=data)
    assert page.status_code == 422
    assert field_error(page.text, "releases-0-depth_cm") == "is required"
    # What was typed is kept, rows included.
    assert "Clearance of the orchard" in page.text
    assert 'name="releases-1-kind"' in page.text
    data = activity_form(token, seed.hazards["alpha_draft"], end_date="2999-01-01")
    page = client.post("/activities/new", data=data)
    assert "2999-01-01 is in the future" in field_error(page.text, "end_date")
    data = activity_form(token, seed.hazards["alpha_draft"])
    data["releases-1-geom"] = json.dumps({"type": "Point", "coordinates": [47, 40]})
    page = client.post("/activities/new", data=data)
    assert "must be a Polygon or MultiPolygon" in field_error(
        page.text, "releases-1-geom"
    )
    assert (count(api, "activity"), count(api, "release")) == before


def test_release_products_need_the_hazard_and_hidden_ones_are_refused(
    client: TestClient, seed: Seed
) -> None:
    token = log_in(client, "clerk")
    data = activity_form(token, seed.hazards["alpha_draft"], hazard_id="")
    page = client.post("/activities/new", data=data)
    assert page.status_code == 422
    assert field_error(page.text, "hazard_id") == "is required"  # for clearance
    data["activity_type"] = "nts"
    page = client.post("/activities/new", data=data)
    assert "need the hazard" in field_error(page.text, "hazard_id")
    # Another organisation's draft is as absent as a missing one.
    bravo = seed.hazards["bravo_draft"]
    page = client.post("/activities/new", data=activity_form(token, bravo))
    assert field_error(page.text, "hazard_id") == f"no hazard with id {bravo}"
    page = client.post("/activities/new", data=activity_form(token, 0, hazard_id="x"))
    assert field_error(page.text, "hazard_id").startswith("no hazard is called “x”")


def test_more_rows_are_added_without_saving(
    client: TestClient, as_role: dict[str, TestClient], seed: Seed
) -> None:
    token = log_in(client, "reviewer")
    before = count(as_role["reviewer"], "accident")
    page = client.post(
        "/accidents/new",
        data={
            "csrf_token": token,
            "accident_type": "non_demining",
            "victims-0-outcome": "killed",
            "more": "1",
        },
    )
    assert page.status_code == 200
    assert 'name="victims-1-outcome"' in page.text
    assert re.search(r'<option value="killed" selected>', page.text)
    assert count(as_role["reviewer"], "accident") == before


def test_accident_with_victims_all_or_nothing(
    client: TestClient, as_role: dict[str, TestClient]
) -> None:
    token = log_in(client, "clerk")
    api = as_role["reviewer"]
    before = count(api, "accident"), count(api, "victim")
    data = {
        "csrf_token": token,
        "accident_type": "non_demining",
        "occurred_on": "2026-06-02",
        "description": "Shepherd stepped on a mine",
        "geom_lon": POINT_LON,
        "geom_lat": POINT_LAT,
        "victims-0-outcome": "injured",
        "victims-0-sex": "male",
        "victims-0-age": "14",
        "victims-0-status": "civilian",
        "victims-0-activity": "herding",
        "victims-1-outcome": "killed",
        "victims-1-sex": "female",
        "victims-1-age": "130",
    }
    page = client.post("/accidents/new", data=data)
    assert page.status_code == 422
    assert field_error(page.text, "victims-1-age") == "must be at most 120, got '130'"
    assert (count(api, "accident"), count(api, "victim")) == before
    data["victims-1-age"] = "41"
    made = client.post("/accidents/new", data=data, follow_redirects=False)
    assert made.status_code == 303, made.text
    accident_id = int(made.headers["location"].rsplit("/", 1)[1])
    accident = api.get(f"/api/v1/records/accident/{accident_id}").json()
    assert accident["geom"] == {"type": "Point", "coordinates": [47.005, 40.005]}
    assert accident["review_state"] == "submitted"
    victims = [
        v
        for v in api.get("/api/v1/records/victim").json()["items"]
        if v["accident_id"] == accident_id
    ]
    assert sorted((v["sex"], v["age"], v["outcome"]) for v in victims) == [
        ("female", 41, "killed"),
        ("male", 14, "injured"),
    ]
    assert {v["review_state"] for v in victims} == {"submitted"}
    herder = next(v for v in victims if v["sex"] == "male")
    assert herder["activity"] == "herding"


def test_eo_find_point_is_checked_and_saved(
    client: TestClient, as_role: dict[str, TestClient], seed: Seed
) -> None:
    token = log_in(client, "clerk")
    data = {
        "csrf_token": token,
        "category": "ap_mine",
        "quantity": "0",
        "found_on": "2026-05-05",
        "geom_lon": "47.001",
        "geom_lat": "95",
        "hazard_id": str(seed.hazards["alpha_draft"]),
    }
    page = client.post("/eo-items/new", data=data)
    assert page.status_code == 422
    assert "latitude within ±90°" in field_error(page.text, "geom")
    data["geom_lat"] = "40.001"
    page = client.post("/eo-items/new", data=data)
    assert field_error(page.text, "quantity") == "must be at least 1, got '0'"
    data["quantity"] = "3"
    data["category"] = "landmine"
    page = client.post("/eo-items/new", data=data)
    assert "allowed: ap_mine" in field_error(page.text, "category")
    data["category"] = "ap_mine"
    data["save"] = "draft"
    made = client.post("/eo-items/new", data=data, follow_redirects=False)
    assert made.status_code == 303, made.text
    item_id = int(made.headers["location"].rsplit("/", 1)[1])
    item = as_role["clerk"].get(f"/api/v1/records/eo_item/{item_id}").json()
    assert item["review_state"] == "draft"
    assert item["quantity"] == 3
    assert item["geom"]["coordinates"] == [47.001, 40.001]
    # The other organisation's clerk cannot open it, nor edit it.
    assert as_role["other_clerk"].get(f"/eo-items/{item_id}/edit").status_code == 404


def test_edit_form_saves_clears_and_reports_conflicts(
    client: TestClient, as_role: dict[str, TestClient]
) -> None:
    token = log_in(client, "reviewer")
    made = (
        as_role["reviewer"]
        .post(
            "/api/v1/records/eo_item",
            json={
                "fields": {
                    "category": "uxo",
                    "quantity": 2,
                    "depth_cm": 10,
                    "geom": {"type": "Point", "coordinates": [46.71, 39.81]},
                }
            },
        )
        .json()
    )
    form = client.get(f"/eo-items/{made['id']}/edit").text
    assert 'name="geom_lon" inputmode="decimal" value="46.71"' in form
    data = {
        "csrf_token": token,
        "version": str(made["version"]),
        "category": "uxo",
        "quantity": "4",
        "depth_cm": "",
        "condition": "",
        "geom_lon": "46.71",
        "geom_lat": "39.81",
    }
    saved = client.post(
        f"/eo-items/{made['id']}/edit", data=data, follow_redirects=False
    )
    assert saved.status_code == 303, saved.text
    stored = as_role["reviewer"].get(f"/api/v1/records/eo_item/{made['id']}").json()
    assert stored["quantity"] == 4
    assert stored["depth_cm"] is None  # cleared
    assert stored["condition"] == "unknown"  # kept: it cannot be empty
    clash = client.post(f"/eo-items/{made['id']}/edit", data=data)
    assert clash.status_code == 409
    assert "Someone else changed this record" in clash.text
    assert f'name="version" value="{stored["version"]}"' in clash.text
    data["category"] = ""
    data["version"] = str(stored["version"])
    bad = client.post(f"/eo-items/{made['id']}/edit", data=data)
    assert bad.status_code == 422
    assert field_error(bad.text, "category") == "is required"


def test_clerks_edit_only_their_own_unapproved_records(
    as_role: dict[str, TestClient], seed: Seed
) -> None:
    accident = as_role["reviewer"].get("/api/v1/records/accident").json()["items"][0]
    assert accident["review_state"] == "approved"
    assert as_role["clerk"].get(f"/accidents/{accident['id']}/edit").status_code == 403
    assert as_role["viewer"].get("/accidents/new").status_code == 403
    assert (
        as_role["reviewer"].get(f"/accidents/{accident['id']}/edit").status_code == 200
    )
    assert as_role["reviewer"].get("/accidents/99999999999/edit").status_code == 404


def test_form_posts_need_the_csrf_token(client: TestClient) -> None:
    log_in(client, "clerk")
    page = client.post(
        "/eo-items/new", data={"csrf_token": "forged", "category": "uxo"}
    )
    assert page.status_code == 403


def test_release_form_takes_the_activity_hazard_and_a_file(
    client: TestClient, as_role: dict[str, TestClient], seed: Seed
) -> None:
    token = log_in(client, "reviewer")
    hazard = seed.hazards["cha"]
    activity = (
        as_role["reviewer"]
        .post(
            "/api/v1/records/activity",
            json={
                "fields": {
                    "activity_type": "ts",
                    "status": "ongoing",
                    "hazard_id": hazard,
                    "start_date": "2026-01-10",
                }
            },
        )
        .json()
    )
    page = client.get(f"/releases/new?activity_id={activity['id']}")
    assert f'({activity["id"]})"' in page.text  # the activity, named in its picker
    feature = {
        "type": "Feature",
        "properties": {},
        "geometry": square(46.701, 39.801, 0.003),
    }
    made = client.post(
        "/releases/new",
        data={
            "csrf_token": token,
            "activity_id": str(activity["id"]),
            "kind": "reduced",
            "released_on": "2026-02-01",
            "geom": "",
        },
        files={"geom_file": ("r.geojson", json.dumps(feature), "application/json")},
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    release_id = int(made.headers["location"].rsplit("/", 1)[1])
    stored = as_role["reviewer"].get(f"/api/v1/records/release/{release_id}").json()
    assert stored["hazard_id"] == hazard
    assert stored["review_state"] == "approved"  # a reviewer's counts at once
    after = as_role["reviewer"].get(f"/api/v1/records/hazard/{hazard}").json()
    assert after["reduced_m2"] > 0


def test_new_record_menu_lists_every_form(as_role: dict[str, TestClient]) -> None:
    page = as_role["clerk"].get("/new")
    assert page.status_code == 200
    for href in ("/hazards/new", "/activities/new", "/eo-items/new", "/accidents/new"):
        assert f'href="{href}"' in page.text
    assert as_role["viewer"].get("/new").status_code == 403
    assert form_token(as_role["clerk"].get("/hazards/new").text)


def test_record_page_offers_edit_only_to_who_may_edit(
    as_role: dict[str, TestClient],
) -> None:
    accident = as_role["reviewer"].get("/api/v1/records/accident").json()["items"][0]
    page = f"/records/accident/{accident['id']}"
    edit = f'href="/accidents/{accident["id"]}/edit"'
    add = f'href="/victims/new?accident_id={accident["id"]}"'
    assert edit in as_role["reviewer"].get(page).text
    clerk_view = as_role["clerk"].get(page).text
    assert edit not in clerk_view  # approved: a clerk may not edit it
    assert add in clerk_view  # but may report a victim of it
    assert add not in as_role["viewer"].get(page).text
