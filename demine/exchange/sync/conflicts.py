# SPDX-License-Identifier: GPL-3.0-or-later
"""Conflicts: an incoming edit of a record that changed here too.

Nothing is decided silently: the record keeps this register's content, the
conflict keeps the base both edits were made from (from the audit trail,
when it has it), this register's version and the peer's, and the record is
held back from the peer until a reviewer takes theirs, keeps mine, or
merges field by field. The resolution is written as an edit (so it travels
to every peer, the one in conflict included), audited with who made it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from demine.errors import DemineError
from demine.exchange.entities import LAYERS, entity
from demine.exchange.importer import ImportResult, write_batches
from demine.exchange.staging import PlaceIndex
from demine.exchange.sync.rows import exported_rows, plain_rows, stage_rows
from demine.i18n import _
from demine.store.audit import insert_events, record_values
from demine.store.bulk import foreign_keys_deferred, table
from demine.store.database import Database
from demine.store.schema import AuditEvent, SyncConflict, SyncPeer, User
from demine.store.schema.base import utcnow
from demine.store.upsert import update_frame

OPEN = "open"
CHOICES = ("theirs", "mine")


def open_conflicts(
    conn: Connection, peer_id: int, *, with_versions: bool = False
) -> dict[str, Any]:
    """kind -> uids (or uid -> their version) of the open conflicts with a peer."""
    rows = conn.execute(
        select(
            SyncConflict.entity, SyncConflict.uid, SyncConflict.theirs_version
        ).where(SyncConflict.peer_id == peer_id, SyncConflict.state == OPEN)
    )
    out: dict[str, Any] = {}
    for kind, uid, version in rows:
        if with_versions:
            out.setdefault(kind, {})[uid] = int(version)
        else:
            out.setdefault(kind, set()).add(uid)
    return out


def keep_conflicts(
    conn: Connection, peer_id: int, kind: str, items: list[dict[str, Any]]
) -> int:
    """Keep each incoming edit that clashes; a newer one replaces the peer's
    side of an open conflict on the same record. Returns how many."""
    if not items:
        return 0
    waiting = {
        uid: cid
        for cid, uid in conn.execute(
            select(SyncConflict.id, SyncConflict.uid).where(
                SyncConflict.peer_id == peer_id,
                SyncConflict.entity == kind,
                SyncConflict.state == OPEN,
            )
        )
    }
    bases = _bases(conn, kind, items)
    fresh = []
    for item in items:
        values = {
            "base_version": item["base_version"],
            "mine_version": item["mine_version"],
            "theirs_version": item["theirs_version"],
            "mine": item["mine"],
            "theirs": item["theirs"],
            "base": bases.get(item["record_id"]),
        }
        if item["uid"] in waiting:
            conn.execute(
                update(SyncConflict)
                .where(SyncConflict.id == waiting[item["uid"]])
                .values(**values)
            )
        else:
            fresh.append(
                dict(values, peer_id=peer_id, entity=kind, uid=item["uid"], state=OPEN)
            )
    if fresh:
        conn.execute(insert(SyncConflict), fresh)
    return len(items)


def _bases(
    conn: Connection, kind: str, items: list[dict[str, Any]]
) -> dict[int, dict[str, Any]]:
    """record id -> the record as it was at the base version (audit trail)."""
    wanted = {int(i["record_id"]): i["base_version"] for i in items}
    wanted = {k: v for k, v in wanted.items() if v is not None}
    if not wanted:
        return {}
    out: dict[int, dict[str, Any]] = {}
    stmt = select(AuditEvent.record_id, AuditEvent.before, AuditEvent.after).where(
        AuditEvent.entity == kind, AuditEvent.record_id.in_(list(wanted))
    )
    for record_id, before, after in conn.execute(stmt):
        for side in (before, after):
            if side and side.get("version") == wanted[int(record_id)]:
                out[int(record_id)] = side
    return out


# -- reading -------------------------------------------------------------------


def list_conflicts(db: Database, *, everything: bool = False) -> list[dict[str, Any]]:
    """The open conflicts (or all), oldest first, each with its fields compared."""
    stmt = (
        select(SyncConflict, SyncPeer.name, User.username)
        .join(SyncPeer, SyncPeer.id == SyncConflict.peer_id)
        .outerjoin(User, User.id == SyncConflict.resolved_by_id)
        .order_by(SyncConflict.id)
    )
    if not everything:
        stmt = stmt.where(SyncConflict.state == OPEN)
    with db.session() as session:
        return [_shown(c, peer, user) for c, peer, user in session.execute(stmt)]


def get_conflict(db: Database, conflict_id: int) -> dict[str, Any]:
    for item in list_conflicts(db, everything=True):
        if item["id"] == conflict_id:
            return item
    raise DemineError(_("no conflict %(id)s in this register", id=conflict_id))


def _shown(c: SyncConflict, peer: str, user: str | None) -> dict[str, Any]:
    spec = entity(c.entity)
    names = [f for f in c.mine if f in c.theirs]
    base = c.base or {}
    fields = []
    for name in names:
        fs = spec.by_name.get(name)
        column = fs.column if fs is not None else name
        fields.append(
            {
                "field": name,
                "base": base.get(column)
                if fs is None or fs.type != "geometry"
                else None,
                "mine": c.mine[name],
                "theirs": c.theirs[name],
                "differs": c.mine[name] != c.theirs[name],
            }
        )
    return {
        "id": c.id,
        "peer": peer,
        "kind": c.entity,
        "layer": LAYERS[c.entity],
        "uid": c.uid,
        "external_id": c.mine.get("external_id"),
        # how a person names the record: its name, else its ids
        "record": c.mine.get("name") or c.mine.get("external_id") or c.uid,
        "base_version": c.base_version,
        "mine_version": c.mine_version,
        "theirs_version": c.theirs_version,
        "state": c.state,
        "resolved_by": user,
        "resolved_at": c.resolved_at.isoformat() if c.resolved_at else None,
        "fields": fields,
    }


# -- resolving -----------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """``theirs``, ``mine``, or field by field (the others stay mine)."""

    whole: str | None
    fields: dict[str, str]

    @property
    def label(self) -> str:
        if self.whole is not None:
            return self.whole
        return "merged: " + ", ".join(
            f"{k}={v}" for k, v in sorted(self.fields.items())
        )


def parse_choice(takes: list[str]) -> Choice:
    """``--take theirs``, ``--take mine``, or ``--take FIELD=theirs|mine`` ..."""
    if len(takes) == 1 and takes[0] in CHOICES:
        return Choice(takes[0], {})
    fields: dict[str, str] = {}
    for take in takes:
        name, sep, side = take.partition("=")
        if not sep or side not in CHOICES or not name:
            raise DemineError(
                _(
                    "--take takes theirs, mine, or FIELD=theirs / FIELD=mine "
                    "(repeated), not %(text)r",
                    text=take,
                )
            )
        fields[name] = side
    if not fields:
        raise DemineError(_("say what to take: --take theirs, mine or FIELD=theirs"))
    return Choice(None, fields)


def resolve_conflict(
    db: Database, conflict_id: int, choice: Choice, user_id: int | None
) -> dict[str, Any]:
    """Resolve one open conflict as ``choice`` says, audited as ``user_id``."""
    with db.transaction() as conn:
        c = conn.execute(
            select(SyncConflict).where(SyncConflict.id == conflict_id)
        ).first()
        if c is None:
            raise DemineError(_("no conflict %(id)s in this register", id=conflict_id))
        if c.state != OPEN:
            raise DemineError(
                _(
                    "conflict %(id)s was resolved already (%(state)s)",
                    id=conflict_id,
                    state=c.state,
                )
            )
        tbl = table(c.entity)
        current = conn.execute(
            select(tbl.c.id, tbl.c.version).where(tbl.c.uid == c.uid)
        ).one()
        now = plain_rows(c.entity, exported_rows(conn, c.entity, [current.id], {}))
        now = now[c.uid]
    unknown = sorted(set(choice.fields) - set(c.theirs))
    if unknown:
        raise DemineError(
            _(
                "%(kind)s has no field %(names)s; its fields: %(fields)s",
                kind=c.entity,
                names=", ".join(unknown),
                fields=", ".join(c.theirs),
            )
        )
    values = dict(now)
    if choice.whole == "theirs":
        values.update(c.theirs)
    for name, side in choice.fields.items():
        values[name] = c.theirs[name] if side == "theirs" else now[name]
    batch = None
    if values != now:
        where = _("conflict %(id)s", id=conflict_id)
        batch = stage_rows(c.entity, [values], where, PlaceIndex(db))
    version = max(int(current.version), int(c.theirs_version)) + 1
    with db.connect(write=True) as conn, foreign_keys_deferred(conn), conn.begin():
        still = conn.execute(
            select(SyncConflict.state).where(SyncConflict.id == conflict_id)
        ).scalar_one()
        again = conn.execute(
            select(tbl.c.version).where(tbl.c.id == current.id)
        ).scalar_one()
        if still != OPEN or int(again) != int(current.version):
            raise DemineError(
                _(
                    "conflict %(id)s or its record changed meanwhile; look again",
                    id=conflict_id,
                )
            )
        before = record_values(conn, c.entity, [current.id])[current.id]
        if batch is not None:
            write_batches(conn, {c.entity: batch}, ImportResult(files=[where]), None)
        update_frame(
            conn,
            c.entity,
            pd.DataFrame({"id": [current.id], "version": [version]}),
            touch=False,
        )
        state = choice.whole or "merged"
        at = utcnow()
        conn.execute(
            update(SyncConflict)
            .where(SyncConflict.id == conflict_id)
            .values(state=state, resolved_by_id=user_id, resolved_at=at)
        )
        after = record_values(conn, c.entity, [current.id])[current.id]
        insert_events(
            conn,
            [
                {
                    "action": "sync-resolve",
                    "entity": c.entity,
                    "record_id": int(current.id),
                    "user_id": user_id,
                    "at": at,
                    "before": before,
                    "after": dict(after, conflict=conflict_id, resolution=choice.label),
                }
            ],
        )
    return {"id": conflict_id, "state": state, "version": version, "take": choice.label}
