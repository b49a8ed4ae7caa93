# SPDX-License-Identifier: GPL-3.0-or-later
"""``create_app(settings)``: the whole web application, built on demand.

The composition root: it mounts the API (:mod:`demine.api`) and the browser
pages (:mod:`demine.web`) on one FastAPI app over one register, with the HTTP
parts they share (:mod:`demine.serving`). Neither face imports the other.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import pkgutil
import secrets
import tempfile
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

import demine.api
import demine.web
from demine import __version__
from demine.exchange.job_runner import JobRunner, RunnerPolicy
from demine.exchange.jobs import JOB_WORK
from demine.predict.publish_job import JOB_WORK as PREDICT_JOB_WORK
from demine.serving.errors import add_exception_handlers
from demine.serving.language import LanguageMiddleware
from demine.serving.limits import BodyLimitMiddleware
from demine.serving.response_store import ResponseStore
from demine.settings import Settings
from demine.store.database import Database
from demine.web.pages import error_page

log = logging.getLogger(__name__)

STATIC = Path(demine.web.__file__).resolve().parent / "static"


def routers() -> list[APIRouter]:
    """Every ``router`` of a module in ``demine.api`` and ``demine.web``.

    A new topic (prioritisation, forecast, reports...) adds its own module with a
    ``router`` and is served without editing this file.
    """
    found: list[APIRouter] = []
    for package in (demine.api, demine.web):
        modules = sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name)
        for info in modules:
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            router = getattr(module, "router", None)
            if isinstance(router, APIRouter):
                found.append(router)
    return found


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    """The API and the browser UI over one register.

    ``db`` lets a caller share an open :class:`Database`; otherwise one is
    opened from ``settings.database_url``. The register must exist already.
    """
    settings = settings or Settings()
    db = db or Database(settings.database_url, busy_timeout=settings.busy_timeout)
    db.require_initialised()
    app = FastAPI(
        title="demine",
        version=__version__,
        description="The national mine action register: records, review, "
        "OGC API - Features and vector tiles.",
        openapi_url="/api",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = db
    app.state.response_store = (
        ResponseStore(Path(settings.shared_cache_dir))
        if settings.shared_cache_dir
        else None
    )
    secret = settings.secret_key
    if not secret:
        # The cookie only names a server-side session; its signature still
        # needs a key every server shares. Without one, say so once.
        log.warning("DEMINE_SECRET_KEY is not set; using a random one")
        secret = secrets.token_urlsafe(32)
    # Added before the session middleware, so it runs inside it.
    app.add_middleware(LanguageMiddleware, default=settings.language)
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie="demine_session",
        max_age=settings.session_absolute_hours * 3600,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_upload_bytes)
    _add_job_runner(app, settings, db)
    add_exception_handlers(app, error_page)
    for router in routers():
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def _add_job_runner(app: FastAPI, settings: Settings, db: Database) -> None:
    """Each server process runs queued jobs in one thread while it serves."""
    folder = Path(settings.jobs_dir or Path(tempfile.gettempdir()) / "demine-jobs")
    policy = RunnerPolicy(
        client_timeout=dt.timedelta(seconds=settings.job_client_timeout_seconds)
    )
    runner = JobRunner(db, {**JOB_WORK, **PREDICT_JOB_WORK}, folder, policy)
    app.state.job_runner = runner
    app.router.on_startup.append(runner.start)
    app.router.on_shutdown.append(runner.stop)


def app_from_environment() -> FastAPI:
    """The app for ``uvicorn --factory``: settings from ``DEMINE_*`` variables.

    ``demine serve --workers N`` starts one of these per worker process.
    """
    return create_app(Settings())
