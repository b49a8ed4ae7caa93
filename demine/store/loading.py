# SPDX-License-Identifier: GPL-3.0-or-later
"""Loading whole frames into the register, and keeping the ledger current."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pandas as pd
from sqlalchemy import bindparam, update
from sqlalchemy.engine import Connection

from demine.domain.ledger import Ledger
from demine.domain.vocab import ReviewState
from demine.store.bulk import Progress, insert_frame, read_frame, table
from demine.store.database import Database
from demine.store.derived import (
    derive,
    hazard_ledger_columns,
    release_ledger_columns,
    run_ledger,
)

log = logging.getLogger(__name__)

# Parents before children, so foreign keys hold at every insert.
LOAD_ORDER = (
    "organisation",
    "place",
    "team",
    "eo_model",
    "hazard",
    "activity",
    "release",
    "eo_item",
    "accident",
    "victim",
    "eore_session",
    "qm_finding",
    "funding",
    "reference_feature",
)

StartProgress = Callable[[str, int], Progress]


def load_register(
    db: Database,
    frames: dict[str, pd.DataFrame],
    *,
    progress: StartProgress | None = None,
) -> dict[str, int]:
    """Derive areas and ledger, then insert every frame in one transaction.

    Returns the number of rows written per table. On any error nothing is
    written.
    """
    unknown = set(frames) - set(LOAD_ORDER)
    if unknown:
        raise ValueError(f"not register tables: {sorted(unknown)}")
    ready, _ = derive(frames)
    counts: dict[str, int] = {}
    with db.transaction() as conn:
        for name in LOAD_ORDER:
            frame = ready.get(name)
            if frame is None or frame.empty:
                continue
            advance = progress(name, len(frame)) if progress else None
            counts[name] = insert_frame(conn, name, frame, progress=advance)
    return counts


def read_ledger_input(conn: Connection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Approved hazards and releases as the ledger needs them."""
    approved = ReviewState.APPROVED.value
    hazards = read_frame(
        conn, "hazard", ["id", "geom"], table("hazard").c.review_state == approved
    )
    releases = read_frame(
        conn,
        "release",
        ["id", "hazard_id", "kind", "released_on", "reported_area_m2", "geom"],
        table("release").c.review_state == approved,
    )
    return hazards, releases


def recompute_ledger(conn: Connection) -> Ledger:
    """Recompute every hazard's and release's ledger columns from geometry."""
    hazards, releases = read_ledger_input(conn)
    ledger = run_ledger(hazards, releases)
    _write_columns(conn, "hazard", hazards["id"], hazard_ledger_columns(ledger))
    _write_columns(conn, "release", releases["id"], release_ledger_columns(ledger))
    return ledger


def _write_columns(
    conn: Connection, name: str, ids: pd.Series, columns: dict[str, object]
) -> None:
    if ids.empty:
        return
    tbl = table(name)
    frame = pd.DataFrame(columns)
    frame["_id"] = ids.to_numpy()
    stmt = (
        update(tbl)
        .where(tbl.c.id == bindparam("_id"))
        .values({c: bindparam(c) for c in columns})
    )
    rows = frame.astype(object).to_dict("records")
    conn.execute(stmt, rows)
