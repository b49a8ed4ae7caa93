# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine tiles archive``: the public map as a PMTiles file for any web server."""

from __future__ import annotations

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
    progress_bar,
    settings_for,
)
from demine.exchange.tile_archive import PUBLIC_MAX_ZOOM, write_archive
from demine.geo.extent import Extent
from demine.i18n import _
from demine.i18n.numbers import number

tiles_app = typer.Typer(help="Map tiles outside the server.", no_args_is_help=True)
app.add_typer(tiles_app, name="tiles")


@tiles_app.command("archive")
def archive(
    file: Annotated[Path, typer.Argument(help="The PMTiles file to write")],
    layer: Annotated[
        list[str] | None,
        typer.Option(help="A map layer to include (repeat); default hazard, release"),
    ] = None,
    min_zoom: Annotated[int, typer.Option(min=0, help="Lowest zoom")] = 0,
    max_zoom: Annotated[
        int, typer.Option(min=0, max=PUBLIC_MAX_ZOOM, help="Highest zoom")
    ] = 10,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Write the public map layers to a PMTiles archive (what anyone may see).

    Any static web server or CDN then serves the map without demine:
    MapLibre reads the file with HTTP range requests. Only layers made
    public go in, as an anonymous reader sees them.
    """
    database = open_db(db)
    database.require_initialised()
    extent = Extent.parse(settings_for(db).extent)
    layers = layer or ["hazard", "release"]
    with progress_bar(not json_) as start:
        advance = None

        def progress(done: int, total: int) -> None:
            nonlocal advance
            if advance is None:
                advance = start(_("tiles"), total)
            advance(1)

        result = write_archive(
            database, file, extent, layers, min_zoom, max_zoom, progress
        )
    if json_:
        emit_json(
            {
                "file": str(result.path),
                "tiles": result.tiles,
                "bytes": result.bytes,
                "min_zoom": result.min_zoom,
                "max_zoom": result.max_zoom,
                "layers": list(result.layers),
            }
        )
        return
    out.print(
        _(
            "wrote %(tiles)s tiles of %(layers)s (zooms %(low)s–%(high)s) to"
            " %(path)s (%(size)s MB)",
            tiles=number(result.tiles),
            layers=", ".join(result.layers),
            low=result.min_zoom,
            high=result.max_zoom,
            path=result.path,
            size=number(result.bytes / 1e6, 1),
        )
    )
