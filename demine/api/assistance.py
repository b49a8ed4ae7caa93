# SPDX-License-Identifier: GPL-3.0-or-later
"""``/api/v1/survivors``: victim assistance, for the assistance role alone.

Every read of a survivor is audited by the core; figures
(``/api/v1/assistance/figures``) are aggregated and open to any user.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from demine.assistance.figures import assistance_figures
from demine.assistance.survivors import (
    add_need,
    add_step,
    add_survivor,
    get_survivor,
    list_survivors,
)
from demine.serving.deps import DbDep, RecordId, User

router = APIRouter(prefix="/api/v1", tags=["assistance"])


class NewSurvivor(BaseModel):
    victim_id: int = Field(ge=1, le=2**31 - 1)
    full_name: str | None = Field(default=None, max_length=200)
    contact: str | None = Field(default=None, max_length=2000)
    consent_on: dt.date | None = None
    notes: str | None = Field(default=None, max_length=4000)


class NewNeed(BaseModel):
    need: str = Field(max_length=32)
    identified_on: dt.date | None = None
    notes: str | None = Field(default=None, max_length=4000)


class NewStep(BaseModel):
    step: str = Field(max_length=32)
    occurred_on: dt.date
    need_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    provider: str | None = Field(default=None, max_length=200)
    notes: str | None = Field(default=None, max_length=4000)
    need_met: bool = False


@router.get("/survivors")
def survivors(db: DbDep, who: User) -> list[dict[str, Any]]:
    return list_survivors(db, who)


@router.post("/survivors", status_code=201)
def new_survivor(body: NewSurvivor, db: DbDep, who: User) -> dict[str, Any]:
    fields = body.model_dump()
    return add_survivor(db, who, fields.pop("victim_id"), **fields)


@router.get("/survivors/{survivor_id}")
def survivor(survivor_id: RecordId, db: DbDep, who: User) -> dict[str, Any]:
    return get_survivor(db, who, survivor_id)


@router.post("/survivors/{survivor_id}/needs", status_code=201)
def new_need(
    survivor_id: RecordId, body: NewNeed, db: DbDep, who: User
) -> dict[str, Any]:
    return add_need(db, who, survivor_id, **body.model_dump())


@router.post("/survivors/{survivor_id}/steps", status_code=201)
def new_step(
    survivor_id: RecordId, body: NewStep, db: DbDep, who: User
) -> dict[str, Any]:
    fields = body.model_dump()
    return add_step(
        db, who, survivor_id, fields.pop("step"), fields.pop("occurred_on"), **fields
    )


@router.get("/assistance/figures")
def figures(db: DbDep, who: User) -> dict[str, Any]:
    """Survivors by need met and unmet, time to first service (aggregated)."""
    return assistance_figures(db)
