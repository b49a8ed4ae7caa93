# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine backup`` and ``demine restore``: a consistent copy of a live register."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from demine.commands.app import DbOption, JsonOption, app, emit_json, open_db, out
from demine.i18n import _
from demine.i18n.numbers import number
from demine.store.backup import backup as make_backup
from demine.store.backup import restore as restore_backup


@app.command()
def backup(
    file: Annotated[Path, typer.Argument(help="Where to write the backup")],
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Copy the register to FILE, consistent while the server keeps writing.

    SQLite: SQLite's online backup (one committed state, checked before it is
    kept). PostgreSQL: pg_dump in its custom format. Never copy a live SQLite
    register with cp.
    """
    result = make_backup(open_db(db), file)
    if json_:
        emit_json(
            {"file": str(result.path), "bytes": result.bytes, "records": result.records}
        )
        return
    out.print(
        _(
            "backed up %(num)s records to %(path)s (%(size)s MB)",
            num=number(result.records),
            path=result.path,
            size=number(result.bytes / 1e6, 1),
        )
    )


@app.command()
def restore(
    file: Annotated[Path, typer.Argument(help="A file made by 'demine backup'")],
    db: DbOption = None,
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Replace a register that holds records"),
    ] = False,
    json_: JsonOption = False,
) -> None:
    """Restore the register from FILE (all or nothing), then migrate it."""
    database = open_db(db)
    result = restore_backup(file, database, replace=replace)
    if json_:
        emit_json({"file": str(result.path), "records": result.records})
        return
    out.print(
        _(
            "restored %(num)s records into %(register)s",
            num=number(result.records),
            register=database.describe(),
        )
    )
