# SPDX-License-Identifier: GPL-3.0-or-later
"""Import and export from the browser.

Imports (reviewers and administrators) go through
:func:`demine.exchange.importer.import_files`: a dry run first, whose counts
or bad-rows table the page shows, then the same files imported for real once
the person confirms; that import gives every record it writes an audit
event naming the person. The uploaded files wait in a private temporary
folder named by a random token that only the uploader's session knows.

Exports (every logged-in role) are the exporter's files, restricted to what
the reader may see: viewers get approved records only, a clerk also their own
organisation's drafts, reviewers and administrators everything. References
to records the reader may not see are left blank, so an export never names
them.
"""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response
from sqlalchemy import ColumnElement, Table, or_
from sqlalchemy.engine import Connection
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from demine.api.deps import Reviewer, User, check_csrf
from demine.domain.labels import kind_label
from demine.domain.vocab import ReviewState, Role
from demine.errors import (
    ImportRejectedError,
    PayloadTooLargeError,
    SourceError,
)
from demine.exchange.entities import KINDS, LAYERS, MAIN_GEOMETRY, entity, resolve_kind
from demine.exchange.exporter import (
    _external_ids,
    entity_frame,
    write_layer,
    write_workbook,
)
from demine.exchange.formats import ReadOptions
from demine.exchange.importer import ImportResult, import_files
from demine.exchange.mapping import Mapping, parse_mapping
from demine.exchange.staging import REGISTER
from demine.i18n import N_, _
from demine.store.bulk import read_frame
from demine.store.database import Database
from demine.store.schema import Base
from demine.store.users import Principal
from demine.web.pages import render

router = APIRouter(include_in_schema=False)

