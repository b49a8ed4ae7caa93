# SPDX-License-Identifier: GPL-3.0-or-later
"""Import and export over the API give what the browser's page gives."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from tests.api.conftest import Seed
from tests.web.test_transfer import hazard_file, hazard_names
from tests.web.test_transfer import uploads as uploads


def test_an_import_is_a_dry_run_until_asked(as_role: dict[str, TestClient]) -> None:
    reviewer = as_role["reviewer"]
    data = hazard_file(("api-1", "sha", 39.5), ("api-2", "cha", 39.6))
    files = {"files": ("survey.geojson", data, "application/geo+json")}
    dry = reviewer.post("/api/v1/import", data={"kind": "hazards"}, files=files)
    assert dry.status_code == 200, dry.text
    assert dry.json()["dry_run"] is True
    assert dry.json()["counts"]["hazard"]["inserted"] == 2
    assert dry.json()["files"] == ["survey.geojson"]
    assert not {"api-1", "api-2"} & hazard_names(reviewer)
    done = reviewer.post(
        "/api/v1/import", data={"kind": "hazards", "dry_run": "false"}, files=files
    )
    assert done.status_code == 200, done.text
    assert done.json()["dry_run"] is False
    assert {"api-1", "api-2"} <= hazard_names(reviewer)
    again = reviewer.post(
        "/api/v1/import", data={"kind": "hazards", "dry_run": "false"}, files=files
    )
    assert again.json()["counts"]["hazard"]["inserted"] == 0


def test_bad_rows_are_listed_and_nothing_is_written(
    as_role: dict[str, TestClient],
) -> None:
    admin = as_role["admin"]
    bad = json.loads(hazard_file(("bad-1", "sha", 39.5), ("bad-2", "probable", 39.6)))
    bad["features"][0]["geometry"] = {"type": "Point", "coordinates": [46.5, 39.5]}
    answer = admin.post(
        "/api/v1/import",
        data={"kind": "hazards", "dry_run": "false"},
        files={"files": ("h.geojson", json.dumps(bad), "application/geo+json")},
    )
    assert answer.status_code == 422
    body = answer.json()
    where = {(p["file"], p["row"], p["field"]) for p in body["problems"]}
    assert ("h.geojson", 2, "hazard_class") in where
    assert any(p["row"] == 1 and p["field"] == "geom" for p in body["problems"])
    assert body["problem_total"] == len(body["problems"])
    assert "demine-import" not in answer.text
    assert not {"bad-1", "bad-2"} & hazard_names(admin)


def test_the_export_is_the_pages_export(
    as_role: dict[str, TestClient], seed: Seed
) -> None:
    for role in ("viewer", "clerk", "reviewer"):
        client = as_role[role]
        api = client.get("/api/v1/export?kind=hazards&format=csv")
        page = client.get("/transfer/export?kind=hazards&format=csv")
        assert api.status_code == page.status_code == 200
        assert api.headers["content-type"].startswith("text/csv")
        assert api.text == page.text
    viewer = as_role["viewer"].get("/api/v1/export?kind=hazards&format=csv").text
    assert "alpha_draft" not in viewer
    clerk = as_role["clerk"].get("/api/v1/export?kind=hazards&format=csv").text
    assert "alpha_draft" in clerk
    assert "bravo_draft" not in clerk


def test_a_format_that_cannot_hold_the_register_is_refused(
    as_role: dict[str, TestClient],
) -> None:
    answer = as_role["viewer"].get("/api/v1/export?format=csv")
    assert answer.status_code == 422
    assert "holds one kind of record" in answer.json()["error"]
