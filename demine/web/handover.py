# SPDX-License-Identifier: GPL-3.0-or-later
"""The handover page of a hazard: completion, certificates, the handover."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from demine.domain.handover import refusals
from demine.domain.vocab import LandUse
from demine.errors import DemineError
from demine.handover import issue_certificate, record_handover
from demine.serving.deps import DbDep, RecordId, Reviewer, User, check_csrf
from demine.store import handover as queries
from demine.web.pages import TEMPLATES, render

router = APIRouter(include_in_schema=False)
TEMPLATES.env.globals.update(LandUse=LandUse)


def _page(
    request: Request, db: DbDep, who: object, hazard_id: int, **extra: Any
) -> Response:
    with db.transaction() as conn:
        hazard = queries.hazard_facts(conn, hazard_id)
        state = queries.hazard_state(conn, hazard_id)
        certs = queries.certificates(conn, hazard_id)
    hazard.pop("geom", None)
    return render(
        request,
        "handover.html",
        who,
        hazard=hazard,
        refusals=refusals(state),
        certificates=certs,
        land_uses=list(LandUse),
        today=dt.date.today().isoformat(),
        **extra,
    )


@router.get("/handover/{hazard_id}")
def handover_page(
    request: Request, hazard_id: RecordId, db: DbDep, who: User
) -> Response:
    return _page(request, db, who, hazard_id)


@router.post("/handover/{hazard_id}/certificates")
def issue_post(
    request: Request,
    hazard_id: RecordId,
    db: DbDep,
    who: Reviewer,
    issued_by: Annotated[str, Form(max_length=200)] = "",
    recipient_authority: Annotated[str, Form(max_length=200)] = "",
    intended_land_use: Annotated[str, Form(max_length=32)] = "",
    language: Annotated[str, Form(max_length=8)] = "en",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf_token)
    try:
        issue_certificate(
            db,
            hazard_id,
            issued_by=issued_by,
            recipient_authority=recipient_authority,
            intended_land_use=intended_land_use or None,
            language=language,
            who=who,
        )
    except DemineError as exc:
        return _page(request, db, who, hazard_id, error=exc.user_message)
    return RedirectResponse(f"/handover/{hazard_id}", status_code=303)


@router.post("/handover/{hazard_id}/certificates/{number}")
def handover_post(
    request: Request,
    hazard_id: RecordId,
    number: str,
    db: DbDep,
    who: Reviewer,
    received_by: Annotated[str, Form(max_length=200)] = "",
    handed_over_on: Annotated[dt.date | None, Form()] = None,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf_token)
    try:
        record_handover(
            db,
            number[:40],
            received_by=received_by,
            handed_over_on=handed_over_on or dt.date.today(),
            who=who,
        )
    except DemineError as exc:
        return _page(request, db, who, hazard_id, error=exc.user_message)
    return RedirectResponse(f"/handover/{hazard_id}", status_code=303)