UPLOADS = Path(tempfile.gettempdir()) / "demine-transfer"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
KEEP_SECONDS = 24 * 3600
PROBLEMS_SHOWN = 1000
MAPPING_NAME = "mapping.yaml"
# format -> (file suffix, media type)
EXPORT_FORMATS = {
    "gpkg": (".gpkg", "application/geopackage+sqlite3"),
    "geojson": (".geojson", "application/geo+json"),
    "csv": (".csv", "text/csv"),
    "xlsx": (
        ".xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}
FORMAT_LABELS = {
    "gpkg": N_("GeoPackage (QGIS, ArcGIS)"),
    "geojson": N_("GeoJSON (one kind)"),
    "csv": N_("CSV (one kind; geometry as WKT)"),
    "xlsx": N_("Excel workbook (one sheet per kind)"),
}
# Formats that hold several entities (one layer or sheet each).
MULTI = ("gpkg", "xlsx")


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
        paths = await _save(folder, files, settings.max_upload_bytes)
        mapping_text = await _mapping_text(form, entered["mapping_text"])
        if mapping_text:
            (folder / MAPPING_NAME).write_text(mapping_text, encoding="utf-8")
        kind, mapping = _kind_and_mapping(entered["kind"], mapping_text)
        result = await run_in_threadpool(
            _import, request.app.state.db, kind, paths, mapping, entered, None
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
        raise SourceError("that upload is no longer waiting; upload the files again")
    folder = UPLOADS / token
    request.session.pop("transfer_import", None)
    try:
        mapping_file = folder / MAPPING_NAME
        mapping_text = (
            mapping_file.read_text(encoding="utf-8") if mapping_file.exists() else ""
        )
        kind, mapping = _kind_and_mapping(str(pending["kind"]), mapping_text)
        paths = [folder / str(name) for name in pending["files"]]
        result = await run_in_threadpool(
            _import, request.app.state.db, kind, paths, mapping, pending, who.id
        )
    except (SourceError, ImportRejectedError) as exc:
        return _page(request, who, 422, entered={}, **_failure(exc))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return _page(request, who, entered={}, imported=_summary(result))


def _text(form: FormData, key: str) -> str:
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


async def _save(folder: Path, files: Sequence[UploadFile], limit: int) -> list[Path]:
    """Write the uploads under safe names; refuse more than ``limit`` bytes."""
    chosen = [f for f in files if f.filename]
    if not chosen:
        raise SourceError("choose one or more files to import")
    folder.mkdir(parents=True, exist_ok=False, mode=0o700)
    total = 0
    paths: list[Path] = []
    for upload in chosen:
        name = _safe_name(upload.filename or "", len(paths), {p.name for p in paths})
        path = folder / name
        with path.open("wb") as out:
            while chunk := await upload.read(1 << 20):
                total += len(chunk)
                if total > limit:
                    raise PayloadTooLargeError(
                        f"the upload is larger than allowed ({limit:,} bytes)"
                    )
                out.write(chunk)
        paths.append(path)
    return paths


def _safe_name(filename: str, index: int, taken: set[str]) -> str:
    """The file's own name without folders or odd characters (suffix kept)."""
    base = Path(filename.replace("\\", "/")).name
    clean = re.sub(r"[^A-Za-z0-9._-]+", "_", base).lstrip(".")[-100:]
    if not clean or clean == MAPPING_NAME:
        clean = f"upload{index}{Path(base).suffix.lower()[:10]}"
    if clean in taken:
        clean = f"{index}_{clean}"
    return clean


async def _mapping_text(form: FormData, typed: str) -> str:
    upload = form.get("mapping_file")
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read()
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise SourceError(
                "the mapping file is not UTF-8 text", file=upload.filename
            ) from None
    return typed


def _kind_and_mapping(kind_text: str, mapping_text: str) -> tuple[str, Mapping | None]:
    """The kind asked for and the parsed mapping, checked against each other."""
    if not kind_text:
        raise SourceError("choose what the files hold")
    kind = REGISTER if kind_text == REGISTER else resolve_kind(kind_text)
    if not mapping_text.strip():
        return kind, None
    try:
        data = yaml.safe_load(mapping_text)
    except yaml.YAMLError as exc:
        raise SourceError(f"is not valid YAML: {exc}", file="mapping") from None
    if not isinstance(data, dict):
        raise SourceError("must be a YAML mapping of keys", file="mapping")
    mapping = parse_mapping(data, "mapping")
    if kind != REGISTER and kind not in mapping.kinds():
        raise SourceError(
            f"the mapping makes {', '.join(mapping.kinds())}, not {kind}",
            file="mapping",
        )
    return kind, mapping


def _import(
    db: Database,
    kind: str,
    paths: list[Path],
    mapping: Mapping | None,
    entered: dict[str, Any],
    user_id: int | None,
) -> ImportResult:
    """The import, audited as ``user_id``; a dry run when there is no user."""
    read = ReadOptions(
        layer=entered.get("layer") or None,
        encoding=entered.get("encoding") or None,
        crs=entered.get("crs") or None,
    )
    return import_files(
        db,
        kind,
        paths,
        mapping=mapping,
        read=read,
        dry_run=user_id is None,
        audit_user_id=user_id,
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
    fmt = format.strip().lower()
    if fmt not in EXPORT_FORMATS:
        raise SourceError(f"unknown format {format!r}; use {', '.join(EXPORT_FORMATS)}")
    kinds = list(KINDS) if kind == REGISTER else [resolve_kind(kind)]
    if len(kinds) > 1 and fmt not in MULTI:
        raise SourceError(
            f"{fmt} holds one kind of record; choose one, or GeoPackage or XLSX "
            "for the whole register"
        )
    if fmt == "geojson" and kinds[0] not in MAIN_GEOMETRY:
        raise SourceError(f"{LAYERS[kinds[0]]} have no geometry; choose CSV or XLSX")
    suffix, media = EXPORT_FORMATS[fmt]
    folder = Path(tempfile.mkdtemp(prefix="demine-export-"))
    name = ("register" if kind == REGISTER else LAYERS[kinds[0]]) + suffix
    path = folder / name
    try:
        write_visible(request.app.state.db, path, fmt, kinds, who)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(
        path,
        media_type=media,
        filename=name,
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


def write_visible(
    db: Database, path: Path, fmt: str, kinds: Sequence[str], who: Principal
) -> dict[str, int]:
    """Write ``kinds`` as the exporter does, with only the rows ``who`` sees."""
    db.require_initialised()
    with db.transaction() as conn:
        frames = visible_frames(conn, kinds, who)
    if fmt == "xlsx":
        return write_workbook(path, frames)
    for kind, frame in frames.items():
        write_layer(path, fmt, kind, frame)
    return {LAYERS[k]: len(f) for k, f in frames.items()}


def visible_frames(
    conn: Connection, kinds: Sequence[str], who: Principal
) -> dict[str, pd.DataFrame]:
    """The exporter's frame of each kind, without what ``who`` may not see."""
    if who.can_review:
        keys: dict[str, dict[int, str]] = {}
        return {kind: entity_frame(conn, kind, keys) for kind in kinds}
    targets = {fs.ref for k in kinds for fs in entity(k).fields if fs.ref}
    # Name only the records the reader sees: other references stay blank.
    keys = {t: _visible_keys(conn, t, who) for t in sorted(targets)}
    frames = {}
    for kind in kinds:
        frame = entity_frame(conn, kind, keys)
        table = Base.metadata.tables[kind]
        seen = read_frame(conn, kind, ["id", "external_id"], visible_rows(table, who))
        shown = frame["external_id"].isin(set(_external_ids(kind, seen)))
        frames[kind] = frame.loc[shown.to_numpy(dtype=bool)].reset_index(drop=True)
    return frames


def _visible_keys(conn: Connection, kind: str, who: Principal) -> dict[int, str]:
    """id -> the key an export names a visible record of ``kind`` by."""
    table = Base.metadata.tables[kind]
    columns = ["id", "external_id"] + (["model"] if kind == "eo_model" else [])
    frame = read_frame(conn, kind, columns, visible_rows(table, who))
    # An EO model is known by its model name; anything else by its external id.
    keys = frame["model"] if kind == "eo_model" else _external_ids(kind, frame)
    return dict(zip(frame["id"].tolist(), keys.tolist(), strict=True))


def visible_rows(table: Table, who: Principal) -> ColumnElement[bool] | None:
    """The rows of ``table`` a viewer or clerk may read (as the API's rule)."""
    cols = table.c
    if "review_state" not in cols:
        return None
    approved = cols.review_state == ReviewState.APPROVED
    if who.role is Role.CLERK and who.organisation_id is not None:
        return or_(approved, cols.reported_by_id == who.organisation_id)
    return approved
