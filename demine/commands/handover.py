# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine handover``: completion reports, certificates, the handover, the wait."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from demine.commands.app import (
    DbOption,
    JsonOption,
    app,
    emit_json,
    open_db,
    out,
    settings_for,
)
from demine.handover import issue_certificate, record_handover, waiting_land
from demine.i18n import _, ngettext
from demine.i18n.numbers import number
from demine.reports.handover import certificate_pdf, completion_report_pdf

handover_app = typer.Typer(
    help="Completion reports and handover certificates (IMAS 08.30).",
    no_args_is_help=True,
)
app.add_typer(handover_app, name="handover")


@handover_app.command("completion")
def completion(
    hazard_id: Annotated[int, typer.Argument(help="Hazard id")],
    out_path: Annotated[Path, typer.Option("--out", help="PDF file to write")],
    lang: Annotated[str, typer.Option(help="Language: en, az, ru")] = "en",
    db: DbOption = None,
) -> None:
    """Write the completion report of a hazard as PDF."""
    settings = settings_for(db)
    pdf = completion_report_pdf(open_db(db), hazard_id, lang, settings.public_hotline)
    out_path.write_bytes(pdf)
    out.print(
        _("wrote %(file)s (%(size)s bytes)", file=out_path, size=number(len(pdf)))
    )


@handover_app.command("certificate")
def certificate(
    hazard_id: Annotated[int, typer.Argument(help="Hazard id")],
    issued_by: Annotated[str, typer.Option(help="Who signs for the authority")],
    recipient: Annotated[str, typer.Option(help="Authority or land user receiving")],
    out_path: Annotated[Path, typer.Option("--out", help="PDF file to write")],
    land_use: Annotated[str | None, typer.Option(help="Intended land use")] = None,
    lang: Annotated[str, typer.Option(help="Language: en, az, ru")] = "en",
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Issue a handover certificate for a released hazard and write its PDF."""
    settings = settings_for(db)
    database = open_db(db)
    cert = issue_certificate(
        database,
        hazard_id,
        issued_by=issued_by,
        recipient_authority=recipient,
        intended_land_use=land_use,
        language=lang,
    )
    out_path.write_bytes(
        certificate_pdf(
            database,
            cert["number"],
            settings.public_base_url,
            lang,
            settings.public_hotline,
        )
    )
    if json_:
        emit_json({k: cert[k] for k in ("number", "hazard_id", "issued_on")})
    else:
        out.print(
            _(
                "certificate %(number)s written to %(file)s",
                number=cert["number"],
                file=out_path,
            )
        )


@handover_app.command("record")
def record(
    number: Annotated[str, typer.Argument(help="Certificate number")],
    received_by: Annotated[str, typer.Option(help="Who signed for the land")],
    on: Annotated[str, typer.Option(help="Date of the handover, YYYY-MM-DD")],
    db: DbOption = None,
) -> None:
    """Record that the land of a certificate was handed over."""
    try:
        day = dt.date.fromisoformat(on)
    except ValueError:
        raise typer.BadParameter(
            _("give the date as YYYY-MM-DD"), param_hint="--on"
        ) from None
    record_handover(open_db(db), number, received_by=received_by, handed_over_on=day)
    out.print(
        _(
            "certificate %(number)s: handed over on %(day)s",
            number=number,
            day=day.isoformat(),
        )
    )


@handover_app.command("waiting")
def waiting(db: DbOption = None, json_: JsonOption = False) -> None:
    """Land released but not yet handed over: count, area, days waiting."""
    figures = waiting_land(open_db(db))
    if json_:
        emit_json(figures)
        return
    out.print(
        ngettext(
            "%(num)s hazard, %(area)s ha released and not handed over; "
            "longest wait %(days)s days",
            "%(num)s hazards, %(area)s ha released and not handed over; "
            "longest wait %(days)s days",
            figures["hazards"],
            area=number(figures["released_m2"] / 10_000, 1),
            days=figures["oldest_days"] if figures["oldest_days"] is not None else "–",
        )
    )
    for band, count in figures["bands"].items():
        out.print(_("  %(band)s days: %(count)s", band=band, count=count))
