# SPDX-License-Identifier: GPL-3.0-or-later
"""Import and export jobs through the API: start, follow, cancel, download.

A job runs off the request path on whichever server takes it
(:mod:`demine.exchange.job_runner`). Asking for it keeps it alive: a job
nobody asked about for ``DEMINE_JOB_CLIENT_TIMEOUT_SECONDS`` is cancelled,
so an export stops when its client has gone. Large imports and exports
through ``/api/v1/import`` and ``/api/v1/export`` become such jobs too; an
import job's file is its report, as ``/api/v1/import`` answers a small one.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, Field

from demine.errors import NotFoundError
from demine.exchange.jobs import queue_export
from demine.exchange.staging import REGISTER
from demine.exchange.transfer import EXPORT_FORMATS
from demine.serving.deps import DbDep, RecordId, User
from demine.store import jobs, stored_files

router = APIRouter(prefix="/api/v1", tags=["jobs"])


class ExportRequest(BaseModel):
    kind: str = Field(default=REGISTER, max_length=40)
    format: str = Field(default="gpkg", max_length=10)


@router.post("/jobs/export", status_code=202)
def start_export(body: ExportRequest, db: DbDep, who: User) -> dict[str, Any]:
    """Queue an export of what you may see; one job at a time per user."""
    job_id = queue_export(db, who, body.kind, body.format)
    return jobs.get(db, job_id, who).public()


@router.get("/jobs/{job_id}")
def follow(job_id: RecordId, db: DbDep, who: User) -> dict[str, Any]:
    """The job's state and progress; asking keeps it alive."""
    return jobs.get(db, job_id, who).public()


@router.delete("/jobs/{job_id}")
def cancel(job_id: RecordId, db: DbDep, who: User) -> dict[str, Any]:
    """Stop the job; its file, if any was begun, is removed."""
    return jobs.cancel(db, job_id, who).public()


@router.get("/jobs/{job_id}/file")
def download(job_id: RecordId, db: DbDep, who: User) -> Response:
    """The finished job's file (from whichever server ran it)."""
    job = jobs.get(db, job_id, who)
    owner, name = jobs.result_owner(job_id), job.result_name or ""
    length = stored_files.size(db, owner, name) if job.state == "done" else 0
    if not name or not length:
        raise NotFoundError(f"job {job_id} has no file to download")
    suffix = PurePath(name).suffix.lower()
    media = next(
        (m for s, m in EXPORT_FORMATS.values() if s == suffix),
        "application/json" if suffix == ".json" else "application/octet-stream",
    )
    return StreamingResponse(
        stored_files.pieces(db, owner, name),
        media_type=media,
        headers={
            "Content-Length": str(length),
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
        },
    )
