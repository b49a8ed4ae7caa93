# SPDX-License-Identifier: GPL-3.0-or-later
"""Queries behind the reports: register figures for a period, approved only.

Every function takes the first and last day of the period (both included) or
the day the figures stand at. Records are placed in time by their own date:
releases by ``released_on``, items by ``found_on``, accidents by
``occurred_on``, EORE by ``held_on``, QM by ``inspected_on``, funding by
``dated_on`` and activities by ``end_date`` (``start_date`` when unfinished).
Releases count only on approved hazards, as in the ledger
(:func:`demine.store.counting.counted_release`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Integer, String, and_, cast, exists, func, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased

from demine.domain.vocab import (
    ContaminationType,
    DisposalMethod,
    PlaceType,
    ReviewState,
)
from demine.store.bulk import read_frame
from demine.store.counting import counted_release
from demine.store.schema import (
    Accident,
    Activity,
    EOItem,
    EOModel,
    EORESession,
    Funding,
    Hazard,
    Organisation,
    Place,
    QMFinding,
    Release,
    Victim,
)

APPROVED = ReviewState.APPROVED.value
AP_MINE = ContaminationType.AP_MINE.value
# Disposal that ends an item's existence: what Article 7 form G calls destroyed.
DESTROYED = (DisposalMethod.IN_SITU.value, DisposalMethod.REMOVED_AND_DESTROYED.value)


def _text(value: Any) -> Any:
    return getattr(value, "value", value)


def _frame(conn: Connection, stmt: Any, columns: list[str]) -> pd.DataFrame:
    rows = [tuple(_text(v) for v in r) for r in conn.execute(stmt)]
    return pd.DataFrame(rows, columns=columns)


def _released(start: dt.date | None, end: dt.date) -> Any:
    """Approved releases of approved hazards, dated in the period.

    Without ``start`` the period is everything up to ``end``, and undated
    releases count too: the ledger credits them, so the remaining area must.
    """
    when: Any = Release.released_on.between(start, end)
    if start is None:
        when = or_(Release.released_on <= end, Release.released_on.is_(None))
    return and_(counted_release(), when)


def released_by_kind(
    conn: Connection, start: dt.date | None, end: dt.date
) -> dict[str, float]:
    """Effective m² cancelled, reduced and cleared in the period (or up to ``end``)."""
    stmt = (
        select(Release.kind, func.sum(Release.effective_m2))
        .join(Hazard, Hazard.id == Release.hazard_id)
        .where(_released(start, end))
        .group_by(Release.kind)
    )
    out = {"cancelled": 0.0, "reduced": 0.0, "cleared": 0.0}
    out.update({str(_text(k)): float(a or 0.0) for k, a in conn.execute(stmt)})
    return out


def released_by_day(conn: Connection, end: dt.date) -> pd.DataFrame:
    """Effective m² per day of release and kind, dated up to ``end``.

    One pass over the releases; period, cumulative, yearly and monthly
    figures are all sums of these rows.
    """
    stmt = (
        select(Release.released_on, Release.kind, func.sum(Release.effective_m2))
        .join(Hazard, Hazard.id == Release.hazard_id)
        .where(_released(None, end), Release.released_on.is_not(None))
        .group_by(Release.released_on, Release.kind)
    )
    out = _frame(conn, stmt, ["day", "kind", "m2"])
    out["day"] = pd.to_datetime(out["day"])
    out["m2"] = out["m2"].astype(float)
    return out


def released_by_kind_undated(conn: Connection) -> pd.Series:
    """Effective m² of approved, undated releases by kind."""
    stmt = (
        select(Release.kind, func.sum(Release.effective_m2))
        .join(Hazard, Hazard.id == Release.hazard_id)
        .where(counted_release(), Release.released_on.is_(None))
        .group_by(Release.kind)
    )
    rows = {str(_text(k)): float(a or 0.0) for k, a in conn.execute(stmt)}
    return pd.Series(rows, dtype=float)


def undated_releases(conn: Connection) -> tuple[int, float]:
    """Approved releases with no date: how many, and their effective m²."""
    stmt = (
        select(func.count(Release.id), func.coalesce(func.sum(Release.effective_m2), 0))
        .join(Hazard, Hazard.id == Release.hazard_id)
        .where(counted_release(), Release.released_on.is_(None))
    )
    n, m2 = conn.execute(stmt).one()
    return int(n), float(m2)


def hazards_at(conn: Connection, end: dt.date) -> pd.DataFrame:
    """Approved hazards known on ``end``, with what remained of each that day.

    Columns: ``id``, ``hazard_class``, ``ap_mine`` (contamination includes
    anti-personnel mines), ``admin`` (admin area name, None when unset),
    ``admin_area_id``, ``area_m2``, ``released_m2`` (up to ``end``, undated
    releases included) and ``remaining_m2``. Hazards recorded after ``end``
    are left out; undated ones are in.
    """
    # The contamination list is JSON text on both backends; a text match on
    # the quoted value spares decoding 100,000 lists in Python.
    ap_mine = cast(Hazard.contamination, String).like(f'%"{AP_MINE}"%')
    stmt = (
        select(
            Hazard.id,
            Hazard.hazard_class,
            ap_mine,
            Place.name,
            Hazard.admin_area_id,
            Hazard.area_m2,
        )
        .outerjoin(Place, Place.id == Hazard.admin_area_id)
        .where(
            Hazard.review_state == APPROVED,
            or_(Hazard.recorded_on <= end, Hazard.recorded_on.is_(None)),
        )
    )
    hazards = _frame(
        conn,
        stmt,
        ["id", "hazard_class", "ap_mine", "admin", "admin_area_id", "area_m2"],
    )
    released_stmt = (
        select(Release.hazard_id, func.sum(Release.effective_m2))
        .join(Hazard, Hazard.id == Release.hazard_id)
        .where(_released(None, end))
        .group_by(Release.hazard_id)
    )
    released = dict(conn.execute(released_stmt).all())
    hazards["ap_mine"] = hazards["ap_mine"].astype(bool)
    hazards["area_m2"] = hazards["area_m2"].astype(float)
    hazards["released_m2"] = hazards["id"].map(released).fillna(0.0).astype(float)
    left = hazards["area_m2"] - hazards["released_m2"]
    # The ledger snaps float noise to zero; do the same for a fully released area.
    noise = 1e-9 * np.maximum(hazards["area_m2"], 1.0)
    hazards["remaining_m2"] = left.where(left > noise, 0.0)
    return hazards


def items_found(conn: Connection, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Items found in the period by ``category``, ``model`` and ``disposal``."""
    model = func.coalesce(EOModel.model, "unknown model")
    stmt = (
        select(EOItem.category, model, EOItem.disposal, func.sum(EOItem.quantity))
        .outerjoin(EOModel, EOModel.id == EOItem.eo_model_id)
        .where(EOItem.review_state == APPROVED, EOItem.found_on.between(start, end))
        .group_by(EOItem.category, model, EOItem.disposal)
    )
    out = _frame(conn, stmt, ["category", "model", "disposal", "quantity"])
    out["quantity"] = out["quantity"].astype(int)
    out["destroyed"] = out["disposal"].isin(DESTROYED)
    return out


