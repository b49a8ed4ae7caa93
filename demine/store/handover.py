# SPDX-License-Identifier: GPL-3.0-or-later
"""Queries of completion and handover: hazards' state, certificates, the wait."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from demine.domain.handover import REMAINING_TOLERANCE_M2, HazardState
from demine.domain.vocab import ReviewState
from demine.errors import NotFoundError
from demine.i18n import _
from demine.store.schema import (
    Activity,
    EOItem,
    EOModel,
    Handover,
    Hazard,
    Organisation,
    Place,
    QMFinding,
    Release,
    Team,
)

APPROVED = ReviewState.APPROVED.value


def hazard_state(conn: Connection, hazard_id: int) -> HazardState:
    row = conn.execute(
        select(
            Hazard.status,
            Hazard.review_state,
            Hazard.area_m2,
            Hazard.remaining_m2,
            (Hazard.cancelled_m2 + Hazard.reduced_m2 + Hazard.cleared_m2),
        ).where(Hazard.id == hazard_id)
    ).first()
    if row is None:
        raise NotFoundError(_("no hazard with id %(id)s", id=hazard_id))
    pending = conn.scalar(
        select(func.count())
        .select_from(Release)
        .where(Release.hazard_id == hazard_id, Release.review_state != APPROVED)
    )
    return HazardState(
        hazard_id=hazard_id,
        status=str(row[0]),
        review_state=str(row[1]),
        area_m2=float(row[2] or 0),
        remaining_m2=float(row[3] or 0),
        released_m2=float(row[4] or 0),
        releases_pending=int(pending or 0),
    )


def hazard_facts(conn: Connection, hazard_id: int) -> dict[str, Any]:
    """What a completion report says about a hazard (approved records only)."""
    admin = Place.__table__.alias("admin")
    settlement = Place.__table__.alias("settlement")
    row = (
        conn.execute(
            select(
                Hazard.id,
                Hazard.name,
                Hazard.external_id,
                Hazard.hazard_class,
                Hazard.status,
                Hazard.contamination,
                Hazard.area_m2,
                Hazard.cancelled_m2,
                Hazard.reduced_m2,
                Hazard.cleared_m2,
                Hazard.remaining_m2,
                Hazard.geom,
                admin.c.name.label("admin_area"),
                settlement.c.name.label("settlement"),
            )
            .select_from(Hazard)
            .outerjoin(admin, admin.c.id == Hazard.admin_area_id)
            .outerjoin(settlement, settlement.c.id == Hazard.settlement_id)
            .where(Hazard.id == hazard_id)
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFoundError(_("no hazard with id %(id)s", id=hazard_id))
    return dict(row)


def activities(conn: Connection, hazard_id: int) -> list[dict[str, Any]]:
    """Approved activities on the hazard: who did what, how, when."""
    rows = conn.execute(
        select(
            Activity.id,
            Activity.activity_type,
            Activity.method,
            Activity.start_date,
            Activity.end_date,
            Organisation.name.label("organisation"),
            Team.name.label("team"),
        )
        .outerjoin(Organisation, Organisation.id == Activity.organisation_id)
        .outerjoin(Team, Team.id == Activity.team_id)
        .where(Activity.hazard_id == hazard_id, Activity.review_state == APPROVED)
        .order_by(Activity.start_date, Activity.id)
    ).mappings()
    return [dict(r) for r in rows]


def releases(conn: Connection, hazard_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(
            Release.id,
            Release.kind,
            Release.released_on,
            Release.depth_cm,
            Release.area_m2,
            Release.effective_m2,
            Release.geom,
        )
        .where(Release.hazard_id == hazard_id, Release.review_state == APPROVED)
        .order_by(Release.released_on, Release.id)
    ).mappings()
    return [dict(r) for r in rows]


def items(conn: Connection, hazard_id: int) -> list[dict[str, Any]]:
    """EO found on the hazard (directly or by its activities), by kind and fate."""
    on_hazard = EOItem.hazard_id == hazard_id
    by_activity = EOItem.activity_id.in_(
        select(Activity.id).where(Activity.hazard_id == hazard_id)
    )
    rows = conn.execute(
        select(
            EOItem.category,
            EOModel.model,
            EOItem.disposal,
            func.sum(EOItem.quantity).label("quantity"),
        )
        .outerjoin(EOModel, EOModel.id == EOItem.eo_model_id)
        .where(on_hazard | by_activity, EOItem.review_state == APPROVED)
        .group_by(EOItem.category, EOModel.model, EOItem.disposal)
        .order_by(EOItem.category, EOModel.model)
    ).mappings()
    return [dict(r) for r in rows]


def quality_findings(conn: Connection, hazard_id: int) -> list[dict[str, Any]]:
    """QA/QC findings on the hazard's activities.

    This is the hook for the quality-management results: while they are
    recorded as :class:`QMFinding` rows on an activity, this reads them.
    """
    rows = conn.execute(
        select(
            QMFinding.kind,
            QMFinding.inspected_on,
            QMFinding.severity,
            QMFinding.non_conformity,
            QMFinding.closed_on,
        )
        .join(Activity, Activity.id == QMFinding.activity_id)
        .where(Activity.hazard_id == hazard_id, QMFinding.review_state == APPROVED)
        .order_by(QMFinding.inspected_on)
    ).mappings()
    return [dict(r) for r in rows]


def certificates(
    conn: Connection, hazard_id: int | None = None, number: str | None = None
) -> list[dict[str, Any]]:
    """Certificates (all columns), of one hazard or by number if asked."""
    query = select(*Handover.__table__.c).order_by(Handover.id)
    if hazard_id is not None:
        query = query.where(Handover.hazard_id == hazard_id)
    if number is not None:
        query = query.where(Handover.number == number)
    return [dict(r) for r in conn.execute(query).mappings()]


def certificate_numbers(conn: Connection | Session) -> list[str]:
    return list(conn.scalars(select(Handover.number)))


def certificate_by_number(session: Session, number: str) -> Handover | None:
    return session.scalars(select(Handover).where(Handover.number == number)).first()


def last_release_on(conn: Connection, hazard_id: int) -> dt.date | None:
    return conn.scalar(
        select(func.max(Release.released_on)).where(
            Release.hazard_id == hazard_id, Release.review_state == APPROVED
        )
    )


def released_not_handed_over(conn: Connection) -> list[tuple[int, float, Any]]:
    """Approved hazards fully released but with no handover recorded yet.

    Rows of (hazard id, released m², date of the last release).
    """
    released = Hazard.cancelled_m2 + Hazard.reduced_m2 + Hazard.cleared_m2
    handed = select(Handover.hazard_id).where(Handover.handed_over_on.is_not(None))
    last = (
        select(Release.hazard_id, func.max(Release.released_on).label("last_on"))
        .where(Release.review_state == APPROVED)
        .group_by(Release.hazard_id)
        .subquery()
    )
    rows = conn.execute(
        select(Hazard.id, released, last.c.last_on)
        .outerjoin(last, last.c.hazard_id == Hazard.id)
        .where(
            Hazard.review_state == APPROVED,
            released > 0,
            (Hazard.status == "closed")
            | (Hazard.remaining_m2 <= REMAINING_TOLERANCE_M2),
            Hazard.id.not_in(handed),
        )
        .order_by(Hazard.id)
    )
    return [(int(r[0]), float(r[1]), r[2]) for r in rows]


def handover_by_code(conn: Connection, code: str) -> dict[str, Any] | None:
    """A certificate by its verification code, with where its land is."""
    admin = Place.__table__.alias("admin")
    settlement = Place.__table__.alias("settlement")
    row = (
        conn.execute(
            select(
                Handover.number,
                Handover.issued_on,
                Handover.released_m2,
                Handover.recipient_authority,
                Handover.intended_land_use,
                Handover.handed_over_on,
                admin.c.name.label("admin_area"),
                settlement.c.name.label("settlement"),
            )
            .join(Hazard, Hazard.id == Handover.hazard_id)
            .outerjoin(admin, admin.c.id == Hazard.admin_area_id)
            .outerjoin(settlement, settlement.c.id == Hazard.settlement_id)
            .where(and_(Handover.code == code, Handover.review_state == APPROVED))
        )
        .mappings()
        .first()
    )
    return dict(row) if row is not None else None
