# SPDX-License-Identifier: GPL-3.0-or-later
"""What a reviewer needs beside a record to judge it, and what a clerk needs
to follow their records through review.

The queue names who submitted each record and for which organisation, the
records submitted with it, and what changed since the version last approved
(or, for a record never approved, since it was last rejected); all from the
audit trail. The header's count is one COUNT query, kept per register version.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, literal, select, true, union_all
from sqlalchemy.orm import Session

from demine.domain.vocab import ReviewState
from demine.store.database import Database
from demine.store.editing import KINDS
from demine.store.listing import MODELS, json_value, to_dict, visible
from demine.store.register_version import register_version
from demine.store.review_family import CHILDREN
from demine.store.schema import AuditEvent, Base, Organisation, User
from demine.store.users import Principal

#: Fields whose change says nothing to a reviewer (bookkeeping).
NOT_CHANGES = frozenset(
    {"version", "updated_at", "created_at", "review_state", "review_reason", "uid"}
)
#: The audit actions that put a record before a reviewer.
SUBMITTING = ("create", "submit", "import", "import-update", "update")
MY_SUBMISSIONS_SHOWN = 200
GEOMETRY_COLUMNS = frozenset({"geom", "benchmark", "location"})
#: Waiting records shown at once, the oldest first.
QUEUE_SHOWN = 100


@dataclass(frozen=True)
class Change:
    """One field of a record: its value in the earlier version and now."""

    field: str
    old: Any
    new: Any


@dataclass
class Changes:
    """What changed since ``since`` ("approved", "rejected"); None: a new record."""

    since: str | None = None
    fields: list[Change] = field(default_factory=list)


@dataclass
class QueueItem:
    """One record waiting for review, with what a reviewer reads beside it."""

    kind: str
    record: dict[str, Any]
    submitter: str | None = None
    organisation: str | None = None
    changes: Changes = field(default_factory=Changes)
    children: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    #: The hazard the record lies in (its name and outline), for the map.
    hazard: dict[str, Any] | None = None

    @property
    def id(self) -> int:
        return int(self.record["id"])

    @property
    def version(self) -> int:
        return int(self.record["version"])


def changes_since(
    events: Sequence[Mapping[str, Any]], current: Mapping[str, Any]
) -> Changes:
    """The fields of ``current`` that differ from the last approved version in
    ``events`` (audit events, oldest first), else from the last rejected one."""
    approved = rejected = None
    for event in events:
        after = event.get("after") or {}
        if after.get("version") == current.get("version"):
            continue
        if after.get("review_state") == ReviewState.APPROVED.value:
            approved = after
        elif event.get("action") == "reject":
            rejected = after
    base, since = (approved, "approved") if approved else (rejected, "rejected")
    if base is None:
        return Changes()
    fields = [
        Change(key, base.get(key), value)
        for key, value in current.items()
        if key not in NOT_CHANGES and base.get(key) != value
    ]
    return Changes(since, fields)


def _alone(kind: str, model: Any, state: ReviewState) -> Any:
    """Rows of ``kind`` not reviewed with a parent: those whose parent (an
    accident for a victim) is not in ``state`` too; true for other kinds."""
    for parent_kind, kids in CHILDREN.items():
        for child_kind, link in kids:
            if child_kind == kind:
                parent: Any = MODELS[parent_kind]
                return ~(
                    select(parent.id)
                    .where(
                        parent.id == getattr(model, link),
                        parent.review_state == state,
                    )
                    .exists()
                )
    return true()


@dataclass
class Queue:
    """The oldest waiting records (``items``) and how many wait in all."""

    items: list[QueueItem]
    total: int


def review_queue(db: Database, who: Principal, limit: int = QUEUE_SHOWN) -> Queue:
    """Submitted records ``who`` may review, oldest first, at most ``limit``;
    records submitted with a parent that is itself waiting come under it."""
    waiting = ReviewState.SUBMITTED
    version = register_version(db).current()
    with db.session() as session:
        found: list[tuple[str, Any]] = []
        for kind in KINDS:
            model: Any = MODELS[kind]
            where = (
                model.review_state == waiting,
                visible(model, who),
                _alone(kind, model, waiting),
            )
            found += [
                (kind, obj)
                for obj in session.scalars(
                    select(model)
                    .where(*where)
                    .order_by(model.updated_at, model.id)
                    .limit(limit)
                )
            ]
        found.sort(key=lambda ko: (ko[1].updated_at, ko[1].id))
        records = {(kind, obj.id): to_dict(obj) for kind, obj in found[:limit]}
        children = _children(session, records, who, waiting)
        everything = {**records, **{(k, r["id"]): r for k, r, _p in children}}
        events = _events(session, records)
        submitters = _submitters(session, everything)
        orgs = _organisations(
            session, [r.get("reported_by_id") for r in records.values()]
        )
        hazards = _hazards(session, [r.get("hazard_id") for r in records.values()], who)
    items: dict[tuple[str, int], QueueItem] = {}
    for key, rec in records.items():
        items[key] = QueueItem(
            key[0],
            rec,
            submitter=submitters.get(key),
            organisation=orgs.get(rec.get("reported_by_id") or 0),
            changes=changes_since(events.get(key, []), rec),
            hazard=hazards.get(rec.get("hazard_id") or 0),
        )
    for kind, rec, parent in children:
        items[parent].children.append((kind, rec))
    if len(found) < limit and who.can_review:
        # The whole queue was read: its length is the header's count too.
        total = len(items)
        with _COUNTS_LOCK:
            _COUNTS.setdefault(db, {})["review"] = (version, total)
    else:
        total = header_count(db, who) if who.can_review else len(items)
    return Queue(list(items.values()), max(total, len(items)))


def _children(
    session: Session,
    records: Mapping[tuple[str, int], Any],
    who: Principal,
    state: ReviewState,
) -> list[tuple[str, dict[str, Any], tuple[str, int]]]:
    """(kind, record, parent's key) of the records in ``state`` reviewed
    with ``records``."""
    out = []
    for parent_kind, ids in _keys_by_kind(records).items():
        for kind, link in CHILDREN.get(parent_kind, ()):
            model: Any = MODELS[kind]
            rows = session.scalars(
                select(model)
                .where(
                    getattr(model, link).in_(ids),
                    model.review_state == state,
                    visible(model, who),
                )
                .order_by(model.id)
            )
            out += [
                (kind, to_dict(obj), (parent_kind, getattr(obj, link))) for obj in rows
            ]
    return out


def _keys_by_kind(keys: Iterable[tuple[str, int]]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for kind, record_id in keys:
        out.setdefault(kind, []).append(record_id)
    return out


def _events(
    session: Session, records: Mapping[tuple[str, int], Any]
) -> dict[tuple[str, int], list[dict[str, Any]]]:
    """The audit events of ``records``, oldest first, by record."""
    out: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for kind, ids in _keys_by_kind(records).items():
        rows = session.execute(
            select(AuditEvent.record_id, AuditEvent.action, AuditEvent.after)
            .where(AuditEvent.entity == kind, AuditEvent.record_id.in_(ids))
            .order_by(AuditEvent.id)
        )
        for record_id, action, after in rows:
            out.setdefault((kind, record_id), []).append(
                {"action": action, "after": after}
            )
    return out


def _submitters(
    session: Session, records: Mapping[tuple[str, int], Any]
) -> dict[tuple[str, int], str]:
    """Who last created, edited or submitted each record (the audit's user)."""
    out: dict[tuple[str, int], str] = {}
    for kind, ids in _keys_by_kind(records).items():
        rows = session.execute(
            select(AuditEvent.record_id, User.username)
            .join(User, User.id == AuditEvent.user_id)
            .where(
                AuditEvent.entity == kind,
                AuditEvent.record_id.in_(ids),
                AuditEvent.action.in_(SUBMITTING),
            )
            .order_by(AuditEvent.id)
        )
        for record_id, username in rows:
            out[(kind, record_id)] = username
    return out


def _organisations(session: Session, ids: Iterable[Any]) -> dict[int, str]:
    wanted = sorted({int(i) for i in ids if i is not None})
    if not wanted:
        return {}
    rows = session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(wanted))
    )
    return {int(i): str(name) for i, name in rows}


