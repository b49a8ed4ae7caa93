# SPDX-License-Identifier: GPL-3.0-or-later
"""The map's search box: places by name, hazardous areas by name or number,
with the box to show each in."""

from __future__ import annotations

from typing import Any

import shapely
from sqlalchemy import ColumnElement, func, or_, select

from demine.store.database import Database
from demine.store.listing import visible
from demine.store.schema import Hazard, Place
from demine.store.users import Principal

FOUND_SHOWN = 8


def find_on_map(
    db: Database, who: Principal | None, text: str, limit: int = FOUND_SHOWN
) -> list[dict[str, Any]]:
    """Places, then hazards, whose name holds ``text`` (any case) or whose
    number it is; each with ``kind``, ``id``, ``name`` and ``bounds``."""
    text = text.strip()
    if not text:
        return []
    pattern = f"%{text.lower()}%"
    number = int(text) if text.isdigit() else None
    found: list[dict[str, Any]] = []
    with db.session() as session:
        places = session.execute(
            select(
                Place.id, Place.name, Place.place_type, Place.location, Place.boundary
            )
            .where(
                func.lower(Place.name).like(pattern),
                or_(Place.location.is_not(None), Place.boundary.is_not(None)),
                visible(Place, who),
            )
            .order_by(func.coalesce(Place.population, 0).desc(), Place.name)
            .limit(limit)
        ).all()
        for pid, name, place_type, location, boundary in places:
            shape = boundary if boundary is not None else location
            found.append(
                {
                    "kind": "place",
                    "id": pid,
                    "name": name,
                    "type": getattr(place_type, "value", place_type),
                    "bounds": [float(v) for v in shapely.bounds(shape)],
                }
            )
        match: ColumnElement[bool] = func.lower(Hazard.name).like(pattern)
        if number is not None:
            match = or_(match, Hazard.id == number)
        hazards = session.execute(
            select(
                Hazard.id,
                Hazard.name,
                Hazard.min_lon,
                Hazard.min_lat,
                Hazard.max_lon,
                Hazard.max_lat,
            )
            .where(match, Hazard.min_lon.is_not(None), visible(Hazard, who))
            .order_by(Hazard.id)
            .limit(limit)
        ).all()
    for hid, name, *box in hazards:
        found.append(
            {
                "kind": "hazard",
                "id": hid,
                "name": name or "",
                "type": "hazard",
                "bounds": [float(v or 0.0) for v in box],
            }
        )
    return found[:limit]
