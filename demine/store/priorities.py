# SPDX-License-Identifier: GPL-3.0-or-later
"""The hazards prioritisation reads (:mod:`demine.analysis.priorities.criteria`):
approved, with one of the asked statuses, geometry decoded in one call."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import LargeBinary, String, Text, and_, cast, select, type_coerce
from sqlalchemy.engine import Connection

from demine.domain.vocab import ReviewState
from demine.store.bulk import table
from demine.store.types import decode_many

APPROVED = ReviewState.APPROVED.value

TEXT_COLUMNS = ("hazard_class", "status", "evidence", "reliability", "land_use")
JSON_COLUMNS = ("contamination", "blockages")
NUMBER_COLUMNS = (
    "women",
    "men",
    "girls",
    "boys",
    "settlement_id",
    "area_m2",
    "remaining_m2",
)


def read_hazards(conn: Connection, statuses: tuple[str, ...]) -> pd.DataFrame:
    """Approved hazards with one of ``statuses``, by id, geometry decoded."""
    hz = table("hazard")
    where = and_(hz.c.review_state == APPROVED, hz.c.status.in_(statuses))
    columns = [
        hz.c.id,
        hz.c.name,
        *[cast(hz.c[c], String).label(c) for c in TEXT_COLUMNS],
        *[cast(hz.c[c], Text).label(c) for c in JSON_COLUMNS],
        *[hz.c[c] for c in NUMBER_COLUMNS],
        # Raw geometry, decoded below in one vectorised call.
        type_coerce(hz.c.geom, LargeBinary()).label("geom"),
    ]
    rows = conn.execute(select(*columns).where(where).order_by(hz.c.id)).all()
    names = [c.name for c in columns]
    data = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    frame = pd.DataFrame(
        {n: pd.Series(v, dtype=object) for n, v in zip(names, data, strict=True)}
    )
    for c in NUMBER_COLUMNS:
        frame[c] = pd.to_numeric(frame[c], errors="coerce")
    for c in (*TEXT_COLUMNS, *JSON_COLUMNS):
        frame[c] = frame[c].fillna("").astype(str)
    frame["id"] = frame["id"].astype(np.int64)
    frame["geom"] = decode_many(frame["geom"].to_numpy(dtype=object))
    return frame.set_index("id")
