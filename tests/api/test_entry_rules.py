# SPDX-License-Identifier: GPL-3.0-or-later
"""One rule set for every entry path (issue 11, defects 3, 4, 5, 6 and 8).

The API, the web forms and ``demine add`` check a record with the same
rules an import applies to a file: impossible coordinates, NaN, NUL bytes
and overlong text are refused, every bad field at once; the record gets its
admin area and settlement from its geometry; doubtful geometry is saved as a
draft with a warning; an edit of the name changes no derived figure.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import shapely
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from demine.cli import app as cli
from demine.domain.vocab import PlaceType
from demine.store.database import Database
from demine.store.schema import Place
from tests.api.conftest import square
from tests.web.test_pages import log_in


def hazard(**changes: Any) -> dict[str, Any]:
    return {
        "name": "Typed in",
        "hazard_class": "sha",
        "status": "open",
        "geom": square(47.2, 40.2),
        **changes,
    }


def post(api: TestClient, kind: str, fields: dict[str, Any]) -> Any:
    return api.post(f"/api/v1/records/{kind}", json={"fields": fields})


BAD_COORDINATES = [
    ("hazard", "geom", square(999.0, 40.0)),
    ("hazard", "geom", "POLYGON ((47 40, 47.01 40, 47.01 95, 47 40))"),
    ("accident", "geom", "POINT (999 40)"),
    ("accident", "geom", "POINT (nan inf)"),
    ("accident", "geom", "POINT (nan nan)"),
    ("eo_item", "geom", {"type": "Point", "coordinates": [47.0, -91.0]}),
]


@pytest.mark.parametrize(("kind", "field", "geom"), BAD_COORDINATES)
def test_impossible_coordinates_are_refused(
    as_role: dict[str, TestClient], kind: str, field: str, geom: Any
) -> None:
    fields: dict[str, Any] = {
        "hazard": hazard(geom=geom),
        "accident": {
            "accident_type": "non_demining",
            "occurred_on": "2025-01-02",
            "geom": geom,
        },
        "eo_item": {"category": "uxo", "geom": geom},
    }[kind]
    answer = post(as_role["reviewer"], kind, fields)
    assert answer.status_code == 422, answer.text
    assert field in {p["field"] for p in answer.json()["problems"]}
    # Nothing of it reached the national figures, which still answer.
    assert as_role["reviewer"].get("/api/v1/priorities").status_code == 200
    assert as_role["reviewer"].get("/api/v1/summary").status_code == 200


def test_every_bad_field_is_reported_at_once(as_role: dict[str, TestClient]) -> None:
    answer = post(
        as_role["reviewer"],
        "hazard",
        hazard(
            name="North\x00field",
            hazard_class="maybe",
            estimated_devices=-3,
            geom=square(999.0, 40.0),
            notes="x" * 10_001,
        ),
    )
    assert answer.status_code == 422
    body = answer.json()
    problems = {p["field"]: p["message"] for p in body["problems"]}
    assert set(problems) == {
        "name",
        "hazard_class",
        "estimated_devices",
        "geom",
        "notes",
    }
    assert "control characters" in problems["name"]
    assert "longer than" in problems["notes"]
    assert "out of range" in problems["geom"]
    # The record does not exist yet: it is "new", not "hazard 1".
    assert "hazard 1" not in body["error"]
    assert "(new)" in body["error"]


def test_a_name_of_spaces_is_no_name_and_nothing_is_stored_long(
    as_role: dict[str, TestClient],
) -> None:
    made = post(as_role["reviewer"], "hazard", hazard(name="   "))
    assert made.status_code == 201, made.text
    assert made.json()["name"] is None
    long = post(as_role["reviewer"], "hazard", hazard(name="n" * 201))
    assert long.status_code == 422
    assert long.json()["problems"][0]["field"] == "name"


def test_the_web_form_lists_every_problem_next_to_its_field(
    client: TestClient,
) -> None:
    token = log_in(client, "clerk")
    page = client.post(
        "/hazards/new",
        data={"csrf_token": token, "name": "   ", "hazard_class": "sha"},
    )
    assert page.status_code == 422
    assert re.search(r'id="name-error"[^>]*>[^<]*required', page.text)
    assert re.search(r'id="geom-error"[^>]*>[^<]*required', page.text)
    assert "hazard 1" not in page.text
    assert 'aria-invalid="true"' in page.text


def test_demine_add_refuses_what_the_api_refuses(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "h.json"
    path.write_text(json.dumps(hazard(geom=square(999.0, 40.0))))
    result = CliRunner().invoke(cli, ["add", "hazard", str(path), "--db", db_url])
    assert result.exit_code == 1
    assert "out of range" in result.output


def _places(db: Database) -> tuple[int, int]:
    with db.session(write=True) as session:
        district = Place(
            name="Aghdam district",
            place_type=PlaceType.ADMIN2,
            boundary=shapely.MultiPolygon([shapely.box(47.0, 40.0, 47.5, 40.5)]),
        )
        town = Place(
            name="Quzanlı",
            place_type=PlaceType.SETTLEMENT,
            location=shapely.Point(47.22, 40.22),
        )
        session.add_all([district, town])
        session.flush()
        return district.id, town.id


def test_records_get_their_admin_area_and_settlement(
    db: Database, as_role: dict[str, TestClient]
) -> None:
    district, town = _places(db)
    made = post(as_role["reviewer"], "hazard", hazard())
    assert made.status_code == 201, made.text
    assert (made.json()["admin_area_id"], made.json()["settlement_id"]) == (
        district,
        town,
    )
    accident = post(
        as_role["reviewer"],
        "accident",
        {
            "accident_type": "non_demining",
            "occurred_on": "2025-01-02",
            "geom": {"type": "Point", "coordinates": [47.3, 40.3]},
        },
    )
    assert accident.json()["admin_area_id"] == district
    # Given values are kept; far from any settlement there is none.
    far = post(as_role["reviewer"], "hazard", hazard(geom=square(47.45, 40.45)))
    assert far.json()["admin_area_id"] == district
    assert far.json()["settlement_id"] is None


def test_doubtful_geometry_is_kept_a_draft_with_a_warning(
    db_url: str, as_role: dict[str, TestClient]
) -> None:
    # A triangle with 100 km sides: about 433,000 ha, 5% of Azerbaijan.
    side = 100_000 / 111_320
    triangle = {
        "type": "Polygon",
        "coordinates": [
            [[47.0, 40.0], [47.0 + side, 40.0], [47.0 + side / 2, 40.8], [47.0, 40.0]]
        ],
    }
    made = post(as_role["reviewer"], "hazard", hazard(geom=triangle))
    assert made.status_code == 201, made.text
    assert made.json()["review_state"] == "draft"
    assert [w["rule"] for w in made.json()["warnings"]] == ["oversized"]
    outside = post(as_role["reviewer"], "hazard", hazard(geom=square(10.0, 10.0)))
    assert outside.json()["review_state"] == "draft"
    assert [w["rule"] for w in outside.json()["warnings"]] == ["outside_extent"]
    plain = post(as_role["reviewer"], "hazard", hazard())
    assert plain.json()["review_state"] == "approved"
    assert plain.json()["warnings"] == []
    from tests.reliability.harness import run_cli  # validate as a user runs it

    found = json.loads(run_cli(db_url, "validate", "--json").stdout)
    flagged = {(f["rule"], f["id"]) for f in found}
    assert ("oversized", made.json()["id"]) in flagged


def test_an_edit_of_the_name_changes_no_derived_figure(
    as_role: dict[str, TestClient],
) -> None:
    api = as_role["reviewer"]
    made = post(api, "hazard", hazard()).json()
    released = post(
        api,
        "release",
        {
            "hazard_id": made["id"],
            "kind": "cancelled",
            "released_on": "2025-01-01",
            "geom": square(47.2, 40.2, 0.004),
        },
    )
    assert released.status_code == 201, released.text
    stored = api.get(f"/api/v1/records/hazard/{made['id']}").json()
    for change in ({"name": "Renamed"}, {"notes": "Seen by the team leader"}):
        edited = api.patch(
            f"/api/v1/records/hazard/{made['id']}",
            json={"version": stored["version"], "changes": change},
        )
        assert edited.status_code == 200, edited.text
        stored = edited.json()
    history = api.get(f"/api/v1/records/hazard/{made['id']}/history").json()
    for event in history[1:]:
        changed = {
            k
            for k, v in event["after"].items()
            if event["before"].get(k) != v and k not in ("updated_at", "version")
        }
        assert changed <= {"name", "notes"}, changed
    # The ledger survives an edit: the cancelled ground is still released.
    assert stored["cancelled_m2"] > 0
    assert stored["remaining_m2"] < stored["area_m2"]
