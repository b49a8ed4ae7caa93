# SPDX-License-Identifier: GPL-3.0-or-later
"""Import and export over HTTP: the browser's *Import and export* page as routes.

``POST /api/v1/import`` (reviewers and administrators) takes the files as a
multipart form, dry-runs them by default and imports them, audited as the
caller, with ``dry_run=false``: all or nothing, every bad row named.
``GET /api/v1/export`` (every logged-in role) answers a file of what the
caller may see. Both call :mod:`demine.exchange.transfer`, as the page does.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from demine.errors import ImportRejectedError, SourceError
from demine.exchange.formats import ReadOptions
from demine.exchange.staging import REGISTER
from demine.exchange.transfer import EXPORT_FORMATS, export_visible, import_upload
from demine.serving.deps import Reviewer, User
from demine.serving.uploads import save_uploads

router = APIRouter(prefix="/api/v1", tags=["import and export"])

PROBLEMS_LISTED = 1000
Text = Annotated[str, Form(max_length=200)]


@router.post("/import")
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
    unchanged; a rejected import is a 422 listing every bad row."""
    folder = Path(tempfile.mkdtemp(prefix="demine-import-"))
    try:
        limit = request.app.state.settings.max_upload_bytes
        paths = await save_uploads(folder / "files", files, limit)
        read = ReadOptions(
            layer=layer or None, encoding=encoding or None, crs=crs or None
        )
        result = await run_in_threadpool(
            import_upload,
            request.app.state.db,
            kind,
            paths,
            mapping,
            read,
            None if dry_run else who.id,
        )
    except (SourceError, ImportRejectedError) as exc:
        return JSONResponse(_refusal(exc, folder), status_code=exc.http_status)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    answer = result.as_dict()
    answer["files"] = [Path(f).name for f in result.files]
    answer["warnings"] = [_short(w, folder) for w in result.warnings]
    return JSONResponse(answer)


def _refusal(exc: SourceError | ImportRejectedError, folder: Path) -> dict[str, Any]:
    """The error and its bad rows, files named as the caller named them."""
    problems = exc.problems if isinstance(exc, ImportRejectedError) else [exc]
    return {
        "error": _short(exc.user_message, folder),
        "status": exc.http_status,
        "problem_total": len(problems),
        "problems": [
            {
                "file": Path(p.file).name if p.file else None,
                "row": p.row,
                "field": p.field,
                "value": None if p.value is None else str(p.value)[:200],
                "reason": p.reason,
            }
            for p in problems[:PROBLEMS_LISTED]
        ],
    }


def _short(message: str, folder: Path) -> str:
    # Messages name files by their temporary path; the caller knows them by name.
    return re.sub(re.escape(str(folder)) + r"/files/", "", message)


@router.get("/export", response_class=FileResponse)
def export_route(
    request: Request,
    who: User,
    kind: Annotated[str, Query(max_length=40)] = REGISTER,
    format: Annotated[str, Query(description=", ".join(EXPORT_FORMATS))] = "gpkg",
) -> Response:
    """A file of the register (or of one kind of record) holding only what the
    caller may see: GeoPackage, GeoJSON, CSV or XLSX."""
    folder = Path(tempfile.mkdtemp(prefix="demine-export-"))
    try:
        done = export_visible(request.app.state.db, folder, who, kind, format)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(
        done.path,
        media_type=done.media_type,
        filename=done.name,
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )
