# SPDX-License-Identifier: GPL-3.0-or-later
"""Queries of the public land-status service: only approved, only what it shows.

Every function here returns exactly the columns a resident may see (dates,
areas, certificate numbers and shapes), never names, organisations or ids of
records, so nothing can leak through a later change to a template.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.engine import Connection

from demine.domain.handover import REMAINING_TOLERANCE_M2
from demine.domain.vocab import PlaceType, ReviewState
from demine.store.schema import (
    Handover,
    Hazard,
    Place,
    PublicMessage,
    PublicServiceLayer,
    Release,
)

APPROVED = ReviewState.APPROVED.value
Box = tuple[float, float, float, float]


def layers(conn: Connection) -> dict[str, float]:
    """The layers the administrator opened, with their generalisation (m)."""
    rows = conn.execute(
        select(PublicServiceLayer.layer, PublicServiceLayer.generalise_m)
    )
    return {str(r[0]): float(r[1]) for r in rows}


def replace_layers(conn: Connection, wanted: dict[str, float]) -> None:
    conn.execute(delete(PublicServiceLayer))
    if wanted:
        conn.execute(
            insert(PublicServiceLayer),
            [{"layer": k, "generalise_m": v} for k, v in sorted(wanted.items())],
        )


def messages(conn: Connection, language: str) -> list[dict[str, str]]:
    rows = conn.execute(
        select(PublicMessage.title, PublicMessage.body)
        .where(PublicMessage.language == language)
        .order_by(PublicMessage.position, PublicMessage.id)
    )
    return [{"title": r[0], "body": r[1]} for r in rows]


def replace_messages(conn: Connection, items: list[dict[str, Any]]) -> None:
    conn.execute(delete(PublicMessage))
    if items:
        conn.execute(insert(PublicMessage), items)


def settlements(conn: Connection, name: str, limit: int = 20) -> list[dict[str, Any]]:
    """Settlements whose name matches (exact first, then starting with)."""
    wanted = name.strip().lower()
    if not wanted:
        return []
    lowered = func.lower(Place.name)
    rows = conn.execute(
        select(Place.name, Place.location, Place.boundary, lowered == wanted, Place.id)
        .where(
            Place.place_type == PlaceType.SETTLEMENT.value,
            Place.review_state == APPROVED,
            or_(lowered == wanted, lowered.like(_prefix(wanted))),
        )
        .order_by((lowered == wanted).desc(), Place.name)
        .limit(limit)
    )
    return [
        {
            "name": r[0],
            "location": r[1],
            "boundary": r[2],
            "exact": bool(r[3]),
            "id": r[4],
        }
        for r in rows
    ]


def settlement_hazards_box(conn: Connection, place_id: int) -> Box | None:
    """The extent of the approved hazards recorded against a settlement."""
    row = conn.execute(
        select(
            func.min(Hazard.min_lon),
            func.min(Hazard.min_lat),
            func.max(Hazard.max_lon),
            func.max(Hazard.max_lat),
        ).where(Hazard.settlement_id == place_id, Hazard.review_state == APPROVED)
    ).first()
    if row is None:
        return None
    west, south, east, north = row
    if west is None or south is None or east is None or north is None:
        return None
    return (float(west), float(south), float(east), float(north))


def _prefix(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def _in_box(model: Any, box: Box) -> Any:
    min_lon, min_lat, max_lon, max_lat = box
    return (
        (model.max_lon >= min_lon)
        & (model.min_lon <= max_lon)
        & (model.max_lat >= min_lat)
        & (model.min_lat <= max_lat)
    )


def released_land(conn: Connection, box: Box) -> list[dict[str, Any]]:
    """Approved release products in ``box``, with the hazard's certificate."""
    cert = (
        select(
            Handover.hazard_id,
            func.min(Handover.number).label("number"),
            func.min(Handover.code).label("code"),
        )
        .where(Handover.review_state == APPROVED)
        .group_by(Handover.hazard_id)
        .subquery()
    )
    rows = conn.execute(
        select(
            Release.released_on,
            Release.effective_m2,
            Release.geom,
            cert.c.number,
            cert.c.code,
        )
        .join(Hazard, Hazard.id == Release.hazard_id)
        .outerjoin(cert, cert.c.hazard_id == Release.hazard_id)
        .where(
            Release.review_state == APPROVED,
            Hazard.review_state == APPROVED,
            _in_box(Release, box),
        )
        .order_by(Release.released_on)
    )
    return [
        {
            "released_on": r[0],
            "area_m2": float(r[1] or 0),
            "geom": r[2],
            "certificate": r[3],
            "code": r[4],
        }
        for r in rows
    ]


def hazardous_areas(conn: Connection, box: Box) -> list[Any]:
    """Shapes of approved hazards in ``box`` with ground still to release."""
    rows = conn.execute(
        select(Hazard.geom).where(
            Hazard.review_state == APPROVED,
            Hazard.status != "closed",
            Hazard.remaining_m2 > REMAINING_TOLERANCE_M2,
            _in_box(Hazard, box),
        )
    )
    return [r[0] for r in rows if r[0] is not None]
