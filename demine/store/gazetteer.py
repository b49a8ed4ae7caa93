# SPDX-License-Identifier: GPL-3.0-or-later
"""Records placed in the register's admin areas and settlements on entry.

A hazard or accident entered without its admin area (or a hazard without
its settlement) gets the one its geometry lies in
(:class:`demine.geo.places.Gazetteer`), whichever way it was entered: the
forms, the API and ``demine add`` (:func:`place_record`) or an import or a
field form (:func:`place_frame`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.engine import Connection

from demine.geo.places import NONE, Gazetteer
from demine.store.bulk import read_frame

# Which place columns each kind of record has: (admin area, settlement).
PLACED: dict[str, tuple[str, str | None]] = {
    "hazard": ("admin_area_id", "settlement_id"),
    "accident": ("admin_area_id", None),
}


def read_gazetteer(conn: Connection) -> Gazetteer:
    """The register's admin boundaries and settlements."""
    places = read_frame(conn, "place", ["id", "place_type", "boundary", "location"])
    return Gazetteer.from_places(places)


def place_record(conn: Connection, kind: str, obj: Any) -> None:
    """Fill an ORM record's empty admin area and settlement from its geometry."""
    columns = PLACED.get(kind)
    geom = getattr(obj, "geom", None)
    if columns is None or geom is None:
        return
    wanted = [c for c in columns if c is not None and getattr(obj, c) is None]
    if not wanted:
        return
    areas, towns = read_gazetteer(conn).locate([geom])
    for column, found in zip(columns, (areas[0], towns[0]), strict=True):
        if column in wanted and found != NONE:
            setattr(obj, column, int(found))


def place_frame(conn: Connection, kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with empty admin areas and settlements filled from ``geom``.

    Missing columns are added; values the rows give are kept.
    """
    columns = PLACED.get(kind)
    if columns is None or "geom" not in frame or frame.empty:
        return frame
    areas, towns = read_gazetteer(conn).locate(frame["geom"].to_numpy(dtype=object))
    out = frame.copy()
    for column, found in zip(columns, (areas, towns), strict=True):
        if column is None:
            continue
        given = (
            pd.to_numeric(out[column], errors="coerce").to_numpy(dtype=float)
            if column in out
            else np.full(len(out), np.nan)
        )
        derived = np.where(found == NONE, np.nan, found.astype(float))
        merged = np.where(np.isnan(given), derived, given)
        out[column] = pd.array(
            [None if np.isnan(v) else int(v) for v in merged], dtype="Int64"
        )
    return out
