# SPDX-License-Identifier: GPL-3.0-or-later
"""The register's accidents, victims and what they refer to, as DataFrames.

Only approved records are read: a submitted accident enters the casualty
figures after review, as in :mod:`demine.store.queries`.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import and_, literal, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from demine.domain.vocab import PlaceType, ReviewState
from demine.store.bulk import read_frame, table

APPROVED = ReviewState.APPROVED.value
ACCIDENT_COLUMNS = (
    "id",
    "accident_type",
    "occurred_on",
    "hazard_id",
    "admin_area_id",
    "eo_model_id",
    "geom",
)
VICTIM_COLUMNS = (
    "id",
    "accident_id",
    "sex",
    "age",
    "age_group",
    "amputation",
    "outcome",
    "status",
    "activity",
)
PLACE_COLUMNS = ("id", "name", "code", "place_type", "parent_id", "population")
BBOX = ("min_lon", "min_lat", "max_lon", "max_lat")
METRES_PER_DEGREE = 110_574.0  # the shortest degree of latitude, at the equator
CHUNK = 500
ADMIN_TYPES = (PlaceType.ADMIN1.value, PlaceType.ADMIN2.value)


@dataclass(frozen=True)
class CasualtyFrames:
    """What casualty analysis reads.

    ``accidents`` has ``lon``/``lat`` (NaN without a location) instead of the
    geometry and ``occurred_on`` as datetime64; ``victims`` only those of the
    accidents read; ``devices`` the EO catalogue (``id``, ``model``,
    ``category``); ``places`` every approved place; ``hazards`` approved
    hazards' ``id`` and ``geom`` (empty when not asked for).
    """

    accidents: pd.DataFrame
    victims: pd.DataFrame
    devices: pd.DataFrame
    places: pd.DataFrame
    hazards: pd.DataFrame | None
    boundaries: pd.DataFrame


def read_casualty_frames(
    conn: Connection,
    start: dt.date | None = None,
    end: dt.date | None = None,
    *,
    hazards: bool = True,
    near_m: float = 1_000.0,
) -> CasualtyFrames:
    """Approved accidents between ``start`` and ``end`` (inclusive) and the rest.

    With a period, accidents without a date are left out (they cannot be
    placed in it); without one, every approved accident is read. Hazards are
    read only when their bounding box lies within ``near_m`` of an accident,
    so a national register's polygons are not all decoded for a few hundred
    accidents.
    """
    acc = table("accident")
    where: list[ColumnElement[bool]] = [acc.c.review_state == APPROVED]
    if start is not None:
        where.append(acc.c.occurred_on >= start)
    if end is not None:
        where.append(acc.c.occurred_on <= end)
    accidents = _points(read_frame(conn, "accident", ACCIDENT_COLUMNS, and_(*where)))
    vic = table("victim")
    chosen = select(acc.c.id).where(*where)
    victims = read_frame(
        conn,
        "victim",
        VICTIM_COLUMNS,
        and_(vic.c.review_state == APPROVED, vic.c.accident_id.in_(chosen)),
    )
    devices = read_frame(conn, "eo_model", ("id", "model", "category"))
    places = read_frame(
        conn, "place", PLACE_COLUMNS, table("place").c.review_state == APPROVED
    )
    hazard_frame = hazards_near(conn, accidents, near_m) if hazards else None
    unplaced = accidents["admin_area_id"].isna() & accidents["lon"].notna()
    place = table("place")
    boundaries = read_frame(
        conn,
        "place",
        ("id", "place_type", "boundary"),
        and_(
            place.c.review_state == APPROVED,
            place.c.place_type.in_(ADMIN_TYPES),
            place.c.boundary.is_not(None),
            # nothing to place: read no polygons
            literal(bool(unplaced.any())),
        ),
    )
    return CasualtyFrames(accidents, victims, devices, places, hazard_frame, boundaries)


def hazards_near(
    conn: Connection, accidents: pd.DataFrame, near_m: float
) -> pd.DataFrame:
    """Approved hazards whose bounding box is within ``near_m`` of an accident.

    Boxes are compared in degrees, with ``near_m`` turned into degrees of
    longitude at the accidents' highest latitude (the widest a metre gets),
    so no hazard within ``near_m`` is missed.
    """
    haz = table("hazard")
    boxes = read_frame(
        conn, "hazard", ("id", *BBOX), haz.c.review_state == APPROVED
    ).dropna()
    located = accidents.dropna(subset=["lon", "lat"])
    if boxes.empty or located.empty:
        return pd.DataFrame({"id": pd.Series(dtype="int64"), "geom": []})
    widest = min(float(located["lat"].abs().max()), 89.0)
    pad = near_m / (METRES_PER_DEGREE * math.cos(math.radians(widest))) * 1.05
    tree = shapely.STRtree(shapely.box(*(boxes[c].to_numpy(float) for c in BBOX)))
    points = shapely.points(located["lon"].to_numpy(), located["lat"].to_numpy())
    _, hit = tree.query(points, predicate="dwithin", distance=pad)
    ids = sorted(int(i) for i in boxes["id"].to_numpy()[np.unique(hit)])
    parts = [
        read_frame(conn, "hazard", ("id", "geom"), haz.c.id.in_(ids[i : i + CHUNK]))
        for i in range(0, len(ids), CHUNK)
    ]
    if not parts:
        return pd.DataFrame({"id": pd.Series(dtype="int64"), "geom": []})
    return pd.concat(parts, ignore_index=True)


def _points(frame: pd.DataFrame) -> pd.DataFrame:
    geoms = frame.pop("geom").to_numpy(dtype=object)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    lon = np.full(len(frame), np.nan)
    lat = np.full(len(frame), np.nan)
    if present.any():
        lon[present] = shapely.get_x(geoms[present])
        lat[present] = shapely.get_y(geoms[present])
    frame["lon"] = lon
    frame["lat"] = lat
    frame["occurred_on"] = pd.to_datetime(frame["occurred_on"], errors="coerce")
    return frame
