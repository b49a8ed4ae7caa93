# SPDX-License-Identifier: GPL-3.0-or-later
"""The language of each request: every text made while serving it uses it.

The choice, first that applies: the signed-in user's stored preference (set
by :func:`demine.serving.deps.current_user` once the user is known), the
language chosen with the switch in the page header (kept in the session),
the browser's ``Accept-Language``, the deployment's ``DEMINE_LANGUAGE``.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from demine.i18n import LANGUAGES, negotiate, use_language

SESSION_KEY = "language"


class LanguageMiddleware:
    """Runs each request inside :func:`demine.i18n.use_language`.

    Sits inside the session middleware, so it can read the session's choice.
    """

    def __init__(self, app: ASGIApp, default: str) -> None:
        self.app = app
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        session = scope.get("session") or {}
        chosen = session.get(SESSION_KEY)
        if chosen not in LANGUAGES:
            chosen = negotiate(Headers(scope=scope).get("accept-language"))
        with use_language(chosen or self.default):
            await self.app(scope, receive, send)
