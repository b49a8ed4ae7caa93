# SPDX-License-Identifier: GPL-3.0-or-later
"""Loading whole frames into the register, and keeping the ledger current."""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from demine.domain.ledger import Ledger
from demine.domain.vocab import ReviewState
from demine.errors import StoreError
from demine.i18n import _
from demine.store.bulk import (
    Progress,
    check_foreign_keys,
    foreign_keys_deferred,
    indexes_rebuilt,
    insert_frame,
    read_frame,
    table,
)
from demine.store.database import Database
from demine.store.derived import (
    derive,
    hazard_ledger_columns,
    release_ledger_columns,
    run_ledger,
)
from demine.store.schema import LOAD_ORDER
from demine.store.upsert import update_frame

log = logging.getLogger(__name__)


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
    tick = progress("areas and ledger", 1) if progress else None
    ready, _unused = derive(frames)
    if tick is not None:
        tick(1)
    counts: dict[str, int] = {}
    current = ""
    try:
        with db.connect(write=True) as conn, foreign_keys_deferred(conn), conn.begin():
            for current in LOAD_ORDER:
                frame = ready.get(current)
                if frame is None or frame.empty:
                    continue
                advance = progress(current, len(frame)) if progress else None
                with indexes_rebuilt(conn, current, len(frame)):
                    counts[current] = insert_frame(
                        conn, current, frame, progress=advance
                    )
            current = "foreign keys"
            check_foreign_keys(conn, counts)
    except DBAPIError as exc:
        # The driver's own words say which row and constraint; nothing was kept.
        detail = str(exc.orig).strip().splitlines()
        raise StoreError(
            _(
                "loading %(current)s failed, nothing was written: %(values)s",
                current=current,
                values=" ".join(detail[:2]),
            )
        ) from exc
    return counts


HAZARD_LEDGER = ("area_m2", "cancelled_m2", "reduced_m2", "cleared_m2", "remaining_m2")
RELEASE_LEDGER = ("area_m2", "effective_m2", "outside_m2", "double_m2")


def read_ledger_input(conn: Connection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Approved hazards and releases as the ledger needs them, with the
    ledger columns as stored now."""
    approved = ReviewState.APPROVED.value
    hazards = read_frame(
        conn,
        "hazard",
        ["id", "geom", *HAZARD_LEDGER],
        table("hazard").c.review_state == approved,
    )
    releases = read_frame(
        conn,
        "release",
        [
            "id",
            "hazard_id",
            "kind",
            "released_on",
            "reported_area_m2",
            "geom",
            *RELEASE_LEDGER,
        ],
        table("release").c.review_state == approved,
    )
    return hazards, releases


def recompute_ledger(conn: Connection) -> Ledger:
    """Recompute every hazard's and release's ledger columns from geometry.

    Only rows whose figures changed are written, so checking a register that
    is already consistent writes nothing.
    """
    hazards, releases = read_ledger_input(conn)
    ledger = run_ledger(hazards, releases)
    _write_changed(conn, "hazard", hazards, hazard_ledger_columns(ledger))
    _write_changed(conn, "release", releases, release_ledger_columns(ledger))
    return ledger


def _write_changed(
    conn: Connection,
    name: str,
    stored: pd.DataFrame,
    computed: dict[str, NDArray[np.float64]],
) -> int:
    """Write the ledger figures that differ from the stored ones; rows written."""
    if stored.empty:
        return 0
    names = list(computed)
    new = np.column_stack([np.asarray(computed[c], dtype=float) for c in names])
    old = stored[names].to_numpy(dtype=float, na_value=np.nan)
    # The whole register's pass puts every figure in one frame, and writes
    # those that moved beyond rounding (a record's own recomputation, on an
    # edit, keeps a figure within its measuring noise: editing.update_hazard_ledger).
    changed = ~np.isclose(new, old, rtol=1e-9, atol=1e-6).all(axis=1)
    if not changed.any():
        return 0
    frame = pd.DataFrame(new[changed], columns=names)
    frame.insert(0, "id", stored["id"].to_numpy()[changed])
    # One COPY and one UPDATE on PostgreSQL rather than a statement per row.
    written = update_frame(conn, name, frame, touch=False)
    log.info("ledger: updated %d %s rows", written, name)
    return written
