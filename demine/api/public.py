# SPDX-License-Identifier: GPL-3.0-or-later
"""``/api/v1/public/...``: the land-status lookup anyone may call, and its settings.

The lookup and the certificate check answer anonymous callers with what the
public pages show and nothing else; the settings are the administrator's.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from demine.errors import NotFoundError, RecordError
from demine.handover import verify_certificate
from demine.i18n import _, current_language
from demine.public import (
    CACHE_CONTROL,
    language,
    lookup_point,
    lookup_settlement,
    public_settings,
)
from demine.public import set_public_settings as store_settings
from demine.serving.deps import Admin, DbDep, SettingsDep

router = APIRouter(prefix="/api/v1/public", tags=["public"])


class Message(BaseModel):
    language: str = Field(default="en", max_length=8)
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=2000)


class PublicSettings(BaseModel):
    layers: dict[str, float] = Field(
        description="Layers opened to the public (released_land, hazardous_area) "
        "and the grid, in metres, their shapes are generalised to"
    )
    messages: list[Message] | None = None


def _json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value


@router.get("/lookup")
def lookup(
    db: DbDep,
    settings: SettingsDep,
    lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
    lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
    settlement: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    lang: Annotated[str | None, Query(max_length=8)] = None,
) -> JSONResponse:
    """Released land and (generalised) danger at a point or a settlement."""
    options = {
        "lang": language(lang) if lang else current_language(),
        "hotline": settings.public_hotline,
        "base_url": settings.public_base_url,
    }
    if lon is not None and lat is not None:
        answer = lookup_point(db, lon, lat, **options)
    elif settlement:
        answer = lookup_settlement(db, settlement, **options)
    else:
        raise RecordError(_("give lon and lat, or settlement"), field="settlement")
    return JSONResponse(_json(answer), headers={"Cache-Control": CACHE_CONTROL})


@router.get("/certificates/{code}")
def certificate(code: str, db: DbDep) -> JSONResponse:
    """Whether a handover certificate is genuine, and what it certifies."""
    found = verify_certificate(db, code)
    if found is None:
        raise NotFoundError(_("no certificate with this code"))
    return JSONResponse(_json(found), headers={"Cache-Control": CACHE_CONTROL})


@router.get("/settings")
def get_settings(db: DbDep, who: Admin) -> dict[str, Any]:
    return public_settings(db)


@router.put("/settings")
def put_settings(body: PublicSettings, db: DbDep, who: Admin) -> dict[str, Any]:
    """Decide what the public service shows (administrators only)."""
    messages = (
        [m.model_dump() for m in body.messages] if body.messages is not None else None
    )
    return store_settings(db, body.layers, messages)
