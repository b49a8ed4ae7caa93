# SPDX-License-Identifier: GPL-3.0-or-later
"""Every error becomes a response here, in one place; never a stack trace."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from demine.errors import (
    AuthenticationError,
    BusyError,
    ConflictError,
    DemineError,
    PasswordChangeRequiredError,
    RateLimitError,
    RecordError,
)
from demine.i18n import _
from demine.store.database import busy_error

log = logging.getLogger(__name__)

# Paths answered as JSON; everything else is a browser page.
MACHINE_PREFIXES = ("/api", "/ogc", "/tiles")


def wants_json(request: Request) -> bool:
    return request.url.path.startswith(MACHINE_PREFIXES)


def error_body(exc: DemineError) -> dict[str, Any]:
    body: dict[str, Any] = {"error": exc.user_message, "status": exc.http_status}
    if isinstance(exc, RecordError):
        if exc.field:
            body["field"] = exc.field
        # Every broken rule at once, so a client fixes them in one go.
        body["problems"] = [
            {"field": p.field, "message": p.reason} for p in exc.problems
        ]
    if isinstance(exc, ConflictError):
        body["current"] = exc.current
        body["submitted"] = exc.submitted
    return body


ErrorPage = Callable[[int, str], Response]


def plain_page(status: int, message: str) -> Response:
    """A bare HTML error page, for an app without the web pages."""
    return HTMLResponse(f"<p>{html.escape(message)}</p>", status_code=status)


def _page(request: Request, status: int, message: str) -> Response:
    # The web pages render their own form errors; this is the fallback page,
    # the one the app was built with (the web's, see demine.server).
    page: ErrorPage = getattr(request.app.state, "error_page", plain_page)
    return page(status, message)


async def on_demine_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DemineError)
    if exc.http_status >= 500:
        log.error("%s %s failed: %s", request.method, request.url.path, exc)
    if wants_json(request):
        headers = (
            {"Retry-After": str(exc.retry_after)}
            if isinstance(exc, RateLimitError | BusyError)
            else None
        )
        return JSONResponse(
            error_body(exc), status_code=exc.http_status, headers=headers
        )
    if isinstance(exc, AuthenticationError):
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    if isinstance(exc, PasswordChangeRequiredError):
        return RedirectResponse("/account/password", status_code=303)
    page = _page(request, exc.http_status, exc.user_message)
    if isinstance(exc, BusyError):
        page.headers["Retry-After"] = str(exc.retry_after)
    return page


def _describe(errors: list[dict[str, Any]]) -> str:
    parts = []
    for err in errors[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        parts.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
    return "; ".join(parts) or _("the request is not valid")


async def on_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    malformed = any(e.get("type") == "json_invalid" for e in errors)
    status = 400 if malformed else 422
    message = _("the body is not valid JSON") if malformed else _describe(errors)
    if not wants_json(request):
        return _page(request, status, message)
    return JSONResponse({"error": message, "status": status}, status_code=status)


async def on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    message = str(exc.detail)
    if not wants_json(request):
        return _page(request, exc.status_code, message)
    return JSONResponse(
        {"error": message, "status": exc.status_code},
        status_code=exc.status_code,
        headers=getattr(exc, "headers", None),
    )


async def on_data_error(request: Request, exc: Exception) -> Response:
    # The database refused a value (say, a NUL byte in text on PostgreSQL):
    # the client's input, not the server, is at fault.
    log.info(
        "%s %s: database refused a value: %s", request.method, request.url.path, exc
    )
    message = _("a value in the request cannot be stored (control characters?)")
    if not wants_json(request):
        return _page(request, 422, message)
    return JSONResponse({"error": message, "status": 422}, status_code=422)


async def on_unexpected(request: Request, exc: Exception) -> Response:
    busy = busy_error(exc)
    if busy is not None:
        # Contention is never a server error: the client may simply retry.
        return await on_demine_error(request, busy)
    if isinstance(exc, OverflowError) or isinstance(
        getattr(exc, "orig", None), OverflowError
    ):
        # SQLite cannot bind an integer beyond 64 bits: the client's input.
        message = _("a number in the request is out of range")
        if not wants_json(request):
            return _page(request, 422, message)
        return JSONResponse({"error": message, "status": 422}, status_code=422)
    log.exception("%s %s failed", request.method, request.url.path)
    message = _("internal error; the administrator can find details in the log")
    if not wants_json(request):
        return _page(request, 500, message)
    return JSONResponse({"error": message, "status": 500}, status_code=500)


def add_exception_handlers(app: FastAPI, error_page: ErrorPage = plain_page) -> None:
    """Map DemineError, validation and HTTP errors, and anything else, to
    responses: JSON for machines, ``error_page`` for people."""
    app.state.error_page = error_page
    app.add_exception_handler(DemineError, on_demine_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(DataError, on_data_error)
    app.add_exception_handler(Exception, on_unexpected)
