# SPDX-License-Identifier: GPL-3.0-or-later
"""Large imports and exports as jobs, for the web page and the API alike.

An upload waits in a private folder named by a random token (only its
uploader learns it) until it is checked, imported or forgotten a day later.
One larger than ``DEMINE_IMPORT_INLINE_BYTES`` once unpacked, and an export
of more than ``DEMINE_EXPORT_INLINE_ROWS`` rows, is queued as a job
(:mod:`demine.store.jobs`) and run off the request path by a server's
:class:`~demine.exchange.job_runner.JobRunner`, whose work is
:data:`JOB_WORK`. An import job writes its report as the API answers an
import (:func:`import_report`, or :func:`refusal` with every bad row); an
export job writes the file.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import shutil
import tempfile
import time
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from demine.errors import ImportRejectedError, PermissionDeniedError, SourceError
from demine.exchange.formats import ReadOptions
from demine.exchange.importer import ImportResult
from demine.exchange.job_runner import Progress, Work
from demine.exchange.opening import ImportLimits
from demine.exchange.staging import REGISTER
from demine.exchange.transfer import (
    export_kinds,
    export_visible,
    import_upload,
    kind_and_mapping,
)
from demine.store import jobs, stored_files
from demine.store.database import Database
from demine.store.users import Principal

UPLOADS = Path(tempfile.gettempdir()) / "demine-transfer"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
KEEP_SECONDS = 24 * 3600
MAPPING_NAME = "mapping.yaml"
RESULT = "result.json"
PROBLEMS_LISTED = 1000
# What an import request names besides its files (the read options).
READ_FIELDS = ("layer", "encoding", "crs")


# -- uploads waiting ----------------------------------------------------------


def new_upload(db: Database) -> tuple[str, Path]:
    """A fresh token and the folder (not yet made) its files are saved in;
    uploads nobody used within a day are removed first."""
    forget_old_uploads(db)
    token = secrets.token_urlsafe(24)
    return token, UPLOADS / token


def keep_upload(db: Database, token: str, folder: Path) -> None:
    """Keep the saved upload in the register: the check, the confirmation and
    the job that imports it may each reach another server."""
    files = sorted(p for p in folder.iterdir() if p.is_file())
    stored_files.keep(db, _owner(token), files)


def waiting_upload(db: Database, token: str) -> Path:
    """The local folder of the upload ``token`` names, if it is still waiting
    (copied from the register when it was saved through another server)."""
    owner = _owner(token)
    if not TOKEN.match(token) or not stored_files.names(db, owner):
        raise SourceError("that upload is no longer waiting; upload the files again")
    folder = UPLOADS / token
    if folder.is_dir():
        return folder
    # Copied beside, then renamed: a folder under the token's name is whole.
    landing = UPLOADS / f".{token}-{secrets.token_hex(4)}"
    stored_files.copy_out(db, owner, landing)
    try:
        landing.rename(folder)
    except OSError:  # another request of this server copied it first
        shutil.rmtree(landing, ignore_errors=True)
    return folder


def forget_upload(db: Database, token: str, folder: Path) -> None:
    """Remove an upload that was imported or refused, here and in the register."""
    shutil.rmtree(folder, ignore_errors=True)
    stored_files.drop(db, _owner(token))


def forget_old_uploads(db: Database) -> None:
    """Remove uploads nobody confirmed within a day."""
    stored_files.drop_older(db, "upload:", dt.timedelta(seconds=KEEP_SECONDS))
    if not UPLOADS.is_dir():
        return
    now = time.time()
    for folder in UPLOADS.iterdir():
        try:
            if now - folder.stat().st_mtime > KEEP_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def _owner(token: str) -> str:
    return f"upload:{token}"


def unpacked_size(paths: Sequence[Path]) -> int:
    """Bytes the files hold once unpacked (zip members as they declare)."""
    total = 0
    for path in paths:
        try:
            with zipfile.ZipFile(path) as zf:
                total += sum(m.file_size for m in zf.infolist())
                continue
        except (zipfile.BadZipFile, OSError):
            pass
        total += path.stat().st_size
    return total


def import_waiting(
    db: Database,
    folder: Path,
    request: Mapping[str, Any],
    user_id: int | None,
    limits: ImportLimits,
) -> ImportResult:
    """Import the files ``request`` names from ``folder`` (with the mapping
    saved beside them), audited as ``user_id``; a dry run without one."""
    read = ReadOptions(
        layer=request.get("layer") or None,
        encoding=request.get("encoding") or None,
        crs=request.get("crs") or None,
        limits=limits,
    )
    paths = [folder / str(name) for name in request["files"]]
    mapping_text = _mapping_text(folder)
    return import_upload(db, str(request["kind"]), paths, mapping_text, read, user_id)


def _mapping_text(folder: Path) -> str:
    mapping_file = folder / MAPPING_NAME
    return mapping_file.read_text(encoding="utf-8") if mapping_file.exists() else ""


# -- what an import answers ---------------------------------------------------


def import_report(result: ImportResult, folder: Path) -> dict[str, Any]:
    """The counts (inserted, updated, unchanged per kind), files and warnings
    of an import or its dry run, files named as the person named them."""
    report = result.as_dict()
    report["files"] = [Path(f).name for f in result.files]
    report["warnings"] = [short(w, folder) for w in result.warnings]
    return report


def refusal(exc: SourceError | ImportRejectedError, folder: Path) -> dict[str, Any]:
    """A refused import: the error and every bad row (the first thousand
    listed), files named as the person named them."""
    problems = exc.problems if isinstance(exc, ImportRejectedError) else [exc]
    return {
        "error": short(exc.user_message, folder),
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


def short(message: str, folder: Path) -> str:
    """``message`` without the upload folder: files by the names people gave."""
    return message.replace(f"{folder}/", "")


# -- queueing -----------------------------------------------------------------


def queue_import(
    db: Database,
    who: Principal,
    token: str,
    request: Mapping[str, Any],
    *,
    dry_run: bool,
    keep: bool,
    limits: ImportLimits,
) -> int:
    """Queue the check (``dry_run``) or the import of the waiting upload
    ``token``; ``keep`` leaves its files waiting after a clean check (for the
    web page's confirmation). The job's id; a ConflictError while another
    job of ``who`` is active. What the files hold and the mapping are
    checked before the job waits."""
    kind_and_mapping(str(request["kind"]), _mapping_text(waiting_upload(db, token)))
    parameters = {
        "token": token,
        "kind": str(request["kind"]),
        "files": [str(f) for f in request["files"]],
        **{k: str(request.get(k) or "") for k in READ_FIELDS},
        "dry_run": dry_run,
        "keep": keep,
        "max_bytes": limits.max_bytes,
        "max_rows": limits.max_rows,
    }
    return jobs.submit(db, "import", who, parameters)


def queue_export(
    db: Database, who: Principal, kind: str = REGISTER, fmt: str = "gpkg"
) -> int:
    """Queue an export of what ``who`` may see (a bad request is refused
    here, before it waits); the job's id."""
    export_kinds(kind, fmt)
    return jobs.submit(db, "export", who, {"kind": kind, "format": fmt})


# -- the work -----------------------------------------------------------------


def import_job(
    db: Database,
    who: Principal,
    parameters: Mapping[str, Any],
    folder: Path,
    progress: Progress,
) -> Path:
    """The work of an import job: the check or the import of a waiting
    upload; its report (or refusal) as a JSON file."""
    dry_run = bool(parameters.get("dry_run"))
    if not who.can_review:
        raise PermissionDeniedError("only reviewers and administrators may import")
    token = str(parameters["token"])
    uploads = waiting_upload(db, token)
    limits = ImportLimits(int(parameters["max_bytes"]), int(parameters["max_rows"]))
    progress(0.05, "checking the files" if dry_run else "importing")
    keep = dry_run and bool(parameters.get("keep"))
    try:
        result = import_waiting(
            db, uploads, parameters, None if dry_run else who.id, limits
        )
        report = import_report(result, uploads)
    except (SourceError, ImportRejectedError) as exc:
        report = refusal(exc, uploads)
        keep = False
    if not keep:
        forget_upload(db, token, uploads)
    progress(0.95, "done")
    path = folder / RESULT
    path.write_text(json.dumps(report), encoding="utf-8")
    return path


def export_job(
    db: Database,
    who: Principal,
    parameters: Mapping[str, Any],
    folder: Path,
    progress: Progress,
) -> Path:
    """The work of an export job: the file of what ``who`` may see."""
    kind = str(parameters.get("kind", REGISTER))
    fmt = str(parameters.get("format", "gpkg"))
    return export_visible(db, folder, who, kind, fmt, progress).path


JOB_WORK: dict[str, Work] = {"export": export_job, "import": import_job}
