# SPDX-License-Identifier: GPL-3.0-or-later
"""Record pages read as a person writes: labels, names, units, what belongs
to the record, its drawing and its history in sentences (issue 12, problem 2)."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import Seed, square
from tests.web.test_pages import form_token, log_in


def made(api: TestClient, kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    done = api.post(f"/api/v1/records/{kind}", json={"fields": fields})
    assert done.status_code == 201, done.text
    return done.json()


def text_of(html: str) -> str:
    """The page's words without tags, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_hazard_page_shows_labels_names_units_and_what_belongs_to_it(
    client: TestClient, as_role: dict[str, TestClient], seed: Seed
) -> None:
    reviewer = as_role["reviewer"]
    hid = seed.hazards["cha"]
    hazard = reviewer.get(f"/api/v1/records/hazard/{hid}").json()
    reviewer.patch(
        f"/api/v1/records/hazard/{hid}",
        json={
            "version": hazard["version"],
            "changes": {"contamination": ["ap_mine", "at_mine"], "women": 3},
        },
    ).raise_for_status()
    alpha = seed.orgs["Alpha Demining"]
    activity = made(
        reviewer,
        "activity",
        {
            "name": "Clearance of the orchard",
            "activity_type": "clearance",
            "status": "ongoing",
            "organisation_id": alpha,
            "hazard_id": hid,
            "start_date": "2026-03-01",
        },
    )
    made(
        reviewer,
        "release",
        {
            "activity_id": activity["id"],
            "hazard_id": hid,
            "kind": "cleared",
            "released_on": "2026-04-01",
            "depth_cm": 13,
            "geom": square(46.70, 39.80, 0.004),
        },
    )
    log_in(client, "viewer")
    page = client.get(f"/records/hazard/{hid}")
    assert page.status_code == 200
    words = text_of(page.text)
    # Vocabulary labels, not codes nor Python lists.
    assert "Anti-personnel mines, Anti-vehicle mines" in words
    assert "ap_mine" not in words
    assert "['" not in words
    # Areas rounded in hectares (a 0.01° square at 39.8° N is ~95 ha).
    area = re.search(r"Area ([\d.,]+) ha", words)
    assert area, words
    assert 90 < float(area.group(1).replace(",", "")) < 100
    assert "area_m2" not in words
    # The linked activity and its release are listed, by name and label.
    assert 'data-linked="activity"' in page.text
    assert ">Clearance of the orchard</a>" in page.text
    assert "Alpha Demining" in words  # the organisation by name, not its id
    assert 'data-linked="release"' in page.text
    assert "Cleared" in words
    assert '<svg class="sketch"' in page.text
    # The history in sentences.
    assert "reviewer changed" in words
    assert "Contamination: nothing → Anti-personnel mines" in words
    # Square metres when the reader asks for them.
    token = form_token(page.text)
    client.post(
        "/preferences/area-unit",
        data={"unit": "m2", "csrf_token": token, "next": f"/records/hazard/{hid}"},
    )
    words = text_of(client.get(f"/records/hazard/{hid}").text)
    area = re.search(r"Area ([\d.,]+) m²", words)
    assert area, words
    assert 900_000 < int(area.group(1).replace(",", "")) < 1_000_000


def test_an_accident_page_lists_its_victims_and_an_untouched_record_says_so(
    client: TestClient, as_role: dict[str, TestClient], seed: Seed
) -> None:
    reviewer = as_role["reviewer"]
    accident = made(
        reviewer,
        "accident",
        {
            "accident_type": "non_demining",
            "occurred_on": "2026-05-02",
            "hazard_id": seed.hazards["sha"],
            "geom": {"type": "Point", "coordinates": [46.805, 39.905]},
        },
    )
    for outcome, sex in (("killed", "male"), ("injured", "female")):
        made(
            reviewer,
            "victim",
            {"accident_id": accident["id"], "outcome": outcome, "sex": sex},
        )
    log_in(client, "admin")
    words = text_of(client.get(f"/records/accident/{accident['id']}").text)
    assert "Victims (2)" in words
    assert "Killed Male" in words
    assert "Injured Female" in words
    assert "Approved SHA" in words  # its hazard, by name
    # The seeded accident was written straight into the register: no events.
    seeded = as_role["admin"].get("/api/v1/records/accident").json()["items"]
    first = min(a["id"] for a in seeded)
    page = client.get(f"/records/accident/{first}").text
    assert "No change to this record has been recorded" in page
    assert '<ol class="audit"' not in page


def test_every_page_names_the_favicon_and_it_is_served(client: TestClient) -> None:
    page = client.get("/login").text
    assert '<link rel="icon" href="/static/favicon.svg"' in page
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200
    assert icon.text.startswith("<svg")
