# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue a handover certificate, record the handover, verify a certificate."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy.exc import IntegrityError

from demine.domain import handover as rules
from demine.domain.vocab import LandUse
from demine.errors import ConflictError, NotFoundError, RecordError
from demine.i18n import _, check_language
from demine.store import handover as queries
from demine.store.audit import record_event
from demine.store.database import Database
from demine.store.listing import to_dict
from demine.store.schema import Handover
from demine.store.users import Principal

PREFIX = "HC"


def _land_use(value: str | None) -> LandUse | None:
    if value in (None, ""):
        return None
    try:
        return LandUse(value)
    except ValueError:
        allowed = ", ".join(u.value for u in LandUse)
        raise RecordError(
            _(
                "unknown land use %(value)r; use one of %(allowed)s",
                value=value,
                allowed=allowed,
            ),
            field="intended_land_use",
        ) from None


def _text(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value or len(value) > 200:
        raise RecordError(
            _("give %(field)s (1 to 200 characters)", field=field), field=field
        )
    return value


def issue_certificate(
    db: Database,
    hazard_id: int,
    *,
    issued_by: str,
    recipient_authority: str,
    intended_land_use: str | None = None,
    language: str = "en",
    today: dt.date | None = None,
    who: Principal | None = None,
) -> dict[str, Any]:
    """Issue the certificate for a fully released hazard; its number is unique.

    Refuses (RecordError, all reasons at once) a hazard that is not approved,
    not fully released, or has release products waiting for review.
    """
    today = today or dt.date.today()
    try:
        check_language(language)
    except ValueError as exc:
        raise RecordError(str(exc), field="language") from None
    land_use = _land_use(intended_land_use)
    issued_by = _text(issued_by, "issued_by")
    recipient_authority = _text(recipient_authority, "recipient_authority")
    with db.transaction() as conn:
        state = queries.hazard_state(conn, hazard_id)
    reasons = rules.refusals(state)
    if reasons:
        raise RecordError("; ".join(_(r) for r in reasons), field="hazard_id")
    for _attempt in range(5):
        try:
            return _insert(
                db,
                state,
                issued_by,
                recipient_authority,
                land_use,
                language,
                today,
                who,
            )
        except IntegrityError:
            # Another certificate took the same number at the same moment.
            continue
    raise ConflictError(_("could not give the certificate a unique number; try again"))


def _insert(
    db: Database,
    state: rules.HazardState,
    issued_by: str,
    authority: str,
    land_use: LandUse | None,
    language: str,
    today: dt.date,
    who: Principal | None,
) -> dict[str, Any]:
    with db.session(write=True) as session:
        numbers = queries.certificate_numbers(session)
        number = rules.certificate_number(
            PREFIX, today.year, rules.next_sequence(numbers, PREFIX, today.year)
        )
        cert = Handover(
            hazard_id=state.hazard_id,
            number=number,
            code=rules.verification_code(),
            issued_on=today,
            issued_by=issued_by,
            released_m2=state.released_m2,
            recipient_authority=authority,
            intended_land_use=land_use,
            language=language,
        )
        session.add(cert)
        session.flush()
        after = to_dict(cert)
        record_event(
            session,
            user_id=who.id if who else None,
            action="create",
            entity="handover",
            record_id=cert.id,
            before=None,
            after=after,
        )
        return after


def record_handover(
    db: Database,
    number: str,
    *,
    received_by: str,
    handed_over_on: dt.date,
    who: Principal | None = None,
) -> dict[str, Any]:
    """Record who received the land against certificate ``number``, and when."""
    received_by = _text(received_by, "received_by")
    with db.session(write=True) as session:
        cert = queries.certificate_by_number(session, number)
        if cert is None:
            raise NotFoundError(_("no certificate numbered %(number)r", number=number))
        if cert.handed_over_on is not None:
            raise ConflictError(
                _(
                    "certificate %(number)s was handed over already, on %(day)s",
                    number=number,
                    day=cert.handed_over_on.isoformat(),
                )
            )
        if handed_over_on < cert.issued_on:
            raise RecordError(
                _(
                    "the handover date is before the certificate was issued (%(day)s)",
                    day=cert.issued_on.isoformat(),
                ),
                field="handed_over_on",
            )
        before = to_dict(cert)
        cert.received_by = received_by
        cert.handed_over_on = handed_over_on
        cert.version += 1
        session.flush()
        after = to_dict(cert)
        record_event(
            session,
            user_id=who.id if who else None,
            action="handover",
            entity="handover",
            record_id=cert.id,
            before=before,
            after=after,
        )
        return after


def verify_certificate(db: Database, code: str) -> dict[str, Any] | None:
    """What the public verification page shows for ``code``, or None.

    Only what the certificate itself prints: number, dates, area, place and
    the receiving authority; never the person who signed for it.
    """
    if not code or len(code) > 40:
        return None
    with db.transaction() as conn:
        return queries.handover_by_code(conn, code)


def waiting_land(db: Database, today: dt.date | None = None) -> dict[str, Any]:
    """Land released but not yet handed over: count, area and ages.

    ``bands`` counts hazards by days since their last release
    (:data:`demine.domain.handover.AGE_BANDS`).
    """
    today = today or dt.date.today()
    with db.transaction() as conn:
        rows = queries.released_not_handed_over(conn)
    days = [rules.waiting_days(last, today) for _h, _m2, last in rows]
    known = [d for d in days if d is not None]
    bands = Counter(rules.age_band(d) for d in days)
    return {
        "hazards": len(rows),
        "released_m2": sum(m2 for _h, m2, _l in rows),
        "oldest_days": max(known, default=None),
        "median_days": sorted(known)[len(known) // 2] if known else None,
        "bands": {
            b: bands.get(b, 0)
            for b in (
                *(f"{lo}-{hi}" if hi else f"{lo}+" for lo, hi in rules.AGE_BANDS),
            )
        }
        | ({"unknown": bands["unknown"]} if bands.get("unknown") else {}),
        "hazard_ids": [h for h, _m, _l in rows],
    }
