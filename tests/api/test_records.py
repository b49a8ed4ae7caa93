# SPDX-License-Identifier: GPL-3.0-or-later
"""REST records: filters and paging, review states, audit trail, conflicts."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import Seed, square


def test_list_filters_and_pages(as_role: dict[str, TestClient], seed: Seed) -> None:
    api = as_role["reviewer"]
    page = api.get("/api/v1/records/hazard", params={"limit": 2, "sort": "-id"}).json()
    assert page["total"] == 4
    assert [h["id"] for h in page["items"]] == sorted(seed.hazards.values())[::-1][:2]
    rest = api.get("/api/v1/records/hazard", params={"limit": 2, "offset": 2}).json()
    assert len(rest["items"]) == 2
    near = api.get("/api/v1/records/hazard", params={"bbox": "46.69,39.79,46.72,39.82"})
    assert [h["name"] for h in near.json()["items"]] == ["Approved CHA"]
    org = seed.orgs["Bravo Clearance"]
    mine = api.get("/api/v1/records/hazard", params={"organisation_id": org}).json()
    assert [h["name"] for h in mine["items"]] == ["bravo_draft"]
    points = api.get("/api/v1/records/accident", params={"bbox": "46,39,47,40"})
    assert points.json()["total"] == 1
    geom = page["items"][0]["geom"]
    assert geom["type"] == "MultiPolygon"


def test_clerk_sees_approved_and_own_drafts_only(
    as_role: dict[str, TestClient], seed: Seed
) -> None:
    names = {
        role: {
            h["name"]
            for h in as_role[role].get("/api/v1/records/hazard").json()["items"]
        }
        for role in ("clerk", "other_clerk", "viewer")
    }
    approved = {"Approved CHA", "Approved SHA"}
    assert names["clerk"] == approved | {"alpha_draft"}
    assert names["other_clerk"] == approved | {"bravo_draft"}
    assert names["viewer"] == approved
    hidden = as_role["clerk"].get(
        f"/api/v1/records/hazard/{seed.hazards['bravo_draft']}"
    )
    assert hidden.status_code == 404


def test_submitted_hazard_counts_only_after_approval(
    as_role: dict[str, TestClient], seed: Seed
) -> None:
    clerk, reviewer = as_role["clerk"], as_role["reviewer"]
    before = reviewer.get("/api/v1/summary").json()["hazards"]
    made = clerk.post(
        "/api/v1/records/hazard",
        json={
            "fields": {
                "name": "New",
                "hazard_class": "cha",
                "status": "open",
                "geom": square(46.9, 39.9),
            }
        },
    )
    assert made.status_code == 201, made.text
    record = made.json()
    assert record["review_state"] == "submitted"
    assert record["reported_by_id"] == seed.orgs["Alpha Demining"]
    assert reviewer.get("/api/v1/summary").json()["hazards"] == before
    queue = reviewer.get("/api/v1/review-queue").json()
    assert {"kind": "hazard", "id": record["id"]} in [
        {"kind": q["kind"], "id": q["id"]} for q in queue
    ]
    seen = {"version": record["version"]}
    denied = clerk.post(f"/api/v1/records/hazard/{record['id']}/approve", json=seen)
    assert denied.status_code == 403
    ok = reviewer.post(f"/api/v1/records/hazard/{record['id']}/approve", json=seen)
    assert ok.status_code == 200, ok.text
    assert ok.json()["review_state"] == "approved"
    assert reviewer.get("/api/v1/summary").json()["hazards"] == before + 1
    trail = reviewer.get(f"/api/v1/records/hazard/{record['id']}/history").json()
    assert [e["action"] for e in trail] == ["create", "approve"]
    assert trail[1]["user"] == "reviewer"
    assert trail[1]["before"]["review_state"] == "submitted"
    assert trail[1]["after"]["review_state"] == "approved"


def test_reject_needs_a_reason_and_records_it(
    as_role: dict[str, TestClient], seed: Seed
) -> None:
    clerk, reviewer = as_role["clerk"], as_role["reviewer"]
    hid = seed.hazards["alpha_draft"]
    submitted = clerk.post(f"/api/v1/records/hazard/{hid}/submit")
    assert submitted.status_code == 200
    version = submitted.json()["version"]
    no_reason = reviewer.post(
        f"/api/v1/records/hazard/{hid}/reject", json={"version": version}
    )
    assert no_reason.status_code == 422
    assert no_reason.json()["field"] == "reason"
    rejected = reviewer.post(
        f"/api/v1/records/hazard/{hid}/reject",
        json={"reason": "polygon is wrong", "version": version},
    )
    assert rejected.json()["review_state"] == "rejected"
    trail = reviewer.get(f"/api/v1/records/hazard/{hid}/history").json()
    assert trail[-1]["after"]["review_reason"] == "polygon is wrong"
    again = reviewer.post(
        f"/api/v1/records/hazard/{hid}/approve", json={"version": version + 1}
    )
    assert again.status_code == 409
    stale = reviewer.post(
        f"/api/v1/records/hazard/{hid}/approve",
        json={"version": version},
        headers={"Accept-Language": "ru"},
    )
    assert stale.status_code == 409
    assert stale.json()["error"] == (
        "запись не может получить отметку «утверждено»:"
        " её состояние проверки — «Отклонено»"
    )


def test_second_editor_gets_conflict_with_both_versions(
    as_role: dict[str, TestClient], seed: Seed
) -> None:
    reviewer, admin = as_role["reviewer"], as_role["admin"]
    hid = seed.hazards["cha"]
    read = reviewer.get(f"/api/v1/records/hazard/{hid}").json()
    first = reviewer.patch(
        f"/api/v1/records/hazard/{hid}",
        json={"version": read["version"], "changes": {"name": "First edit"}},
    )
    assert first.status_code == 200, first.text
    assert first.json()["version"] == read["version"] + 1
    second = admin.patch(
        f"/api/v1/records/hazard/{hid}",
        json={"version": read["version"], "changes": {"name": "Second edit"}},
    )
    assert second.status_code == 409
    body = second.json()
    assert body["current"]["name"] == "First edit"
    assert body["submitted"]["name"] == "Second edit"
    stored = reviewer.get(f"/api/v1/records/hazard/{hid}").json()
    assert stored["name"] == "First edit"


def test_edit_geometry_recomputes_area_and_is_audited(
    as_role: dict[str, TestClient], seed: Seed
) -> None:
    reviewer = as_role["reviewer"]
    hid = seed.hazards["sha"]
    read = reviewer.get(f"/api/v1/records/hazard/{hid}").json()
    edited = reviewer.patch(
        f"/api/v1/records/hazard/{hid}",
        json={
            "version": read["version"],
            "changes": {"geom": square(46.8, 39.9, 0.02)},
        },
    ).json()
    assert 3.5 < edited["area_m2"] / read["area_m2"] < 4.5
    trail = reviewer.get(f"/api/v1/records/hazard/{hid}/history").json()
    assert trail[-1]["action"] == "update"
    assert trail[-1]["before"]["area_m2"] == read["area_m2"]


def test_clerk_cannot_edit_approved_or_set_protected_fields(
    as_role: dict[str, TestClient], seed: Seed
) -> None:
    clerk = as_role["clerk"]
    hid = seed.hazards["cha"]
    denied = clerk.patch(
        f"/api/v1/records/hazard/{hid}", json={"version": 1, "changes": {"name": "x"}}
    )
    assert denied.status_code == 403
    sneaky = clerk.post(
        "/api/v1/records/hazard",
        json={
            "fields": {
                "hazard_class": "sha",
                "status": "open",
                "geom": square(47, 40),
                "review_state": "approved",
            }
        },
    )
    assert sneaky.status_code == 422
    assert sneaky.json()["field"] == "review_state"


def test_approving_an_old_version_names_what_changed_in_the_readers_words(
    as_role: dict[str, TestClient], seed: Seed
) -> None:
    clerk, reviewer = as_role["clerk"], as_role["reviewer"]
    hid = seed.hazards["alpha_draft"]
    opened = clerk.post(f"/api/v1/records/hazard/{hid}/submit").json()["version"]
    edited = reviewer.patch(
        f"/api/v1/records/hazard/{hid}",
        json={"version": opened, "changes": {"name": "Alpha, renamed"}},
    )
    assert edited.status_code == 200, edited.text
    stale = reviewer.post(
        f"/api/v1/records/hazard/{hid}/approve",
        json={"version": opened},
        headers={"Accept-Language": "az"},
    )
    assert stale.status_code == 409
    message = stale.json()["error"]
    assert f"{opened} versiyası indi {opened + 1}" in message
    assert "Ad" in message.split("dəyişənlər:")[1]
    assert "name" not in message
