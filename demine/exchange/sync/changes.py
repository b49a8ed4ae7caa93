# SPDX-License-Identifier: GPL-3.0-or-later
"""Change files: what one register sends another, and applying them.

A change file (``changes.demine``) is a GeoPackage: one layer per entity
holding the records the peer has not acknowledged, exactly as
``demine export`` writes them, plus three tables: ``sync_header`` (from
which register to which, the file's sequence number), ``sync_changes``
(each record's uid, the version the peer holds, its base, and the version
sent) and ``sync_acks`` (the records received from the peer since the last
file, so it stops sending them).

Applying one is a single transaction: the importer stages and checks the
records as it does any file, then each is new (inserted), an edit of the
base this register still holds (applied, ledger recomputed), already here
(nothing), or an edit of a record that changed here too (kept as a
conflict, :mod:`.conflicts`). A file applied twice changes nothing the
second time; a process killed in the middle leaves the register as before.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyogrio
from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from demine import __version__
from demine.errors import DemineError, ImportRejectedError, SourceError
from demine.exchange.entities import KINDS, LAYERS, MAIN_GEOMETRY
from demine.exchange.exporter import write_layer
from demine.exchange.formats import ReadOptions
from demine.exchange.importer import ImportResult, write_batches
from demine.exchange.staging import REGISTER, Batch, PlaceIndex, stage
from demine.exchange.sync.conflicts import keep_conflicts, open_conflicts
from demine.exchange.sync.peers import (
    find_peer,
    held_versions,
    own_peer,
    peer_by_uid,
    set_held,
    take_acknowledgements,
)
from demine.exchange.sync.rows import exported_rows, plain_rows, same_content
from demine.exchange.sync.selection import Selection, selected_ids
from demine.i18n import _
from demine.store.audit import insert_events, record_values
from demine.store.bulk import foreign_keys_deferred, read_frame, table
from demine.store.database import Database
from demine.store.schema import SyncPeer
from demine.store.schema.base import utcnow
from demine.store.upsert import update_frame

log = logging.getLogger(__name__)

FORMAT = 1
HEADER = "sync_header"
CHANGES = "sync_changes"
ACKS = "sync_acks"
IDS_PER_READ = 10_000


@dataclass
class SentChanges:
    """What a change file holds."""

    path: Path
    peer: str
    seq: int
    records: dict[str, int] = field(default_factory=dict)
    acknowledged: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "peer": self.peer,
            "seq": self.seq,
            "records": self.records,
            "acknowledged": self.acknowledged,
        }


@dataclass
class AppliedChanges:
    """What applying a change file did, per kind of record."""

    path: Path
    peer: str
    seq: int
    inserted: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0
    conflicts: int = 0
    acknowledged: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "peer": self.peer,
            "seq": self.seq,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "conflicts": self.conflicts,
            "acknowledged": self.acknowledged,
        }


@contextmanager
def _quiet_gdal() -> Iterator[None]:
    """GDAL warns that a GeoPackage not named .gpkg breaks its naming rule;
    a change file is a GeoPackage named for what it is."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore",
            message=".*(non conformant file extension|filename extension should be)",
            category=RuntimeWarning,
        )
        yield


# -- writing -----------------------------------------------------------------


def export_changes(
    db: Database, path: Path, peer_name: str | None = None
) -> SentChanges:
    """Write to ``path`` what the peer has not acknowledged; the file is
    complete or absent."""
    db.require_initialised()
    part = path.with_name(path.name + ".part")
    part.unlink(missing_ok=True)
    try:
        with _quiet_gdal(), db.transaction(write=True) as conn:
            me = own_peer(conn)
            peer = find_peer(conn, peer_name)
            seq = int(peer.exported_seq) + 1
            sent = SentChanges(path, peer.name, seq)
            manifest = _write_records(conn, part, peer, sent)
            acks = take_acknowledgements(conn, peer.id)
            sent.acknowledged = len(acks)
            header = pd.DataFrame(
                {
                    "format": [FORMAT],
                    "sender": [me.uid],
                    "receiver": [peer.uid],
                    "seq": [seq],
                    "written_at": [utcnow().isoformat()],
                    "demine": [__version__],
                }
            )
            for name, frame in ((HEADER, header), (CHANGES, manifest), (ACKS, acks)):
                pyogrio.write_dataframe(frame, part, layer=name, driver="GPKG")
            conn.execute(
                update(SyncPeer).where(SyncPeer.id == peer.id).values(exported_seq=seq)
            )
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
    return sent


