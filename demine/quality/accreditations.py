# SPDX-License-Identifier: GPL-3.0-or-later
"""Accreditation of organisations: scopes, validity, suspensions, history.

Granting, suspending and lifting are for administrators (the national
authority's accreditation staff); every change is audited, and the
organisation's summary status (``organisation.accreditation``) follows the
grants as of the day of the change. Activities outside a valid scope are
refused by the record rules (:mod:`demine.store.accreditation`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from demine.domain.accreditation import Grant, Suspension, scope_on
from demine.domain.records import parse_enum
from demine.domain.vocab import AccreditationStatus, ActivityType, Method
from demine.errors import NotFoundError, RecordError
from demine.i18n import N_, _
from demine.quality.access import require_admin, user_id
from demine.store import people as people_store
from demine.store import quality as store
from demine.store.audit import history as audit_history
from demine.store.database import Database
from demine.store.schema import Accreditation, AccreditationSuspension, Organisation
from demine.store.users import Principal


def grant(
    db: Database,
    *,
    organisation_id: int,
    activity_type: str,
    valid_from: dt.date,
    valid_until: dt.date,
    method: str | None = None,
    reference: str | None = None,
    notes: str | None = None,
    who: Principal | None = None,
) -> dict[str, Any]:
    """Accredit an organisation for an activity type (and method) for a period."""
    require_admin(who, N_("accredit organisations"))
    kind = parse_enum(
        ActivityType, activity_type, entity="accreditation", field="activity_type"
    )
    how = (
        parse_enum(Method, method, entity="accreditation", field="method")
        if method
        else None
    )
    if valid_until < valid_from:
        raise RecordError(
            _(
                "ends %(end)s, before it starts %(start)s",
                end=valid_until.isoformat(),
                start=valid_from.isoformat(),
            ),
            entity="accreditation",
            field="valid_until",
        )
    with db.session(write=True) as session:
        if session.get(Organisation, organisation_id) is None:
            raise RecordError(
                _("no organisation with id %(id)s", id=organisation_id),
                entity="accreditation",
                field="organisation_id",
            )
        obj = Accreditation(
            organisation_id=organisation_id,
            activity_type=kind,
            method=how,
            valid_from=valid_from,
            valid_until=valid_until,
            reference=(reference or "").strip()[:120] or None,
            notes=notes,
        )
        after = store.add_with_event(session, obj, user_id(who))
        _sync_status(session, organisation_id, who)
        return after


def suspend(
    db: Database,
    accreditation_id: int,
    *,
    starts_on: dt.date,
    reason: str,
    ends_on: dt.date | None = None,
    who: Principal | None = None,
) -> dict[str, Any]:
    """Suspend an accreditation from ``starts_on`` (until ``ends_on`` or lifted)."""
    require_admin(who, N_("suspend accreditations"))
    if not (reason and reason.strip()):
        raise RecordError(
            _("give the reason"), entity="accreditation_suspension", field="reason"
        )
    if ends_on is not None and ends_on < starts_on:
        raise RecordError(_("ends before it starts"), field="ends_on")
    with db.session(write=True) as session:
        acc = store.load(session, Accreditation, accreditation_id)
        obj = AccreditationSuspension(
            accreditation_id=acc.id,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason.strip(),
        )
        after = store.add_with_event(session, obj, user_id(who))
        _sync_status(session, acc.organisation_id, who)
        return after


def lift(
    db: Database,
    suspension_id: int,
    *,
    ends_on: dt.date,
    who: Principal | None = None,
) -> dict[str, Any]:
    """End a suspension on ``ends_on`` (its last day)."""
    require_admin(who, N_("lift suspensions"))
    with db.session(write=True) as session:
        obj = store.load(session, AccreditationSuspension, suspension_id)
        if ends_on < obj.starts_on:
            raise RecordError(_("ends before it starts"), field="ends_on")
        after = store.change_with_event(
            session, obj, {"ends_on": ends_on}, user_id(who), "lift"
        )
        acc = session.get(Accreditation, obj.accreditation_id)
        assert acc is not None
        _sync_status(session, acc.organisation_id, who)
        return after


def _grants(rows: list[dict[str, Any]]) -> list[Grant]:
    return [
        Grant(
            r["id"],
            r["organisation_id"],
            ActivityType(r["activity_type"]),
            Method(r["method"]) if r["method"] else None,
            r["valid_from"],
            r["valid_until"],
        )
        for r in rows
    ]


def _stops(rows: list[dict[str, Any]]) -> list[Suspension]:
    return [
        Suspension(r["accreditation_id"], r["starts_on"], r["ends_on"], r["reason"])
        for r in rows
    ]


def status_on(
    grants: list[Grant], stops: list[Suspension], day: dt.date
) -> AccreditationStatus:
    """The organisation's summary status on ``day``."""
    if not grants:
        return AccreditationStatus.NONE
    if scope_on(grants, stops, day):
        return AccreditationStatus.ACCREDITED
    if any(g.valid_from <= day <= g.valid_until for g in grants):
        return AccreditationStatus.SUSPENDED
    return AccreditationStatus.EXPIRED


