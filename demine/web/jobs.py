# SPDX-License-Identifier: GPL-3.0-or-later
"""Export jobs in the browser: start one, watch its progress, cancel it.

The job page asks ``/api/v1/jobs/{id}`` every second (``static/jobs.js``);
closing the page stops the asking, and the job is cancelled soon after
(:mod:`demine.store.jobs`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from demine.errors import ConflictError
from demine.exchange.jobs import queue_export
from demine.exchange.staging import REGISTER
from demine.serving.deps import DbDep, RecordId, User, check_csrf
from demine.store import jobs
from demine.web.pages import render

router = APIRouter(include_in_schema=False)


@router.post("/transfer/export")
def export_start(
    request: Request,
    db: DbDep,
    who: User,
    kind: Annotated[str, Form(max_length=40)] = REGISTER,
    format: Annotated[str, Form(max_length=10)] = "gpkg",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Queue an export job of what ``who`` may see, then show its page."""
    check_csrf(request, csrf_token)
    try:
        job_id = queue_export(db, who, kind, format)
    except ConflictError as exc:
        return render(request, "job.html", who, 409, job=None, failure=exc.user_message)
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: RecordId, db: DbDep, who: User) -> Response:
    return render(request, "job.html", who, job=jobs.get(db, job_id, who).public())


@router.post("/jobs/{job_id}/cancel")
def job_cancel(
    request: Request,
    job_id: RecordId,
    db: DbDep,
    who: User,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    check_csrf(request, csrf_token)
    jobs.cancel(db, job_id, who)
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)
