# SPDX-License-Identifier: GPL-3.0-or-later
"""``POST /language``: the language switch in the page header.

A signed-in user's choice is stored on the user (it follows them to any
browser); anyone's is also kept in the session, so the login page speaks it
too. The switch posts the page it was on, and goes back there.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from demine.errors import RecordError
from demine.i18n import LANGUAGES, _
from demine.serving.deps import DbDep, MaybeUser, check_csrf
from demine.serving.language import SESSION_KEY
from demine.store.users import set_language
from demine.web.pages import safe_next

router = APIRouter(include_in_schema=False)


@router.post("/language")
def choose_language_post(
    request: Request,
    db: DbDep,
    who: MaybeUser,
    language: Annotated[str, Form(max_length=8)],
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form(max_length=2000)] = "/map",
) -> RedirectResponse:
    check_csrf(request, csrf_token)
    if language not in LANGUAGES:
        raise RecordError(
            _("unknown language %(language)r", language=language), field="language"
        )
    if who is not None:
        set_language(db, who.id, language)
    request.session[SESSION_KEY] = language
    return RedirectResponse(safe_next(next), status_code=303)
