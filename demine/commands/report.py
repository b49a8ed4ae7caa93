# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine report``: the national, donor and treaty reports as HTML or PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from demine.commands.app import DbOption, app, err, open_db

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
    db: DbOption = None,
) -> None:
    """Make a report from the approved records and write it to --out."""
    from demine.reports import build_report, render
    from demine.reports.errors import ReportError
    from demine.reports.render import FORMATS

    chosen = (fmt or out_file.suffix.lstrip(".") or "").lower()
    if chosen not in FORMATS:
        raise ReportError(
            f"unknown format {chosen or fmt!r}: give --format html or pdf "
            "(or an --out file ending in .html or .pdf)"
        )
    if not out_file.parent.is_dir():
        raise ReportError(
            f"--out {out_file}: the folder {out_file.parent} does not exist"
        )
    database = open_db(db)
    database.require_initialised()
    err.print(f"making the {kind} report for {period} ...")
    document = build_report(
        database, kind, period, donor=donor, project=project, forecast=forecast
    )
    data = render(document, chosen)
    out_file.write_bytes(data)
    err.print(f"wrote {out_file} ({len(data) / 1024:,.0f} KiB, {chosen})")
