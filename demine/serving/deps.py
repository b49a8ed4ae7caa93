# SPDX-License-Identifier: GPL-3.0-or-later
"""Dependencies of the routes: the register, the settings, who is asking."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi import Path as PathParam

from demine.errors import (
    AuthenticationError,
    PasswordChangeRequiredError,
    PermissionDeniedError,
)
from demine.i18n import LANGUAGES, _, choose_language
from demine.serving.language import SESSION_KEY as LANGUAGE_KEY
from demine.serving.limits import client_source
from demine.settings import Settings
from demine.store.database import Database
from demine.store.login_attempts import ThrottlePolicy, check_login, record_login
from demine.store.public import public_layers
from demine.store.sessions import (
    SessionPolicy,
    end_session,
    session_user,
    start_session,
)
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


def session_policy(request: Request) -> SessionPolicy:
    settings = get_settings(request)
    return SessionPolicy(
        idle=dt.timedelta(minutes=settings.session_idle_minutes),
        absolute=dt.timedelta(hours=settings.session_absolute_hours),
    )


def session_id(request: Request) -> str | None:
    """The server-side session id the cookie carries, if any."""
    sid = request.session.get("sid")
    return sid if isinstance(sid, str) else None


def current_user(request: Request) -> Principal | None:
    """The user of a bearer token or of a live server-side session, else None.

    The cookie only names a session; the register says whether it is still
    live (not logged out, not idle or expired, user still active). A user
    holding a one-time password may do nothing but change it.
    Cookie-authenticated writes must also carry the session's CSRF token;
    token-authenticated ones cannot be forged by another site, so need not.
    """
    db = get_db(request)
    token = _bearer(request)
    if token is not None:
        who = principal_for_token(db, token)
        if who is None:
            raise AuthenticationError(
                _("the API token is not valid (revoked or expired)")
            )
        _check_password_change(request, who)
        return _speaking(who)
    sid = session_id(request)
    if sid is None:
        return None
    user_id = session_user(db, sid, session_policy(request))
    who = get_principal(db, user_id) if user_id is not None else None
    if who is None:
        request.session.clear()
        return None
    if request.method not in ("GET", "HEAD", "OPTIONS") and _is_api(request):
        check_csrf(request, request.headers.get(CSRF_HEADER))
    _check_password_change(request, who)
    return _speaking(who)


def _speaking(who: Principal) -> Principal:
    """The rest of the request speaks the user's stored language, if any."""
    if who.language in LANGUAGES:
        choose_language(who.language)
    return who


# What a user with a one-time password may still reach.
PASSWORD_CHANGE_PATHS = frozenset(
    {
        "/account/password",
        "/api/v1/me/password",
        "/api/v1/me",
        "/logout",
        "/api/v1/logout",
    }
)


def _check_password_change(request: Request, who: Principal) -> None:
    if who.must_change_password and request.url.path not in PASSWORD_CHANGE_PATHS:
        raise PasswordChangeRequiredError()


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
    """Check the password under the throttle and start a fresh session.

    Attempts are counted in the register, by source (the client, or the
    address a configured proxy forwarded for) and by account, so every
    worker and every server sees the same count.
    """
    settings = get_settings(request)
    db = get_db(request)
    source = client_source(request, settings.trusted_proxies.split(","))
    policy = ThrottlePolicy(
        free=settings.login_free_attempts,
        account_free=settings.login_account_free_attempts,
    )
    check_login(db, source, username, policy)
    try:
        who = authenticate(db, username, password)
    except AuthenticationError:
        record_login(db, source, username, success=False)
        raise
    record_login(db, source, username, success=True)
    old = session_id(request)
    if old is not None:
        end_session(db, old)
    # A new session on login, so a session fixed before login is worthless;
    # only the language chosen on the login page carries over.
    language = request.session.get(LANGUAGE_KEY)
    request.session.clear()
    if language in LANGUAGES:
        request.session[LANGUAGE_KEY] = language
    request.session["sid"] = start_session(db, who.id, session_policy(request))
    csrf_token(request)
    return who


def log_out(request: Request) -> None:
    """End the server-side session, so a copy of the cookie is worthless."""
    sid = session_id(request)
    if sid is not None:
        end_session(get_db(request), sid)
    request.session.clear()
