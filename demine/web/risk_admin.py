# SPDX-License-Identifier: GPL-3.0-or-later
"""Risk publication for administrators: the scored grid uploaded in the
browser and published by a job (what ``demine predict publish`` does)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from demine.errors import ConflictError, DemineError
from demine.i18n import _
from demine.predict.publish_job import SUFFIXES, queue_publication
from demine.serving.deps import Admin, DbDep, check_csrf
from demine.store.risk import published
from demine.web.pages import render

router = APIRouter(include_in_schema=False)


def _page(
    request: Request, db: Any, who: Any, status_code: int = 200, **context: Any
) -> Response:
    return render(
        request,
        "risk_admin.html",
        who,
        status_code=status_code,
        published=published(db),
        suffixes=SUFFIXES,
        **context,
    )


@router.get("/admin/risk")
def risk_page(request: Request, db: DbDep, who: Admin) -> Response:
    """What is published now, and the form to publish a new scored grid."""
    return _page(request, db, who)


@router.post("/admin/risk")
def risk_publish(
    request: Request,
    db: DbDep,
    who: Admin,
    scores: Annotated[UploadFile, File()],
    model: Annotated[str, Form(max_length=200)] = "",
    crs: Annotated[str, Form(max_length=100)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Queue the publication of the uploaded table; its job page follows it."""
    check_csrf(request, csrf_token)
    entered = {"model": model, "crs": crs}
    name = Path(scores.filename or "").name
    if not name:
        return _page(
            request, db, who, 422, error=_("choose the scored grid file"), **entered
        )
    with tempfile.TemporaryDirectory(prefix="demine-risk-") as folder:
        source = Path(folder) / name
        with source.open("wb") as out:
            shutil.copyfileobj(scores.file, out)
        try:
            job_id = queue_publication(
                db, who, source, model.strip() or None, crs.strip() or None
            )
        except ConflictError as exc:
            return _page(request, db, who, 409, error=exc.user_message, **entered)
        except DemineError as exc:
            return _page(request, db, who, 422, error=exc.user_message, **entered)
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)
