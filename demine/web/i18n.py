# SPDX-License-Identifier: GPL-3.0-or-later
"""``GET /i18n/{lang}.json``: the texts the page scripts show, in one language.

The scripts mark their texts with ``_("...")`` like the templates do; the
message ids are found in the scripts themselves by Babel's JavaScript
extractor, so the catalogue a script receives holds exactly what it uses.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from babel.messages.extract import extract_from_file
from fastapi import APIRouter
from fastapi.responses import Response
from markupsafe import Markup

from demine.errors import NotFoundError
from demine.i18n import LANGUAGES, _, current_language, use_language
from demine.web.pages import TEMPLATES

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).parent / "static"


@cache
def script_messages() -> tuple[str, ...]:
    """Every message id marked in the page scripts."""
    found: set[str] = set()
    for path in sorted(STATIC.glob("*.js")):
        for _line, message, _comments, _context in extract_from_file(
            "javascript", path
        ):
            if isinstance(message, str):
                found.add(message)
    return tuple(sorted(found))


@cache
def script_catalogue(language: str) -> bytes:
    with use_language(language):
        texts = {msgid: _(msgid) for msgid in script_messages()}
    return json.dumps(texts, ensure_ascii=False, sort_keys=True).encode("utf-8")


def script_texts() -> Markup:
    """The scripts' texts in the current language, to embed in a page.

    JSON inside <script type="application/json">: "</" is escaped so that no
    text can close the element.
    """
    text = script_catalogue(current_language()).decode("utf-8")
    return Markup(text.replace("</", "<\\/"))


TEMPLATES.env.globals["script_texts"] = script_texts


@router.get("/i18n/{language}.json")
def script_texts_json(language: str) -> Response:
    """The scripts' texts in ``language`` (public: they hold no data)."""
    if language not in LANGUAGES:
        raise NotFoundError(_("no such language: %(language)s", language=language))
    return Response(
        script_catalogue(language),
        media_type="application/json",
        headers={"cache-control": "public, max-age=3600"},
    )
