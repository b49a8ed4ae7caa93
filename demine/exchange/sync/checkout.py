# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine checkout``: a field register (SQLite) made from headquarters'.

The laptop register gets the selected records as they are at headquarters
(ids, versions, derived figures, review states), the users of the
organisation (so its people log in offline), and on both sides the peer
bookkeeping: each register names the other and records which version of
every copied record the other holds, the common base of later edits.
Headquarters' side is one transaction that commits only once the laptop
file is complete, so a failed checkout leaves neither behind.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from demine.domain.identity import new_uid
from demine.errors import DemineError
from demine.exchange.entities import KINDS
from demine.exchange.sync.peers import add_peer, own_peer, set_held
from demine.exchange.sync.selection import Selection, selected_ids
from demine.i18n import _
from demine.store.bulk import (
    check_foreign_keys,
    foreign_keys_deferred,
    insert_frame,
    read_frame,
    table,
)
from demine.store.database import Database
from demine.store.upsert import read_by_ids

ORIGIN_NAME = "hq"


@dataclass
class CheckoutResult:
    """What a checkout copied: rows per table, and the names both sides use."""

    path: Path
    name: str
    counts: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"file": str(self.path), "name": self.name, "counts": self.counts}


def checkout(
    hq: Database, target: Path, selection: Selection, name: str | None = None
) -> CheckoutResult:
    """Make the field register ``target`` from ``hq`` with what ``selection``
    holds; ``target`` is a new file, or an empty register (``demine init``)."""
    hq.require_initialised()
    fresh = not target.exists()
    if not fresh:
        _check_empty(target)
    name = name or target.stem
    part = target.with_name(target.name + ".part") if fresh else target
    if fresh:
        part.unlink(missing_ok=True)
    laptop_uid = new_uid()
    result = CheckoutResult(target, name)
    try:
        with hq.transaction(write=True) as conn:
            me = own_peer(conn)
            frames = _selected_frames(conn, selection)
            users = _users(conn, selection)
            peer_id = add_peer(
                conn, uid=laptop_uid, name=name, selection=selection.as_dict()
            )
            for kind, frame in frames.items():
                set_held(conn, peer_id, kind, _versions(frame), unacknowledged=False)
            _write_laptop(part, frames, users, laptop_uid, me.uid)
            result.counts = {k: len(f) for k, f in frames.items()}
            result.counts["app_user"] = len(users)
        if fresh:
            os.replace(part, target)
    finally:
        if fresh:
            part.unlink(missing_ok=True)
    return result


def _check_empty(target: Path) -> None:
    """``target`` may receive a checkout: a register holding nothing yet."""
    laptop = Database(f"sqlite:///{target}")
    try:
        empty = laptop.is_initialised()
        if empty:
            with laptop.transaction() as conn:
                for name in (*KINDS, "app_user", "sync_peer"):
                    if conn.execute(
                        select(func.count()).select_from(table(name))
                    ).scalar():
                        empty = False
                        break
    except DemineError:
        empty = False
    finally:
        laptop.dispose()
    if not empty:
        raise DemineError(
            _(
                "%(file)s exists already and is not an empty register; choose a "
                "new file for the field register",
                file=target,
            )
        )


def _versions(frame: pd.DataFrame) -> list[tuple[str, int]]:
    return list(
        zip(frame["uid"].astype(str), frame["version"].astype(int), strict=True)
    )


def _selected_frames(conn: Connection, selection: Selection) -> dict[str, pd.DataFrame]:
    ids = selected_ids(conn, selection)
    if ids is None:
        return {k: read_frame(conn, k) for k in KINDS}
    return {
        k: read_by_ids(conn, k, [c.name for c in table(k).c], sorted(ids[k]))
        for k in KINDS
    }


def _users(conn: Connection, selection: Selection) -> pd.DataFrame:
    users = read_frame(conn, "app_user")
    if selection.organisation is None:
        return users
    mine = users["organisation_id"] == int(selection.organisation)
    return users[mine.to_numpy(dtype=bool)].reset_index(drop=True)


def _write_laptop(
    path: Path,
    frames: dict[str, pd.DataFrame],
    users: pd.DataFrame,
    laptop_uid: str,
    hq_uid: str,
) -> None:
    laptop = Database(f"sqlite:///{path}")
    try:
        laptop.upgrade()
        with (
            laptop.connect(write=True) as conn,
            foreign_keys_deferred(conn),
            conn.begin(),
        ):
            for kind, frame in frames.items():
                insert_frame(conn, kind, frame)
            insert_frame(conn, "app_user", users)
            check_foreign_keys(conn, [*frames, "app_user"])
            own_peer(conn, uid=laptop_uid)
            hq_id = add_peer(conn, uid=hq_uid, name=ORIGIN_NAME, origin=True)
            for kind, frame in frames.items():
                set_held(conn, hq_id, kind, _versions(frame), unacknowledged=False)
    finally:
        laptop.dispose()
