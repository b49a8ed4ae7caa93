# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine validate``: geometry rules and the land-release ledger."""

from __future__ import annotations

from typing import Annotated

import typer

from demine.analysis.checks import CheckOptions, validate_database
from demine.commands.app import (
    DbOption,
    JsonOption,
    app,
    emit_json,
    err,
    open_db,
    out,
    table,
)
from demine.i18n import _, ngettext
from demine.i18n.numbers import number


@app.command()
def validate(
    db: DbOption = None,
    json_: JsonOption = False,
    repair: Annotated[
        bool,
        typer.Option(
            "--repair",
            help="Make invalid polygons valid first; each change is recorded "
            "in the geometry_repair table.",
        ),
    ] = False,
    summary_only: Annotated[
        bool, typer.Option("--summary", help="Only count findings per rule.")
    ] = False,
    extent: Annotated[
        str | None,
        typer.Option(
            help="Country name or min_lon,min_lat,max_lon,max_lat "
            "[env: DEMINE_EXTENT; default azerbaijan]",
            show_default=False,
        ),
    ] = None,
    max_segment_m: Annotated[
        float | None,
        typer.Option(help="Longest allowed distance between vertices, metres."),
    ] = None,
    limit: Annotated[
        int, typer.Option(help="Findings to list in the table (JSON lists all).")
    ] = 50,
    fail: Annotated[
        bool, typer.Option("--fail", help="Exit 2 when anything is found.")
    ] = False,
) -> None:
    """Check every geometry and the land-release ledger; list the findings."""
    from demine.commands.app import settings_for

    options = CheckOptions.from_settings(settings_for(db), extent, max_segment_m)
    step = None if json_ else (lambda text: err.print(_("… %(text)s", text=text)))
    result = validate_database(open_db(db), options, repair=repair, step=step)
    findings, repaired, counts = result.findings, result.repaired, result.counts()
    if json_:
        if summary_only:
            emit_json({"repaired": repaired, "counts": counts})
        else:
            emit_json([f.as_dict() for f in findings])
    else:
        if repair:
            out.print(
                _(
                    "repaired %(repaired)s geometries (see table geometry_repair)",
                    repaired=number(repaired),
                )
            )
        out.print(
            table(
                ngettext(
                    "%(num)s finding",
                    "%(num)s findings",
                    len(findings),
                    num=number(len(findings)),
                ),
                [_("rule"), _("count")],
                [[rule, number(n)] for rule, n in counts.items()],
            )
        )
        if not summary_only and findings:
            rows = [[str(f.rule), f.entity, f.id, f.message] for f in findings[:limit]]
            columns = [_("rule"), _("kind"), "id", _("message")]
            out.print(table(_("Findings"), columns, rows))
            if len(findings) > limit:
                out.print(
                    _(
                        "… and %(more)s more (use --json)",
                        more=number(len(findings) - limit),
                    )
                )
    if fail and findings:
        raise typer.Exit(2)
