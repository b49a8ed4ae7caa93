# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes through the web application: create, edit, submit, approve, reject.

Every write checks the role, follows the register's rules, and records an
audit event in the same transaction as the change. Edits carry the version the
editor read; if the record moved on meanwhile the edit is refused with a
:class:`~demine.errors.ConflictError` holding both versions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from shapely.geometry.base import BaseGeometry
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from demine.domain.findings import Finding
from demine.domain.labels import action_label, field_label, kind_word, label
from demine.domain.vocab import ReviewState, Role
from demine.errors import (
    ConflictError,
    FieldProblem,
    NotFoundError,
    PermissionDeniedError,
    RecordError,
)
from demine.geo.shape_problems import ShapeProblem
from demine.geo.shape_problems import shape_problems as plain_shape_problems
from demine.geo.validation import EntryRules
from demine.i18n import _
from demine.store.accreditation import check_activity_scope
from demine.store.audit import record_event
from demine.store.backends import backend_of
from demine.store.database import Database
from demine.store.editing import (
    GEOMETRY_FIELDS,
    KINDS,
    check_references,
    checked_row,
    derive_fields,
    geometry_changed,
    insert_records,
    model_columns,
    parse_geometry,
    update_hazard_ledger,
)
from demine.store.gazetteer import place_record
from demine.store.listing import MODELS, to_dict, visible
from demine.store.schema import AuditEvent, Base, Hazard, Release
from demine.store.users import Principal

# Columns a client never sets: identity, bookkeeping, and what is derived.
PROTECTED = frozenset(
    {
        "id",
        "uid",
        "version",
        "created_at",
        "updated_at",
        "review_state",
        "reported_by_id",
        "min_lon",
        "min_lat",
        "max_lon",
        "max_lat",
        "area_m2",
        "cancelled_m2",
        "reduced_m2",
        "cleared_m2",
        "remaining_m2",
        "effective_m2",
        "outside_m2",
        "double_m2",
    }
)
# action -> (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[ReviewState], ReviewState]] = {
    "submit": (
        frozenset({ReviewState.DRAFT, ReviewState.REJECTED}),
        ReviewState.SUBMITTED,
    ),
    "approve": (frozenset({ReviewState.SUBMITTED}), ReviewState.APPROVED),
    "reject": (frozenset({ReviewState.SUBMITTED}), ReviewState.REJECTED),
}


def _writable_kind(kind: str) -> None:
    if kind not in KINDS:
        raise PermissionDeniedError(
            _("%(kind)s records cannot be written here", kind=kind_word(kind))
        )


def client_fields(row: Mapping[str, Any], kind: str) -> dict[str, Any]:
    """A client's row, refused if it sets what demine sets."""
    bad = sorted(set(row) & PROTECTED)
    if bad:
        raise RecordError(
            _(
                "field(s) %(values)s are set by demine, not by you",
                values=", ".join(bad),
            ),
            entity=kind,
            field=bad[0],
        )
    return dict(row)


def shape_problems(data: Mapping[str, Any]) -> list[FieldProblem]:
    """Degenerate or invalid geometry typed in by a person, field by field.

    Bulk imports repair geometry and report it (:mod:`demine.geo.repair`);
    a form or API client can fix its input, so here it is refused instead.
    """
    out = []
    for name in GEOMETRY_FIELDS:
        if data.get(name) is None:
            continue
        try:
            geom = parse_geometry(data[name])
        except ValueError as exc:
            out.append(FieldProblem(name, str(exc)))
            continue
        reason = _shape_reason(geom)
        if reason is not None:
            out.append(FieldProblem(name, reason))
    return out


def _shape_reason(geom: Any) -> str | None:
    if not isinstance(geom, BaseGeometry):
        return None
    if geom.is_empty:
        return _("the geometry is empty")
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        # The drawing map's words (demine.geo.shape_problems): a bow-tie is
        # "crosses itself", not "has no area".
        found = plain_shape_problems(geom)
        if found:
            return " ".join(_located(p) for p in found)
    return None


