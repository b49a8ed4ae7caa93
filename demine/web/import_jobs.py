# SPDX-License-Identifier: GPL-3.0-or-later
"""Large browser imports as jobs: the dry run and the import off the request.

An upload larger than ``DEMINE_IMPORT_INLINE_BYTES`` (unpacked) is checked
and imported by a job (:mod:`demine.store.jobs`) instead of while the
browser waits: the job page follows it, and its result (the dry run's
counts or bad rows, then the import's counts) is shown by
``/transfer/jobs/{id}`` exactly as a small upload's page shows it.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from demine.api.deps import Reviewer
from demine.errors import ImportRejectedError, NotFoundError, SourceError
from demine.exchange.job_runner import Progress
from demine.exchange.opening import ImportLimits
from demine.store import jobs
from demine.store.database import Database
from demine.store.users import Principal
from demine.web import transfer

router = APIRouter(include_in_schema=False)
RESULT = "result.json"


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


def queue(
    request: Request, who: Principal, pending: dict[str, Any], dry_run: bool
) -> Response:
    """Queue the check or the import of the upload ``pending`` names."""
    limits: ImportLimits = request.app.state.settings.import_limits()
    parameters = {
        **pending,
        "dry_run": dry_run,
        "max_bytes": limits.max_bytes,
        "max_rows": limits.max_rows,
    }
    job_id = jobs.submit(request.app.state.db, "import", who, parameters)
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


def import_job(
    db: Database,
    who: Principal,
    parameters: Mapping[str, Any],
    folder: Path,
    progress: Progress,
) -> Path:
    """The work of an import job: the dry run or the import; its page's data."""
    token = str(parameters["token"])
    uploads = transfer.UPLOADS / token
    if not transfer.TOKEN.match(token) or not uploads.is_dir():
        raise SourceError("that upload is no longer waiting; upload the files again")
    dry_run = bool(parameters.get("dry_run"))
    limits = ImportLimits(int(parameters["max_bytes"]), int(parameters["max_rows"]))
    progress(0.05, "checking the files" if dry_run else "importing")
    try:
        mapping_file = uploads / transfer.MAPPING_NAME
        text = mapping_file.read_text("utf-8") if mapping_file.exists() else ""
        kind, mapping = transfer.kind_and_mapping(str(parameters["kind"]), text)
        paths = [uploads / str(name) for name in parameters["files"]]
        result = transfer.run_import(
            db,
            kind,
            paths,
            mapping,
            dict(parameters),
            None if dry_run else who.id,
            limits,
        )
        key = "preview" if dry_run else "imported"
        page: dict[str, Any] = {key: transfer.summary(result), "token": token}
    except (SourceError, ImportRejectedError) as exc:
        page = transfer.failure(exc)
        shutil.rmtree(uploads, ignore_errors=True)
    if not dry_run:
        shutil.rmtree(uploads, ignore_errors=True)
    progress(0.95, "done")
    path = folder / RESULT
    path.write_text(json.dumps(page), encoding="utf-8")
    return path


@router.get("/transfer/jobs/{job_id}")
def import_result(request: Request, job_id: int, who: Reviewer) -> Response:
    """What an import job found or did, on the import page."""
    job = jobs.get(request.app.state.db, job_id, who)
    if job.kind != "import" or job.state != "done" or not job.result_path:
        raise NotFoundError(f"import job {job_id} has no result")
    page = json.loads(Path(job.result_path).read_text("utf-8"))
    status = 422 if "failure" in page else 200
    if "preview" in page:
        request.session["transfer_import"] = {
            k: job.parameters[k]
            for k in ("token", "kind", "files", "layer", "encoding", "crs")
        } | {"job": True}
    else:
        page.pop("token", None)
    return transfer.page(request, who, status, entered={}, **page)
