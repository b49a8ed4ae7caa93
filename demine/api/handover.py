# SPDX-License-Identifier: GPL-3.0-or-later
"""``/api/v1/handover/...``: completion reports, certificates, the handover.

Reviewers and administrators (the national authority's staff) issue
certificates and record handovers; any logged-in user may read them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from demine.handover import issue_certificate, record_handover, waiting_land
from demine.reports.handover import certificate_pdf, completion_report_pdf
from demine.serving.deps import DbDep, RecordId, Reviewer, SettingsDep, User

router = APIRouter(prefix="/api/v1/handover", tags=["handover"])
PDF: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "PDF document"}
}
Number = Annotated[str, Path(max_length=40, pattern=r"^[A-Z]{2,6}-\d{4}-\d{6}$")]
Lang = Annotated[str | None, Query(max_length=8)]


class NewCertificate(BaseModel):
    hazard_id: int = Field(ge=1, le=2**31 - 1)
    issued_by: str = Field(min_length=1, max_length=200)
    recipient_authority: str = Field(min_length=1, max_length=200)
    intended_land_use: str | None = Field(default=None, max_length=32)
    language: str = Field(default="en", max_length=8)


class HandoverDone(BaseModel):
    received_by: str = Field(min_length=1, max_length=200)
    handed_over_on: dt.date


def _pdf(body: bytes, name: str) -> Response:
    return Response(
        body,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}.pdf"'},
    )


@router.get("/waiting")
def waiting(db: DbDep, who: User) -> dict[str, Any]:
    """Land released but not yet handed over: how much, how long."""
    return waiting_land(db)


@router.post("/certificates", status_code=201)
def new_certificate(body: NewCertificate, db: DbDep, who: Reviewer) -> dict[str, Any]:
    return issue_certificate(db, **body.model_dump(), who=who)


@router.post("/certificates/{number}/handover")
def handed_over(
    number: Number, body: HandoverDone, db: DbDep, who: Reviewer
) -> dict[str, Any]:
    """Record who received the land and when (the signed certificate is back)."""
    return record_handover(db, number, **body.model_dump(), who=who)


@router.get("/certificates/{number}/pdf", response_class=Response, responses=PDF)
def certificate_document(
    number: Number, db: DbDep, settings: SettingsDep, who: User, lang: Lang = None
) -> Response:
    body = certificate_pdf(
        db, number, settings.public_base_url, lang, settings.public_hotline
    )
    return _pdf(body, number)


@router.get("/hazards/{hazard_id}/completion", response_class=Response, responses=PDF)
def completion_document(
    hazard_id: RecordId, db: DbDep, settings: SettingsDep, who: User, lang: Lang = None
) -> Response:
    body = completion_report_pdf(db, hazard_id, lang or "en", settings.public_hotline)
    return _pdf(body, f"completion-{hazard_id}")