def _located(problem: ShapeProblem) -> str:
    if problem.lon is None or problem.lat is None:
        return problem.message
    return _(
        "%(problem)s (longitude %(lon)s, latitude %(lat)s)",
        problem=problem.message.rstrip("."),
        lon=f"{problem.lon:.5f}",
        lat=f"{problem.lat:.5f}",
    )


@dataclass(frozen=True)
class Children:
    """Records written with their parent: ``link`` names the parent's id."""

    kind: str
    link: str
    rows: Sequence[Mapping[str, Any]]


def create_record(
    db: Database,
    kind: str,
    row: Mapping[str, Any],
    who: Principal,
    *,
    submit: bool = True,
    today: dt.date | None = None,
    children: Sequence[Children] = (),
    rules: EntryRules | None = None,
    problems: Sequence[FieldProblem] = (),
) -> dict[str, Any]:
    """Add one record as ``who``, with its ``children``, in one transaction.

    A clerk's records are submitted (or kept drafts); others' are approved;
    with ``rules``, a record of doubtful geometry is kept a draft instead and
    the answer's ``warnings`` say why. ``problems`` the caller found in the
    record (a form's own rules) are reported with the register's. Every
    record written gets its audit event; any error writes nothing.
    """
    for kind_ in (kind, *(c.kind for c in children)):
        _writable_kind(kind_)
    if not who.can_write:
        raise PermissionDeniedError(_("viewers cannot add records"))
    if who.role is Role.CLERK:
        if who.organisation_id is None:
            raise PermissionDeniedError(_("a clerk must belong to an organisation"))
        state = ReviewState.SUBMITTED if submit else ReviewState.DRAFT
    else:
        state = ReviewState.APPROVED

    def write() -> dict[str, Any]:
        warnings: list[Finding] = []
        with db.session(write=True) as session:
            entry = _Entry(session, who, state, today, rules, warnings)
            after = entry.insert(kind, client_fields(row, kind), problems)
            for group in children:
                for child in group.rows:
                    data = {**client_fields(child, group.kind), group.link: after["id"]}
                    entry.insert(group.kind, data)
        return {**after, "warnings": [_warning(f) for f in warnings]}

    return db.retrying(write)


def _warning(finding: Finding) -> dict[str, Any]:
    return {"rule": str(finding.rule), "message": finding.message}


@dataclass
class _Entry:
    """What the records of one form or API call are written with."""

    session: Session
    who: Principal
    state: ReviewState
    today: dt.date | None
    rules: EntryRules | None
    warnings: list[Finding]

    def insert(
        self,
        kind: str,
        data: Mapping[str, Any],
        problems: Sequence[FieldProblem] = (),
    ) -> dict[str, Any]:
        return _insert(self, kind, data, problems)


def _insert(
    entry: _Entry,
    kind: str,
    data: Mapping[str, Any],
    problems: Sequence[FieldProblem] = (),
) -> dict[str, Any]:
    session, who = entry.session, entry.who
    [new_id] = insert_records(
        session,
        kind,
        [data],
        today=entry.today,
        reported_by_id=who.organisation_id,
        review_state=entry.state,
        ref="(new)",
        problems=[*problems, *shape_problems(data)],
        rules=entry.rules,
        warnings=entry.warnings,
        who=who,
    )
    obj = session.get(MODELS[kind], new_id)
    assert obj is not None
    after = to_dict(obj)
    record_event(
        session,
        user_id=who.id,
        action="create",
        entity=kind,
        record_id=new_id,
        before=None,
        after=after,
    )
    return after


def _load_for_write(
    session: Session, kind: str, record_id: int, who: Principal
) -> Base:
    model = MODELS[kind]
    stmt = select(model).where(model.id == record_id, visible(model, who))  # type: ignore[attr-defined]
    stmt = backend_of(session).for_write(stmt)
    obj = session.scalars(stmt).first()
    if obj is None:
        raise NotFoundError(
            _(
                "no %(kind)s with id %(record_id)s",
                kind=kind_word(kind),
                record_id=record_id,
            )
        )
    return obj


