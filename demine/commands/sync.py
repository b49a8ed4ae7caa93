# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine checkout`` and ``demine sync``: field registers that work offline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from demine.commands.app import (
    DbOption,
    JsonOption,
    app,
    emit_json,
    open_db,
    out,
    table,
)
from demine.errors import DemineError
from demine.i18n import _, ngettext
from demine.i18n.numbers import number


@app.command("checkout")
def checkout_command(
    file: Annotated[Path, typer.Argument(help="The field register to make (.sqlite).")],
    area: Annotated[
        str | None,
        typer.Option("--area", help="A place (name or code) whose boundary it covers."),
    ] = None,
    bbox: Annotated[
        str | None, typer.Option("--bbox", help="W,S,E,N in degrees.")
    ] = None,
    organisation: Annotated[
        int | None,
        typer.Option("--organisation", help="Id of the organisation it is for."),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(
            "--name", help="What this register calls it [default: file name]."
        ),
    ] = None,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Make a field register (SQLite) from this one, to work offline and sync."""
    from demine.exchange.sync.checkout import checkout
    from demine.exchange.sync.selection import Selection, parse_bbox

    selection = Selection(
        area=area,
        bbox=parse_bbox(bbox) if bbox else None,
        organisation=organisation,
    )
    result = checkout(open_db(db), file, selection, name)
    if json_:
        emit_json(result.as_dict())
        return
    rows = [[k, number(n)] for k, n in result.counts.items() if n]
    title = _(
        "Field register %(file)s (called %(name)s here)", file=file, name=result.name
    )
    out.print(table(title, [_("table"), _("rows")], rows))


sync_app = typer.Typer(
    help="Exchange changes with a field register or headquarters.",
    invoke_without_command=True,
)
app.add_typer(sync_app, name="sync")


@sync_app.callback()
def sync(
    ctx: typer.Context,
    export: Annotated[
        Path | None,
        typer.Option("--export", help="Write the changes the other register lacks."),
    ] = None,
    import_: Annotated[
        Path | None,
        typer.Option("--import", help="Apply a change file from the other register."),
    ] = None,
    remote: Annotated[
        str | None,
        typer.Option(
            "--remote",
            help="Sync over HTTPS with the register at this address (its API).",
        ),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="DEMINE_TOKEN",
            help="API token of a reviewer there [env: DEMINE_TOKEN].",
            show_envvar=False,
        ),
    ] = None,
    peer: Annotated[
        str | None,
        typer.Option(
            "--peer", help="Which register to write for [default: the only one]."
        ),
    ] = None,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Write or apply a change file; without options, say where each peer stands."""
    if ctx.invoked_subcommand is not None:
        return
    from demine.exchange.sync.changes import (
        describe_peers,
        export_changes,
        import_changes,
    )
    from demine.exchange.sync.remote import sync_remote

    database = open_db(db)
    if export is not None and import_ is not None:
        raise DemineError(_("--export and --import: one at a time"))
    if remote is not None:
        if not token:
            raise DemineError(
                _(
                    "--remote needs an API token of a reviewer there: --token or "
                    "DEMINE_TOKEN"
                )
            )
        done = sync_remote(database, remote, token)
        message = _sent_message(done["sent"]) + "\n" + _applied_message(done["applied"])
        _said(json_, done, message)
    elif export is not None:
        sent = export_changes(database, export, peer)
        _said(json_, sent.as_dict(), _sent_message(sent.as_dict()))
    elif import_ is not None:
        applied = import_changes(database, import_)
        _said(json_, applied.as_dict(), _applied_message(applied.as_dict()))
    else:
        peers = describe_peers(database)
        if json_:
            emit_json({"peers": peers})
            return
        rows = [
            [p["name"], number(p["exported_seq"]), number(p["imported_seq"])]
            for p in peers
        ]
        title = _("Registers this one syncs with")
        out.print(
            table(title, [_("name"), _("files written"), _("files applied")], rows)
        )


def _said(json_: bool, data: dict[str, Any], message: str) -> None:
    if json_:
        emit_json(data)
    else:
        out.print(message, highlight=False, soft_wrap=True)


def _sent_message(data: dict[str, Any]) -> str:
    total = sum(data["records"].values())
    return ngettext(
        "%(file)s: %(num)s changed record for %(peer)s (file %(seq)s)",
        "%(file)s: %(num)s changed records for %(peer)s (file %(seq)s)",
        total,
        file=data["file"],
        num=number(total),
        peer=data["peer"],
        seq=data["seq"],
    )


def _applied_message(data: dict[str, Any]) -> str:
    new = sum(data["inserted"].values())
    edited = sum(data["updated"].values())
    conflicts = data["conflicts"]
    text = _(
        "from %(peer)s: %(new)s new, %(edited)s updated, %(same)s already here",
        peer=data["peer"],
        new=number(new),
        edited=number(edited),
        same=number(data["unchanged"]),
    )
    if conflicts:
        text += "; " + ngettext(
            "%(num)s conflict kept for a reviewer (demine sync conflicts)",
            "%(num)s conflicts kept for a reviewer (demine sync conflicts)",
            conflicts,
            num=number(conflicts),
        )
    return text


@sync_app.command("conflicts")
def conflicts(
    everything: Annotated[
        bool, typer.Option("--all", help="Resolved ones too.")
    ] = False,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """List the conflicts kept for a reviewer, with the fields that differ."""
    from demine.exchange.sync.conflicts import list_conflicts

    found = list_conflicts(open_db(db), everything=everything)
    if json_:
        emit_json({"conflicts": found})
        return
    if not found:
        out.print(_("no conflicts"))
        return
    for item in found:
        title = _(
            "conflict %(id)s: %(layer)s %(record)s, with %(peer)s (%(state)s)",
            id=item["id"],
            layer=item["layer"],
            record=item["record"],
            peer=item["peer"],
            state=item["state"],
        )
        rows = [
            [f["field"], _text(f["base"]), _text(f["mine"]), _text(f["theirs"])]
            for f in item["fields"]
            if f["differs"]
        ]
        heads = [_("field"), _("base"), _("mine"), _("theirs")]
        out.print(table(title, heads, rows))


def _text(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 60 else text[:57] + "…"


@sync_app.command("resolve")
def resolve(
    conflict: Annotated[int, typer.Argument(help="The conflict's number.")],
    take: Annotated[
        list[str],
        typer.Option(
            "--take", help="theirs, mine, or FIELD=theirs / FIELD=mine (repeatable)."
        ),
    ],
    user: Annotated[
        str | None,
        typer.Option("--user", help="The reviewer resolving it (a user name)."),
    ] = None,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Resolve a conflict: take theirs, keep mine, or merge field by field."""
    from demine.exchange.sync.conflicts import parse_choice, resolve_conflict
    from demine.store.users import find_user

    database = open_db(db)
    who = find_user(database, user) if user else None
    done = resolve_conflict(
        database, conflict, parse_choice(take), who.id if who else None
    )
    if json_:
        emit_json(done)
        return
    out.print(
        _(
            "conflict %(id)s resolved (%(take)s); the record is now version "
            "%(version)s",
            id=done["id"],
            take=done["take"],
            version=done["version"],
        ),
        highlight=False,
        soft_wrap=True,
    )
