# SPDX-License-Identifier: GPL-3.0-or-later
"""References are picked by name, not typed as numbers (issue 12, problem 3):
the search the pickers call, and the form reading a name or "Name (7)"."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.api.conftest import Seed
from tests.web.test_forms import activity_form, field_error
from tests.web.test_pages import log_in


def test_the_search_offers_what_the_reader_may_see_by_name(
    as_role: dict[str, TestClient], seed: Seed
) -> None:
    found = as_role["clerk"].get("/api/v1/search/hazard", params={"q": "draft"})
    assert found.status_code == 200
    # Alpha's clerk finds Alpha's draft, never Bravo's.
    assert found.json() == [{"id": seed.hazards["alpha_draft"], "name": "alpha_draft"}]
    approved = as_role["viewer"].get("/api/v1/search/hazard", params={"q": "APPROVED"})
    assert {h["name"] for h in approved.json()} == {"Approved CHA", "Approved SHA"}
    by_number = as_role["viewer"].get(
        "/api/v1/search/hazard", params={"q": str(seed.hazards["cha"])}
    )
    assert {"id": seed.hazards["cha"], "name": "Approved CHA"} in by_number.json()
    orgs = as_role["viewer"].get("/api/v1/search/organisation", params={"q": "bra"})
    assert orgs.json() == [
        {"id": seed.orgs["Bravo Clearance"], "name": "Bravo Clearance"}
    ]


def test_the_form_reads_a_picked_name_and_says_when_a_name_is_unknown(
    client: TestClient, as_role: dict[str, TestClient], seed: Seed
) -> None:
    token = log_in(client, "reviewer")
    hazard = seed.hazards["cha"]
    unknown = client.post(
        "/activities/new", data=activity_form(token, hazard, hazard_id="Approved")
    )
    assert unknown.status_code == 422
    assert field_error(unknown.text, "hazard_id").startswith(
        "no hazard is called “Approved”"
    )
    # What the picker writes, and a name typed in full, both name the hazard.
    for typed in (f"Approved CHA ({hazard})", "approved cha"):
        made = client.post(
            "/activities/new",
            data={
                k: v
                for k, v in activity_form(token, hazard, hazard_id=typed).items()
                if not k.startswith("releases-")
            },
            follow_redirects=False,
        )
        assert made.status_code == 303, re.findall(
            r"field-error[^>]*>([^<]*)", made.text
        )
        activity = made.headers["location"].rsplit("/", 1)[1]
        stored = as_role["reviewer"].get(f"/api/v1/records/activity/{activity}")
        assert stored.json()["hazard_id"] == hazard
    edit = client.get(f"/activities/{activity}/edit").text
    assert f'value="Approved CHA ({hazard})"' in edit
    assert 'data-search="/api/v1/search/hazard"' in edit
