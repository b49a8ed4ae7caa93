# SPDX-License-Identifier: GPL-3.0-or-later
"""Import and export from the browser.

The page saves the uploaded files and calls the same services as the API
(:mod:`demine.exchange.transfer`, :mod:`demine.exchange.jobs`): a dry run
first, whose counts or bad-rows table the page shows, then the same files
imported for real once the person confirms; that import gives every record
it writes an audit event naming the person. The uploaded files wait in a
private folder named by a random token that only the uploader's session
knows. An upload larger than ``DEMINE_IMPORT_INLINE_BYTES`` once unpacked is
checked and imported by jobs instead (:mod:`demine.web.import_jobs` shows
their result).

Exports (every logged-in role) are :func:`~demine.exchange.transfer.export_visible`'s
files: only what the reader may see. This download answers at once for a
small export; the page's export button starts a job (:mod:`demine.web.jobs`).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from demine.domain.labels import kind_label
from demine.errors import (
    ImportRejectedError,
    PayloadTooLargeError,
    SourceError,
)
from demine.exchange.entities import LAYERS
from demine.exchange.jobs import (
    MAPPING_NAME,
    READ_FIELDS,
    forget_upload,
    import_report,
    import_waiting,
    keep_upload,
    new_upload,
    queue_import,
    refusal,
    unpacked_size,
    waiting_upload,
)
from demine.exchange.opening import ImportLimits
from demine.exchange.staging import REGISTER
from demine.exchange.transfer import EXPORT_FORMATS, export_rows, export_visible
from demine.i18n import N_, _
from demine.serving.deps import Reviewer, User, check_csrf
from demine.serving.uploads import save_uploads
from demine.store.users import Principal
from demine.web.pages import render

router = APIRouter(include_in_schema=False)

FORMAT_LABELS = {
    "gpkg": N_("GeoPackage (QGIS, ArcGIS)"),
    "geojson": N_("GeoJSON (one kind)"),
    "csv": N_("CSV (one kind; geometry as WKT)"),
    "xlsx": N_("Excel workbook (one sheet per kind)"),
}
SESSION_KEY = "transfer_import"

# -- the page ---------------------------------------------------------------


@router.get("/transfer")
def transfer_page(request: Request, who: User) -> Response:
    return page(request, who)


def page(
    request: Request, who: Principal, status_code: int = 200, **context: Any
) -> Response:
    return render(
        request,
        "transfer.html",
        who,
        status_code=status_code,
        kinds=[(kind, kind_label(kind, plural=True)) for kind in LAYERS],
        formats=[(f, _(FORMAT_LABELS[f])) for f in EXPORT_FORMATS],
        max_bytes=request.app.state.settings.max_upload_bytes,
        max_mb=request.app.state.settings.max_upload_bytes / 1e6,
        **context,
    )


def report_context(report: dict[str, Any]) -> dict[str, Any]:
    """What the page shows of an import's report (:func:`import_report`) or
    refusal (:func:`refusal`): the counts table, or the bad rows."""
    if "error" in report:
        return {
            "failure": report["error"],
            "problems": [
                {k: "" if v is None else v for k, v in p.items()}
                for p in report["problems"]
            ],
            "problem_total": report["problem_total"],
        }
    summary = {
        "counts": [
            (
                kind,
                kind_label(kind, plural=True),
                c["inserted"],
                c["updated"],
                c["unchanged"],
            )
            for kind, c in report["counts"].items()
        ],
        "warnings": report["warnings"],
        "files": report["files"],
    }
    return {"preview" if report["dry_run"] else "imported": summary}


# -- import -----------------------------------------------------------------


@router.post("/transfer/import")
async def import_preview(request: Request, who: Reviewer) -> Response:
    """Save the upload, dry-run it, and show what it would do (or what is wrong).

    A large upload is dry-run by a job instead, whose page follows it.
    """
    form = await request.form()
    check_csrf(request, _text(form, "csrf_token"))
    settings = request.app.state.settings
    entered = {k: _text(form, k) for k in ("kind", *READ_FIELDS)}
    entered["mapping_text"] = _text(form, "mapping_text")
    token, folder = new_upload(request.app.state.db)
    try:
        files = [f for f in form.getlist("files") if isinstance(f, UploadFile)]
        paths = await save_uploads(
            folder, files, settings.max_upload_bytes, MAPPING_NAME
        )
        mapping_text = await _mapping_text(form, entered["mapping_text"])
        if mapping_text:
            (folder / MAPPING_NAME).write_text(mapping_text, encoding="utf-8")
        keep_upload(request.app.state.db, token, folder)
        pending = {
            "token": token,
            "kind": entered["kind"],
            "files": [p.name for p in paths],
            **{k: entered[k] for k in READ_FIELDS},
        }
        if unpacked_size(paths) > settings.import_inline_bytes:
            job_id = queue_import(
                request.app.state.db,
                who,
                token,
                pending,
                dry_run=True,
                keep=True,
                limits=ImportLimits.from_settings(settings),
            )
            request.session[SESSION_KEY] = {**pending, "job": True}
            return RedirectResponse(f"/jobs/{job_id}", status_code=303)
        result = await run_in_threadpool(
            import_waiting,
            request.app.state.db,
            folder,
            pending,
            None,
            ImportLimits.from_settings(settings),
        )
    except (SourceError, ImportRejectedError) as exc:
        forget_upload(request.app.state.db, token, folder)
        context = report_context(refusal(exc, folder))
        return page(request, who, 422, entered=entered, **context)
    except BaseException:
        forget_upload(request.app.state.db, token, folder)
        raise
    request.session[SESSION_KEY] = pending
    context = report_context(import_report(result, folder))
    return page(request, who, entered=entered, token=token, **context)


@router.post("/transfer/import/confirm")
async def import_confirm(request: Request, who: Reviewer) -> Response:
    """Import the files of the dry run the person just saw (a job if large)."""
    form = await request.form()
    check_csrf(request, _text(form, "csrf_token"))
    pending = request.session.get(SESSION_KEY)
    token = _text(form, "token")
    if not isinstance(pending, dict) or pending.get("token") != token:
        raise SourceError(_("that upload is no longer waiting; upload the files again"))
    folder = waiting_upload(request.app.state.db, token)
    request.session.pop(SESSION_KEY, None)
    limits = ImportLimits.from_settings(request.app.state.settings)
    if pending.get("job"):
        job_id = queue_import(
            request.app.state.db,
            who,
            token,
            pending,
            dry_run=False,
            keep=False,
            limits=limits,
        )
        return RedirectResponse(f"/jobs/{job_id}", status_code=303)
    try:
        result = await run_in_threadpool(
            import_waiting, request.app.state.db, folder, pending, who.id, limits
        )
        context = report_context(import_report(result, folder))
    except (SourceError, ImportRejectedError) as exc:
        return page(
            request, who, 422, entered={}, **report_context(refusal(exc, folder))
        )
    finally:
        forget_upload(request.app.state.db, token, folder)
    return page(request, who, entered={}, **context)


def _text(form: FormData, key: str) -> str:
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


async def _mapping_text(form: FormData, typed: str) -> str:
    upload = form.get("mapping_file")
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read()
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise SourceError(
                _("the mapping file is not UTF-8 text"), file=upload.filename
            ) from None
    return typed


# -- export -----------------------------------------------------------------


@router.get("/transfer/export")
def export_download(
    request: Request, who: User, kind: str = REGISTER, format: str = "gpkg"
) -> Response:
    """A file of what ``who`` may see, at once: for exports of a few rows.

    A larger one is refused with a pointer to the export job (the page's
    export button), which runs off the request path and can be cancelled.
    """
    db = request.app.state.db
    rows = export_rows(db, who, kind, format)
    limit = request.app.state.settings.export_inline_rows
    if rows > limit:
        raise PayloadTooLargeError(
            f"the export holds {rows:,} rows, more than {limit:,} at once; "
            "start it as an export job from the Import and export page"
        )
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
