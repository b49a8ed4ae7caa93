# SPDX-License-Identifier: GPL-3.0-or-later
"""Import and export over HTTP: the browser's *Import and export* page as routes.

``POST /api/v1/import`` (reviewers and administrators) takes the files as a
multipart form, dry-runs them by default and imports them, audited as the
caller, with ``dry_run=false``: all or nothing, every bad row named.
``GET /api/v1/export`` (every logged-in role) answers a file of what the
caller may see. Both call :mod:`demine.exchange.transfer`, as the page does,
under the same limits: files larger than ``DEMINE_IMPORT_INLINE_BYTES`` once
unpacked, and exports of more than ``DEMINE_EXPORT_INLINE_ROWS`` rows, become
jobs (:mod:`demine.exchange.jobs`): the answer is then ``202`` with the job,
followed at ``/api/v1/jobs/{id}`` (see :mod:`demine.api.jobs`).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from demine.errors import ImportRejectedError, SourceError
from demine.exchange.jobs import (
    MAPPING_NAME,
    forget_upload,
    import_report,
    import_waiting,
    keep_upload,
    new_upload,
    queue_export,
    queue_import,
    refusal,
    unpacked_size,
)
from demine.exchange.opening import ImportLimits
from demine.exchange.staging import REGISTER
from demine.exchange.transfer import EXPORT_FORMATS, export_rows, export_visible
from demine.serving.deps import Reviewer, User
from demine.serving.uploads import save_uploads
from demine.store import jobs
from demine.store.database import Database
from demine.store.users import Principal

router = APIRouter(prefix="/api/v1", tags=["import and export"])

Text = Annotated[str, Form(max_length=200)]
AS_JOB: dict[int | str, dict[str, Any]] = {
    202: {
        "description": "Too large to answer at once: queued as a job, "
        "followed at the Location given (/api/v1/jobs/{id})."
    }
}


@router.post("/import", responses=AS_JOB)
async def import_route(
    request: Request,
    who: Reviewer,
    kind: Annotated[str, Form(max_length=40, description="a kind, or register")],
    files: Annotated[list[UploadFile], File(description="the files to import")],
    mapping: Annotated[str, Form(max_length=200_000)] = "",
    layer: Text = "",
    encoding: Text = "",
    crs: Text = "",
    dry_run: Annotated[bool, Form()] = True,
) -> Response:
    """Check (``dry_run``, the default) or import files of one kind of record,
    or of the whole register, with an optional column mapping (YAML text).
    The answer counts what was (or would be) inserted, updated and left
    unchanged; a rejected import is a 422 listing every bad row. Large files
    are checked or imported by a job (202); its file is this same answer."""
    settings = request.app.state.settings
    db = request.app.state.db
    token, folder = new_upload(db)
    try:
        paths = await save_uploads(
            folder, files, settings.max_upload_bytes, MAPPING_NAME
        )
        if mapping.strip():
            (folder / MAPPING_NAME).write_text(mapping, encoding="utf-8")
        asked = {
            "kind": kind,
            "files": [p.name for p in paths],
            "layer": layer,
            "encoding": encoding,
            "crs": crs,
        }
        if unpacked_size(paths) > settings.import_inline_bytes:
            keep_upload(db, token, folder)
            job_id = queue_import(
                db,
                who,
                token,
                asked,
                dry_run=dry_run,
                keep=False,
                limits=ImportLimits.from_settings(settings),
            )
            return _queued(db, job_id, who)
        result = await run_in_threadpool(
            import_waiting,
            db,
            folder,
            asked,
            None if dry_run else who.id,
            ImportLimits.from_settings(settings),
        )
    except (SourceError, ImportRejectedError) as exc:
        forget_upload(db, token, folder)
        return JSONResponse(refusal(exc, folder), status_code=exc.http_status)
    except BaseException:
        forget_upload(db, token, folder)
        raise
    shutil.rmtree(folder, ignore_errors=True)
    return JSONResponse(import_report(result, folder))


@router.get("/export", response_class=FileResponse, responses=AS_JOB)
def export_route(
    request: Request,
    who: User,
    kind: Annotated[str, Query(max_length=40)] = REGISTER,
    format: Annotated[str, Query(description=", ".join(EXPORT_FORMATS))] = "gpkg",
) -> Response:
    """A file of the register (or of one kind of record) holding only what the
    caller may see: GeoPackage, GeoJSON, CSV or XLSX. A large export is
    written by a job (202; one at a time per caller), which stops when the
    caller stops asking after it."""
    db = request.app.state.db
    limit = request.app.state.settings.export_inline_rows
    if export_rows(db, who, kind, format) > limit:
        return _queued(db, queue_export(db, who, kind, format), who)
    folder = Path(tempfile.mkdtemp(prefix="demine-export-"))
    try:
        done = export_visible(db, folder, who, kind, format)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(
        done.path,
        media_type=done.media_type,
        filename=done.name,
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


def _queued(db: Database, job_id: int, who: Principal) -> Response:
    return JSONResponse(
        jobs.get(db, job_id, who).public(),
        status_code=202,
        headers={"Location": f"/api/v1/jobs/{job_id}"},
    )
