# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading and writing quality records: lots, inspections, units, NCs, visits.

Every write here runs in the caller's session (one transaction with its
audit events, :mod:`demine.quality`); reads for figures take a Core
connection. Only approved releases make up a lot: ground not yet in the
national figures is not yet released, so there is nothing to inspect.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from shapely.geometry.base import BaseGeometry
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from demine.domain.vocab import (
    InspectionResult,
    ReleaseKind,
    ReviewState,
)
from demine.errors import NotFoundError, RecordError
from demine.i18n import _
from demine.i18n.kinds import kind_word
from demine.store.audit import record_event
from demine.store.listing import to_dict
from demine.store.schema import (
    Activity,
    Base,
    EOItem,
    Hazard,
    Inspection,
    MonitoringVisit,
    NonConformity,
    Organisation,
    Release,
    SampleUnit,
    Team,
)

APPROVED = ReviewState.APPROVED.value
#: Releases that are ground worked on the ground, so can be inspected.
INSPECTABLE = (ReleaseKind.CLEARED.value, ReleaseKind.REDUCED.value)
FINISHED = (InspectionResult.ACCEPTED.value, InspectionResult.REJECTED.value)


def lot_rows(session: Session, release_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Approved releases with their activity's organisation, team and method
    and their hazard's geometry; missing or unapproved ids are an error."""
    stmt = (
        select(
            Release.id,
            Release.kind,
            Release.released_on,
            Release.geom,
            Release.hazard_id,
            Release.review_state,
            Activity.organisation_id,
            Activity.team_id,
            Activity.method,
            Hazard.geom.label("hazard_geom"),
        )
        .join(Hazard, Hazard.id == Release.hazard_id)
        .outerjoin(Activity, Activity.id == Release.activity_id)
        .where(Release.id.in_(list(release_ids)))
        .order_by(Release.id)
    )
    rows = [dict(r._mapping) for r in session.execute(stmt)]
    found = {r["id"] for r in rows}
    missing = sorted(set(release_ids) - found)
    if missing:
        raise NotFoundError(
            _("no release with id %(id)s", id=", ".join(map(str, missing)))
        )
    for r in rows:
        if _text(r["review_state"]) != APPROVED:
            raise RecordError(
                _("is not approved yet: only released ground can be inspected"),
                entity="release",
                record=r["id"],
            )
        if _text(r["kind"]) not in INSPECTABLE:
            raise RecordError(
                _(
                    "cancelled land was not searched, so it is not inspected "
                    "after clearance"
                ),
                entity="release",
                record=r["id"],
                field="kind",
            )
    return rows


def release_ids_of(
    session: Session, *, activity_id: int | None = None, hazard_id: int | None = None
) -> list[int]:
    """Approved cleared or reduced releases of an activity or of a hazard."""
    stmt = select(Release.id).where(
        Release.review_state == APPROVED, Release.kind.in_(INSPECTABLE)
    )
    if activity_id is not None:
        stmt = stmt.where(Release.activity_id == activity_id)
    if hazard_id is not None:
        stmt = stmt.where(Release.hazard_id == hazard_id)
    return list(session.scalars(stmt.order_by(Release.id)))


def _text(value: Any) -> Any:
    return getattr(value, "value", value)


def add_with_event(
    session: Session, obj: Base, who_id: int | None, action: str = "create"
) -> dict[str, Any]:
    """Add ``obj`` and its audit event; return it as a dict."""
    session.add(obj)
    return _flushed_with_event(session, obj, who_id, action, None)


def change_with_event(
    session: Session,
    obj: Base,
    values: Mapping[str, Any],
    who_id: int | None,
    action: str,
) -> dict[str, Any]:
    """Set ``values`` on ``obj``, bump its version and record the change."""
    before = to_dict(obj)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.version = before["version"] + 1  # type: ignore[attr-defined]
    return _flushed_with_event(session, obj, who_id, action, before)


def _flushed_with_event(
    session: Session,
    obj: Base,
    who_id: int | None,
    action: str,
    before: dict[str, Any] | None,
) -> dict[str, Any]:
    """Flush ``obj``, audit the change from ``before`` and return it as a dict."""
    session.flush()
    after = to_dict(obj)
    record_event(
        session,
        user_id=who_id,
        action=action,
        entity=obj.__tablename__,
        record_id=obj.id,  # type: ignore[attr-defined]
        before=before,
        after=after,
    )
    return after


def add_units(
    session: Session, inspection_id: int, geoms: Sequence[BaseGeometry]
) -> None:
    session.add_all(
        SampleUnit(inspection_id=inspection_id, number=i, geom=g)
        for i, g in enumerate(geoms, start=1)
    )
    session.flush()


def load(session: Session, model: type[Base], record_id: int) -> Any:
    """The record for update, or NotFoundError.

    PostgreSQL locks the row. SQLite has no row locks: an empty write first
    takes the database's write lock, waiting for a writer that holds it, so
    the read that follows sees what that writer committed (two inspectors
    recording the same verdict get one verdict and one refusal, not a
    "database is locked" halfway).
    """
    stmt = select(model).where(model.id == record_id)  # type: ignore[attr-defined]
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    else:
        table = Base.metadata.tables[model.__tablename__]
        c = table.c
        # Every column set to itself, so no onupdate default fires.
        session.execute(
            update(table)
            .where(c.id == record_id)
            .values(id=c.id, updated_at=c.updated_at)
        )
    obj = session.scalars(stmt).first()
    if obj is None:
        raise NotFoundError(
            _(
                "no %(kind)s with id %(id)s",
                kind=kind_word(model.__tablename__),
                id=record_id,
            )
        )
    return obj


def units_of(session: Session, inspection_id: int) -> list[SampleUnit]:
    stmt = (
        select(SampleUnit)
        .where(SampleUnit.inspection_id == inspection_id)
        .order_by(SampleUnit.number)
    )
    return list(session.scalars(stmt))


def non_conformities_of(session: Session, inspection_id: int) -> list[NonConformity]:
    stmt = (
        select(NonConformity)
        .where(NonConformity.inspection_id == inspection_id)
        .order_by(NonConformity.id)
    )
    return list(session.scalars(stmt))


def lot_history(
    conn: Connection,
    organisation_id: int,
    team_id: int | None,
    method: str | None,
    *,
    before: tuple[dt.date, int] | None = None,
) -> list[dict[str, Any]]:
    """Finished inspections of a team (or of an organisation and method when
    the team is not known), oldest first: the record switching reads."""
    cols = Inspection.__table__.c
    finished = cols.result.in_(FINISHED)
    stmt = select(
        cols.id,
        cols.inspected_on,
        cols.result,
        cols.nonconforming_units,
        cols.plan_letter,
        cols.aql,
        cols.accept_number,
        cols.stringency,
    ).where(finished, cols.organisation_id == organisation_id)
    if team_id is not None:
        stmt = stmt.where(cols.team_id == team_id)
    elif method is not None:
        stmt = stmt.where(cols.method == method)
    if before is not None:
        day, ident = before
        stmt = stmt.where(
            or_(
                cols.inspected_on < day,
                and_(cols.inspected_on == day, cols.id < ident),
            )
        )
    rows = conn.execute(stmt.order_by(cols.inspected_on, cols.id)).all()
    return [
        {
            "id": r.id,
            "inspected_on": r.inspected_on,
            "accepted": _text(r.result) == InspectionResult.ACCEPTED.value,
            "nonconforming": int(r.nonconforming_units or 0),
            "letter": r.plan_letter,
            "aql": float(r.aql),
            "ac": int(r.accept_number),
            "stringency": _text(r.stringency),
        }
        for r in rows
    ]


# --- figures ---------------------------------------------------------------


def inspection_frame(
    conn: Connection, start: dt.date | None = None, end: dt.date | None = None
) -> pd.DataFrame:
    """Finished, approved inspections in a period, one row each."""
    c = Inspection.__table__.c
    stmt = select(
        c.id,
        c.organisation_id,
        c.team_id,
        c.method,
        c.inspected_on,
        c.result,
        c.lot_m2,
        c.inspected_m2,
        c.units_inspected,
        c.nonconforming_units,
        c.items_found,
        c.stringency,
        c.cost_usd,
    ).where(
        c.review_state == APPROVED,
        c.result.in_(FINISHED),
    )
    if start is not None:
        stmt = stmt.where(c.inspected_on >= start)
    if end is not None:
        stmt = stmt.where(c.inspected_on <= end)
    return _frame(conn, stmt)


def non_conformity_frame(
    conn: Connection, start: dt.date | None = None, end: dt.date | None = None
) -> pd.DataFrame:
    """Approved non-conformities raised in a period, one row each."""
    c = NonConformity.__table__.c
    stmt = select(
        c.id,
        c.organisation_id,
        c.team_id,
        c.method,
        c.severity,
        c.status,
        c.raised_on,
        c.due_on,
        c.closed_on,
        c.root_cause,
        c.inspection_id,
        c.reopened_hazard_id,
    ).where(c.review_state == APPROVED)
    if start is not None:
        stmt = stmt.where(c.raised_on >= start)
    if end is not None:
        stmt = stmt.where(c.raised_on <= end)
    return _frame(conn, stmt)


def visit_frame(
    conn: Connection, start: dt.date | None = None, end: dt.date | None = None
) -> pd.DataFrame:
    c = MonitoringVisit.__table__.c
    stmt = select(
        c.id, c.organisation_id, c.team_id, c.visited_on, c.score, c.outcome
    ).where(c.review_state == APPROVED)
    if start is not None:
        stmt = stmt.where(c.visited_on >= start)
    if end is not None:
        stmt = stmt.where(c.visited_on <= end)
    return _frame(conn, stmt)


def activity_cost_frame(conn: Connection) -> pd.DataFrame:
    """Approved land-release and EOD activities with their cost, the ground
    their approved releases count in the ledger and the items found."""
    released = (
        select(
            Release.activity_id.label("activity_id"),
            func.sum(Release.effective_m2).label("released_m2"),
        )
        .where(Release.review_state == APPROVED, Release.activity_id.is_not(None))
        .group_by(Release.activity_id)
        .subquery()
    )
    found = (
        select(
            EOItem.activity_id.label("activity_id"),
            func.sum(EOItem.quantity).label("found"),
        )
        .where(EOItem.review_state == APPROVED, EOItem.activity_id.is_not(None))
        .group_by(EOItem.activity_id)
        .subquery()
    )
    a = Activity.__table__.c
    stmt = (
        select(
            a.id,
            a.organisation_id,
            a.method,
            a.activity_type,
            a.start_date,
            a.end_date,
            a.cost_usd,
            func.coalesce(released.c.released_m2, 0.0).label("released_m2"),
            func.coalesce(found.c.found, 0).label("items"),
        )
        .outerjoin(released, released.c.activity_id == a.id)
        .outerjoin(found, found.c.activity_id == a.id)
        .where(
            a.review_state == APPROVED,
            a.activity_type.in_(["ts", "clearance", "bac", "eod", "nts"]),
        )
    )
    return _frame(conn, stmt)


def organisation_names(conn: Connection) -> dict[int, str]:
    o = Organisation.__table__.c
    rows = conn.execute(select(o.id, o.acronym, o.name)).all()
    return {int(r.id): str(r.acronym or r.name) for r in rows}


def team_names(conn: Connection) -> dict[int, str]:
    t = Team.__table__.c
    return {int(r.id): str(r.name) for r in conn.execute(select(t.id, t.name))}


def visit_non_conformities(
    conn: Connection, visit_ids: Sequence[int]
) -> dict[int, dict[str, Any]]:
    """The non-conformity each of these monitoring visits raised, by visit id."""
    if not visit_ids:
        return {}
    n = NonConformity.__table__.c
    rows = conn.execute(
        select(n.id, n.visit_id, n.severity, n.status).where(
            n.visit_id.in_(list(visit_ids))
        )
    ).all()
    return {
        int(r.visit_id): {
            "id": int(r.id),
            "severity": _text(r.severity),
            "status": _text(r.status),
        }
        for r in rows
    }


def _frame(conn: Connection, stmt: Any) -> pd.DataFrame:
    result = conn.execute(stmt)
    frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].map(_text)
    return frame


