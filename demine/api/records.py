# SPDX-License-Identifier: GPL-3.0-or-later
"""REST resources for every kind of record: list, read, add, edit, review."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from demine.analysis.checks import entry_rules
from demine.analysis.summary import national_summary
from demine.i18n import _
from demine.serving.deps import (
    ID_MAX,
    DbDep,
    MaybeUser,
    OptionalId,
    RecordId,
    Reviewer,
    SettingsDep,
    User,
    reader_for,
)
from demine.store import review
from demine.store.audit import history
from demine.store.editing import KINDS
from demine.store.listing import MODELS, Filters, get_record, list_records
from demine.store.review_family import review_family

router = APIRouter(prefix="/api/v1", tags=["records"])

Kind = StrEnum("Kind", {k: k for k in MODELS})  # type: ignore[misc]
WritableKind = StrEnum("WritableKind", {k: k for k in KINDS})  # type: ignore[misc]


class Page(BaseModel):
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


class NewRecord(BaseModel):
    """A record's fields as the register names them (geometry as GeoJSON)."""

    fields: dict[str, Any]
    submit: bool = Field(
        default=True, description="a clerk's record is submitted, else kept a draft"
    )


class Edit(BaseModel):
    version: int = Field(description="the version the editor read", ge=1, le=ID_MAX)
    changes: dict[str, Any]


class Review(BaseModel):
    version: int | None = Field(default=None, ge=1, le=ID_MAX)
    reason: str | None = Field(default=None, max_length=2000)
    children: bool = Field(
        default=False,
        description="also the records submitted with it (an accident's victims,"
        " an activity's releases and finds), all in one transaction",
    )


class Action(StrEnum):
    submit = "submit"
    approve = "approve"
    reject = "reject"


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """``west,south,east,north`` in degrees, else a RecordError."""
    from demine.errors import RecordError

    if text is None:
        return None
    try:
        parts = tuple(float(p) for p in text.split(","))
    except ValueError:
        raise RecordError(_("bbox must be four numbers"), field="bbox") from None
    if len(parts) != 4 or not all(abs(v) <= 180 for v in parts):
        raise RecordError(_("bbox must be west,south,east,north"), field="bbox")
    west, south, east, north = parts
    if west > east or south > north or abs(south) > 90 or abs(north) > 90:
        raise RecordError(_("bbox must be west,south,east,north"), field="bbox")
    return west, south, east, north


@router.get("/records/{kind}")
def list_kind(
    request: Request,
    kind: Kind,
    db: DbDep,
    settings: SettingsDep,
    who: MaybeUser,
    bbox: Annotated[str | None, Query(description="west,south,east,north")] = None,
    admin_area_id: OptionalId = None,
    organisation_id: OptionalId = None,
    status: Annotated[str | None, Query(max_length=32)] = None,
    review_state: Annotated[str | None, Query(max_length=32)] = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    sort: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Page:
    """One page of records; filter by place, organisation, status and dates."""
    reader = reader_for(request, kind.value, who)
    filters = Filters(
        bbox=parse_bbox(bbox),
        admin_area_id=admin_area_id,
        organisation_id=organisation_id,
        status=status,
        review_state=review_state,
        date_from=date_from,
        date_to=date_to,
    )
    limit = min(limit, settings.page_size_max)
    items, total = list_records(
        db, kind.value, reader, filters, limit=limit, offset=offset, sort=sort
    )
    return Page(items=items, total=total, limit=limit, offset=offset)


@router.get("/records/{kind}/{record_id}")
def read_one(
    request: Request, kind: Kind, record_id: RecordId, db: DbDep, who: MaybeUser
) -> dict[str, Any]:
    return get_record(db, kind.value, record_id, reader_for(request, kind.value, who))


@router.post("/records/{kind}", status_code=201)
def add_one(
    kind: WritableKind, body: NewRecord, db: DbDep, settings: SettingsDep, who: User
) -> dict[str, Any]:
    """Add a record: a clerk's waits for review; a reviewer's counts at once.

    A record whose geometry is doubtful (outside the country, too large, a
    sliver) is kept a draft; ``warnings`` in the answer say why. Every
    broken rule is in one 422 answer (``problems``).
    """
    return review.create_record(
        db,
        kind.value,
        body.fields,
        who,
        submit=body.submit,
        rules=entry_rules(settings),
    )


@router.patch("/records/{kind}/{record_id}")
def edit_one(
    kind: WritableKind, record_id: RecordId, body: Edit, db: DbDep, who: User
) -> dict[str, Any]:
    """Change fields of a record read at ``version``; 409 with both if it moved on."""
    return review.update_record(
        db, kind.value, record_id, body.changes, body.version, who
    )


@router.post("/records/{kind}/{record_id}/{action}")
def review_one(
    kind: WritableKind,
    record_id: RecordId,
    action: Action,
    db: DbDep,
    who: User,
    body: Review | None = None,
) -> dict[str, Any]:
    """Submit (clerk), approve or reject with a reason (reviewer)."""
    body = body or Review()
    if body.children:
        done = review_family(
            db,
            kind.value,
            record_id,
            action.value,
            who,
            reason=body.reason,
            version=body.version,
        )
        return {**done.record, "children": [rec for _k, rec in done.children]}
    return review.change_review_state(
        db,
        kind.value,
        record_id,
        action.value,
        who,
        reason=body.reason,
        version=body.version,
    )


@router.get("/records/{kind}/{record_id}/history")
def record_history(
    kind: Kind, record_id: RecordId, db: DbDep, who: User
) -> list[dict[str, Any]]:
    """The audit trail of one record: who changed what, when, before and after."""
    get_record(db, kind.value, record_id, who)
    return history(db, kind.value, record_id)


@router.get("/review-queue")
def queue(db: DbDep, who: Reviewer) -> list[dict[str, Any]]:
    """Submitted records waiting for a reviewer."""
    return review.review_queue(db, who)


@router.get("/summary")
def summary(db: DbDep, who: User) -> dict[str, Any]:
    """The national figures: approved records only."""
    with db.transaction() as conn:
        return national_summary(conn)
