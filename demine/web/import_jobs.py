# SPDX-License-Identifier: GPL-3.0-or-later
"""The result of a large browser import, checked or imported by a job.

An upload larger than ``DEMINE_IMPORT_INLINE_BYTES`` (unpacked) is checked
and imported by jobs (:func:`demine.exchange.jobs.import_job`) instead of
while the browser waits: the job page follows it, and its report (the dry
run's counts or bad rows, then the import's counts) is shown here exactly
as a small upload's page shows it.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import Response

from demine.errors import NotFoundError
from demine.exchange.jobs import READ_FIELDS
from demine.serving.deps import RecordId, Reviewer
from demine.store import jobs, stored_files
from demine.web import transfer

router = APIRouter(include_in_schema=False)


@router.get("/transfer/jobs/{job_id}")
def import_result(request: Request, job_id: RecordId, who: Reviewer) -> Response:
    """What an import job found or did, on the import page."""
    db = request.app.state.db
    job = jobs.get(db, job_id, who)
    text = None
    if job.kind == "import" and job.state == "done" and job.result_name:
        text = stored_files.read_text(db, jobs.result_owner(job_id), job.result_name)
    if text is None:
        raise NotFoundError(f"import job {job_id} has no result")
    report = json.loads(text)
    context = transfer.report_context(report)
    status = 422 if "failure" in context else 200
    if "preview" in context and job.parameters.get("keep"):
        # The checked files wait; confirming imports them (by another job).
        fields = ("token", "kind", "files", *READ_FIELDS)
        pending = {k: job.parameters[k] for k in fields}
        request.session[transfer.SESSION_KEY] = pending | {"job": True}
        context["token"] = job.parameters["token"]
    return transfer.page(request, who, status, entered={}, **context)
