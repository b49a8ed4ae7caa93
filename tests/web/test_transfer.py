# SPDX-License-Identifier: GPL-3.0-or-later
"""Import and export from the browser: dry run then confirm, the bad-rows
table, upload limits, and exports that hold only what the reader may see."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pyogrio
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from demine.exchange import jobs as job_work
from demine.server import create_app
from demine.settings import Settings
from demine.store.database import Database
from demine.store.schema import Hazard
from tests.api.conftest import Seed, square
from tests.web.test_pages import log_in


@pytest.fixture(autouse=True)
def uploads(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Uploads wait in the test's own folder, not the machine's /tmp."""
    folder = tmp_path / "uploads"
    monkeypatch.setattr(job_work, "UPLOADS", folder)
    return folder


def hazard_file(*rows: tuple[str, str, float]) -> str:
    """A GeoJSON FeatureCollection of hazards in the register's field names."""
    features = [
        {
            "type": "Feature",
            "properties": {"external_id": ext, "hazard_class": cls, "status": "open"},
            "geometry": square(46.5, lat, 0.01),
        }
        for ext, cls, lat in rows
    ]
    return json.dumps({"type": "FeatureCollection", "features": features})


def hazard_names(api: TestClient) -> set[str]:
    items = api.get("/api/v1/records/hazard?limit=1000").json()["items"]
    return {h["external_id"] for h in items if h["external_id"]}


def test_import_is_a_dry_run_first_then_confirmed(
    client: TestClient, as_role: dict[str, TestClient]
) -> None:
    token = log_in(client, "reviewer")
    data = hazard_file(("imp-1", "sha", 39.5), ("imp-2", "cha", 39.6))
    page = client.post(
        "/transfer/import",
        data={"csrf_token": token, "kind": "hazards"},
        files={"files": ("field survey.geojson", data, "application/geo+json")},
    )
    assert page.status_code == 200, page.text
    preview = re.search(
        r'<table class="counts" id="preview">.*?</table>', page.text, re.S
    )
    assert preview, page.text
    assert re.search(
        r"<tr data-kind=\"hazard\"><th scope=\"row\">[^<]+</th><td>2</td><td>0</td>",
        preview[0],
    )
    assert "field_survey.geojson" in preview[0]
    assert not {"imp-1", "imp-2"} & hazard_names(as_role["reviewer"])
    upload = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    # Another reviewer's session cannot confirm this upload.
    with TestClient(client.app) as other:
        other_token = log_in(other, "admin")
        stolen = other.post(
            "/transfer/import/confirm",
            data={"csrf_token": other_token, "token": upload},
        )
        assert stolen.status_code == 422
        assert "no longer waiting" in stolen.text
    done = client.post(
        "/transfer/import/confirm", data={"csrf_token": token, "token": upload}
    )
    assert done.status_code == 200, done.text
    assert 'id="result"' in done.text
    assert {"imp-1", "imp-2"} <= hazard_names(as_role["reviewer"])
    again = client.post(
        "/transfer/import/confirm", data={"csrf_token": token, "token": upload}
    )
    assert again.status_code == 422
    assert not (job_work.UPLOADS / upload).exists()


def test_bad_rows_are_listed_and_nothing_is_written(
    client: TestClient, as_role: dict[str, TestClient]
) -> None:
    token = log_in(client, "reviewer")
    data = hazard_file(("bad-1", "sha", 39.5), ("bad-2", "probable", 39.6))
    bad = json.loads(data)
    bad["features"][0]["geometry"] = {"type": "Point", "coordinates": [46.5, 39.5]}
    page = client.post(
        "/transfer/import",
        data={"csrf_token": token, "kind": "hazards"},
        files={"files": ("h.geojson", json.dumps(bad), "application/geo+json")},
    )
    assert page.status_code == 422
    assert "Nothing was written" in page.text
    table = re.search(
        r'<table class="problems" id="problems">.*?</table>', page.text, re.S
    )
    assert table, page.text
    rows = re.findall(
        r'<tr data-row="(\d*)" data-field="(\w*)"><td>([^<]*)</td><td>[^<]*</td>'
        r"<td>([^<]*)",
        table[0],
    )
    # Each row names its file, row and field, the field by its label.
    assert ("2", "hazard_class", "h.geojson", "Classification ") in rows
    assert any(r[0] == "1" and r[1] == "geom" for r in rows)
    assert "problem(s)" not in page.text
    assert not {"bad-1", "bad-2"} & hazard_names(as_role["reviewer"])
    # Files are named as the person named them, not by the server's folder.
    assert "demine-transfer" not in page.text


