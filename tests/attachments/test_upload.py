# SPDX-License-Identifier: GPL-3.0-or-later
"""Uploading files to records: checked by content, stored once, seen by who may."""

from __future__ import annotations

import io
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image

from demine.attachments.blobs import DirectoryBlobStore, digest
from tests.api.after_clearance import photo
from tests.api.conftest import Seed

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(client: TestClient, hazard: int, name: str, data: bytes):
    return client.post(
        f"/api/v1/records/hazard/{hazard}/attachments",
        files={"file": (name, data, "image/jpeg")},
        data={"caption": "team photo"},
    )


def test_photo_is_checked_thumbnailed_and_located(
    app: FastAPI, seed: Seed, as_role: dict[str, TestClient]
) -> None:
    cha = seed.hazards["cha"]  # square from 46.70, 39.80, 0.01 wide
    near = _upload(as_role["reviewer"], cha, "near.jpg", photo(46.705, 39.805))
    assert near.status_code == 201, near.text
    row = near.json()
    assert row["media_type"] == "image/jpeg"
    assert (row["width"], row["height"]) == (640, 480)
    assert row["distance_m"] == 0.0
    assert "warning" not in row
    assert abs(row["exif_lon"] - 46.705) < 1e-4
    far = _upload(as_role["reviewer"], cha, "far.jpg", photo(47.5, 40.5)).json()
    assert far["distance_m"] > 100_000
    assert "km from the record's place" in far["warning"]
    thumb = as_role["viewer"].get(f"/api/v1/attachments/{row['id']}/thumbnail")
    assert thumb.status_code == 200
    assert max(Image.open(io.BytesIO(thumb.content)).size) == 320
    whole = as_role["viewer"].get(f"/api/v1/attachments/{row['id']}")
    assert whole.content == photo(46.705, 39.805)
    assert whole.headers["x-content-type-options"] == "nosniff"
    assert whole.headers["content-disposition"].startswith("attachment")
    listed = as_role["clerk"].get(f"/api/v1/records/hazard/{cha}/attachments").json()
    assert [a["filename"] for a in listed] == ["near.jpg", "far.jpg"]


def test_type_is_read_from_the_bytes_not_the_name(
    seed: Seed, as_role: dict[str, TestClient]
) -> None:
    cha = seed.hazards["cha"]
    reviewer = as_role["reviewer"]
    pdf = _upload(reviewer, cha, "form.jpg", PDF)
    assert pdf.status_code == 201
    assert pdf.json()["media_type"] == "application/pdf"
    script = _upload(reviewer, cha, "photo.jpg", b"<script>alert(1)</script>")
    assert script.status_code == 422
    assert "photo.jpg" in script.json()["error"]
    truncated = _upload(reviewer, cha, "cut.jpg", photo()[:200])
    assert truncated.status_code == 422
    assert "damaged" in truncated.json()["error"]


def test_same_file_is_stored_once(
    app: FastAPI, seed: Seed, as_role: dict[str, TestClient]
) -> None:
    data = photo(46.705, 39.805)
    for hazard in (seed.hazards["cha"], seed.hazards["sha"]):
        assert _upload(as_role["admin"], hazard, "p.jpg", data).status_code == 201
    store = DirectoryBlobStore(Path(app.state.settings.attachments_dir))
    stored = list(store.digests())
    assert digest(data) in stored
    assert len(stored) == 2  # the photo and its thumbnail, once each


def test_who_may_attach_and_see(seed: Seed, as_role: dict[str, TestClient]) -> None:
    bravo = seed.hazards["bravo_draft"]
    data = photo()
    assert (
        _upload(as_role["viewer"], seed.hazards["cha"], "v.jpg", data).status_code
        == 403
    )
    assert (
        _upload(as_role["anonymous"], seed.hazards["cha"], "a.jpg", data).status_code
        == 401
    )
    # A clerk cannot even see the other organisation's draft.
    assert _upload(as_role["clerk"], bravo, "c.jpg", data).status_code == 404
    made = _upload(as_role["other_clerk"], bravo, "mine.jpg", data)
    assert made.status_code == 201
    aid = made.json()["id"]
    assert as_role["clerk"].get(f"/api/v1/attachments/{aid}").status_code == 404
    assert as_role["anonymous"].get(f"/api/v1/attachments/{aid}").status_code == 401
    assert as_role["reviewer"].get(f"/api/v1/attachments/{aid}").status_code == 200


def test_size_limit(app: FastAPI, seed: Seed, as_role: dict[str, TestClient]) -> None:
    app.state.settings.max_attachment_bytes = 1000
    big = _upload(as_role["admin"], seed.hazards["cha"], "big.jpg", photo())
    assert big.status_code == 422
    assert "the limit is 1,000" in big.json()["error"]
