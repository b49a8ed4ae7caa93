# SPDX-License-Identifier: GPL-3.0-or-later
"""The published contamination risk in the register: write it, read it back.

A scoring run is published whole: its cells (the map layer) and its risk per
hazard (the prioritisation criterion) replace the previous run's in one
transaction, so readers never see half of one run and half of another.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from demine.errors import StoreError
from demine.i18n import _
from demine.i18n.numbers import number
from demine.store.backends import backend_of
from demine.store.bulk import indexes_rebuilt, insert_frame, table
from demine.store.database import Database

CELLS = "risk_cell"
HAZARDS = "hazard_risk"


@dataclass(frozen=True)
class Published:
    """What one publication wrote."""

    cells: int
    hazards: int
    model: str | None
    scored_at: dt.datetime


def _unit(values: pd.Series, what: str) -> np.ndarray:
    risk = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64)
    bad = np.flatnonzero(~np.isfinite(risk) | (risk < 0) | (risk > 1))
    if len(bad):
        raise StoreError(
            _(
                "%(what)s: risk must be a number from 0 to 1; row %(row)s has "
                "%(value)s (%(n)s such rows)",
                what=what,
                row=int(bad[0]) + 1,
                value=values.iloc[bad[0]],
                n=number(len(bad)),
            )
        )
    return risk


def _interval(cells: pd.DataFrame, name: str, keep: np.ndarray) -> np.ndarray:
    if name not in cells:
        return np.full(int(keep.sum()), np.nan)
    values = pd.to_numeric(cells[name][keep], errors="coerce")
    present = values.notna()
    if present.any():
        _unit(values[present], f"risk cells {name}")
    return values.to_numpy(dtype=np.float64)


def _flags(frame: pd.DataFrame, keep: np.ndarray | None = None) -> np.ndarray:
    """The ``applicable`` column as booleans (all true when absent)."""
    n = len(frame) if keep is None else int(keep.sum())
    if "applicable" not in frame:
        return np.ones(n, dtype=bool)
    values = frame["applicable"] if keep is None else frame["applicable"][keep]
    return pd.to_numeric(values, errors="coerce").fillna(1).to_numpy() != 0


def cell_rows(cells: pd.DataFrame, model: str | None, at: dt.datetime) -> pd.DataFrame:
    """``risk_cell`` rows from ``geom`` (lon/lat polygons) and ``risk``, with
    ``risk_low`` / ``risk_high`` and ``applicable`` when given.

    Cells without a shape are left out; a risk outside [0, 1] is an error.
    """
    geoms = np.asarray(cells["geom"], dtype=object)
    keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    geoms = geoms[keep]
    risk = _unit(cells["risk"][keep], "risk cells")
    bounds = shapely.bounds(geoms).reshape(-1, 4)
    return pd.DataFrame(
        {
            "geom": geoms,
            "risk": risk,
            "risk_low": _interval(cells, "risk_low", keep),
            "risk_high": _interval(cells, "risk_high", keep),
            "applicable": _flags(cells, keep),
            "model": model,
            "scored_at": pd.Series([at] * len(geoms), dtype=object),
            "min_lon": bounds[:, 0],
            "min_lat": bounds[:, 1],
            "max_lon": bounds[:, 2],
            "max_lat": bounds[:, 3],
        }
    )


def hazard_rows(
    hazards: pd.DataFrame, model: str | None, at: dt.datetime
) -> pd.DataFrame:
    """``hazard_risk`` rows from ``hazard_id``, ``risk``, ``risk_max``, ``cells``.

    Hazards no cell reached (risk missing) are left out.
    """
    scored = hazards[pd.to_numeric(hazards["risk"], errors="coerce").notna()]
    ids = pd.to_numeric(scored["hazard_id"], errors="coerce")
    if ids.isna().any() or ids.duplicated().any():
        raise StoreError(_("hazard risk: every row needs a hazard_id, once"))
    return pd.DataFrame(
        {
            "hazard_id": ids.astype(np.int64).to_numpy(),
            "risk": _unit(scored["risk"], "hazard risk"),
            "risk_max": _unit(scored["risk_max"], "hazard risk_max"),
            "cells": pd.to_numeric(scored["cells"]).fillna(0).astype(np.int64),
            "applicable": _flags(scored),
            "model": model,
            "scored_at": pd.Series([at] * len(scored), dtype=object),
        }
    )


def _clear(conn: Connection, name: str) -> None:
    backend_of(conn).clear(conn, name)


def publish_risk(
    db: Database,
    cells: pd.DataFrame,
    hazards: pd.DataFrame,
    model: str | None = None,
    scored_at: dt.datetime | None = None,
) -> Published:
    """Replace the published risk with ``cells`` and ``hazards``, atomically.

    ``cells`` has ``geom`` (shapely polygons in lon/lat) and ``risk``;
    ``hazards`` has ``hazard_id``, ``risk`` (mean), ``risk_max`` and
    ``cells``. ``model`` names the model that scored them.
    """
    at = scored_at or dt.datetime.now(dt.UTC)
    cell_frame = cell_rows(cells, model, at)
    hazard_frame = hazard_rows(hazards, model, at)
    with db.transaction(write=True) as conn:
        _clear(conn, HAZARDS)
        _clear(conn, CELLS)
        with indexes_rebuilt(conn, CELLS, len(cell_frame)):
            n_cells = insert_frame(conn, CELLS, cell_frame)
        n_hazards = _insert_hazards(conn, hazard_frame)
    return Published(n_cells, n_hazards, model, at)


def _insert_hazards(conn: Connection, frame: pd.DataFrame) -> int:
    if frame.empty:
        return 0
    # All ids, not an IN list: SQLite allows only so many bound parameters.
    known = np.fromiter(
        conn.execute(select(table("hazard").c.id)).scalars(), dtype=np.int64
    )
    wanted = frame["hazard_id"].to_numpy(dtype=np.int64)
    missing = np.unique(wanted[~np.isin(wanted, known)]).tolist()
    if missing:
        raise StoreError(
            _(
                "hazard risk names %(n)s hazards the register does not hold, e.g. "
                "%(missing)s: score against this register's hazards",
                n=number(len(missing)),
                missing=missing[:5],
            )
        )
    return insert_frame(conn, HAZARDS, frame)


@contextmanager
def _reading(source: Connection | Database) -> Iterator[Connection]:
    """The caller's connection, or a transaction of our own on a Database."""
    if isinstance(source, Connection):
        yield source
        return
    with source.transaction() as conn:
        yield conn


