# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine public``: what the public land-status service shows, and a lookup."""

from __future__ import annotations

from typing import Annotated

import typer

from demine.commands.app import DbOption, app, emit_json, open_db, settings_for
from demine.errors import RecordError
from demine.i18n import _
from demine.public import lookup_point, lookup_settlement, set_public_settings

public_app = typer.Typer(
    help="The public land-status service (/public).", no_args_is_help=True
)
app.add_typer(public_app, name="public")


@public_app.command("open")
def open_layers(
    layer: Annotated[
        list[str],
        typer.Option(
            help="LAYER=METRES: released_land or hazardous_area and the grid "
            "its shapes are generalised to (repeat; none closes the service)"
        ),
    ] = [],  # noqa: B006 - typer reads the default, never mutates it
    db: DbOption = None,
) -> None:
    """Choose the layers the public service shows and their generalisation."""
    wanted: dict[str, float] = {}
    for item in layer:
        name, _sep, metres = item.partition("=")
        try:
            wanted[name] = float(metres or 0)
        except ValueError:
            raise RecordError(
                _("--layer %(item)r: give LAYER=METRES", item=item)
            ) from None
    emit_json(set_public_settings(open_db(db), wanted))


@public_app.command("lookup")
def lookup(
    settlement: Annotated[str | None, typer.Option(help="Settlement name")] = None,
    lon: Annotated[
        float | None, typer.Option(help="Longitude of the point (WGS84), with --lat")
    ] = None,
    lat: Annotated[
        float | None, typer.Option(help="Latitude of the point (WGS84), with --lon")
    ] = None,
    lang: Annotated[
        str, typer.Option(help="Language of the answer: en, az or ru")
    ] = "en",
    db: DbOption = None,
) -> None:
    """What a resident sees for a settlement or a point (JSON)."""
    settings = settings_for(db)
    options = {
        "lang": lang,
        "hotline": settings.public_hotline,
        "base_url": settings.public_base_url,
    }
    if lon is not None and lat is not None:
        answer = lookup_point(open_db(db), lon, lat, **options)
    elif settlement:
        answer = lookup_settlement(open_db(db), settlement, **options)
    else:
        raise RecordError(_("give --settlement, or --lon and --lat"))
    emit_json(answer)
