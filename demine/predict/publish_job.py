# SPDX-License-Identifier: GPL-3.0-or-later
"""Publishing a scored grid from the browser, as a job.

An administrator uploads the table ``demine predict score`` wrote; the file
waits in the register (any server may run the job) and the job calls the
same :func:`~demine.predict.publish.publish_scores` as the command line,
off the request path, because a national grid takes minutes to write.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from demine.domain.vocab import Role
from demine.errors import PermissionDeniedError, PredictionError
from demine.i18n import _
from demine.store import jobs, stored_files
from demine.store.database import Database
from demine.store.users import Principal

KIND = "publish-risk"
RESULT = "published.json"
# The scored tables ``predict score`` writes and ``publish_scores`` reads.
SUFFIXES = (".gpkg", ".csv", ".parquet")


def queue_publication(
    db: Database,
    who: Principal,
    source: Path,
    model: str | None = None,
    crs: str | None = None,
) -> int:
    """Keep the uploaded table ``source`` in the register and queue its
    publication; the job's id (a ConflictError while ``who`` has one running)."""
    _check(who)
    if source.suffix.lower() not in SUFFIXES:
        raise PredictionError(
            _(
                "%(name)s: a scored grid is a %(suffixes)s file",
                name=source.name,
                suffixes=", ".join(SUFFIXES),
            )
        )
    owner = f"risk-upload:{secrets.token_urlsafe(16)}"
    stored_files.keep(db, owner, [source])
    parameters = {"owner": owner, "file": source.name, "model": model, "crs": crs}
    try:
        return jobs.submit(db, KIND, who, parameters)
    except Exception:
        stored_files.drop(db, owner)
        raise


def publish_job(
    db: Database,
    who: Principal,
    parameters: Mapping[str, Any],
    folder: Path,
    progress: Any,
) -> Path:
    """The work of a publication job: the upload published, what it wrote."""
    from demine.predict.publish import publish_scores

    _check(who)
    owner = str(parameters["owner"])
    try:
        progress(0.05, "reading the scored grid")
        [source] = [
            p
            for p in stored_files.copy_out(db, owner, folder / "upload")
            if p.name == parameters["file"]
        ]
        done = publish_scores(
            db, source, parameters.get("model") or None, parameters.get("crs") or None
        )
    finally:
        stored_files.drop(db, owner)
    progress(0.95, "published")
    path = folder / RESULT
    summary = {
        "cells": done.cells,
        "hazards": done.hazards,
        "model": done.model,
        "scored_at": done.scored_at.isoformat(),
    }
    path.write_text(json.dumps(summary), encoding="utf-8")
    return path


def _check(who: Principal) -> None:
    if who.role is not Role.ADMIN:
        raise PermissionDeniedError(_("only administrators publish the risk"))


JOB_WORK = {KIND: publish_job}
