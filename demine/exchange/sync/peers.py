# SPDX-License-Identifier: GPL-3.0-or-later
"""What a register knows of itself and its peers (the ``sync_*`` tables)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy import and_, bindparam, insert, select, update
from sqlalchemy.engine import Connection

from demine.domain.identity import new_uid
from demine.errors import DemineError
from demine.i18n import _
from demine.store.schema import SyncPeer, SyncRecord

SELF_NAME = "self"


def own_peer(conn: Connection, uid: str | None = None) -> Any:
    """This register's own row, made on first use (its identity for peers)."""
    row = conn.execute(select(SyncPeer).where(SyncPeer.is_self.is_(True))).first()
    if row is not None:
        return row
    conn.execute(
        insert(SyncPeer).values(
            uid=uid or new_uid(),
            name=SELF_NAME,
            is_self=True,
            origin=False,
            exported_seq=0,
            imported_seq=0,
        )
    )
    return conn.execute(select(SyncPeer).where(SyncPeer.is_self.is_(True))).one()


def add_peer(
    conn: Connection,
    *,
    uid: str,
    name: str,
    origin: bool = False,
    url: str | None = None,
    selection: dict[str, Any] | None = None,
) -> int:
    """Add a peer; a clear error when its name is taken."""
    taken = conn.execute(select(SyncPeer.id).where(SyncPeer.name == name)).first()
    if taken is not None:
        raise DemineError(
            _(
                "a register named %(name)s already syncs with this one; "
                "choose another name with --name",
                name=name,
            )
        )
    result = conn.execute(
        insert(SyncPeer).values(
            uid=uid,
            name=name,
            is_self=False,
            origin=origin,
            url=url,
            selection=selection,
            exported_seq=0,
            imported_seq=0,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def peers(conn: Connection) -> list[Any]:
    """Every peer of this register, by name."""
    stmt = select(SyncPeer).where(SyncPeer.is_self.is_(False)).order_by(SyncPeer.name)
    return list(conn.execute(stmt))


def find_peer(conn: Connection, name: str | None) -> Any:
    """The peer called ``name``, or the only one; a clear error otherwise."""
    known = peers(conn)
    if name is None:
        if len(known) == 1:
            return known[0]
        if not known:
            raise DemineError(
                _(
                    "this register syncs with no other; make a field register "
                    "with demine checkout first"
                )
            )
        raise DemineError(
            _(
                "this register syncs with several; choose one with --peer (%(names)s)",
                names=", ".join(p.name for p in known),
            )
        )
    for peer in known:
        if name in (peer.name, peer.uid):
            return peer
    raise DemineError(
        _(
            "no register named %(name)s syncs with this one (known: %(names)s)",
            name=name,
            names=", ".join(p.name for p in known) or "-",
        )
    )


def peer_by_uid(conn: Connection, uid: str) -> Any | None:
    return conn.execute(select(SyncPeer).where(SyncPeer.uid == uid)).first()


def set_held(
    conn: Connection,
    peer_id: int,
    kind: str,
    versions: Iterable[tuple[str, int]],
    *,
    unacknowledged: bool,
) -> None:
    """Record that ``peer_id`` holds these (uid, version) of ``kind``."""
    items = {uid: int(v) for uid, v in versions}
    if not items:
        return
    known = held_versions(conn, peer_id, kind, list(items))
    new = [u for u in items if u not in known]
    old = [u for u in items if u in known]
    if new:
        conn.execute(
            insert(SyncRecord),
            [
                {
                    "peer_id": peer_id,
                    "entity": kind,
                    "uid": u,
                    "version": items[u],
                    "unacknowledged": unacknowledged,
                }
                for u in new
            ],
        )
    if old:
        stmt = (
            update(SyncRecord)
            .where(
                and_(
                    SyncRecord.peer_id == peer_id,
                    SyncRecord.entity == kind,
                    SyncRecord.uid == bindparam("u"),
                )
            )
            .values(version=bindparam("v"), unacknowledged=unacknowledged)
        )
        conn.execute(stmt, [{"u": u, "v": items[u]} for u in old])


def held_versions(
    conn: Connection, peer_id: int, kind: str, uids: list[str] | None = None
) -> dict[str, int]:
    """uid -> the version of each ``kind`` record ``peer_id`` is known to hold."""
    stmt = select(SyncRecord.uid, SyncRecord.version).where(
        SyncRecord.peer_id == peer_id, SyncRecord.entity == kind
    )
    if uids is None:
        return {u: int(v) for u, v in conn.execute(stmt)}
    out: dict[str, int] = {}
    for start in range(0, len(uids), 10_000):
        part = uids[start : start + 10_000]
        rows = conn.execute(stmt.where(SyncRecord.uid.in_(part)))
        out.update({u: int(v) for u, v in rows})
    return out


def take_acknowledgements(conn: Connection, peer_id: int) -> pd.DataFrame:
    """What was received from ``peer_id`` since the last change file to it
    (entity, uid, version), now marked as told."""
    stmt = select(SyncRecord.entity, SyncRecord.uid, SyncRecord.version).where(
        SyncRecord.peer_id == peer_id, SyncRecord.unacknowledged.is_(True)
    )
    rows = [tuple(r) for r in conn.execute(stmt)]
    conn.execute(
        update(SyncRecord)
        .where(SyncRecord.peer_id == peer_id, SyncRecord.unacknowledged.is_(True))
        .values(unacknowledged=False)
    )
    return pd.DataFrame(rows, columns=["entity", "uid", "version"])