def test_a_mapping_reads_other_peoples_columns(
    client: TestClient, as_role: dict[str, TestClient]
) -> None:
    token = log_in(client, "reviewer")
    csv = "ID;TIPO;CANT;X;Y\n7;Mina AP;2;46.71;39.81\n8;Munición;1;46.72;39.82\n"
    mapping = """
kind: eo_item
source: {delimiter: ";"}
fields:
  external_id: "opx-{ID}"
  category: {column: TIPO, values: {Mina AP: ap_mine, Munición: uxo}}
  quantity: CANT
  geom: {lon: X, lat: Y}
"""
    page = client.post(
        "/transfer/import",
        data={"csrf_token": token, "kind": "eo_item", "mapping_text": mapping},
        files={"files": ("finds.csv", csv.encode(), "text/csv")},
    )
    assert page.status_code == 200, page.text
    upload = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    done = client.post(
        "/transfer/import/confirm", data={"csrf_token": token, "token": upload}
    )
    assert done.status_code == 200, done.text
    items = as_role["reviewer"].get("/api/v1/records/eo_item").json()["items"]
    found = {i["external_id"]: i for i in items}
    assert found["opx-7"]["category"] == "ap_mine"
    assert found["opx-7"]["quantity"] == 2
    assert found["opx-8"]["geom"]["coordinates"] == [46.72, 39.82]
    wrong = client.post(
        "/transfer/import",
        data={"csrf_token": token, "kind": "hazard", "mapping_text": mapping},
        files={"files": ("finds.csv", csv.encode(), "text/csv")},
    )
    assert wrong.status_code == 422
    assert "the mapping makes eo_item, not hazard" in wrong.text


def test_import_is_for_reviewers_and_uploads_are_limited(
    client: TestClient, as_role: dict[str, TestClient]
) -> None:
    assert as_role["clerk"].get("/transfer").status_code == 200
    assert 'action="/transfer/import"' not in as_role["clerk"].get("/transfer").text
    token = log_in(client, "clerk")
    refused = client.post(
        "/transfer/import",
        data={"csrf_token": token, "kind": "hazards"},
        files={"files": ("h.geojson", hazard_file(), "application/geo+json")},
    )
    assert refused.status_code == 403
    client.post("/logout", data={"csrf_token": token})
    token = log_in(client, "reviewer")
    big = b"x" * 300_000  # the test app allows 200 kB
    too_big = client.post(
        "/transfer/import",
        data={"csrf_token": token, "kind": "hazards"},
        files={"files": ("big.csv", big, "text/csv")},
    )
    assert too_big.status_code == 413
    nothing = client.post(
        "/transfer/import", data={"csrf_token": token, "kind": "hazards"}
    )
    assert nothing.status_code == 422
    assert "choose one or more files" in nothing.text


def export_names(api: TestClient, fmt: str = "geojson") -> set[str]:
    response = api.get(f"/transfer/export?kind=hazard&format={fmt}")
    assert response.status_code == 200, response.text
    data = json.loads(response.content)
    return {f["properties"]["name"] for f in data["features"]}


def test_exports_hold_only_what_the_reader_may_see(
    as_role: dict[str, TestClient],
) -> None:
    approved = {"Approved CHA", "Approved SHA"}
    assert export_names(as_role["viewer"]) == approved
    assert export_names(as_role["clerk"]) == approved | {"alpha_draft"}
    assert export_names(as_role["other_clerk"]) == approved | {"bravo_draft"}
    assert export_names(as_role["reviewer"]) == approved | {
        "alpha_draft",
        "bravo_draft",
    }
    assert as_role["anonymous"].get(
        "/transfer/export?kind=hazard&format=csv", follow_redirects=False
    ).status_code in (303, 401)


