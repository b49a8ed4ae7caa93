# SPDX-License-Identifier: GPL-3.0-or-later
"""Imports made in the browser are in the audit trail: one event per record
written, naming the person, in the import's own transaction; dry runs,
refused imports and command-line imports write no events."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from demine.errors import ImportRejectedError
from demine.exchange import jobs as job_work
from demine.exchange.importer import import_files
from demine.store.database import Database
from demine.store.schema import AuditEvent, Hazard
from tests.api.conftest import Seed, square
from tests.web.test_pages import log_in
from tests.web.test_transfer import uploads  # noqa: F401  (autouse: private uploads)


def hazards(*rows: dict[str, Any]) -> str:
    """GeoJSON hazards: each row's properties, a square at its ``lat``."""
    features = [
        {
            "type": "Feature",
            "properties": {
                "status": "open",
                **{k: v for k, v in r.items() if k != "lat"},
            },
            "geometry": square(46.5, r["lat"], 0.01),
        }
        for r in rows
    ]
    return json.dumps({"type": "FeatureCollection", "features": features})


def preview(client: TestClient, token: str, name: str, data: str) -> str:
    """Upload and dry-run ``data``; return the upload's token."""
    page = client.post(
        "/transfer/import",
        data={"csrf_token": token, "kind": "hazards"},
        files={"files": (name, data, "application/geo+json")},
    )
    assert page.status_code == 200, page.text
    return re.search(r'name="token" value="([^"]+)"', page.text).group(1)


def confirm(client: TestClient, token: str, upload: str) -> int:
    done = client.post(
        "/transfer/import/confirm", data={"csrf_token": token, "token": upload}
    )
    return done.status_code


def hazard_ids(db: Database) -> dict[str, int]:
    with db.session() as session:
        rows = session.execute(select(Hazard.external_id, Hazard.id)).all()
    return {ext: hid for ext, hid in rows if ext}


def events(db: Database, record_id: int) -> list[AuditEvent]:
    with db.session() as session:
        found = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity == "hazard", AuditEvent.record_id == record_id)
            .order_by(AuditEvent.id)
        ).all()
        session.expunge_all()
    return list(found)


def event_count(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(AuditEvent)))


def test_each_imported_record_has_one_import_event_by_the_reviewer(
    client: TestClient, as_role: dict[str, TestClient], db: Database, seed: Seed
) -> None:
    token = log_in(client, "reviewer")
    data = hazards(
        {"external_id": "aud-1", "hazard_class": "sha", "name": "North", "lat": 39.5},
        {"external_id": "aud-2", "hazard_class": "cha", "name": "South", "lat": 39.6},
    )
    upload = preview(client, token, "field survey.geojson", data)
    assert confirm(client, token, upload) == 200
    ids = hazard_ids(db)
    for row, (ext, cls, name) in enumerate(
        (("aud-1", "sha", "North"), ("aud-2", "cha", "South")), start=1
    ):
        [event] = events(db, ids[ext])
        assert event.action == "import"
        assert event.user_id == seed.users["reviewer"]
        assert event.before is None
        after = event.after
        assert after["source"] == f"field_survey.geojson row {row}"
        assert (after["external_id"], after["hazard_class"], after["name"]) == (
            ext,
            cls,
            name,
        )
        assert after["geom"]["type"] in ("Polygon", "MultiPolygon")
        assert after["review_state"] == "approved"
        # The same shape as the API's record (and its form/API events).
        stored = as_role["reviewer"].get(f"/api/v1/records/hazard/{ids[ext]}").json()
        assert {k: v for k, v in after.items() if k != "source"} == stored
    trail = as_role["reviewer"].get(f"/api/v1/records/hazard/{ids['aud-1']}/history")
    assert [(e["user"], e["action"]) for e in trail.json()] == [("reviewer", "import")]
    page = client.get(f"/records/hazard/{ids['aud-1']}")
    assert page.status_code == 200
    row = r'<li data-action="import"><time [^>]+>[^<]+</time> <span class="what">'
    assert re.search(
        row + "reviewer imported it from field_survey.geojson row 1", page.text
    ), page.text


