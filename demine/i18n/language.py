# SPDX-License-Identifier: GPL-3.0-or-later
"""Which language the current request or command speaks.

The language is held in a context variable, so every text made while
serving one request (a page, a validation finding, an error message, a
report) is in that request's language without passing it through every
call. A web request starts with the language of its ``Accept-Language``
header (or the deployment's default); once the user is known, their stored
preference replaces it for the rest of the request through
:func:`choose_language`, which also reaches the worker threads FastAPI runs
dependencies and routes in (they share the request's holder object).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

#: Language codes demine speaks (BCP 47), and each one's name in itself.
LANGUAGES: dict[str, str] = {
    "en": "English",
    "az": "Azərbaycanca",
    "ru": "Русский",
}
SOURCE_LANGUAGE = "en"


@dataclass
class _Choice:
    code: str


_current: ContextVar[_Choice | None] = ContextVar("demine_language", default=None)


def current_language() -> str:
    """The language texts are made in now (English outside any choice)."""
    choice = _current.get()
    return choice.code if choice else SOURCE_LANGUAGE


def check_language(code: str) -> str:
    """``code`` if demine speaks it, else a ValueError naming the choices."""
    if code not in LANGUAGES:
        known = ", ".join(LANGUAGES)
        raise ValueError(f"unknown language {code!r}: use one of {known}")
    return code


@contextmanager
def use_language(code: str) -> Iterator[str]:
    """Make texts in ``code`` inside the block (a request, a command, a report)."""
    token = _current.set(_Choice(check_language(code)))
    try:
        yield code
    finally:
        _current.reset(token)


def choose_language(code: str) -> None:
    """Switch the rest of the current :func:`use_language` block to ``code``.

    Seen by every thread working on the same block (the holder is shared);
    outside any block it starts one that lasts for the current context.
    """
    choice = _current.get()
    if choice is None:
        _current.set(_Choice(check_language(code)))
    else:
        choice.code = check_language(code)


_TAG = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$|^\*$")


def negotiate(accept_language: str | None) -> str | None:
    """The best of :data:`LANGUAGES` for an ``Accept-Language`` header.

    Tags are matched on their primary subtag (``az-Latn-AZ`` is ``az``,
    ``ru-RU`` is ``ru``), in the order of their ``q`` weights; ``None`` when
    the header names none of them, so the caller's default applies.
    """
    if not accept_language:
        return None
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")[:32]):
        tag, _sep, params = part.strip().partition(";")
        tag = tag.strip()
        if not _TAG.match(tag):
            continue
        weight = 1.0
        for param in params.split(";"):
            name, _eq, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if weight > 0:
            ranked.append((-weight, position, tag.split("-")[0].lower()))
    for _weight, _position, primary in sorted(ranked):
        if primary in LANGUAGES:
            return primary
    return None
