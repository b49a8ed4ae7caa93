# SPDX-License-Identifier: GPL-3.0-or-later
"""Import and export from the browser.

The page saves the uploaded files and calls the same services as the API
(:mod:`demine.exchange.transfer`): a dry run first, whose counts or bad-rows
table the page shows, then the same files imported for real once the person
confirms; that import gives every record it writes an audit event naming the
person. The uploaded files wait in a private temporary folder named by a
random token that only the uploader's session knows.

Exports (every logged-in role) are :func:`~demine.exchange.transfer.export_visible`'s
files: only what the reader may see.
"""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from demine.domain.labels import kind_label
from demine.errors import (
    ImportRejectedError,
    SourceError,
)
from demine.exchange.entities import LAYERS
from demine.exchange.formats import ReadOptions
from demine.exchange.importer import ImportResult
from demine.exchange.staging import REGISTER
from demine.exchange.transfer import (
    EXPORT_FORMATS,
    export_visible,
    import_upload,
    kind_and_mapping,
)
from demine.i18n import N_, _
from demine.serving.deps import Reviewer, User, check_csrf
from demine.serving.uploads import save_uploads
from demine.store.users import Principal
from demine.web.pages import render

router = APIRouter(include_in_schema=False)

UPLOADS = Path(tempfile.gettempdir()) / "demine-transfer"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
KEEP_SECONDS = 24 * 3600
PROBLEMS_SHOWN = 1000
MAPPING_NAME = "mapping.yaml"
FORMAT_LABELS = {
    "gpkg": N_("GeoPackage (QGIS, ArcGIS)"),
    "geojson": N_("GeoJSON (one kind)"),
    "csv": N_("CSV (one kind; geometry as WKT)"),
    "xlsx": N_("Excel workbook (one sheet per kind)"),
}

# -- the page ---------------------------------------------------------------


@router.get("/transfer")
def transfer_page(request: Request, who: User) -> Response:
    return _page(request, who)


def _page(
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


# -- import -----------------------------------------------------------------


@router.post("/transfer/import")
async def import_preview(request: Request, who: Reviewer) -> Response:
    """Save the upload, dry-run it, and show what it would do (or what is wrong)."""
    form = await request.form()
    check_csrf(request, _text(form, "csrf_token"))
    settings = request.app.state.settings
    entered = {k: _text(form, k) for k in ("kind", "layer", "encoding", "crs")}
    entered["mapping_text"] = _text(form, "mapping_text")
    _forget_old_uploads()
    token = secrets.token_urlsafe(24)
    folder = UPLOADS / token
    try:
        files = [f for f in form.getlist("files") if isinstance(f, UploadFile)]
        paths = await save_uploads(
            folder, files, settings.max_upload_bytes, MAPPING_NAME
        )
        mapping_text = await _mapping_text(form, entered["mapping_text"])
        if mapping_text:
            (folder / MAPPING_NAME).write_text(mapping_text, encoding="utf-8")
        kind, _unused = kind_and_mapping(entered["kind"], mapping_text)
        result = await run_in_threadpool(
            import_upload,
            request.app.state.db,
            kind,
            paths,
            mapping_text,
            _read_options(entered),
        )
    except (SourceError, ImportRejectedError) as exc:
        shutil.rmtree(folder, ignore_errors=True)
        return _page(request, who, 422, entered=entered, **_failure(exc))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    request.session["transfer_import"] = {
        "token": token,
        "kind": kind,
        "files": [p.name for p in paths],
        **{k: entered[k] for k in ("layer", "encoding", "crs")},
    }
    return _page(request, who, entered=entered, preview=_summary(result), token=token)


@router.post("/transfer/import/confirm")
async def import_confirm(request: Request, who: Reviewer) -> Response:
    """Import the files of the dry run the person just saw."""
    form = await request.form()
    check_csrf(request, _text(form, "csrf_token"))
    pending = request.session.get("transfer_import")
    token = _text(form, "token")
    if (
        not isinstance(pending, dict)
        or pending.get("token") != token
        or not TOKEN.match(token)
        or not (UPLOADS / token).is_dir()
    ):
        raise SourceError(_("that upload is no longer waiting; upload the files again"))
    folder = UPLOADS / token
    request.session.pop("transfer_import", None)
    try:
        mapping_file = folder / MAPPING_NAME
        mapping_text = (
            mapping_file.read_text(encoding="utf-8") if mapping_file.exists() else ""
        )
        paths = [folder / str(name) for name in pending["files"]]
        result = await run_in_threadpool(
            import_upload,
            request.app.state.db,
            str(pending["kind"]),
            paths,
            mapping_text,
            _read_options(pending),
            who.id,
        )
    except (SourceError, ImportRejectedError) as exc:
        return _page(request, who, 422, entered={}, **_failure(exc))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return _page(request, who, entered={}, imported=_summary(result))


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


def _read_options(entered: dict[str, Any]) -> ReadOptions:
    return ReadOptions(
        layer=entered.get("layer") or None,
        encoding=entered.get("encoding") or None,
        crs=entered.get("crs") or None,
    )


def _failure(exc: SourceError | ImportRejectedError) -> dict[str, Any]:
    """What the page shows of a refused import: the message and the bad rows."""
    problems = exc.problems if isinstance(exc, ImportRejectedError) else [exc]
    rows = [
        {
            "file": Path(p.file).name if p.file else "",
            "row": "" if p.row is None else p.row,
            "field": p.field or "",
            "value": "" if p.value is None else str(p.value)[:200],
            "reason": p.reason,
        }
        for p in problems[:PROBLEMS_SHOWN]
    ]
    return {
        "failure": _short(exc.user_message),
        "problems": rows,
        "problem_total": len(problems),
    }


def _short(message: str) -> str:
    # Messages name files by their temporary path; the person knows them by name.
    return re.sub(re.escape(str(UPLOADS)) + r"/[A-Za-z0-9_-]+/", "", message)


def _summary(result: ImportResult) -> dict[str, Any]:
    return {
        "counts": [
            (kind, kind_label(kind, plural=True), c.inserted, c.updated, c.unchanged)
            for kind, c in result.counts.items()
        ],
        "warnings": [_short(w) for w in result.warnings],
        "files": [Path(f).name for f in result.files],
    }


def _forget_old_uploads() -> None:
    """Remove uploads nobody confirmed within a day."""
    if not UPLOADS.is_dir():
        return
    now = time.time()
    for folder in UPLOADS.iterdir():
        try:
            if now - folder.stat().st_mtime > KEEP_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


# -- export -----------------------------------------------------------------


@router.get("/transfer/export")
def export_download(
    request: Request, who: User, kind: str = REGISTER, format: str = "gpkg"
) -> Response:
    """A file of what ``who`` may see: the register, or one kind of record."""
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