def _write_records(
    conn: Connection, path: Path, peer: Any, sent: SentChanges
) -> pd.DataFrame:
    """Write the layers of what ``peer`` lacks; the manifest of what was written."""
    selection = Selection.from_dict(peer.selection)
    allowed = selected_ids(conn, selection) if peer.selection else None
    held_back = open_conflicts(conn, peer.id)
    keys: dict[str, dict[int, str]] = {}
    parts = []
    for kind in KINDS:
        stored = read_frame(conn, kind, ["id", "uid", "version"])
        held = held_versions(conn, peer.id, kind)
        base = stored["uid"].map(held)
        changed = np.array(base.isna() | (base != stored["version"]), dtype=bool)
        if allowed is not None:
            chosen = stored["id"].isin(allowed[kind]).to_numpy(dtype=bool)
            changed &= base.notna().to_numpy(dtype=bool) | chosen
        changed &= ~stored["uid"].isin(held_back.get(kind, set())).to_numpy(dtype=bool)
        ids = stored["id"][changed].tolist()
        if not ids:
            continue
        frame = exported_rows(conn, kind, ids, keys)
        write_layer(path, "gpkg", kind, frame)
        sent.records[LAYERS[kind]] = len(frame)
        parts.append(
            pd.DataFrame(
                {
                    "entity": kind,
                    "uid": stored["uid"][changed].to_numpy(dtype=object),
                    "base": base[changed].astype("Int64").to_numpy(),
                    "version": stored["version"][changed].astype("int64").to_numpy(),
                }
            )
        )
    if not parts:
        return pd.DataFrame(
            {
                "entity": pd.Series([], dtype=object),
                "uid": pd.Series([], dtype=object),
                "base": pd.Series([], dtype="Int64"),
                "version": pd.Series([], dtype="int64"),
            }
        )
    return pd.concat(parts, ignore_index=True)


# -- applying ----------------------------------------------------------------


@dataclass
class _Incoming:
    """A change file read: who sent it, what it holds."""

    sender: str
    receiver: str
    seq: int
    changes: pd.DataFrame
    acks: pd.DataFrame


def read_change_file(path: Path) -> _Incoming:
    """The header, manifest and acknowledgements; a clear error if not a change file."""
    try:
        layers = {str(n) for n, _t in pyogrio.list_layers(path)}
    except Exception:
        layers = set()
    if not {HEADER, CHANGES, ACKS} <= layers:
        raise SourceError(
            _(
                "is not a change file of demine sync (write one with "
                "demine sync --export)"
            ),
            file=str(path),
        )
    header = pyogrio.read_dataframe(path, layer=HEADER)
    if int(header["format"].iloc[0]) > FORMAT:
        raise SourceError(
            _(
                "was written by a newer demine (%(version)s); update this one first",
                version=header["demine"].iloc[0],
            ),
            file=str(path),
        )
    return _Incoming(
        sender=str(header["sender"].iloc[0]),
        receiver=str(header["receiver"].iloc[0]),
        seq=int(header["seq"].iloc[0]),
        changes=pyogrio.read_dataframe(path, layer=CHANGES),
        acks=pyogrio.read_dataframe(path, layer=ACKS),
    )


def import_changes(db: Database, path: Path) -> AppliedChanges:
    """Apply the change file ``path`` in one transaction (see the module)."""
    db.require_initialised()
    with _quiet_gdal():
        return _import_changes(db, path)


def _import_changes(db: Database, path: Path) -> AppliedChanges:
    incoming = read_change_file(path)
    with db.transaction() as conn:
        me = conn.execute(select(SyncPeer).where(SyncPeer.is_self.is_(True))).first()
        peer = peer_by_uid(conn, incoming.sender)
    if me is None or me.uid != incoming.receiver or peer is None:
        raise SourceError(
            _(
                "was written for another register; apply it where it was meant to go "
                "(each change file names the register it is for)"
            ),
            file=str(path),
        )
    applied = AppliedChanges(path, peer.name, incoming.seq)
    batches: dict[str, Batch] = {}
    if len(incoming.changes):
        staging = stage(
            REGISTER,
            [path],
            mapping=None,
            read=ReadOptions(),
            today=dt.date.today(),
            places=PlaceIndex(db),
        )
        if staging.problems:
            raise ImportRejectedError(staging.problems, str(path))
        batches = staging.batches
    theirs = _their_rows(path, batches)
    with db.connect(write=True) as conn, foreign_keys_deferred(conn), conn.begin():
        _apply(conn, incoming, peer, batches, theirs, applied)
    return applied


