# SPDX-License-Identifier: GPL-3.0-or-later
"""The map's basemap: the register's reference layers as vector tiles
(``/basemap/{z}/{x}/{y}.mvt``), or the administrator's PMTiles file served
from disk with HTTP range requests (``/basemap.pmtiles``), or an XYZ/WMTS
raster URL the browser fetches itself. See docs/web.md, "Basemap".
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, Response

from demine.errors import NotFoundError
from demine.i18n import _
from demine.serving.deps import User
from demine.serving.fastpath import (
    compressed,
    read_context,
    render_once,
    response_cache,
)
from demine.settings import Settings
from demine.store.basemap import basemap_tile
from demine.store.listing import visibility_class
from demine.store.tiles import MAX_ZOOM, tile_bounds
from demine.web.map_style import PALETTE
from demine.web.pages import TEMPLATES

router = APIRouter(include_in_schema=False)

MVT = "application/vnd.mapbox-vector-tile"
# Reference layers change rarely; the ETag carries the register version.
CACHE_CONTROL = "private, max-age=300"


def basemap_config(settings: Settings) -> dict[str, Any]:
    """What the map's script needs to draw the basemap (``static/basemap.js``)."""
    if settings.basemap_pmtiles:
        return {"kind": "pmtiles", "url": "/basemap.pmtiles"}
    if settings.tile_url:
        return {"kind": "raster", "url": settings.tile_url}
    return {"kind": "register", "url": "/basemap/{z}/{x}/{y}.mvt"}


def _basemap_json(request: Request) -> str:
    return json.dumps(basemap_config(request.app.state.settings))


# For the drawing maps of the forms (templates/draw_texts.html).
TEMPLATES.env.globals["basemap_json"] = _basemap_json
TEMPLATES.env.globals["palette_json"] = lambda: json.dumps(PALETTE)
TEMPLATES.env.globals["basemap_pmtiles"] = lambda request: bool(
    request.app.state.settings.basemap_pmtiles
)


@router.get("/basemap/{z}/{x}/{y}.mvt", response_class=Response)
async def basemap(
    request: Request,
    z: Annotated[int, PathParam(ge=0, le=MAX_ZOOM)],
    x: Annotated[int, PathParam(ge=0, le=2**MAX_ZOOM)],
    y: Annotated[int, PathParam(ge=0, le=2**MAX_ZOOM)],
) -> Response:
    """One tile of the register's reference layers (boundaries, roads, rivers ...)."""
    context = await read_context(request, "reference_feature")
    tile_bounds(z, x, y)
    seen = visibility_class(context.who)
    etag = f'W/"{context.version}-{seen}"'
    headers = {"Cache-Control": CACHE_CONTROL, "ETag": etag}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    cache = response_cache(request, "tiles")
    key = ("basemap", z, x, y, seen, context.version)
    data = cache.get(key)
    if data is None:
        render = functools.partial(
            basemap_tile, request.app.state.db, z, x, y, context.who
        )
        data = await render_once(request, cache, key, render)
    body, encoding = compressed(request, cache, key, data)
    return Response(content=body, media_type=MVT, headers={**headers, **encoding})


@router.get("/basemap.pmtiles")
def basemap_pmtiles(request: Request, who: User) -> FileResponse:
    """The administrator's PMTiles basemap; the browser reads it by ranges."""
    name = request.app.state.settings.basemap_pmtiles
    if not name or not Path(name).is_file():
        raise NotFoundError(_("no basemap file is configured on this server"))
    # Starlette answers Range requests (206) from the file on disk.
    return FileResponse(name, media_type="application/octet-stream")