def test_a_reimport_records_the_change_with_before_and_after(
    client: TestClient, db: Database, seed: Seed
) -> None:
    token = log_in(client, "reviewer")
    first = hazards(
        {"external_id": "re-1", "hazard_class": "sha", "name": "Old", "lat": 39.5},
        {"external_id": "re-2", "hazard_class": "sha", "name": "Same", "lat": 39.6},
    )
    assert confirm(client, token, preview(client, token, "a.geojson", first)) == 200
    client.post("/logout", data={"csrf_token": token})
    token = log_in(client, "admin")
    second = hazards(
        {"external_id": "re-1", "hazard_class": "cha", "name": "New", "lat": 39.5},
        {"external_id": "re-2", "hazard_class": "sha", "name": "Same", "lat": 39.6},
        {"external_id": "re-3", "hazard_class": "sha", "name": "Added", "lat": 39.7},
    )
    assert confirm(client, token, preview(client, token, "b.geojson", second)) == 200
    ids = hazard_ids(db)
    created, changed = events(db, ids["re-1"])
    assert (created.action, created.user_id) == ("import", seed.users["reviewer"])
    assert (changed.action, changed.user_id) == ("import-update", seed.users["admin"])
    assert changed.before is not None
    assert (changed.before["name"], changed.after["name"]) == ("Old", "New")
    assert changed.before["hazard_class"] == "sha"
    assert changed.after["hazard_class"] == "cha"
    assert changed.after["version"] == changed.before["version"] + 1
    assert changed.after["source"] == "b.geojson row 1"
    # Matched but unchanged: not written, so no event.
    assert [e.action for e in events(db, ids["re-2"])] == ["import"]
    [added] = events(db, ids["re-3"])
    assert (added.action, added.after["source"]) == ("import", "b.geojson row 3")
    page = client.get(f"/records/hazard/{ids['re-1']}")
    row = (
        r'<li data-action="import-update"><time [^>]+>[^<]+</time> <span class="what">'
    )
    said = "admin updated it by an import from b.geojson row 1"
    assert re.search(row + said, page.text), page.text
    assert "<li>Name: Old → New</li>" in page.text
    assert "Classification: SHA → CHA" in page.text
    assert "source:" not in page.text


def test_a_refused_import_and_a_dry_run_write_no_events(
    client: TestClient, db: Database, seed: Seed
) -> None:
    token = log_in(client, "reviewer")
    before = event_count(db)
    good = hazards({"external_id": "no-1", "hazard_class": "sha", "lat": 39.5})
    upload = preview(client, token, "h.geojson", good)
    assert event_count(db) == before  # the dry run
    # The file goes bad between the dry run and the confirmation.
    bad = hazards(
        {"external_id": "no-1", "hazard_class": "sha", "lat": 39.5},
        {"external_id": "no-2", "hazard_class": "probable", "lat": 39.6},
    )
    (job_work.UPLOADS / upload / "h.geojson").write_text(bad, encoding="utf-8")
    assert confirm(client, token, upload) == 422
    assert event_count(db) == before
    assert not {"no-1", "no-2"} & set(hazard_ids(db))


def test_command_line_imports_write_no_events(
    db: Database, seed: Seed, tmp_path: Path
) -> None:
    path = tmp_path / "cli.geojson"
    path.write_text(
        hazards({"external_id": "cli-1", "hazard_class": "sha", "lat": 39.5}),
        encoding="utf-8",
    )
    before = event_count(db)
    result = import_files(db, "hazard", [path])
    assert result.counts["hazard"].inserted == 1
    assert event_count(db) == before
    # With a user but refused: nothing either.
    path.write_text(
        hazards({"external_id": "cli-2", "hazard_class": "probable", "lat": 39.5}),
        encoding="utf-8",
    )
    with pytest.raises(ImportRejectedError):
        import_files(db, "hazard", [path], audit_user_id=seed.users["reviewer"])
    assert event_count(db) == before
    # A dry run with a user writes nothing.
    path.write_text(
        hazards({"external_id": "cli-3", "hazard_class": "sha", "lat": 39.5}),
        encoding="utf-8",
    )
    dry = import_files(
        db, "hazard", [path], dry_run=True, audit_user_id=seed.users["reviewer"]
    )
    assert dry.counts["hazard"].inserted == 1
    assert event_count(db) == before
    import_files(db, "hazard", [path], audit_user_id=seed.users["reviewer"])
    assert event_count(db) == before + 1