def _their_rows(
    path: Path, batches: dict[str, Batch]
) -> dict[str, dict[str, dict[str, Any]]]:
    """kind -> uid -> the sender's row as plain values (to compare and keep)."""
    out = {}
    for kind in batches:
        frame = pyogrio.read_dataframe(path, layer=LAYERS[kind])
        if "geometry" in frame and kind not in MAIN_GEOMETRY:
            frame = frame.drop(columns="geometry")
        out[kind] = plain_rows(kind, pd.DataFrame(frame))
    return out


def _apply(
    conn: Connection,
    incoming: _Incoming,
    peer: Any,
    batches: dict[str, Batch],
    theirs: dict[str, dict[str, dict[str, Any]]],
    applied: AppliedChanges,
) -> None:
    for kind, group in incoming.acks.groupby("entity"):
        versions = zip(
            group["uid"].astype(str), group["version"].astype(int), strict=True
        )
        set_held(conn, peer.id, str(kind), versions, unacknowledged=False)
        applied.acknowledged += len(group)
    manifest = {
        str(kind): group.set_index("uid")
        for kind, group in incoming.changes.groupby("entity")
    }
    keys: dict[str, dict[int, str]] = {}
    to_write: dict[str, Batch] = {}
    plans: dict[str, _Plan] = {}
    for kind in KINDS:
        batch = batches.get(kind)
        if batch is None or kind not in manifest:
            continue
        plan = _plan(conn, kind, batch, manifest[kind], theirs[kind], peer, keys)
        plans[kind] = plan
        applied.unchanged += plan.unchanged
        if plan.write.any():
            to_write[kind] = _subset(batch, plan.write)
    before = {k: record_values(conn, k, p.before_ids) for k, p in plans.items()}
    if to_write:
        result = ImportResult(files=[str(incoming.sender)])
        write_batches(conn, to_write, result, None)
        for kind, counts in result.counts.items():
            applied.inserted[LAYERS[kind]] = counts.inserted
            applied.updated[LAYERS[kind]] = counts.updated + counts.unchanged
    events = []
    for kind, plan in plans.items():
        _settle_versions(conn, kind, plan)
        set_held(conn, peer.id, kind, plan.held.items(), unacknowledged=True)
        applied.conflicts += keep_conflicts(conn, peer.id, kind, plan.conflicts)
        events += _events(conn, kind, plan, before[kind], peer.name)
    if events:
        insert_events(conn, events)
    conn.execute(
        update(SyncPeer)
        .where(SyncPeer.id == peer.id)
        .values(imported_seq=max(int(peer.imported_seq), incoming.seq))
    )


@dataclass
class _Plan:
    """What becomes of each incoming record of one kind."""

    write: np.ndarray
    #: uid -> the version the record gets here once written
    versions: dict[str, int] = field(default_factory=dict)
    #: uid -> the version the peer holds now
    held: dict[str, int] = field(default_factory=dict)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    before_ids: list[int] = field(default_factory=list)
    unchanged: int = 0


