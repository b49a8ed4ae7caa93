# SPDX-License-Identifier: GPL-3.0-or-later
"""Survivors' pages: for victim assistance officers only, every read audited."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from demine.assistance.figures import assistance_figures
from demine.assistance.survivors import get_survivor, list_survivors
from demine.domain.vocab import AssistanceStep, NeedKind
from demine.serving.deps import DbDep, RecordId, User
from demine.web.pages import TEMPLATES, render

router = APIRouter(include_in_schema=False)
TEMPLATES.env.globals.update(NeedKind=NeedKind, AssistanceStep=AssistanceStep)


@router.get("/survivors")
def survivors_page(request: Request, db: DbDep, who: User) -> Response:
    rows = list_survivors(db, who)
    return render(
        request, "survivors.html", who, rows=rows, figures=assistance_figures(db)
    )


@router.get("/survivors/{survivor_id}")
def survivor_page(
    request: Request, survivor_id: RecordId, db: DbDep, who: User
) -> Response:
    return render(request, "survivor.html", who, s=get_survivor(db, who, survivor_id))
