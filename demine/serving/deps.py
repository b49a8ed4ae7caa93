# SPDX-License-Identifier: GPL-3.0-or-later
"""Dependencies of the routes: the register, the settings, who is asking."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi import Path as PathParam

from demine.errors import AuthenticationError, PermissionDeniedError
from demine.i18n import LANGUAGES, _, choose_language
from demine.serving.language import SESSION_KEY as LANGUAGE_KEY
from demine.settings import Settings
from demine.store.database import Database
from demine.store.public import public_layers
from demine.store.users import (
    Principal,
    authenticate,
    get_principal,
    principal_for_token,
)

CSRF_HEADER = "x-csrf-token"

# Ids and versions are 32-bit INTEGER columns on PostgreSQL.
ID_MAX = 2**31 - 1
RecordId = Annotated[int, PathParam(ge=1, le=ID_MAX)]
OptionalId = Annotated[int | None, Query(ge=1, le=ID_MAX)]


def get_db(request: Request) -> Database:
    return request.app.state.db


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _unused, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def current_user(request: Request) -> Principal | None:
    """The user of a bearer token or of the session cookie, else None.

    Cookie-authenticated writes must also carry the session's CSRF token;
    token-authenticated ones cannot be forged by another site, so need not.
    """
    db = get_db(request)
    token = _bearer(request)
    if token is not None:
        who = principal_for_token(db, token)
        if who is None:
            raise AuthenticationError(_("the API token is not valid"))
        return _speaking(who)
    user_id = request.session.get("user_id")
    if not isinstance(user_id, int):
        return None
    who = get_principal(db, user_id)
    if who is None:
        request.session.clear()
        return None
    if request.method not in ("GET", "HEAD", "OPTIONS") and _is_api(request):
        check_csrf(request, request.headers.get(CSRF_HEADER))
    return _speaking(who)


def _speaking(who: Principal) -> Principal:
    """The rest of the request speaks the user's stored language, if any."""
    if who.language in LANGUAGES:
        choose_language(who.language)
    return who


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api")


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(24)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, supplied: str | None) -> None:
    expected = request.session.get("csrf")
    if not (
        isinstance(expected, str)
        and supplied
        and hmac.compare_digest(expected, supplied)
    ):
        raise PermissionDeniedError(_("the form has expired; reload the page"))


def require_user(
    who: Annotated[Principal | None, Depends(current_user)],
) -> Principal:
    if who is None:
        raise AuthenticationError()
    return who


def require_reviewer(who: Annotated[Principal, Depends(require_user)]) -> Principal:
    if not who.can_review:
        raise PermissionDeniedError(_("only reviewers and administrators may do this"))
    return who


def require_admin(who: Annotated[Principal, Depends(require_user)]) -> Principal:
    if who.role.value != "admin":
        raise PermissionDeniedError(_("only administrators may do this"))
    return who


def reader_for(request: Request, kind: str, who: Principal | None) -> Principal | None:
    """Allow an anonymous read only of a layer the administrator made public."""
    if who is None and kind not in public_layers(get_db(request)):
        raise AuthenticationError(_("log in to read this layer"))
    return who


DbDep = Annotated[Database, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
MaybeUser = Annotated[Principal | None, Depends(current_user)]
User = Annotated[Principal, Depends(require_user)]
Reviewer = Annotated[Principal, Depends(require_reviewer)]
Admin = Annotated[Principal, Depends(require_admin)]


def log_in(request: Request, username: str, password: str) -> Principal:
    """Check the password under the rate limit and start a fresh session."""
    client = request.client.host if request.client else "unknown"
    request.app.state.login_limiter.hit(f"ip:{client}", f"user:{username}")
    who = authenticate(request.app.state.db, username, password)
    # A new session on login, so a session fixed before login is worthless;
    # only the language chosen on the login page carries over.
    language = request.session.get(LANGUAGE_KEY)
    request.session.clear()
    if language in LANGUAGES:
        request.session[LANGUAGE_KEY] = language
    request.session["user_id"] = who.id
    csrf_token(request)
    return who
