# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine report``: the national, donor and treaty reports as HTML or PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from demine.commands.app import DbOption, JsonOption, app, emit_json, err, open_db
from demine.i18n import LANGUAGES, _, current_language, use_language
from demine.i18n.numbers import number
from demine.reports.errors import ReportError

KindArg = Annotated[str, typer.Argument(help="national, donor or treaty")]


@app.command()
def report(
    kind: KindArg,
    period: Annotated[
        str,
        typer.Option(
            "--period", help="2024, 2024-03, or a range such as 2024-01..2024-06"
        ),
    ],
    out_file: Annotated[
        Path, typer.Option("--out", help="File to write (.html or .pdf)")
    ],
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="html or pdf [default: from --out's suffix]"),
    ] = None,
    donor: Annotated[
        str | None, typer.Option("--donor", help="Donor name or acronym (donor report)")
    ] = None,
    project: Annotated[
        str | None, typer.Option("--project", help="One of the donor's projects")
    ] = None,
    forecast: Annotated[
        bool,
        typer.Option(
            "--forecast/--no-forecast",
            help="Include the completion forecast (national report)",
        ),
    ] = True,
    language: Annotated[
        str | None,
        typer.Option(
            "--language",
            help="en, az or ru [default: DEMINE_LANGUAGE, else en]",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Make a report from the approved records and write it to --out."""
    if language is not None and language not in LANGUAGES:
        raise ReportError(
            _(
                "unknown language %(language)r: use one of %(known)s",
                language=language,
                known=", ".join(LANGUAGES),
            )
        )
    with use_language(language or current_language()):
        written = _make_report(
            kind, period, out_file, fmt, donor, project, forecast, db
        )
    if json_:
        emit_json(written)


def _make_report(
    kind: str,
    period: str,
    out_file: Path,
    fmt: str | None,
    donor: str | None,
    project: str | None,
    forecast: bool,
    db: str | None,
) -> dict[str, object]:
    from demine.reports import build_report, render
    from demine.reports.render import FORMATS

    chosen = (fmt or out_file.suffix.lstrip(".") or "").lower()
    if chosen not in FORMATS:
        raise ReportError(
            _(
                "unknown format %(format)r: give --format html or pdf (or an --out "
                "file ending in .html or .pdf)",
                format=chosen or fmt,
            )
        )
    if not out_file.parent.is_dir():
        raise ReportError(
            _(
                "--out %(out_file)s: the folder %(parent)s does not exist",
                out_file=out_file,
                parent=out_file.parent,
            )
        )
    database = open_db(db)
    database.require_initialised()
    err.print(
        _("making the %(kind)s report for %(period)s ...", kind=kind, period=period)
    )
    document = build_report(
        database, kind, period, donor=donor, project=project, forecast=forecast
    )
    data = render(document, chosen)
    out_file.write_bytes(data)
    err.print(
        _(
            "wrote %(file)s (%(size)s KiB, %(format)s)",
            file=out_file,
            size=number(len(data) / 1024),
            format=chosen,
        )
    )
    return {
        "kind": kind,
        "period": period,
        "file": str(out_file),
        "format": chosen,
        "bytes": len(data),
    }