def hazard_risks(
    source: Connection | Database, applicable_only: bool = False
) -> pd.Series:
    """The published risk of each hazard: index hazard id, values 0 to 1.

    Named ``risk``; empty when no risk has been published. With
    ``applicable_only``, hazards outside the model's area of applicability
    are left out.
    """
    tbl = table(HAZARDS)
    stmt = select(tbl.c.hazard_id, tbl.c.risk).order_by(tbl.c.hazard_id)
    if applicable_only:
        stmt = stmt.where(tbl.c.applicable.is_(True))
    with _reading(source) as conn:
        rows = conn.execute(stmt).all()
    ids = [int(r[0]) for r in rows]
    values = np.array([float(r[1]) for r in rows], dtype=np.float64)
    index = pd.Index(ids, dtype=np.int64, name="hazard_id")
    return pd.Series(values, index=index, name="risk", dtype=np.float64)


def published(source: Connection | Database) -> dict[str, object]:
    """How many cells and hazards are published, by which model, and when,
    and how many cells lie outside the model's area of applicability.

    ``cell_deg`` is the width in degrees of one cell (cells of a run share a
    size), for the map to choose the zoom from which the layer is drawn.
    """
    cells, hazards = table(CELLS), table(HAZARDS)
    first = select(cells.c.max_lon - cells.c.min_lon).order_by(cells.c.id).limit(1)
    stmt = select(
        select(func.count()).select_from(cells).scalar_subquery(),
        select(func.count()).select_from(hazards).scalar_subquery(),
        select(func.max(cells.c.model)).scalar_subquery(),
        select(func.max(cells.c.scored_at)).scalar_subquery(),
        first.scalar_subquery(),
        select(func.count())
        .select_from(cells)
        .where(cells.c.applicable.is_(False))
        .scalar_subquery(),
    )
    with _reading(source) as conn:
        row = conn.execute(stmt).one()
    return {
        "cells": int(row[0]),
        "hazards": int(row[1]),
        "model": row[2],
        "scored_at": row[3],
        "cell_deg": float(row[4]) if row[4] is not None else None,
        "outside": int(row[5]),
    }
