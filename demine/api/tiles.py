# SPDX-License-Identifier: GPL-3.0-or-later
"""Vector tiles for the map: ``/tiles/{layer}/{z}/{x}/{y}.mvt``.

Rendered tiles are kept in memory by (layer, z, x, y, what the reader may
see, register version): any write to the register changes the version, so a
tile is never served older than the register. The ETag carries the same
version, so a browser revalidating an unchanged tile gets a bodiless 304.
"""

from __future__ import annotations

import functools
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from demine.errors import NotFoundError
from demine.i18n import _
from demine.serving.fastpath import (
    compressed,
    read_context,
    render_once,
    response_cache,
)
from demine.store.listing import visibility_class
from demine.store.tile_filter import TileFilter
from demine.store.tile_layers import LAYERS, layer_kind
from demine.store.tiles import MAX_ZOOM, render_tile, tile_bounds

router = APIRouter(prefix="/tiles", tags=["tiles"])

MVT = "application/vnd.mapbox-vector-tile"
# Short private caching: reviews change what a reader sees; the ETag lets the
# browser ask cheaply whether its copy still holds.
CACHE_CONTROL = "private, max-age=30"


@router.get("/{layer}/{z}/{x}/{y}.mvt", response_class=Response)
async def tile(
    request: Request,
    layer: str,
    z: Annotated[int, Path(ge=0, le=MAX_ZOOM)],
    x: Annotated[int, Path(ge=0, le=2**MAX_ZOOM)],
    y: Annotated[int, Path(ge=0, le=2**MAX_ZOOM)],
    organisation: Annotated[str | None, Query(max_length=20)] = None,
    since: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    until: Annotated[str | None, Query(alias="to", max_length=10)] = None,
    status: Annotated[str | None, Query(max_length=40)] = None,
    hazard_class: Annotated[str | None, Query(max_length=40)] = None,
    method: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    """One Mapbox vector tile of a map layer (hazard, release, eo_item, ...);
    ``organisation``, ``from``, ``to``, ``status``, ``hazard_class`` and
    ``method`` keep one organisation's records, those dated in the period,
    of one status, class or method (the grouped low zooms cannot be
    filtered in the browser)."""
    if layer not in LAYERS:
        raise NotFoundError(_("no map layer %(layer)r", layer=layer))
    only = TileFilter.parse(
        organisation,
        since,
        until,
        status=status,
        hazard_class=hazard_class,
        method=method,
    )
    context = await read_context(request, layer_kind(layer))
    tile_bounds(z, x, y)  # a tile outside the grid is a 422 before any query
    seen = visibility_class(context.who)
    # Weak: the gzipped and the plain body share it (RFC 9110, 8.8.1).
    picked = "-".join(str(v) for v in only.key() if v is not None)
    etag = f'W/"{context.version}-{seen}-{picked}"'
    headers = {"Cache-Control": CACHE_CONTROL, "ETag": etag}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    cache = response_cache(request, "tiles")
    key = (layer, z, x, y, seen, *only.key(), context.version)
    data = cache.get(key)
    if data is None:
        db = request.app.state.db
        data = await render_once(
            request,
            cache,
            key,
            functools.partial(render_tile, db, layer, z, x, y, context.who, only),
        )
    body, encoding = compressed(request, cache, key, data)
    return Response(content=body, media_type=MVT, headers={**headers, **encoding})
