# SPDX-License-Identifier: GPL-3.0-or-later
"""What team tasking reads from the register: teams, open hazards, returns.

Only approved records count, as in the national figures. A hazard's location
is the centre of its bounding box (enough for travel distances of tens of
kilometres, and no geometry has to be decoded).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import and_
from sqlalchemy.engine import Connection

from demine.domain.vocab import Blockage, HazardStatus, PlaceType, ReviewState
from demine.store.bulk import read_frame
from demine.store.schema import Hazard, Place, Team

APPROVED = ReviewState.APPROVED.value
#: Hazards a team can be sent to: open or being worked on (not suspended).
WORKABLE = (HazardStatus.OPEN.value, HazardStatus.WORKED_ON.value)


def active_teams(conn: Connection) -> pd.DataFrame:
    """Approved, active teams indexed by id: name, method, m²/day, base lon/lat
    and organisation."""
    frame = read_frame(
        conn,
        "team",
        ["id", "name", "method", "productivity_m2_day", "organisation_id", "base"],
        where=and_(Team.review_state == APPROVED, Team.active.is_(True)),
    )
    base = frame.pop("base").to_numpy(dtype=object)
    has = np.array([g is not None and not g.is_empty for g in base], dtype=bool)
    lon = np.full(len(frame), np.nan)
    lat = np.full(len(frame), np.nan)
    if has.any():
        lon[has] = shapely.get_x(base[has])
        lat[has] = shapely.get_y(base[has])
    frame["lon"], frame["lat"] = lon, lat
    frame["method"] = frame["method"].astype(str)
    return frame.set_index("id")


def workable_hazards(conn: Connection) -> pd.DataFrame:
    """Approved open or worked-on hazards with area left, indexed by id.

    ``return_on`` is the planned return date of the settlement a hazard
    blocks (only when its blockages include ``settlement``).
    """
    columns = [
        "id", "name", "hazard_class", "land_use", "blockages", "remaining_m2",
        "settlement_id", "min_lon", "min_lat", "max_lon", "max_lat",
    ]  # fmt: skip
    frame = read_frame(
        conn,
        "hazard",
        columns,
        where=and_(
            Hazard.review_state == APPROVED,
            Hazard.status.in_(WORKABLE),
            Hazard.remaining_m2 > 0,
        ),
    )
    frame["lon"] = (frame.pop("min_lon") + frame.pop("max_lon")) / 2
    frame["lat"] = (frame.pop("min_lat") + frame.pop("max_lat")) / 2
    frame["hazard_class"] = frame["hazard_class"].astype(str)
    frame["land_use"] = frame["land_use"].astype(object)
    places = read_frame(
        conn,
        "place",
        ["id", "name", "planned_return_on"],
        where=and_(
            Place.place_type == PlaceType.SETTLEMENT.value,
            Place.planned_return_on.is_not(None),
        ),
    ).set_index("id")
    returns = frame["settlement_id"].map(places["planned_return_on"])
    settlement = frame["settlement_id"].map(places["name"])
    blocks = (
        frame["blockages"]
        .map(lambda b: Blockage.SETTLEMENT.value in (b or []))
        .astype(bool)
    )
    frame["return_on"] = returns.where(blocks, None).astype(object)
    frame["settlement"] = settlement.where(blocks, None).astype(object)
    return frame.set_index("id")
