# SPDX-License-Identifier: GPL-3.0-or-later
"""The review queue with context: names, submitter, organisation, what
changed since the approved version; a record approved with its children in
one transaction (all or nothing); the clerk's own submissions; the header's
count. Through the test client, on SQLite and on PostGIS."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from shapely.geometry import Polygon

from demine.exchange.importer import import_files
from demine.geo.shape_problems import shape_problems as plain_problems
from demine.store import review_context
from demine.store.database import Database
from demine.store.editing import add_records
from demine.store.listing import get_record
from demine.store.review import Children, create_record, shape_problems
from demine.store.review_context import header_count, review_queue
from demine.store.users import find_user
from tests.api.conftest import Seed
from tests.web.test_pages import log_in
from tests.web.test_transfer_audit import hazards

POINT = {"type": "Point", "coordinates": [47.1, 40.1]}
TRIANGLE = {
    "type": "Polygon",
    "coordinates": [[[47.2, 40.2], [47.21, 40.2], [47.2, 40.21], [47.2, 40.2]]],
}


def report_accident(db: Database, victims: int = 2) -> dict:
    """The clerk reports an accident with ``victims`` victims (submitted)."""
    clerk = find_user(db, "clerk")
    rows = [{"outcome": "injured", "age": 20 + n} for n in range(victims)]
    return create_record(
        db,
        "accident",
        {"accident_type": "non_demining", "occurred_on": "2026-06-01", "geom": POINT},
        clerk,
        children=[Children("victim", "accident_id", rows)],
    )


def queue_row(page: str, kind: str, record_id: int) -> str:
    match = re.search(
        rf'<tr data-kind="{kind}" data-id="{record_id}">(.*?)</tr>', page, re.S
    )
    assert match, f"{kind} {record_id} is not in the queue"
    return match.group(1)


def test_an_accident_is_reviewed_with_its_victims_all_or_nothing(
    client: TestClient, as_role: dict[str, TestClient], db: Database, seed: Seed
) -> None:
    accident, other, third = (report_accident(db, n) for n in (2, 3, 2))
    reviewer = find_user(db, "reviewer")
    assert header_count(db, reviewer) == 3  # accidents; their victims go with them
    token = log_in(client, "reviewer")
    page = client.get("/review").text
    row = queue_row(page, "accident", accident["id"])
    assert "Accident of Jun 1, 2026" in row
    assert "clerk" in row
    assert "Alpha Demining" in row
    assert "ago" in row or "just now" in row
    assert "Reviewed with 2 victims" in row
    assert "<svg" in row  # the map thumbnail
    assert "New record: never approved before." in row
    assert f"#{accident['id']}" not in page
    # Victims reported with a waiting accident are reviewed with it, not alone.
    assert 'data-kind="victim"' not in page
    assert 'id="header-count">3 to review<' in page
    # A long queue shows its oldest records, each with all its children.
    oldest = review_queue(db, reviewer, limit=1)
    assert (oldest.total, [i.id for i in oldest.items]) == (3, [accident["id"]])
    assert len(oldest.items[0].children) == 2

    # One approval where two victims changed since the page showed them:
    # nothing changes, and both are named.
    shown = children_of(row_html=queue_row(page, "accident", other["id"]))
    stale = [re.sub(r":\d+$", ":7", c) for c in shown[:2]]
    refused = approve(client, token, other, [*stale, shown[2]])
    assert refused.status_code == 409
    error = re.search(r'id="review-error">([^<]*)<', refused.text).group(1)
    assert error.startswith("Nothing was changed:")
    for child in shown[:2]:
        assert f"Victim {child.split(':')[1]}: the record changed" in error
    assert states(db, other, shown) == {"submitted"}

    done = approve(client, token, accident, children_of(row))
    assert done.status_code == 200
    assert re.search(
        r'id="review-notice">Approved: Accident of Jun 1, 2026 and 2 victims<',
        done.text,
    ), done.text
    assert states(db, accident, children_of(row)) == {"approved"}
    assert header_count(db, reviewer) == 2
    # The notice is said once.
    assert "review-notice" not in client.get("/review").text

    # Through the API: a rejection with the children, in one transaction.
    rejected = as_role["reviewer"].post(
        f"/api/v1/records/accident/{third['id']}/reject",
        json={"version": third["version"], "reason": "wrong date", "children": True},
    )
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["review_state"] == "rejected"
    assert [c["review_state"] for c in rejected.json()["children"]] == ["rejected"] * 2


def children_of(row_html: str) -> list[str]:
    return sorted(set(re.findall(r'name="child" value="(victim:\d+:\d+)"', row_html)))


def approve(
    client: TestClient, token: str, record: dict, children: list[str]
) -> object:
    return client.post(
        f"/review/accident/{record['id']}/approve",
        data={
            "csrf_token": token,
            "version": record["version"],
            "shown_children": "1",
            "child": children,
        },
    )


def states(db: Database, accident: dict, children: list[str]) -> set[str]:
    reviewer = find_user(db, "reviewer")
    found = {get_record(db, "accident", accident["id"], reviewer)["review_state"]}
    for child in children:
        victim = get_record(db, "victim", int(child.split(":")[1]), reviewer)
        found.add(victim["review_state"])
    return found


def test_queue_shows_changes_since_the_approved_version(
    client: TestClient, db: Database, seed: Seed, tmp_path: Path
) -> None:
    path = tmp_path / "edition.geojson"
    row = {"external_id": "diff-1", "hazard_class": "sha", "lat": 39.5}
    path.write_text(hazards({**row, "name": "Old pasture"}), encoding="utf-8")
    import_files(db, "hazard", [path], audit_user_id=seed.users["reviewer"])
    # A new edition from the field, for review.
    path.write_text(
        hazards({**row, "name": "New pasture", "hazard_class": "cha"}),
        encoding="utf-8",
    )
    import_files(
        db,
        "hazard",
        [path],
        review_state="submitted",
        audit_user_id=seed.users["clerk"],
    )
    log_in(client, "reviewer")
    page = client.get("/review").text
    hid = int(re.search(r'data-kind="hazard" data-id="(\d+)"', page).group(1))
    row_html = queue_row(page, "hazard", hid)
    assert "New pasture" in row_html
    assert "Changes since the approved version:" in row_html
    assert "<li>Name: Old pasture → New pasture</li>" in row_html
    assert "Classification: SHA → CHA" in row_html
    assert "Version" not in row_html


def test_clerk_sees_their_rejected_record_reason_and_count(
    client: TestClient,
    as_role: dict[str, TestClient],
    db: Database,
    seed: Seed,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hid = seed.hazards["alpha_draft"]
    submitted = as_role["clerk"].post(f"/api/v1/records/hazard/{hid}/submit").json()
    clerk = find_user(db, "clerk")
    assert header_count(db, clerk) == 0
    rejected = as_role["reviewer"].post(
        f"/api/v1/records/hazard/{hid}/reject",
        json={"version": submitted["version"], "reason": "wrong village"},
    )
    assert rejected.status_code == 200
    assert header_count(db, clerk) == 1
    # The other organisation's clerk has nothing rejected.
    assert header_count(db, find_user(db, "other_clerk")) == 0
    log_in(client, "clerk")
    page = client.get("/my-submissions").text
    row = re.search(
        rf'<tr data-kind="hazard" data-id="{hid}"[^>]*>(.*?)</tr>', page, re.S
    )
    assert row
    assert "alpha_draft" in row.group(1)
    assert "Rejected" in row.group(1)
    assert "wrong village" in row.group(1)
    assert 'id="header-count">1 rejected<' in page
    # Newer approved records do not push a rejected one off the page.
    add_records(
        db,
        "hazard",
        [{"name": "Newer", "hazard_class": "sha", "status": "open", "geom": TRIANGLE}],
        reported_by_id=seed.orgs["Alpha Demining"],
    )
    monkeypatch.setattr(review_context, "MY_SUBMISSIONS_SHOWN", 1)
    assert [s.record["id"] for s in review_context.my_submissions(db, clerk)] == [hid]
    assert str(seed.hazards["bravo_draft"]) not in re.findall(r'data-id="(\d+)"', page)
    # Submitted again: no longer counted.
    again = as_role["clerk"].post(f"/api/v1/records/hazard/{hid}/submit")
    assert again.status_code == 200
    assert header_count(db, clerk) == 0
    assert 'id="header-count"' not in client.get("/my-submissions").text


def test_a_bow_tie_is_named_in_the_drawing_map_s_words() -> None:
    bow_tie = {
        "type": "Polygon",
        "coordinates": [[[46, 40], [46.2, 40.1], [46.2, 40], [46, 40.2], [46, 40]]],
    }
    [problem] = shape_problems({"geom": bow_tie})
    [plain] = plain_problems(Polygon(bow_tie["coordinates"][0]))
    assert problem.reason.startswith(plain.message.rstrip("."))
    assert "no area" not in problem.reason
    flat = {
        "type": "Polygon",
        "coordinates": [[[46, 40], [46, 40], [46, 40], [46, 40]]],
    }
    [problem] = shape_problems({"geom": flat})
    assert problem.reason.startswith(
        "The boundary needs at least three separate corners"
    )
