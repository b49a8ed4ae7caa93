# SPDX-License-Identifier: GPL-3.0-or-later
"""Attachments of records: upload (multipart), list, download, thumbnail.

Files are served as downloads with their checked type and ``nosniff``, so a
file can never run as a page of this site whatever it holds.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from demine.attachments.blobs import blob_store
from demine.attachments.records import (
    attach,
    attachments_of,
    read_attachment,
    with_warning,
)
from demine.serving.deps import DbDep, MaybeUser, RecordId, SettingsDep, User

router = APIRouter(prefix="/api/v1", tags=["attachments"])
FILE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/octet-stream": {}}, "description": "The file"}
}


@router.post("/records/{kind}/{record_id}/attachments", status_code=201)
async def upload(
    request: Request,
    kind: str,
    record_id: RecordId,
    db: DbDep,
    settings: SettingsDep,
    who: User,
    file: Annotated[UploadFile, File()],
    caption: Annotated[str | None, Form(max_length=2000)] = None,
) -> dict[str, Any]:
    """Attach a photo, scan or PDF to a record (checked by its content)."""
    data = await file.read(settings.max_attachment_bytes + 1)
    row = attach(
        db,
        blob_store(settings, db),
        kind,
        record_id,
        file.filename or "file",
        data,
        who,
        max_bytes=settings.max_attachment_bytes,
        caption=caption,
    )
    return with_warning(row, settings)


@router.get("/records/{kind}/{record_id}/attachments")
def listing(
    kind: str, record_id: RecordId, db: DbDep, settings: SettingsDep, who: MaybeUser
) -> list[dict[str, Any]]:
    return [with_warning(r, settings) for r in attachments_of(db, kind, record_id, who)]


def _file(row: dict[str, Any], data: bytes, media: str, name: str) -> Response:
    safe = "".join(c for c in name if c.isalnum() or c in "._- ")[:120] or "file"
    return Response(
        data,
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="{safe}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, max-age=3600",
            "ETag": f'"{row["sha256"]}"',
        },
    )


@router.get("/attachments/{attachment_id}", response_class=Response, responses=FILE)
def download(
    attachment_id: RecordId, db: DbDep, settings: SettingsDep, who: MaybeUser
) -> Response:
    row, data = read_attachment(db, blob_store(settings, db), attachment_id, who)
    return _file(row, data, row["media_type"], row["filename"])


@router.get(
    "/attachments/{attachment_id}/thumbnail", response_class=Response, responses=FILE
)
def thumbnail(
    attachment_id: RecordId, db: DbDep, settings: SettingsDep, who: MaybeUser
) -> Response:
    row, data = read_attachment(db, blob_store(settings, db), attachment_id, who, True)
    return _file(row, data, "image/jpeg", "thumbnail.jpg")