def _plan(
    conn: Connection,
    kind: str,
    batch: Batch,
    manifest: pd.DataFrame,
    theirs: dict[str, dict[str, Any]],
    peer: Any,
    keys: dict[str, dict[int, str]],
) -> _Plan:
    uids = batch.frame["uid"].astype(str).tolist()
    tbl = table(kind)
    local = pd.concat(
        [
            read_frame(
                conn,
                kind,
                ["id", "uid", "version"],
                tbl.c.uid.in_(uids[i : i + IDS_PER_READ]),
            )
            for i in range(0, max(len(uids), 1), IDS_PER_READ)
        ],
        ignore_index=True,
    )
    by_uid = {str(u): (int(i), int(v)) for i, u, v in local.itertuples(index=False)}
    mine_rows = (
        plain_rows(kind, exported_rows(conn, kind, local["id"].tolist(), keys))
        if len(local)
        else {}
    )
    waiting = open_conflicts(conn, peer.id, with_versions=True).get(kind, {})
    # What this register knew the peer held before this file.
    before = held_versions(conn, peer.id, kind, uids)
    plan = _Plan(write=np.zeros(len(uids), dtype=bool))
    for pos, uid in enumerate(uids):
        entry = manifest.loc[uid]
        version = int(entry["version"])
        base = None if pd.isna(entry["base"]) else int(entry["base"])
        here = by_uid.get(uid)
        known = before.get(uid)
        plan.held[uid] = max(version, known or 0)
        if here is None:
            plan.write[pos] = True
            plan.versions[uid] = version
            continue
        record_id, mine = here
        same = same_content(mine_rows[uid], theirs[uid])
        if (mine == version and same) or (known is not None and version < known):
            plan.unchanged += 1  # this version, or a newer one, came before
        elif version > mine and mine in (base, known):
            # Nothing here the peer lacks: their version follows from ours.
            plan.write[pos] = True
            plan.versions[uid] = version
            plan.before_ids.append(record_id)
        elif same:
            plan.unchanged += 1
            if version > mine:
                plan.versions[uid] = version
        elif waiting.get(uid) == version:
            plan.unchanged += 1  # the same conflict, sent again
        else:
            plan.conflicts.append(
                {
                    "uid": uid,
                    "record_id": record_id,
                    "base_version": base,
                    "mine_version": mine,
                    "theirs_version": version,
                    "mine": mine_rows[uid],
                    "theirs": theirs[uid],
                }
            )
    return plan


def _subset(batch: Batch, mask: np.ndarray) -> Batch:
    return Batch(
        batch.kind,
        batch.frame[mask].reset_index(drop=True),
        batch.rows[mask],
        batch.files[mask],
        batch.review[mask],
        None if batch.families is None else batch.families[mask],
    )


def _settle_versions(conn: Connection, kind: str, plan: _Plan) -> None:
    """Give written records the sender's version, so both registers agree on it."""
    if not plan.versions:
        return
    uids = list(plan.versions)
    tbl = table(kind)
    ids = pd.concat(
        [
            read_frame(
                conn, kind, ["id", "uid"], tbl.c.uid.in_(uids[i : i + IDS_PER_READ])
            )
            for i in range(0, len(uids), IDS_PER_READ)
        ],
        ignore_index=True,
    )
    frame = pd.DataFrame(
        {
            "id": ids["id"],
            "version": ids["uid"].astype(str).map(plan.versions).astype(int),
        }
    )
    update_frame(conn, kind, frame, touch=False)


def _events(
    conn: Connection,
    kind: str,
    plan: _Plan,
    before: dict[int, dict[str, Any]],
    peer: str,
) -> list[dict[str, Any]]:
    """One audit event per record a change file wrote."""
    written = [u for u, w in zip(plan.held, plan.write, strict=False) if w]
    if not written:
        return []
    tbl = table(kind)
    ids = read_frame(conn, kind, ["id", "uid"], tbl.c.uid.in_(written[:IDS_PER_READ]))
    wanted = [int(i) for i in ids["id"]]
    for i in range(IDS_PER_READ, len(written), IDS_PER_READ):
        more = read_frame(
            conn, kind, ["id"], tbl.c.uid.in_(written[i : i + IDS_PER_READ])
        )
        wanted += [int(v) for v in more["id"]]
    after = record_values(conn, kind, wanted)
    at = utcnow()
    source = _("sync from %(peer)s", peer=peer)
    return [
        {
            "action": "sync",
            "entity": kind,
            "record_id": record_id,
            "user_id": None,
            "at": at,
            "before": before.get(record_id),
            "after": dict(after[record_id], source=source),
        }
        for record_id in wanted
    ]


def describe_peers(db: Database) -> list[dict[str, Any]]:
    """Every peer with its sync point, for ``demine sync --status``."""
    from demine.exchange.sync.peers import peers

    with db.transaction() as conn:
        return [
            {
                "name": p.name,
                "uid": p.uid,
                "origin": bool(p.origin),
                "exported_seq": int(p.exported_seq),
                "imported_seq": int(p.imported_seq),
                "selection": p.selection,
            }
            for p in peers(conn)
        ]


__all__ = [
    "AppliedChanges",
    "DemineError",
    "SentChanges",
    "describe_peers",
    "export_changes",
    "import_changes",
]
