# SPDX-License-Identifier: GPL-3.0-or-later
"""Read the register layers prediction needs, and its hazards (I/O).

Only approved records count, as in the national figures: a draft find or a
rejected release must not make a cell positive or negative.
"""

from __future__ import annotations

import pandas as pd
import shapely
from sqlalchemy.engine import Connection

from demine.domain.vocab import PlaceType, ReviewState
from demine.predict.layers import Sources
from demine.store.bulk import read_frame, table
from demine.store.database import Database

APPROVED = ReviewState.APPROVED.value
#: Admin levels from the finest to the coarsest.
ADMIN_LEVELS = (PlaceType.ADMIN2.value, PlaceType.ADMIN1.value, PlaceType.COUNTRY.value)


def _approved(conn: Connection, name: str, columns: list[str]) -> pd.DataFrame:
    tbl = table(name)
    return read_frame(conn, name, columns, tbl.c.review_state == APPROVED)


def read_sources(db: Database, admin_level: str | None = None) -> Sources:
    """Every layer features and labels come from, in lon/lat.

    ``admin_level`` picks the admin areas (``admin1``, ``admin2`` or
    ``country``); by default the finest level that has boundaries.
    """
    with db.transaction() as conn:
        places = _approved(
            conn,
            "place",
            ["id", "name", "code", "place_type", "boundary", "location", "population"],
        )
        frames = {
            "reference": _approved(conn, "reference_feature", ["kind", "name", "geom"]),
            "finds": _approved(conn, "eo_item", ["category", "geom"]),
            "accidents": _approved(conn, "accident", ["geom"]),
            "hazards": _approved(conn, "hazard", ["id", "hazard_class", "geom"]),
            "releases": _approved(conn, "release", ["kind", "geom"]),
        }
    return Sources(
        areas=admin_areas(places, admin_level),
        settlements=_settlements(places),
        **frames,
    )


def admin_areas(places: pd.DataFrame, level: str | None = None) -> pd.DataFrame:
    """Admin areas of one level with a boundary: ``name``, ``code``, ``geom``."""
    kinds = places["place_type"].astype(str)
    has = ~shapely.is_missing(places["boundary"].to_numpy(dtype=object))
    levels = [level] if level else list(ADMIN_LEVELS)
    for lvl in levels:
        chosen = places[(kinds == lvl) & has]
        if len(chosen):
            return pd.DataFrame(
                {
                    "name": chosen["name"].astype(object).to_numpy(),
                    "code": chosen["code"].astype(object).to_numpy(),
                    "geom": chosen["boundary"].to_numpy(dtype=object),
                }
            )
    return pd.DataFrame({"name": [], "code": [], "geom": []})


def _settlements(places: pd.DataFrame) -> pd.DataFrame:
    chosen = places[places["place_type"].astype(str) == PlaceType.SETTLEMENT.value]
    geom = chosen["location"].to_numpy(dtype=object)
    return pd.DataFrame({"name": chosen["name"].to_numpy(dtype=object), "geom": geom})


def read_hazards(db: Database) -> pd.DataFrame:
    """Approved hazards: ``id``, ``external_id``, ``name``, ``status``, ``geom``."""
    with db.transaction() as conn:
        return _approved(
            conn,
            "hazard",
            ["id", "external_id", "name", "hazard_class", "status", "geom"],
        )
