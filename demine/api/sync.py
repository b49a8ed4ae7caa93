# SPDX-License-Identifier: GPL-3.0-or-later
"""Sync over HTTPS: a field register posts its change file, headquarters
applies it and answers with its own for that register (``demine sync
--remote URL``).

The same two steps as a USB stick, in one request: a connection cut at any
point leaves both registers consistent (each file is applied in one
transaction, and what was not acknowledged is sent again next time).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from demine.exchange.sync.changes import export_changes, import_changes
from demine.serving.deps import DbDep, Reviewer
from demine.store.database import Database

router = APIRouter(prefix="/api/v1", tags=["sync"])
MEDIA = "application/geopackage+sqlite3"
FILE: dict[int | str, dict[str, object]] = {
    200: {"content": {MEDIA: {}}, "description": "This register's change file"}
}


@router.post("/sync", response_class=Response, responses=FILE)
async def exchange(request: Request, db: DbDep, who: Reviewer) -> Response:
    """Apply the posted change file, answer with the changes for its sender."""
    body = await request.body()
    data, summary = await run_in_threadpool(_exchange, db, body)
    for part in summary.values():
        part.pop("file", None)
    return Response(
        data,
        media_type=MEDIA,
        headers={"X-Demine-Sync": json.dumps(summary, ensure_ascii=True)},
    )


def _exchange(db: Database, body: bytes) -> tuple[bytes, dict[str, Any]]:
    with tempfile.TemporaryDirectory() as scratch:
        incoming = Path(scratch) / "incoming.demine"
        incoming.write_bytes(body)
        applied = import_changes(db, incoming)
        reply = Path(scratch) / "reply.demine"
        sent = export_changes(db, reply, applied.peer)
        data = reply.read_bytes()
    return data, {"applied": applied.as_dict(), "sent": sent.as_dict()}
