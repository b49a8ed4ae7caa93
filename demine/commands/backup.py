# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine backup`` and ``demine restore``: a consistent copy of a live register."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from demine.attachments.backup import FilesCopied, back_up_files, restore_files
from demine.attachments.blobs import blob_store
from demine.commands.app import (
    DbOption,
    JsonOption,
    app,
    emit_json,
    err,
    open_db,
    out,
    settings_for,
)
from demine.i18n import _, ngettext
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
    register with cp. The files of its attachments go beside it, in FILE.files.
    """
    database = open_db(db)
    result = make_backup(database, file)
    files = back_up_files(database, blob_store(settings_for(db), database), file)
    if json_:
        emit_json(
            {
                "file": str(result.path),
                "bytes": result.bytes,
                "records": result.records,
                **_files_json(files),
            }
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
    _say_files(files)


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
    """Restore the register from FILE (all or nothing), then migrate it.

    The files of its attachments come back from FILE.files.
    """
    database = open_db(db)
    result = restore_backup(file, database, replace=replace)
    files = restore_files(database, blob_store(settings_for(db), database), file)
    if json_:
        emit_json(
            {"file": str(result.path), "records": result.records, **_files_json(files)}
        )
        return
    out.print(
        _(
            "restored %(num)s records into %(register)s",
            num=number(result.records),
            register=database.describe(),
        )
    )
    _say_files(files)


def _files_json(files: FilesCopied) -> dict[str, object]:
    return {
        "attachment_files": files.named,
        "attachment_files_copied": files.copied,
        "attachment_files_missing": list(files.missing),
    }


def _say_files(files: FilesCopied) -> None:
    if files.named:
        out.print(
            _(
                "attachment files: %(named)s named, %(copied)s copied (%(folder)s)",
                named=number(files.named),
                copied=number(files.copied),
                folder=files.folder,
            )
        )
    if files.missing:
        err.print(
            ngettext(
                "%(num)s attachment file is missing: %(digests)s",
                "%(num)s attachment files are missing: %(digests)s",
                len(files.missing),
                digests=", ".join(files.missing),
            )
        )
