# SPDX-License-Identifier: GPL-3.0-or-later
"""``POST /preferences/area-unit``: hectares or square metres on the pages.

Kept in the session like the language chosen in the header, so it holds on
every page until the reader logs out; the switch goes back to the page it
was on.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from demine.errors import RecordError
from demine.i18n import _
from demine.serving.deps import check_csrf
from demine.web.pages import safe_next
from demine.web.record_view import AREA_UNITS, UNIT_KEY

router = APIRouter(include_in_schema=False)


@router.post("/preferences/area-unit")
def choose_area_unit(
    request: Request,
    unit: Annotated[str, Form(max_length=8)],
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form(max_length=2000)] = "/map",
) -> RedirectResponse:
    check_csrf(request, csrf_token)
    if unit not in AREA_UNITS:
        raise RecordError(_("unknown unit of area %(unit)r", unit=unit), field="unit")
    request.session[UNIT_KEY] = unit
    return RedirectResponse(safe_next(next), status_code=303)