def _sync_status(session: Any, organisation_id: int, who: Principal | None) -> None:
    conn = session.connection()
    rows, stops = people_store.accreditation_rows(conn, organisation_id)
    grants = _grants(rows)
    status = status_on(grants, _stops(stops), dt.date.today())
    org = session.get(Organisation, organisation_id)
    until = max((g.valid_until for g in grants), default=None)
    if org is not None and (
        org.accreditation != status or org.accredited_until != until
    ):
        store.change_with_event(
            session,
            org,
            {"accreditation": status, "accredited_until": until},
            user_id(who),
            "accreditation",
        )


def register(db: Database, day: dt.date | None = None) -> list[dict[str, Any]]:
    """Every organisation with accreditations: its grants, their suspensions
    and whether each is valid on ``day`` (default today)."""
    day = day or dt.date.today()
    with db.transaction() as conn:
        rows, stops = people_store.accreditation_rows(conn)
    by_org: dict[int, dict[str, Any]] = {}
    suspensions = _stops(stops)
    for row in rows:
        org = by_org.setdefault(
            row["organisation_id"],
            {
                "organisation_id": row["organisation_id"],
                "organisation": row["organisation"],
                "acronym": row["acronym"],
                "grants": [],
            },
        )
        [g] = _grants([row])
        own = [s for s in suspensions if s.accreditation_id == g.id]
        valid = bool(scope_on([g], own, day))
        org["grants"].append(
            {
                **{k: _iso(v) for k, v in row.items()},
                "valid": valid,
                "suspensions": [
                    {**{k: _iso(v) for k, v in s.items()}}
                    for s in stops
                    if s["accreditation_id"] == g.id
                ],
            }
        )
    for org in by_org.values():
        gs = _grants(
            [g for g in rows if g["organisation_id"] == org["organisation_id"]]
        )
        org["status"] = status_on(gs, suspensions, day).value
    return sorted(by_org.values(), key=lambda o: o["organisation"])


def history(db: Database, organisation_id: int) -> dict[str, Any]:
    """An organisation's grants and suspensions with their audit trail."""
    with db.transaction() as conn:
        rows, stops = people_store.accreditation_rows(conn, organisation_id)
    if not rows:
        with db.session() as session:
            if session.get(Organisation, organisation_id) is None:
                raise NotFoundError(
                    _("no organisation with id %(id)s", id=organisation_id)
                )
    events = []
    for r in rows:
        events += [
            {**e, "entity": "accreditation", "id": r["id"]}
            for e in audit_history(db, "accreditation", r["id"])
        ]
    for s in stops:
        events += [
            {**e, "entity": "accreditation_suspension", "id": s["id"]}
            for e in audit_history(db, "accreditation_suspension", s["id"])
        ]
    events.sort(key=lambda e: e["at"])
    return {
        "organisation_id": organisation_id,
        "grants": [{k: _iso(v) for k, v in r.items()} for r in rows],
        "suspensions": [{k: _iso(v) for k, v in s.items()} for s in stops],
        "events": events,
    }


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value