def _hazards(
    session: Session, ids: Iterable[Any], who: Principal
) -> dict[int, dict[str, Any]]:
    """Id, name and outline of the hazards ``who`` may see, by id."""
    wanted = sorted({int(i) for i in ids if isinstance(i, int)})
    if not wanted:
        return {}
    model: Any = MODELS["hazard"]
    rows = session.scalars(
        select(model).where(model.id.in_(wanted), visible(model, who))
    )
    out = {}
    for obj in rows:
        rec = to_dict(obj)
        out[int(obj.id)] = {k: rec.get(k) for k in ("id", "name", "geom")}
    return out


@dataclass(frozen=True)
class Submission:
    """A clerk's record: its state and, if rejected, the reviewer's reason."""

    kind: str
    record: dict[str, Any]
    reason: str | None


def my_submissions(db: Database, who: Principal) -> list[Submission]:
    """The records of ``who``'s organisation, newest change first: the ones
    waiting or rejected first, then the approved ones."""
    org = who.organisation_id
    if org is None:
        return []
    approved = ReviewState.APPROVED.value
    found: list[tuple[str, dict[str, Any]]] = []
    with db.session() as session:
        for kind in KINDS:
            # Plain columns, no geometry: an organisation may own thousands.
            table = Base.metadata.tables[kind]
            columns = [c for c in table.c if c.key not in GEOMETRY_COLUMNS]
            rows = session.execute(
                select(*columns)
                .where(table.c.reported_by_id == org)
                .order_by(
                    (table.c.review_state == approved),
                    table.c.updated_at.desc(),
                    table.c.id.desc(),
                )
                .limit(MY_SUBMISSIONS_SHOWN)
            )
            found.extend(
                (kind, {k: json_value(v) for k, v in row._mapping.items()})
                for row in rows
            )
        rejected = [
            (k, r["id"])
            for k, r in found
            if r["review_state"] == ReviewState.REJECTED.value
        ]
        reasons = _rejection_reasons(session, rejected)
    found.sort(key=lambda kr: kr[1]["updated_at"] or "", reverse=True)
    found.sort(key=lambda kr: kr[1]["review_state"] == approved)
    return [
        Submission(kind, rec, reasons.get((kind, rec["id"])))
        for kind, rec in found[:MY_SUBMISSIONS_SHOWN]
    ]


