# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine serve`` (the web application) and ``demine user add``."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sys
import tempfile
from typing import Annotated, Any

import typer

from demine.commands.app import (
    DbOption,
    JsonOption,
    app,
    emit_json,
    err,
    out,
    settings_for,
)
from demine.domain.labels import label
from demine.domain.vocab import Role
from demine.errors import RecordError
from demine.i18n import _
from demine.store.database import Database
from demine.store.users import add_user

user_app = typer.Typer(help="Manage the users of the web application and API.")
app.add_typer(user_app, name="user")


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[
        str, typer.Option(help="Address to listen on; 0.0.0.0 for every interface")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, help="Worker processes (use the server's cores)")
    ] = 1,
    access_log: Annotated[
        bool,
        typer.Option(
            "--access-log/--no-access-log",
            help="Log every request (costs time under heavy map use)",
        ),
    ] = True,
    json_: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print one JSON line with the URL once the server listens "
            "(--port 0 picks a free port).",
        ),
    ] = False,
) -> None:
    """Run the web application, API, OGC API - Features and tiles."""
    import uvicorn

    from demine.server import create_app
    from demine.serving.http_protocol import NoDelayProtocol

    settings = settings_for(db)
    database = Database(settings.database_url)
    database.require_initialised()
    # Brings registers made by an older demine up to date (adds user tables).
    database.upgrade()
    register = database.describe()
    if not json_:
        out.print(
            _(
                "demine on http://%(host)s:%(port)s/ (register: %(register)s)",
                host=host,
                port=port,
                register=register,
            )
        )
    if workers == 1:
        application = create_app(settings, database)
        config = uvicorn.Config(
            application,
            host=host,
            port=port,
            log_level="info",
            access_log=access_log,
            http=NoDelayProtocol,
        )
        _announcing_server(config, register if json_ else None).run()
        return
    database.dispose()
    # Workers build their own app from the environment; they must share the
    # register and the session key, or a login would hold in one worker only.
    os.environ["DEMINE_DATABASE_URL"] = settings.database_url
    os.environ.setdefault("DEMINE_SECRET_KEY", secrets.token_urlsafe(32))
    # One directory for the workers to share rendered tiles through.
    shared = tempfile.mkdtemp(prefix="demine-responses-")
    os.environ.setdefault("DEMINE_SHARED_CACHE_DIR", shared)
    try:
        _run_workers(host, port, workers, access_log, register if json_ else None)
    finally:
        shutil.rmtree(shared, ignore_errors=True)


def _announcing_server(config: Any, register: str | None) -> Any:
    """uvicorn's server; with ``register``, it prints one JSON line (URL,
    port, register, process id) once it listens, for scripts and tests."""
    import uvicorn

    class Server(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets)
            if register is None or not self.started:
                return
            port = self.servers[0].sockets[0].getsockname()[1]
            _announce(self.config.host, port, register)

    return Server(config)


def _announce(host: str, port: int, register: str) -> None:
    url = f"http://{host}:{port}/"
    line = {"url": url, "port": port, "register": register, "pid": os.getpid()}
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()


def _run_workers(
    host: str, port: int, workers: int, access_log: bool, register: str | None
) -> None:
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from demine.serving.http_protocol import NoDelayProtocol

    config = uvicorn.Config(
        "demine.server:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        access_log=access_log,
        http=NoDelayProtocol,
        # A worker busy rendering large low-zoom tiles answers the supervisor's
        # ping late; uvicorn's 5 s default then kills it mid-request.
        timeout_worker_healthcheck=60,
    )
    # Bound here, before the workers start: connections wait in its backlog,
    # so the URL is usable from the moment it is announced.
    sock = config.bind_socket()
    if register is not None:
        _announce(host, sock.getsockname()[1], register)
    Multiprocess(config, sockets=[sock]).run()


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="The login name")],
    role: Annotated[Role, typer.Option(help="What the user may do")] = Role.VIEWER,
    organisation_id: Annotated[
        int | None,
        typer.Option("--organisation-id", help="The clerk's organisation (id)"),
    ] = None,
    generate: Annotated[
        bool, typer.Option("--generate", help="Make up a password and print it once")
    ] = False,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin")
    ] = False,
    language: Annotated[
        str | None,
        typer.Option("--language", help="The user's interface language: en, az or ru"),
    ] = None,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Add a user; asks for the password unless told otherwise."""
    if role is Role.CLERK and organisation_id is None:
        raise RecordError(_("a clerk needs --organisation-id"), field="organisation_id")
    if generate:
        password = secrets.token_urlsafe(12)
    elif password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt(
            _("Password"), hide_input=True, confirmation_prompt=True
        )
    database = Database(settings_for(db).database_url)
    database.require_initialised()
    database.upgrade()
    user = add_user(database, username, password, role, organisation_id, language)
    if json_:
        added = {"id": user.id, "username": user.username, "role": user.role.value}
        # A generated password is shown once, here or nowhere.
        emit_json(added | ({"password": password} if generate else {}))
        return
    out.print(
        _(
            "added %(role)s %(username)r (id %(id)s)",
            role=label(user.role),
            username=user.username,
            id=user.id,
        )
    )
    if generate:
        err.print(_("one-time password (write it down, it is not stored):"))
        out.print(password, highlight=False)
