# SPDX-License-Identifier: GPL-3.0-or-later
"""What the drawing maps of the forms ask the server (``static/draw.js``):
where the reader's work is, and what is wrong with a drawn shape, in plain
words and where (``demine/geo/shape_problems.py``), with its area."""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Query, Request

from demine.geo.area import geodesic_area
from demine.geo.extent import Extent
from demine.geo.shape_problems import shape_problems
from demine.serving.deps import DbDep, User
from demine.store.basemap import records_bounds
from demine.store.editing import parse_geometry

router = APIRouter(include_in_schema=False)

# A drawn polygon of a few hundred corners is a few kilobytes of GeoJSON.
MAX_GEOMETRY_CHARS = 200_000


@router.get("/draw/work-extent.json")
def work_extent(request: Request, db: DbDep, who: User) -> dict[str, Any]:
    """The box round the hazards the reader sees (their organisation's and
    the approved ones): where a new drawing starts."""
    bounds = records_bounds(db, who)
    if bounds is None:
        bounds = Extent.parse(request.app.state.settings.extent).bounds
    return {"bounds": list(bounds)}


@router.get("/draw/check.json")
def check_shape(
    who: User,
    geometry: Annotated[str, Query(max_length=MAX_GEOMETRY_CHARS)] = "",
) -> dict[str, Any]:
    """The drawn shape's faults (message, lon, lat) and its area in m²."""
    try:
        geom = parse_geometry(geometry) if geometry.strip() else None
    except ValueError as exc:
        return {"problems": [{"message": str(exc), "at": None}], "area_m2": None}
    problems = shape_problems(geom)
    area = None
    if (
        geom is not None
        and not problems
        and geom.geom_type in ("Polygon", "MultiPolygon")
    ):
        area = float(geodesic_area(np.array([geom], dtype=object))[0])
    return {
        "problems": [
            {
                "message": p.message,
                "at": None if p.lon is None else [p.lon, p.lat],
            }
            for p in problems
        ],
        "area_m2": area,
    }