def victims(conn: Connection, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Victims of approved accidents in the period, one row each.

    Columns: ``accident_id``, ``occurred_on``, ``admin``, ``sex``, ``age``,
    ``age_group``, ``outcome``, ``status``.
    """
    stmt = (
        select(
            Accident.id,
            Accident.occurred_on,
            Place.name,
            Victim.sex,
            Victim.age,
            Victim.age_group,
            Victim.outcome,
            Victim.status,
        )
        .join(Accident, Accident.id == Victim.accident_id)
        .outerjoin(Place, Place.id == Accident.admin_area_id)
        .where(
            Victim.review_state == APPROVED,
            Accident.review_state == APPROVED,
            Accident.occurred_on.between(start, end),
        )
    )
    columns = [
        "accident_id",
        "occurred_on",
        "admin",
        "sex",
        "age",
        "age_group",
        "outcome",
        "status",
    ]
    return _frame(conn, stmt, columns)


def accidents(conn: Connection, start: dt.date, end: dt.date) -> int:
    stmt = select(func.count(Accident.id)).where(
        Accident.review_state == APPROVED, Accident.occurred_on.between(start, end)
    )
    return int(conn.execute(stmt).scalar_one())


def eore_reach(conn: Connection, start: dt.date, end: dt.date) -> pd.DataFrame:
    """EORE sessions and beneficiaries by method in the period."""
    s = EORESession
    stmt = (
        select(
            s.method,
            func.count(s.id),
            func.sum(s.women),
            func.sum(s.men),
            func.sum(s.girls),
            func.sum(s.boys),
        )
        .where(s.review_state == APPROVED, s.held_on.between(start, end))
        .group_by(s.method)
    )
    out = _frame(conn, stmt, ["method", "sessions", "women", "men", "girls", "boys"])
    for col in ("sessions", "women", "men", "girls", "boys"):
        out[col] = out[col].fillna(0).astype(int)
    return out


def qm_findings(conn: Connection, start: dt.date, end: dt.date) -> pd.DataFrame:
    """QM findings by kind and severity in the period, with how many are open."""
    q = QMFinding
    still_open = func.sum(cast(q.closed_on.is_(None), Integer))
    stmt = (
        select(q.kind, q.severity, func.count(q.id), still_open)
        .where(q.review_state == APPROVED, q.inspected_on.between(start, end))
        .group_by(q.kind, q.severity)
    )
    out = _frame(conn, stmt, ["kind", "severity", "findings", "open"])
    out[["findings", "open"]] = out[["findings", "open"]].fillna(0).astype(int)
    return out


def funding(conn: Connection, start: dt.date | None, end: dt.date) -> pd.DataFrame:
    """Funding rows summed by donor, recipient, project, kind and currency.

    ``amount_usd`` is the sum of the rows that have a USD value; ``unconverted``
    counts rows without one (left out of every USD figure).
    """
    donor, recipient = aliased(Organisation), aliased(Organisation)
    f = Funding
    when = f.dated_on <= end if start is None else f.dated_on.between(start, end)
    stmt = (
        select(
            f.donor_id,
            donor.name,
            donor.acronym,
            recipient.id,
            recipient.name,
            f.project,
            f.kind,
            func.coalesce(func.sum(f.amount_usd), 0.0),
            func.sum(cast(f.amount_usd.is_(None), Integer)),
        )
        .outerjoin(donor, donor.id == f.donor_id)
        .outerjoin(recipient, recipient.id == f.recipient_id)
        .where(f.review_state == APPROVED, when)
        .group_by(
            f.donor_id,
            donor.name,
            donor.acronym,
            recipient.id,
            recipient.name,
            f.project,
            f.kind,
        )
    )
    columns = [
        "donor_id",
        "donor",
        "acronym",
        "recipient_id",
        "recipient",
        "project",
        "kind",
        "amount_usd",
        "unconverted",
    ]
    out = _frame(conn, stmt, columns)
    out["amount_usd"] = out["amount_usd"].astype(float)
    out["unconverted"] = out["unconverted"].fillna(0).astype(int)
    return out


def donors(conn: Connection) -> pd.DataFrame:
    """Organisations named as donor on approved funding (id, name, acronym)."""
    stmt = (
        select(Organisation.id, Organisation.name, Organisation.acronym)
        .where(
            Organisation.id.in_(
                select(Funding.donor_id).where(Funding.review_state == APPROVED)
            )
        )
        .order_by(Organisation.name)
    )
    return _frame(conn, stmt, ["id", "name", "acronym"])


def _activity_day() -> Any:
    return func.coalesce(Activity.end_date, Activity.start_date)


def activities(
    conn: Connection,
    start: dt.date,
    end: dt.date,
    organisations: list[int] | None = None,
) -> pd.DataFrame:
    """Activities ending in the period, by organisation and type.

    Columns ``organisation_id``, ``organisation``, ``activity_type``,
    ``activities``, ``team_days``, ``cost_usd``.
    """
    a = Activity
    stmt = (
        select(
            a.organisation_id,
            Organisation.name,
            a.activity_type,
            func.count(a.id),
            func.coalesce(func.sum(a.team_days), 0.0),
            func.coalesce(func.sum(a.cost_usd), 0.0),
        )
        .outerjoin(Organisation, Organisation.id == a.organisation_id)
        .where(a.review_state == APPROVED, _activity_day().between(start, end))
        .group_by(a.organisation_id, Organisation.name, a.activity_type)
    )
    if organisations is not None:
        stmt = stmt.where(a.organisation_id.in_(organisations))
    columns = [
        "organisation_id",
        "organisation",
        "activity_type",
        "activities",
        "team_days",
        "cost_usd",
    ]
    out = _frame(conn, stmt, columns)
    out[["team_days", "cost_usd"]] = out[["team_days", "cost_usd"]].astype(float)
    return out


def released_by_organisation(
    conn: Connection, start: dt.date, end: dt.date
) -> pd.DataFrame:
    """Effective m² by the releasing activity's organisation and kind."""
    stmt = (
        select(Activity.organisation_id, Release.kind, func.sum(Release.effective_m2))
        .join(Hazard, Hazard.id == Release.hazard_id)
        .outerjoin(Activity, Activity.id == Release.activity_id)
        .where(_released(start, end))
        .group_by(Activity.organisation_id, Release.kind)
    )
    return _frame(conn, stmt, ["organisation_id", "kind", "m2"])


def items_by_organisation(
    conn: Connection, start: dt.date, end: dt.date
) -> pd.DataFrame:
    """Items found by the finding activity's organisation, category and disposal."""
    stmt = (
        select(
            Activity.organisation_id,
            EOItem.category,
            EOItem.disposal,
            func.sum(EOItem.quantity),
        )
        .outerjoin(Activity, Activity.id == EOItem.activity_id)
        .where(EOItem.review_state == APPROVED, EOItem.found_on.between(start, end))
        .group_by(Activity.organisation_id, EOItem.category, EOItem.disposal)
    )
    return _frame(conn, stmt, ["organisation_id", "category", "disposal", "quantity"])


def eore_by_organisation(
    conn: Connection, start: dt.date, end: dt.date
) -> pd.DataFrame:
    """EORE beneficiaries by delivering organisation in the period."""
    s = EORESession
    stmt = (
        select(
            s.organisation_id,
            func.count(s.id),
            func.sum(s.women + s.men + s.girls + s.boys),
        )
        .where(s.review_state == APPROVED, s.held_on.between(start, end))
        .group_by(s.organisation_id)
    )
    return _frame(conn, stmt, ["organisation_id", "sessions", "people"])


def admin_areas(conn: Connection) -> pd.DataFrame:
    """Approved admin areas with a boundary: ``id``, ``name``, ``boundary``."""
    p = Place.__table__.c
    return read_frame(
        conn,
        "place",
        ["id", "name", "place_type", "boundary"],
        and_(
            p.review_state == APPROVED,
            p.place_type.in_([PlaceType.ADMIN1.value, PlaceType.ADMIN2.value]),
            p.boundary.is_not(None),
        ),
    )


def hazard_positions(conn: Connection) -> pd.DataFrame:
    """Centre of each approved hazard's bounding box: ``id``, ``lon``, ``lat``."""
    h = Hazard
    stmt = select(
        h.id, (h.min_lon + h.max_lon) / 2.0, (h.min_lat + h.max_lat) / 2.0
    ).where(h.review_state == APPROVED, h.min_lon.is_not(None))
    return _frame(conn, stmt, ["id", "lon", "lat"])


def dated_records(conn: Connection, start: dt.date, end: dt.date) -> dict[str, int]:
    """1 for each dated kind of approved record with a record in the period."""
    checks: dict[str, tuple[Any, Any]] = {
        "release": (Release, Release.released_on),
        "eo_item": (EOItem, EOItem.found_on),
        "accident": (Accident, Accident.occurred_on),
        "eore_session": (EORESession, EORESession.held_on),
        "qm_finding": (QMFinding, QMFinding.inspected_on),
        "funding": (Funding, Funding.dated_on),
        "activity": (Activity, _activity_day()),
    }
    out = {}
    for name, (model, day) in checks.items():
        # Whether there is any, not how many: stops at the first row.
        stmt = select(
            exists().where(model.review_state == APPROVED, day.between(start, end))
        )
        out[name] = int(bool(conn.execute(stmt).scalar_one()))
    return out


def date_span(conn: Connection) -> tuple[dt.date | None, dt.date | None]:
    """First and last date of any approved release, find, accident or activity."""
    lows, highs = [], []
    for model, day in (
        (Release, Release.released_on),
        (EOItem, EOItem.found_on),
        (Accident, Accident.occurred_on),
        (Activity, _activity_day()),
    ):
        lo, hi = conn.execute(
            select(func.min(day), func.max(day)).where(model.review_state == APPROVED)
        ).one()
        lows += [lo] if lo is not None else []
        highs += [hi] if hi is not None else []
    as_date = [pd.Timestamp(v).date() for v in (*lows, *highs)]
    if not as_date:
        return None, None
    return min(as_date[: len(lows)]), max(as_date[len(lows) :])


def approved_kinds(conn: Connection) -> set[str]:
    """The kinds of record the register holds approved ones of."""
    models: dict[str, Any] = {
        "hazard": Hazard,
        "release": Release,
        "eo_item": EOItem,
        "accident": Accident,
        "eore_session": EORESession,
        "qm_finding": QMFinding,
        "funding": Funding,
        "activity": Activity,
    }
    return {
        name
        for name, model in models.items()
        if conn.execute(
            select(exists().where(model.review_state == APPROVED))
        ).scalar_one()
    }


def approved_hazards(conn: Connection) -> int:
    stmt = select(func.count(Hazard.id)).where(Hazard.review_state == APPROVED)
    return int(conn.execute(stmt).scalar_one())


def released_by_hazard(conn: Connection, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Effective m² per hazard and kind released in the period."""
    stmt = (
        select(Release.hazard_id, Release.kind, func.sum(Release.effective_m2))
        .join(Hazard, Hazard.id == Release.hazard_id)
        .where(_released(start, end))
        .group_by(Release.hazard_id, Release.kind)
    )
    out = _frame(conn, stmt, ["hazard_id", "kind", "m2"])
    out["m2"] = out["m2"].astype(float)
    return out
