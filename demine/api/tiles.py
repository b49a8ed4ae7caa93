# SPDX-License-Identifier: GPL-3.0-or-later
"""Vector tiles for the map: ``/tiles/{layer}/{z}/{x}/{y}.mvt``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from demine.api.deps import DbDep, MaybeUser, reader_for
from demine.store.tiles import LAYERS, MAX_ZOOM, render_tile

router = APIRouter(prefix="/tiles", tags=["tiles"])

MVT = "application/vnd.mapbox-vector-tile"


@router.get("/{layer}/{z}/{x}/{y}.mvt", response_class=Response)
def tile(
    request: Request,
    layer: str,
    z: Annotated[int, Path(ge=0, le=MAX_ZOOM)],
    x: Annotated[int, Path(ge=0, le=2**MAX_ZOOM)],
    y: Annotated[int, Path(ge=0, le=2**MAX_ZOOM)],
    db: DbDep,
    who: MaybeUser,
) -> Response:
    """One Mapbox vector tile of ``layer`` (hazard, release, eo_item, accident)."""
    reader = reader_for(request, layer, who) if layer in LAYERS else who
    data = render_tile(db, layer, z, x, y, reader)
    # Short private caching: reviews change what a reader sees.
    headers = {"Cache-Control": "private, max-age=30"}
    return Response(content=data, media_type=MVT, headers=headers)
