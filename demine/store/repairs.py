# SPDX-License-Identifier: GPL-3.0-or-later
"""Writing geometry repairs back, each with its audit record."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import bindparam, insert, update
from sqlalchemy.engine import Connection

from demine.geo.repair import RepairResult
from demine.store.bulk import table
from demine.store.derived import BBOX
from demine.store.schema import GeometryRepair
from demine.store.types import encode_many


def apply(
    conn: Connection, entity: str, before: pd.DataFrame, result: RepairResult
) -> int:
    """Store repaired geometries of ``entity`` and one audit row per change.

    ``before`` has the ``id`` and ``geom`` columns the repair was run on, in
    the same order as ``result.geometries``.
    """
    if not result.repairs:
        return 0
    changed = {r.id for r in result.repairs}
    mask = before["id"].isin(changed).to_numpy()
    ids = before["id"].to_numpy()[mask]
    old = before["geom"].to_numpy(dtype=object)[mask]
    new = np.asarray(result.geometries, dtype=object)[mask]
    tbl = table(entity)
    bounds = shapely.bounds(new)
    rows = [
        {"_id": int(i), "geom": g, **dict(zip(BBOX, map(_num, b), strict=True))}
        for i, g, b in zip(
            ids, encode_many(new, conn.dialect.name), bounds, strict=True
        )
    ]
    conn.execute(
        update(tbl)
        .where(tbl.c.id == bindparam("_id"))
        .values(
            geom=bindparam("geom", type_=tbl.c.geom.type),
            **{c: bindparam(c) for c in BBOX},
            version=tbl.c.version + 1,
        ),
        rows,
    )
    old_wkb = dict(zip(ids.tolist(), _wkb(old), strict=True))
    conn.execute(
        insert(GeometryRepair),
        [
            {
                "entity": entity,
                "record_id": int(r.id),
                "rule": str(r.rule),
                "message": r.message,
                "before_wkb": old_wkb.get(r.id),
            }
            for r in result.repairs
        ],
    )
    return len(result.repairs)


def _wkb(geoms: np.ndarray) -> list[bytes | None]:
    return [None if g is None else shapely.to_wkb(g) for g in geoms]


def _num(value: float) -> float | None:
    return None if np.isnan(value) else float(value)
