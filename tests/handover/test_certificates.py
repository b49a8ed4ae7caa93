# SPDX-License-Identifier: GPL-3.0-or-later
"""From clearance to a signed certificate whose QR code verifies in public."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pypdfium2 as pdfium
import pytest
import zxingcpp
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from demine.errors import ConflictError, RecordError
from demine.handover import issue_certificate, record_handover, waiting_land
from demine.reports.handover import certificate_pdf, completion_report_pdf
from demine.store.database import Database
from demine.store.schema import AuditEvent
from tests.api.after_clearance import TODAY, released_hazard, seed_after_clearance
from tests.api.conftest import PASSWORD, Seed

BASE = "https://mine-action.example.org"


@pytest.fixture
def after(db: Database, seed: Seed) -> dict[str, Any]:
    return seed_after_clearance(db, seed)


def qr_codes(pdf: bytes) -> list[str]:
    """Every QR code on the PDF's first page, read from the rendered page."""
    page = pdfium.PdfDocument(io.BytesIO(pdf))[0]
    image = page.render(scale=3).to_pil()
    return [r.text for r in zxingcpp.read_barcodes(image)]


def pdf_text(pdf: bytes) -> str:
    doc = pdfium.PdfDocument(io.BytesIO(pdf))
    return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


def test_cleared_hazard_certificate_qr_verifies_on_the_public_page(
    db: Database, seed: Seed, app: FastAPI
) -> None:
    hazard = released_hazard(db, "Field by the school")
    before = waiting_land(db, TODAY)
    assert hazard in before["hazard_ids"]
    cert = issue_certificate(
        db,
        hazard,
        issued_by="A. Officer",
        recipient_authority="Aghdam municipality",
        intended_land_use="agriculture",
        today=TODAY,
    )
    assert cert["number"] == "HC-2026-000001"
    record_handover(
        db, cert["number"], received_by="B. Head", handed_over_on=dt.date(2026, 11, 5)
    )
    pdf = certificate_pdf(db, cert["number"], BASE)
    [url] = qr_codes(pdf)
    assert url == f"{BASE}/public/certificates/{cert['code']}"
    text = pdf_text(pdf)
    assert cert["number"] in text
    assert "Aghdam municipality" in text
    assert "B. Head" in text
    assert "2026-11-05" in text
    page = TestClient(app).get(url.removeprefix(BASE))
    assert page.status_code == 200
    assert cert["number"] in page.text
    assert "genuine" in page.text
    assert "B. Head" not in page.text  # the person who signed stays private
    after = waiting_land(db, TODAY)
    assert hazard not in after["hazard_ids"]
    assert after["hazards"] == before["hazards"] - 1


def test_dashboard_api_shows_land_waiting_for_handover(
    db: Database, seed: Seed, app: FastAPI
) -> None:
    hazard = released_hazard(db, "Orchard by the river")
    client = TestClient(app)
    client.post("/api/v1/login", json={"username": "viewer", "password": PASSWORD})
    waiting = client.get("/api/v1/dashboard").json()["waiting_handover"]
    assert hazard in waiting["hazard_ids"]
    assert waiting["hazards"] == waiting_land(db)["hazards"] >= 1
    assert waiting["released_m2"] > 0


def test_forged_code_does_not_verify(app: FastAPI, after: dict[str, Any]) -> None:
    anonymous = TestClient(app)
    assert anonymous.get("/public/certificates/forged-code").status_code == 404
    bad = after["code"][:-1] + ("A" if after["code"][-1] != "A" else "B")
    assert anonymous.get(f"/api/v1/public/certificates/{bad}").status_code == 404


def test_unreleased_hazard_is_refused_with_every_reason(
    db: Database, seed: Seed
) -> None:
    with pytest.raises(RecordError) as refused:
        issue_certificate(
            db, seed.hazards["alpha_draft"], issued_by="x", recipient_authority="y"
        )
    message = refused.value.user_message
    assert "not approved" in message
    assert "no land of this hazard has been released" in message
    assert "still to be released" in message


def test_numbers_are_unique_and_handover_is_once(db: Database, seed: Seed) -> None:
    numbers = []
    for i in range(3):
        hid = released_hazard(db, f"Field {i}")
        numbers.append(
            issue_certificate(
                db, hid, issued_by="o", recipient_authority="m", today=TODAY
            )["number"]
        )
    assert numbers == [f"HC-2026-00000{i}" for i in (1, 2, 3)]
    record_handover(db, numbers[0], received_by="r", handed_over_on=TODAY)
    with pytest.raises(ConflictError):
        record_handover(db, numbers[0], received_by="r", handed_over_on=TODAY)
    with pytest.raises(RecordError):
        record_handover(
            db, numbers[1], received_by="r", handed_over_on=dt.date(2020, 1, 1)
        )
    with db.session() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity == "handover")
        ).all()
    assert sorted(actions) == ["create", "create", "create", "handover"]


def test_completion_report_says_what_was_done(db: Database, seed: Seed) -> None:
    hid = released_hazard(db, "Field by the river")
    text = pdf_text(completion_report_pdf(db, hid, hotline="1-800-MINES"))
    assert "Field by the river" in text
    assert "Clearance" in text
    assert "Manual" in text
    assert "All of the hazard is released" in text
    assert "1-800-MINES" in text
    assert "20" in text  # the clearance depth


def test_api_issues_and_records_for_reviewers(
    db: Database, seed: Seed, as_role: dict[str, TestClient]
) -> None:
    hid = released_hazard(db, "Field by the road")
    reviewer = as_role["reviewer"]
    made = reviewer.post(
        "/api/v1/handover/certificates",
        json={"hazard_id": hid, "issued_by": "o", "recipient_authority": "m"},
    )
    assert made.status_code == 201
    number = made.json()["number"]
    done = reviewer.post(
        f"/api/v1/handover/certificates/{number}/handover",
        json={"received_by": "r", "handed_over_on": dt.date.today().isoformat()},
    )
    assert done.status_code == 200
    assert done.json()["received_by"] == "r"
    pdf = as_role["viewer"].get(f"/api/v1/handover/certificates/{number}/pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert len(qr_codes(pdf.content)) == 1


def test_dashboard_shows_land_waiting_for_handover(
    db: Database, seed: Seed, as_role: dict[str, TestClient]
) -> None:
    released_hazard(db, "Waiting field")
    page = as_role["viewer"].get("/dashboard")
    assert page.status_code == 200
    assert 'id="waiting-hazards">1<' in page.text
