# SPDX-License-Identifier: GPL-3.0-or-later
"""The reviewers' page of sync conflicts: base, mine and theirs side by side,
resolved by taking theirs, keeping mine, or field by field."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from demine.errors import DemineError
from demine.exchange.sync.conflicts import Choice, list_conflicts, resolve_conflict
from demine.serving.deps import DbDep, RecordId, Reviewer, check_csrf
from demine.web.pages import render

router = APIRouter(include_in_schema=False)


def _page(request: Request, db: DbDep, who: Any, **extra: Any) -> Response:
    return render(
        request, "sync_conflicts.html", who, conflicts=list_conflicts(db), **extra
    )


@router.get("/sync/conflicts")
def conflicts_page(request: Request, db: DbDep, who: Reviewer) -> Response:
    return _page(request, db, who)


@router.post("/sync/conflicts/{conflict_id}")
async def resolve_post(
    request: Request,
    conflict_id: RecordId,
    db: DbDep,
    who: Reviewer,
    take: Annotated[str, Form(max_length=10)] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf_token)
    form = await request.form()
    picks = {
        str(key)[len("pick_") :]: str(value)
        for key, value in form.items()
        if str(key).startswith("pick_") and str(value) in ("mine", "theirs")
    }
    choice = Choice(take, {}) if take in ("theirs", "mine") else Choice(None, picks)
    try:
        resolve_conflict(db, conflict_id, choice, who.id)
    except DemineError as exc:
        return _page(request, db, who, error=exc.user_message, status_code=422)
    return RedirectResponse("/sync/conflicts", status_code=303)
