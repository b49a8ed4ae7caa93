# SPDX-License-Identifier: GPL-3.0-or-later
"""Survivors' records: add, read (audited), needs and the steps of assistance."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.exc import IntegrityError

from demine.domain.assistance import age_group, survivor_code
from demine.domain.vocab import AssistanceStep, NeedKind, Outcome
from demine.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RecordError,
)
from demine.i18n import _
from demine.store import assistance as queries
from demine.store.audit import record_event
from demine.store.database import Database
from demine.store.listing import to_dict
from demine.store.schema import (
    AssistanceEvent,
    Survivor,
    SurvivorNeed,
    Victim,
)
from demine.store.users import Principal


def require_assistance(who: Principal | None) -> Principal:
    """The assistance role, else PermissionDeniedError (even for administrators)."""
    if who is None or not who.can_assist:
        raise PermissionDeniedError(_("only victim assistance officers see survivors"))
    return who


def add_survivor(
    db: Database,
    who: Principal | None,
    victim_id: int,
    *,
    full_name: str | None = None,
    contact: str | None = None,
    consent_on: dt.date | None = None,
    notes: str | None = None,
) -> dict[str, Any]:
    """Open a survivor's record for an injured victim; it gets a pseudonym code."""
    who = require_assistance(who)
    with db.session(write=True) as session:
        victim = session.get(Victim, victim_id)
        if victim is None:
            raise NotFoundError(_("no victim with id %(id)s", id=victim_id))
        if victim.outcome != Outcome.INJURED:
            raise RecordError(
                _("only an injured victim is a survivor"), field="victim_id"
            )
        survivor = Survivor(
            victim_id=victim_id,
            code=survivor_code(),
            full_name=full_name,
            contact=contact,
            consent_on=consent_on,
            notes=notes,
        )
        session.add(survivor)
        try:
            session.flush()
        except IntegrityError:
            raise ConflictError(
                _("victim %(id)s has a survivor's record already", id=victim_id)
            ) from None
        record_event(
            session,
            user_id=who.id,
            action="create",
            entity="survivor",
            record_id=survivor.id,
            before=None,
            after={"code": survivor.code, "victim_id": victim_id},
        )
        return to_dict(survivor)


def get_survivor(
    db: Database, who: Principal | None, survivor_id: int
) -> dict[str, Any]:
    """One survivor with needs and steps; the read is audited (same transaction)."""
    who = require_assistance(who)
    with db.session(write=True) as session:
        survivor = session.get(Survivor, survivor_id)
        if survivor is None:
            raise NotFoundError(_("no survivor with id %(id)s", id=survivor_id))
        victim = session.get(Victim, survivor.victim_id)
        needs = queries.needs_of(session, survivor_id)
        steps = queries.steps_of(session, survivor_id)
        out = to_dict(survivor)
        out["sex"] = victim.sex.value if victim is not None else None
        out["age_group"] = age_group(victim.age if victim is not None else None)
        out["needs"] = [to_dict(n) for n in needs]
        out["steps"] = [to_dict(s) for s in steps]
        queries.audit_reads(session, who.id, "read", [survivor_id])
        return out


def list_survivors(db: Database, who: Principal | None) -> list[dict[str, Any]]:
    """Every survivor by code with open needs; each row shown is audited."""
    who = require_assistance(who)
    with db.session(write=True) as session:
        rows = queries.survivor_rows(session)
        open_needs = queries.open_needs(session)
        queries.audit_reads(session, who.id, "list", [r[0] for r in rows])
        return [
            {
                "id": r[0],
                "code": r[1],
                "full_name": r[2],
                "sex": str(r[3]),
                "age_group": age_group(r[4]),
                "open_needs": open_needs.get(r[0], 0),
            }
            for r in rows
        ]


def add_need(
    db: Database,
    who: Principal | None,
    survivor_id: int,
    need: str,
    identified_on: dt.date | None = None,
    notes: str | None = None,
) -> dict[str, Any]:
    who = require_assistance(who)
    try:
        kind = NeedKind(need)
    except ValueError:
        allowed = ", ".join(k.value for k in NeedKind)
        raise RecordError(
            _("unknown need %(need)r; use %(allowed)s", need=need, allowed=allowed),
            field="need",
        ) from None
    with db.session(write=True) as session:
        if session.get(Survivor, survivor_id) is None:
            raise NotFoundError(_("no survivor with id %(id)s", id=survivor_id))
        row = SurvivorNeed(
            survivor_id=survivor_id, need=kind, identified_on=identified_on, notes=notes
        )
        session.add(row)
        session.flush()
        record_event(
            session,
            user_id=who.id,
            action="need",
            entity="survivor",
            record_id=survivor_id,
            before=None,
            after={"need": kind.value},
        )
        return to_dict(row)


def add_step(
    db: Database,
    who: Principal | None,
    survivor_id: int,
    step: str,
    occurred_on: dt.date,
    *,
    need_id: int | None = None,
    provider: str | None = None,
    notes: str | None = None,
    need_met: bool = False,
) -> dict[str, Any]:
    """Record a referral, a service delivered or a follow-up.

    ``need_met`` with a service closes the need it answered (``met_on``).
    """
    who = require_assistance(who)
    try:
        kind = AssistanceStep(step)
    except ValueError:
        allowed = ", ".join(k.value for k in AssistanceStep)
        raise RecordError(
            _("unknown step %(step)r; use %(allowed)s", step=step, allowed=allowed),
            field="step",
        ) from None
    with db.session(write=True) as session:
        if session.get(Survivor, survivor_id) is None:
            raise NotFoundError(_("no survivor with id %(id)s", id=survivor_id))
        need = session.get(SurvivorNeed, need_id) if need_id is not None else None
        if need_id is not None and (need is None or need.survivor_id != survivor_id):
            raise RecordError(
                _("the survivor has no need %(id)s", id=need_id), field="need_id"
            )
        row = AssistanceEvent(
            survivor_id=survivor_id,
            need_id=need_id,
            step=kind,
            provider=provider,
            occurred_on=occurred_on,
            notes=notes,
        )
        session.add(row)
        if need_met and need is not None and kind is AssistanceStep.SERVICE:
            if need.identified_on and occurred_on < need.identified_on:
                raise RecordError(
                    _("a need cannot be met before it was identified"),
                    field="occurred_on",
                )
            need.met_on = occurred_on
        session.flush()
        record_event(
            session,
            user_id=who.id,
            action=kind.value[:20],
            entity="survivor",
            record_id=survivor_id,
            before=None,
            after={"step": kind.value, "need_id": need_id},
        )
        return to_dict(row)