def reopened_pairs(conn: Connection) -> set[frozenset[int]]:
    """Pairs of (released hazard, hazard reopened over its ground by a
    non-conformity): they overlap by design, not by mistake."""
    n, i = NonConformity.__table__.c, Inspection.__table__.c
    rows = conn.execute(
        select(n.reopened_hazard_id, i.hazard_id, i.release_ids)
        .join(Inspection.__table__, i.id == n.inspection_id)
        .where(n.reopened_hazard_id.is_not(None))
    ).all()
    pairs: set[frozenset[int]] = set()
    releases: set[int] = set()
    for row in rows:
        releases.update(int(r) for r in row.release_ids or [])
    hazard_of = {}
    if releases:
        r = Release.__table__.c
        found = conn.execute(
            select(r.id, r.hazard_id).where(r.id.in_(sorted(releases)))
        )
        hazard_of = {int(rid): int(hid) for rid, hid in found}
    for row in rows:
        olds = {row.hazard_id} | {hazard_of.get(int(x)) for x in row.release_ids or []}
        for old in olds:
            if old is not None:
                pairs.add(frozenset((int(old), int(row.reopened_hazard_id))))
    return pairs


def clearance_lots(
    session: Session,
    first: dt.date,
    last: dt.date,
    min_m2: float,
    max_m2: float,
) -> list[dict[str, Any]]:
    """Completed manual or multi-asset clearance activities with a team, ended
    between ``first`` and ``last``, whose approved cleared ground is between
    ``min_m2`` and ``max_m2``; largest first (the demo's inspected lots)."""
    rows = session.execute(
        select(
            Activity.id,
            Activity.organisation_id,
            Activity.team_id,
            Activity.end_date,
            Activity.method,
            Organisation.acronym,
        )
        .join(Organisation, Organisation.id == Activity.organisation_id)
        .where(
            Activity.activity_type == "clearance",
            Activity.method.in_(["manual", "mixed"]),
            Activity.status == "completed",
            Activity.end_date >= first,
            Activity.end_date <= last,
            Activity.team_id.is_not(None),
        )
        .order_by(Activity.id)
    ).all()
    out = []
    for r in rows:
        area = sum(
            rel.effective_m2
            for rel in session.scalars(
                select(Release).where(
                    Release.activity_id == r.id,
                    Release.kind == "cleared",
                    Release.review_state == "approved",
                )
            )
        )
        if min_m2 <= area <= max_m2:
            out.append({**r._mapping, "area": area})
    return sorted(out, key=lambda r: -r["area"])
