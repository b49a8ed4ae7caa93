# SPDX-License-Identifier: GPL-3.0-or-later
"""Casualty figures and accident hotspots (approved records only)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from demine.analysis.casualties import casualty_report
from demine.analysis.casualty_hotspots import DEFAULT_BANDWIDTH_M
from demine.analysis.casualty_links import DEFAULT_LINK_DISTANCE_M
from demine.serving.deps import DbDep, User

router = APIRouter(prefix="/api/v1", tags=["casualties"])

From = Annotated[
    dt.date | None, Query(alias="from", description="first day (inclusive)")
]
To = Annotated[dt.date | None, Query(alias="to", description="last day (inclusive)")]
Bandwidth = Annotated[
    float,
    Query(
        ge=50,
        le=200_000,
        description="hotspot kernel bandwidth (Gaussian standard deviation), metres",
    ),
]
LinkDistance = Annotated[
    float,
    Query(ge=0, le=100_000, description="link an accident to a hazard this near, m"),
]
Top = Annotated[int, Query(ge=1, le=100, description="hotspots to list")]


@router.get("/casualties")
def casualties(
    db: DbDep,
    who: User,
    start: From = None,
    end: To = None,
    bandwidth_m: Bandwidth = DEFAULT_BANDWIDTH_M,
    link_distance_m: LinkDistance = DEFAULT_LINK_DISTANCE_M,
    top: Top = 10,
) -> dict[str, Any]:
    """Accidents, killed and injured by year, month, admin area (with rates per
    100,000 inhabitants), sex, age group, status, activity and device; the
    hotspots and each accident's hazard."""
    report = casualty_report(
        db,
        start,
        end,
        bandwidth_m=bandwidth_m,
        link_distance_m=link_distance_m,
        top=top,
    )
    return report.to_dict()


@router.get("/casualties/hotspots")
def hotspots(
    db: DbDep,
    who: User,
    start: From = None,
    end: To = None,
    bandwidth_m: Bandwidth = DEFAULT_BANDWIDTH_M,
    top: Top = 10,
) -> JSONResponse:
    """GeoJSON: density cells (``kind: cell``, ``density`` in accidents per km²,
    ``share`` of the peak) and the hotspots (``kind: hotspot`` points)."""
    report = casualty_report(
        db, start, end, bandwidth_m=bandwidth_m, top=top, links=False
    )
    return JSONResponse(report.hotspot_geojson(), media_type="application/geo+json")
