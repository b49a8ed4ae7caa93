# SPDX-License-Identifier: GPL-3.0-or-later
"""Accreditation records read for the scope rule, on every entry path.

:func:`check_activity_scope` is the record rule every single-record write of
an activity goes through (:mod:`demine.store.editing`,
:mod:`demine.store.review`); :func:`scope_problems` is the same rule over an
import's rows (:mod:`demine.exchange.rules`). The rule applies to an
organisation once the register holds an accreditation for it: a register
migrated from before accreditation was kept is not refused wholesale, and
the national authority switches an organisation under the rule by recording
its first accreditation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Connection

from demine.domain.accreditation import (
    NEEDS_ACCREDITATION,
    Grant,
    Suspension,
    check_scope,
)
from demine.domain.records import parse_enum
from demine.domain.vocab import ActivityType, Method
from demine.errors import RecordError
from demine.i18n import _
from demine.store.schema import Accreditation, AccreditationSuspension, Organisation

Scopes = dict[int, tuple[list[Grant], list[Suspension]]]


def _grant(row: Any) -> Grant:
    return Grant(
        id=row.id,
        organisation_id=row.organisation_id,
        activity_type=ActivityType(row.activity_type),
        method=Method(row.method) if row.method else None,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
    )


def scopes_of(conn: Connection, organisation_ids: Iterable[int]) -> Scopes:
    """Grants and suspensions per organisation (those with any grant only)."""
    wanted = sorted({int(i) for i in organisation_ids})
    if not wanted:
        return {}
    acc, sus = Accreditation.__table__, AccreditationSuspension.__table__
    out: Scopes = {}
    by_grant: dict[int, int] = {}
    for row in conn.execute(select(acc).where(acc.c.organisation_id.in_(wanted))):
        grant = _grant(row)
        out.setdefault(grant.organisation_id, ([], []))[0].append(grant)
        by_grant[grant.id] = grant.organisation_id
    if by_grant:
        stmt = select(sus).where(sus.c.accreditation_id.in_(list(by_grant)))
        for row in conn.execute(stmt):
            org = by_grant[row.accreditation_id]
            out[org][1].append(
                Suspension(row.accreditation_id, row.starts_on, row.ends_on, row.reason)
            )
    return out


def _name(conn: Connection, organisation_id: int) -> str:
    org = Organisation.__table__
    row = conn.execute(
        select(org.c.name, org.c.acronym).where(org.c.id == organisation_id)
    ).first()
    if row is None:
        return _("organisation %(id)s", id=organisation_id)
    return f"{row.name} ({row.acronym})" if row.acronym else str(row.name)


def _span(
    start: dt.date | None, end: dt.date | None, today: dt.date
) -> tuple[dt.date, dt.date]:
    first = start or end or today
    return first, end or first


def check_activity_scope(
    conn: Connection,
    row: Mapping[str, Any],
    *,
    today: dt.date,
    ref: str | int | None = None,
) -> None:
    """Refuse a checked activity row outside its organisation's valid scope."""
    org_id = row.get("organisation_id")
    kind = row.get("activity_type")
    if org_id is None or kind is None:
        return
    activity_type = parse_enum(ActivityType, kind, entity="activity")
    if activity_type not in NEEDS_ACCREDITATION:
        return
    scopes = scopes_of(conn, [int(org_id)])
    if int(org_id) not in scopes:
        return
    grants, suspensions = scopes[int(org_id)]
    method = row.get("method")
    start, end = _span(row.get("start_date"), row.get("end_date"), today)
    check_scope(
        grants,
        suspensions,
        activity_type,
        parse_enum(Method, method, entity="activity") if method else None,
        start,
        end,
        organisation=_name(conn, int(org_id)),
        record=row.get("external_id") or ref,
    )


def scope_problems(
    conn: Connection, frame: pd.DataFrame, today: dt.date
) -> list[tuple[int, str]]:
    """``(row position, reason)`` of every activity row outside scope."""
    if "organisation_id" not in frame or "activity_type" not in frame:
        return []
    orgs = pd.to_numeric(frame["organisation_id"], errors="coerce")
    scopes = scopes_of(conn, orgs.dropna().astype(int).tolist())
    if not scopes:
        return []
    out = []
    for pos in range(len(frame)):
        org = orgs.iat[pos]
        if pd.isna(org) or int(org) not in scopes:
            continue
        row = {
            c: _plain(frame[c].iat[pos])
            for c in ("activity_type", "method", "start_date", "end_date")
            if c in frame
        }
        row["organisation_id"] = int(org)
        try:
            check_activity_scope(conn, row, today=today)
        except RecordError as exc:
            out.append((pos, str(exc).split(": ", 1)[-1]))
    return out


def _plain(value: Any) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value