def test_whole_register_as_geopackage_and_workbook(
    as_role: dict[str, TestClient], tmp_path: Path
) -> None:
    gpkg = as_role["viewer"].get("/transfer/export?kind=register&format=gpkg")
    assert gpkg.status_code == 200
    assert "register.gpkg" in gpkg.headers["content-disposition"]
    path = tmp_path / "register.gpkg"
    path.write_bytes(gpkg.content)
    layers = {name for name, _geom in pyogrio.list_layers(path)}
    assert {"hazards", "releases", "eo_items", "accidents", "victims"} <= layers
    assert len(pyogrio.read_dataframe(path, layer="hazards")) == 2
    xlsx = as_role["clerk"].get("/transfer/export?kind=register&format=xlsx")
    book = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    assert "hazards" in book.sheetnames
    header, *rows = book["hazards"].iter_rows(values_only=True)
    names = [row[header.index("name")] for row in rows]
    assert sorted(names) == ["Approved CHA", "Approved SHA", "alpha_draft"]


def test_references_to_hidden_records_are_blank(
    as_role: dict[str, TestClient], seed: Seed
) -> None:
    draft = as_role["other_clerk"].post(
        "/api/v1/records/activity",
        json={"fields": {"activity_type": "eod", "status": "ongoing"}, "submit": False},
    )
    assert draft.status_code == 201, draft.text
    activity = draft.json()["id"]
    # A record with no external id is named by its uid.
    key = draft.json()["uid"]
    item = as_role["reviewer"].post(
        "/api/v1/records/eo_item",
        json={"fields": {"category": "uxo", "activity_id": activity}},
    )
    assert item.status_code == 201
    for role, expected in (
        ("viewer", ""),
        ("clerk", ""),
        ("other_clerk", key),
        ("reviewer", key),
    ):
        csv = as_role[role].get("/transfer/export?kind=eo_item&format=csv").text
        header, *lines = csv.strip().splitlines()
        column = header.split(",").index("activity")
        values = [line.split(",")[column] for line in lines]
        assert values == [expected], (role, csv)


def test_export_says_which_formats_hold_what(as_role: dict[str, TestClient]) -> None:
    api = as_role["viewer"]
    one = api.get("/transfer/export?kind=register&format=csv")
    assert one.status_code == 422
    assert "holds one kind of record" in one.text
    flat = api.get("/transfer/export?kind=victim&format=geojson")
    assert flat.status_code == 422
    assert "have no geometry" in flat.text
    unknown = api.get("/transfer/export?kind=hazard&format=shp2")
    assert unknown.status_code == 422
    nonsense = api.get("/transfer/export?kind=nonsense&format=csv")
    assert nonsense.status_code == 422


def test_whole_register_dry_run_counts_every_layer_and_writes_nothing(
    db: Database, seed: Seed
) -> None:
    # An empty GeoPackage alone is larger than the shared test app's 200 kB.
    settings = Settings(database_url=db.url, secret_key="s", max_upload_bytes=10**7)
    with TestClient(create_app(settings, db)) as client:
        token = log_in(client, "reviewer")
        gpkg = client.get("/transfer/export?kind=register&format=gpkg")
        assert gpkg.status_code == 200
        page = client.post(
            "/transfer/import",
            data={"csrf_token": token, "kind": "register"},
            files={"files": ("register.gpkg", gpkg.content, "application/x-sqlite3")},
        )
    assert page.status_code == 200, page.text
    preview = re.search(r'id="preview">.*?</table>', page.text, re.S)[0]
    cells = r"<td>([\d,]+)</td>"
    counts = re.findall(
        r'<tr data-kind="(\w+)"><th scope="row">[^<]+</th>' + cells * 3, preview
    )
    rows = {name: int(n) + int(u) + int(s) for name, n, u, s in counts}
    assert rows["hazard"] == 4
    assert rows["accident"] == 1
    assert rows["organisation"] == 2
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Hazard)) == 4
