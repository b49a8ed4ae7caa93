# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine serve`` (the web application) and ``demine user ...``."""

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
    table,
)
from demine.domain.labels import label
from demine.domain.vocab import Role
from demine.errors import RecordError
from demine.i18n import _
from demine.store.database import Database
from demine.store.users import (
    Principal,
    add_user,
    change_password,
    create_token,
    delete_user,
    find_user,
    list_tokens,
    list_users,
    revoke_token,
    update_user,
)

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
    database = Database(settings.database_url, busy_timeout=settings.busy_timeout)
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


def _register(db: str | None) -> Database:
    database = Database(settings_for(db).database_url)
    database.require_initialised()
    database.upgrade()
    return database


def _new_password(generate: bool, password_stdin: bool) -> str:
    if generate:
        return secrets.token_urlsafe(12)
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt(_("Password"), hide_input=True, confirmation_prompt=True))


GenerateOption = Annotated[
    bool,
    typer.Option(
        "--generate",
        help="Make up a one-time password, print it once; it must be changed "
        "at the first login",
    ),
]
StdinOption = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from stdin")
]
NameArg = Annotated[str, typer.Argument(help="The login name")]


@user_app.command("add")
def user_add(
    username: NameArg,
    role: Annotated[Role, typer.Option(help="What the user may do")] = Role.VIEWER,
    organisation_id: Annotated[
        int | None,
        typer.Option("--organisation-id", help="The clerk's organisation (id)"),
    ] = None,
    generate: GenerateOption = False,
    password_stdin: StdinOption = False,
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
    password = _new_password(generate, password_stdin)
    database = _register(db)
    user = add_user(
        database,
        username,
        password,
        role,
        organisation_id,
        language=language,
        must_change_password=generate,
    )
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


@user_app.command("list")
def user_list(db: DbOption = None, json_: JsonOption = False) -> None:
    """Every user: role, organisation, whether active."""
    people = list_users(_register(db))
    if json_:
        emit_json(
            [
                {
                    "id": p.id,
                    "username": p.username,
                    "role": p.role.value,
                    "organisation_id": p.organisation_id,
                    "active": p.active,
                }
                for p in people
            ]
        )
        return
    rows = [
        [
            p.id,
            p.username,
            label(p.role),
            p.organisation_id or "",
            _("yes") if p.active else _("no"),
        ]
        for p in people
    ]
    headings = [_("id"), _("user"), _("role"), _("organisation"), _("active")]
    out.print(table(_("Users"), headings, rows))


@user_app.command("password")
def user_password(
    username: NameArg,
    generate: GenerateOption = False,
    password_stdin: StdinOption = False,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Set a user's password; their sessions end. --generate: one-time."""
    database = _register(db)
    user = find_user(database, username)
    password = _new_password(generate, password_stdin)
    change_password(database, user.id, password, actor=None, must_change=generate)
    if json_:
        changed = {"username": user.username, "password_changed": True}
        emit_json(changed | ({"password": password} if generate else {}))
        return
    out.print(
        _(
            "password of %(username)r changed; their sessions ended",
            username=user.username,
        )
    )
    if generate:
        err.print(_("one-time password (write it down, it is not stored):"))
        out.print(password, highlight=False)


@user_app.command("role")
def user_role(
    username: NameArg,
    role: Annotated[Role, typer.Argument(help="The new role")],
    organisation_id: Annotated[
        int | None,
        typer.Option("--organisation-id", help="The clerk's organisation (id)"),
    ] = None,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Change a user's role (and organisation)."""
    database = _register(db)
    user = find_user(database, username)
    update_user(
        database, user.id, actor=None, role=role, organisation_id=organisation_id
    )
    if json_:
        emit_json({"username": user.username, "role": role.value})
        return
    out.print(
        _("%(username)r is now %(role)s", username=user.username, role=label(role))
    )


@user_app.command("deactivate")
def user_deactivate(
    username: NameArg, db: DbOption = None, json_: JsonOption = False
) -> None:
    """Stop a user logging in; their sessions and tokens stop working at once."""
    database = _register(db)
    user = find_user(database, username)
    update_user(database, user.id, actor=None, active=False)
    if json_:
        emit_json({"username": user.username, "active": False})
        return
    out.print(_("%(username)r deactivated", username=user.username))


@user_app.command("activate")
def user_activate(
    username: NameArg, db: DbOption = None, json_: JsonOption = False
) -> None:
    """Let a deactivated user log in again."""
    database = _register(db)
    user = find_user(database, username)
    update_user(database, user.id, actor=None, active=True)
    if json_:
        emit_json({"username": user.username, "active": True})
        return
    out.print(_("%(username)r active again", username=user.username))


@user_app.command("delete")
def user_delete(
    username: NameArg, db: DbOption = None, json_: JsonOption = False
) -> None:
    """Delete a user who never wrote to the register (else: deactivate)."""
    database = _register(db)
    user = find_user(database, username)
    delete_user(database, user.id, actor=None)
    if json_:
        emit_json({"username": user.username, "deleted": True})
        return
    out.print(_("%(username)r deleted", username=user.username))


@user_app.command("token")
def user_token(
    username: NameArg,
    name: Annotated[str | None, typer.Option(help="What the token is for")] = None,
    days: Annotated[int, typer.Option(min=1, help="Days until it expires")] = 90,
    never: Annotated[
        bool, typer.Option("--no-expiry", help="A token that never expires")
    ] = False,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Make an API token for a user; printed once, stored only as a digest."""
    database = _register(db)
    user = find_user(database, username)
    token = create_token(database, user.id, name, days=None if never else days)
    if json_:
        emit_json(
            {"token": token, "user": user.username, "days": None if never else days}
        )
        return
    err.print(_("API token of %(username)r (shown once):", username=user.username))
    out.print(token, highlight=False)


@user_app.command("tokens")
def user_tokens(
    username: NameArg, db: DbOption = None, json_: JsonOption = False
) -> None:
    """A user's tokens: made, expires, last used, revoked."""
    database = _register(db)
    tokens = list_tokens(database, find_user(database, username).id)
    if json_:
        emit_json(tokens)
        return
    keys = ["id", "name", "created_at", "expires_at", "last_used_at", "revoked_at"]
    rows = [[str(t[k] or "")[:19] for k in keys] for t in tokens]
    headings = [
        _("id"),
        _("name"),
        _("made"),
        _("expires"),
        _("last used"),
        _("revoked"),
    ]
    out.print(table(_("Tokens"), headings, rows))


@user_app.command("revoke")
def user_revoke(
    token_id: Annotated[
        int, typer.Argument(help="The token's id (demine user tokens)")
    ],
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Revoke an API token at once."""
    database = _register(db)
    operator = Principal(0, "(command line)", Role.ADMIN, None)
    revoke_token(database, token_id, operator, actor=None)
    if json_:
        emit_json({"token_id": token_id, "revoked": True})
        return
    out.print(_("token %(id)s revoked", id=token_id))