def _bump_version(session: Session, obj: Base, expected: int, submitted: Any) -> None:
    """Move the version on only if it is still ``expected`` (race-safe)."""
    model = type(obj)
    done = session.execute(
        update(model)
        .where(model.id == obj.id, model.version == expected)  # type: ignore[attr-defined]
        .values(version=expected + 1)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(obj)
        raise ConflictError(current=to_dict(obj), submitted=submitted)
    obj.version = expected + 1  # type: ignore[attr-defined]


def update_record(
    db: Database,
    kind: str,
    record_id: int,
    changes: Mapping[str, Any],
    version: int,
    who: Principal,
    *,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Apply ``changes`` to a record read at ``version``; 409 if it moved on."""
    _writable_kind(kind)
    data = client_fields(changes, kind)
    model, check, dated = KINDS[kind]

    def write() -> dict[str, Any]:
        with db.session(write=True) as session:
            obj = _load_for_write(session, kind, record_id, who)
            before = to_dict(obj)
            state = ReviewState(obj.review_state)  # type: ignore[attr-defined]
            if not who.can_write or (
                who.role is Role.CLERK
                and (
                    obj.reported_by_id != who.organisation_id  # type: ignore[attr-defined]
                    or state is ReviewState.APPROVED
                )
            ):
                raise PermissionDeniedError(_("you may not edit this record"))
            if before["version"] != version:
                raise ConflictError(
                    current=before, submitted={**data, "version": version}
                )
            merged = {k: v for k, v in before.items() if k not in PROTECTED}
            merged.update(data)
            clean = checked_row(
                kind,
                check,
                dated,
                merged,
                record_id,
                today or dt.date.today(),
                problems=shape_problems(data),
            )
            if kind == "activity":
                check_activity_scope(
                    session.connection(), clean, today=today or dt.date.today()
                )
            values = model_columns(model, kind, clean)
            changed_refs = {k: clean.get(k) for k in data if k.endswith("_id")}
            check_references(session, kind, changed_refs, record_id, who)
            _bump_version(session, obj, version, {**data, "version": version})
            moved = geometry_changed(obj, values)
            for name in data:
                setattr(obj, name, values.get(name))
            if moved:
                # Areas and the ledger follow the geometry; an edit of the
                # name or notes leaves every derived figure as stored.
                derive_fields(obj)
                place_record(session.connection(), kind, obj)
                session.flush()
                if isinstance(obj, Hazard):
                    update_hazard_ledger(session, obj.id)
                elif isinstance(obj, Release) and state is ReviewState.APPROVED:
                    update_hazard_ledger(session, obj.hazard_id)
            session.flush()
            after = to_dict(obj)
            record_event(
                session,
                user_id=who.id,
                action="update",
                entity=kind,
                record_id=record_id,
                before=before,
                after=after,
            )
            return after

    return db.retrying(write)


def change_review_state(
    db: Database,
    kind: str,
    record_id: int,
    action: str,
    who: Principal,
    *,
    reason: str | None = None,
    version: int | None = None,
) -> dict[str, Any]:
    """Submit, approve or reject a record; approving a release updates its hazard."""
    check_action(kind, action, who, reason=reason, version=version)

    def write() -> dict[str, Any]:
        with db.session(write=True) as session:
            return change_state(
                session, kind, record_id, action, who, reason=reason, version=version
            )

    return db.retrying(write)


def check_action(
    kind: str,
    action: str,
    who: Principal,
    *,
    reason: str | None = None,
    version: int | None = None,
) -> None:
    """Refuse an action the caller may not take or has not said enough for."""
    _writable_kind(kind)
    if action not in TRANSITIONS:
        raise RecordError(_("unknown action %(action)r", action=action), field="action")
    if action != "submit" and not who.can_review:
        raise PermissionDeniedError(_("only reviewers may approve or reject"))
    if action == "reject" and not (reason and reason.strip()):
        raise RecordError(_("give the reason for rejecting"), field="reason")
    if action != "submit" and version is None:
        # Approval names what the reviewer saw (issue 19): without it a change
        # made after the page opened would be approved unseen.
        raise RecordError(
            _(
                "give the version of the record you reviewed to %(action)s it",
                action=action,
            ),
            field="version",
        )


def change_state(
    session: Session,
    kind: str,
    record_id: int,
    action: str,
    who: Principal,
    *,
    reason: str | None = None,
    version: int | None = None,
) -> dict[str, Any]:
    """Submit, approve or reject one record inside the caller's transaction.

    The caller has checked the action (:func:`check_action`); several records
    can change together in one ``db.session(write=True)``.
    """
    sources, target = TRANSITIONS[action]
    obj = _load_for_write(session, kind, record_id, who)
    before = to_dict(obj)
    owner = obj.reported_by_id  # type: ignore[attr-defined]
    if (
        action == "submit"
        and not who.can_review
        and (not who.can_write or owner != who.organisation_id)
    ):
        raise PermissionDeniedError(_("you may submit your organisation's only"))
    state = ReviewState(obj.review_state)  # type: ignore[attr-defined]
    if state not in sources:
        raise ConflictError(
            _(
                "the record cannot be %(done)s: its review state is “%(state)s”",
                done=action_label(action),
                state=label(state),
            ),
            current=before,
            submitted={"action": action},
        )
    if version is not None and version != before["version"]:
        changed = _changed_since(session, kind, record_id, version, before)
        raise ConflictError(
            _(
                "the record changed since you opened it (version"
                " %(opened)s is now %(now)s; changed: %(fields)s);"
                " look at it again",
                opened=version,
                now=before["version"],
                fields=", ".join(field_label(f) for f in changed)
                or _("its review state"),
            ),
            current=before,
            submitted={
                "action": action,
                "version": version,
                "changed": changed,
            },
        )
    expected = before["version"] if version is None else version
    _bump_version(session, obj, expected, {"action": action, "version": version})
    obj.review_state = target  # type: ignore[attr-defined]
    session.flush()
    if isinstance(obj, Release):
        update_hazard_ledger(session, obj.hazard_id)
    after = to_dict(obj)
    if reason:
        after["review_reason"] = reason.strip()
    record_event(
        session,
        user_id=who.id,
        action=action,
        entity=kind,
        record_id=record_id,
        before=before,
        after=after,
    )
    return after


def _changed_since(
    session: Session,
    kind: str,
    record_id: int,
    version: int,
    current: Mapping[str, Any],
) -> list[str]:
    """Fields that differ between ``version`` (from the audit trail) and now."""
    seen = None
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity == kind, AuditEvent.record_id == record_id)
        .order_by(AuditEvent.id)
    )
    for event in events:
        if (event.after or {}).get("version") == version:
            seen = event.after
    if seen is None:
        return []
    skip = {"version", "updated_at", "review_state"}
    return sorted(k for k, v in current.items() if k not in skip and seen.get(k) != v)


def review_queue(db: Database, who: Principal) -> list[dict[str, Any]]:
    """Submitted records ``who`` can see, oldest first, with a label for each."""
    out: list[dict[str, Any]] = []
    with db.session() as session:
        for kind in KINDS:
            model = MODELS[kind]
            rows = session.scalars(
                select(model)
                .where(
                    model.review_state == ReviewState.SUBMITTED,  # type: ignore[attr-defined]
                    visible(model, who),
                )
                .order_by(model.updated_at)  # type: ignore[attr-defined]
            ).all()
            for obj in rows:
                rec = to_dict(obj)
                label = rec.get("name") or rec.get("external_id") or f"#{obj.id}"  # type: ignore[attr-defined]
                out.append(
                    {
                        "kind": kind,
                        "id": rec["id"],
                        "label": label,
                        "version": rec["version"],
                        "updated_at": rec["updated_at"],
                        "reported_by_id": rec["reported_by_id"],
                    }
                )
    return out


def last_rejection(db: Database, kind: str, record_id: int) -> str | None:
    """Why a record was last rejected, from the audit trail."""
    with db.session() as session:
        event = session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.entity == kind,
                AuditEvent.record_id == record_id,
                AuditEvent.action == "reject",
            )
            .order_by(AuditEvent.id.desc())
        ).first()
        return (event.after or {}).get("review_reason") if event else None