def _rejection_reasons(
    session: Session, keys: Sequence[tuple[str, int]]
) -> dict[tuple[str, int], str]:
    out: dict[tuple[str, int], str] = {}
    for kind, ids in _keys_by_kind(keys).items():
        rows = session.execute(
            select(AuditEvent.record_id, AuditEvent.after)
            .where(
                AuditEvent.entity == kind,
                AuditEvent.record_id.in_(ids),
                AuditEvent.action == "reject",
            )
            .order_by(AuditEvent.id)
        )
        for record_id, after in rows:
            reason = (after or {}).get("review_reason")
            if reason:
                out[(kind, record_id)] = str(reason)
    return out


# Per database: whose count -> (register version, count).
_COUNTS: weakref.WeakKeyDictionary[Database, dict[str, tuple[str, int]]] = (
    weakref.WeakKeyDictionary()
)
_COUNTS_LOCK = threading.Lock()


def header_count(db: Database, who: Principal) -> int:
    """For a reviewer, the records waiting for review; for a clerk, their
    organisation's records rejected and not yet submitted again; else 0.

    One COUNT query, kept until the register changes.
    """
    if who.can_review:
        whose, state, org = "review", ReviewState.SUBMITTED, None
    elif who.can_write and who.organisation_id is not None:
        whose, state, org = (
            f"org{who.organisation_id}",
            ReviewState.REJECTED,
            (who.organisation_id),
        )
    else:
        return 0
    version = register_version(db).current()
    with _COUNTS_LOCK:
        kept = _COUNTS.get(db, {}).get(whose)
    if kept is not None and kept[0] == version:
        return kept[1]
    parts = []
    for kind in KINDS:
        model: Any = MODELS[kind]
        query = select(literal(1)).where(
            model.review_state == state, _alone(kind, model, state)
        )
        if org is not None:
            query = query.where(model.reported_by_id == org)
        parts.append(query)
    with db.session() as session:
        count = int(
            session.scalar(
                select(func.count()).select_from(union_all(*parts).subquery())
            )
            or 0
        )
    with _COUNTS_LOCK:
        _COUNTS.setdefault(db, {})[whose] = (version, count)
    return count
