# SPDX-License-Identifier: GPL-3.0-or-later
"""Monitoring visits: the list, the checklist form and a visit's page.

The form posts the ten weighted items of
:data:`demine.domain.monitoring.CHECKLIST` to
:func:`demine.quality.monitoring.record_visit`, the use case the API and
``demine qa visit`` call; the visit's page shows the score, the verdict and
the non-conformity an unsatisfactory visit raised.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from demine.domain.monitoring import ANSWERS, CHECKLIST
from demine.errors import DemineError, RecordError
from demine.i18n import _
from demine.quality import monitoring
from demine.quality.labels import CHECKLIST_TEXTS
from demine.serving.deps import DbDep, RecordId, User, check_csrf
from demine.store.listing import Filters, get_record, list_records
from demine.store.quality import organisation_names, team_names, visit_non_conformities
from demine.store.users import Principal
from demine.web.pages import render

router = APIRouter(include_in_schema=False)
SHOWN = 200
TOTAL_WEIGHT = sum(i.weight for i in CHECKLIST)


def _answer_words() -> dict[str, str]:
    return {"yes": _("yes"), "no": _("no"), "na": _("n/a")}


def _items() -> list[dict[str, Any]]:
    """The checklist as the form shows it: text, weight share, critical."""
    return [
        {
            "key": i.key,
            "text": CHECKLIST_TEXTS.get(i.key, i.key),
            "weight": i.weight,
            "share": i.weight / TOTAL_WEIGHT,
            "critical": i.critical,
        }
        for i in CHECKLIST
    ]


@router.get("/qa/visits")
def visits_page(request: Request, db: DbDep, who: User) -> Response:
    """Monitoring visits, newest first, and the form to record one."""
    return _visits(request, db, who)


def _visits(
    request: Request,
    db: Any,
    who: Principal,
    error: str | None = None,
    status: int = 200,
    sent: dict[str, str] | None = None,
) -> Response:
    rows, total = list_records(
        db, "monitoring_visit", who, Filters(), limit=SHOWN, sort="-visited_on"
    )
    with db.transaction() as conn:
        orgs = organisation_names(conn)
        teams = team_names(conn)
        raised = visit_non_conformities(conn, [int(r["id"]) for r in rows])
    return render(
        request,
        "qa_visits.html",
        who,
        status_code=status,
        visits=rows,
        total=total,
        raised=raised,
        orgs=orgs,
        teams=teams,
        items=_items(),
        answers=ANSWERS,
        answer_words=_answer_words(),
        sent=sent or {},
        error=error,
        today=dt.date.today().isoformat(),
    )


@router.post("/qa/visits")
async def new_visit(request: Request, db: DbDep, who: User) -> Response:
    """Record a visit from the form; its page shows the score and verdict."""
    form = await request.form()
    check_csrf(request, str(form.get("csrf_token", "")))
    sent = {k: str(v)[:200] for k, v in form.items() if k != "csrf_token"}
    try:
        made = monitoring.record_visit(db, **_visit_fields(form), who=who)
    except DemineError as exc:
        return _visits(request, db, who, exc.user_message, exc.http_status, sent)
    return RedirectResponse(f"/qa/visits/{made['visit']['id']}", status_code=303)


def _visit_fields(form: FormData) -> dict[str, Any]:
    """The form's fields as :func:`record_visit` takes them, or a RecordError."""
    answers = {i.key: str(form.get(f"item_{i.key}", "")) for i in CHECKLIST}
    missing = [CHECKLIST_TEXTS.get(k, k) for k, v in answers.items() if not v]
    if missing:
        raise RecordError(
            _("answer every item: %(items)s", items="; ".join(_(m) for m in missing)),
            field="checklist",
        )
    return {
        "organisation_id": _whole(form.get("organisation_id"), "organisation_id"),
        "team_id": _whole(form.get("team_id"), "team_id", required=False),
        "visited_on": _day(form.get("visited_on")),
        "inspector": str(form.get("inspector") or "")[:200] or None,
        "notes": str(form.get("notes") or "")[:4000] or None,
        "answers": answers,
    }


def _whole(value: Any, field: str, required: bool = True) -> int | None:
    text = str(value or "").strip()
    if not text:
        if required:
            raise RecordError(_("is required"), field=field)
        return None
    try:
        return int(text)
    except ValueError:
        raise RecordError(
            _("%(text)r is not a number", text=text), field=field
        ) from None


def _day(value: Any) -> dt.date:
    text = str(value or "").strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise RecordError(
            _("%(text)r is not a date: write YYYY-MM-DD", text=text),
            field="visited_on",
        ) from None


@router.get("/qa/visits/{visit_id}")
def visit_page(request: Request, visit_id: RecordId, db: DbDep, who: User) -> Response:
    """A visit: its checklist answers, score, verdict and any non-conformity."""
    visit = get_record(db, "monitoring_visit", visit_id, who)
    with db.transaction() as conn:
        orgs = organisation_names(conn)
        teams = team_names(conn)
        raised = visit_non_conformities(conn, [visit_id]).get(visit_id)
    return render(
        request,
        "qa_visit.html",
        who,
        visit=visit,
        organisation=orgs.get(visit["organisation_id"], visit["organisation_id"]),
        team=teams.get(visit["team_id"]) if visit["team_id"] else None,
        raised=raised,
        items=_items(),
        answer_words=_answer_words(),
        critical_failed=any(
            i.critical and visit["checklist"].get(i.key) == "no" for i in CHECKLIST
        ),
    )
