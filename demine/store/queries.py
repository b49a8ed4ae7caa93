# SPDX-License-Identifier: GPL-3.0-or-later
"""Aggregate queries behind the national figures.

Only approved records count: a submitted record enters the national figures
after review (:mod:`demine.store.counting` says what counts, once). Areas
come from the ledger columns, which are derived from geometry, so summing
them never mixes typed-in numbers with measured ones.

Areas are summed in whole square millimetres (integers): an integer sum is
exact, so a total does not depend on the order the database reads the rows
in, and a restored register (PostgreSQL reads it in another order) gives
the same figures to the last digit. A floating-point sum would not.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import BigInteger, Integer, cast, extract, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from demine.domain.vocab import ReviewState
from demine.store.bulk import read_frame, table
from demine.store.counting import counted_release
from demine.store.schema import (
    Accident,
    Activity,
    EOItem,
    Hazard,
    Organisation,
    Release,
    Victim,
)

APPROVED = ReviewState.APPROVED.value
MM2_PER_M2 = 1_000_000


def area_sum(column: Any) -> Any:
    """SUM of an area column in m², computed exactly (in whole mm²)."""
    whole = cast(func.round(column * MM2_PER_M2), BigInteger)
    return func.coalesce(func.sum(whole), 0)


def m2(total_mm2: Any) -> float:
    """A total of :func:`area_sum` back in m²."""
    return int(total_mm2 or 0) / MM2_PER_M2


def hazard_totals(conn: Connection) -> dict[str, Any]:
    """Count and area totals over all approved hazards."""
    row = conn.execute(
        select(
            func.count(Hazard.id),
            area_sum(Hazard.area_m2),
            area_sum(Hazard.cancelled_m2),
            area_sum(Hazard.reduced_m2),
            area_sum(Hazard.cleared_m2),
            area_sum(Hazard.remaining_m2),
        ).where(Hazard.review_state == APPROVED)
    ).one()
    keys = ("total", "cancelled", "reduced", "cleared", "remaining")
    return {
        "hazards": int(row[0]),
        **{k: m2(v) for k, v in zip(keys, row[1:], strict=True)},
    }


def hazards_by_status(conn: Connection) -> dict[str, int]:
    rows = conn.execute(
        select(Hazard.status, func.count(Hazard.id))
        .where(Hazard.review_state == APPROVED)
        .group_by(Hazard.status)
    ).all()
    return {str(_text(status)): int(n) for status, n in rows}


def items_by_category(conn: Connection) -> dict[str, int]:
    rows = conn.execute(
        select(EOItem.category, func.sum(EOItem.quantity))
        .where(EOItem.review_state == APPROVED)
        .group_by(EOItem.category)
    ).all()
    return {str(_text(cat)): int(n) for cat, n in rows}


def casualties(conn: Connection) -> dict[str, int]:
    rows = conn.execute(
        select(Victim.outcome, func.count(Victim.id))
        .join(Accident, Accident.id == Victim.accident_id)
        .where(Accident.review_state == APPROVED, Victim.review_state == APPROVED)
        .group_by(Victim.outcome)
    ).all()
    out = {"killed": 0, "injured": 0}
    out.update({str(_text(o)): int(n) for o, n in rows})
    return out


def accidents_count(conn: Connection) -> int:
    return int(
        conn.execute(
            select(func.count(Accident.id)).where(Accident.review_state == APPROVED)
        ).scalar_one()
    )


def _release_base(group: Any, label: str) -> Select[Any]:
    return select(
        group.label(label),
        Release.kind,
        area_sum(Release.effective_m2),
    ).where(counted_release())


def released_by(conn: Connection, by: str) -> list[tuple[Any, str, float]]:
    """Effective area released, grouped by ``by`` and release kind.

    ``by`` is ``admin`` (the id of the hazard's admin area), ``org`` (the organisation
    of the activity), ``method`` (the activity's method) or ``year`` (of the
    release date).
    """
    if by == "year":
        year = cast(extract("year", Release.released_on), Integer)
        stmt = _release_base(year, "key").group_by(year, Release.kind)
    elif by == "admin":
        stmt = (
            _release_base(Hazard.admin_area_id, "key")
            .join(Hazard, Hazard.id == Release.hazard_id)
            .group_by(Hazard.admin_area_id, Release.kind)
        )
    elif by == "org":
        stmt = (
            _release_base(Organisation.name, "key")
            .outerjoin(Activity, Activity.id == Release.activity_id)
            .outerjoin(Organisation, Organisation.id == Activity.organisation_id)
            .group_by(Organisation.name, Release.kind)
        )
    elif by == "method":
        stmt = (
            _release_base(Activity.method, "key")
            .outerjoin(Activity, Activity.id == Release.activity_id)
            .group_by(Activity.method, Release.kind)
        )
    else:
        raise ValueError(f"unknown grouping {by!r}")
    return [(_text(k), str(_text(kind)), m2(a)) for k, kind, a in conn.execute(stmt)]


def items_by(conn: Connection, by: str) -> list[tuple[Any, str, int]]:
    """Items found, grouped by ``by`` (as :func:`released_by`) and category."""
    qty = func.sum(EOItem.quantity)
    base = EOItem.review_state == APPROVED
    stmt: Select[Any, Any, Any]
    if by == "year":
        year = cast(extract("year", EOItem.found_on), Integer)
        stmt = (
            select(year, EOItem.category, qty)
            .where(base)
            .group_by(year, EOItem.category)
        )
    elif by == "admin":
        stmt = (
            select(Hazard.admin_area_id, EOItem.category, qty)
            .where(base)
            .outerjoin(Hazard, Hazard.id == EOItem.hazard_id)
            .group_by(Hazard.admin_area_id, EOItem.category)
        )
    elif by == "org":
        stmt = (
            select(Organisation.name, EOItem.category, qty)
            .where(base)
            .outerjoin(Activity, Activity.id == EOItem.activity_id)
            .outerjoin(Organisation, Organisation.id == Activity.organisation_id)
            .group_by(Organisation.name, EOItem.category)
        )
    elif by == "method":
        stmt = (
            select(Activity.method, EOItem.category, qty)
            .where(base)
            .outerjoin(Activity, Activity.id == EOItem.activity_id)
            .group_by(Activity.method, EOItem.category)
        )
    else:
        raise ValueError(f"unknown grouping {by!r}")
    return [(_text(k), str(_text(c)), int(n or 0)) for k, c, n in conn.execute(stmt)]


def remaining_by_admin(conn: Connection) -> list[tuple[Any, float, float]]:
    """``(admin area id, area m², remaining m²)`` of approved hazards."""
    stmt = (
        select(
            Hazard.admin_area_id,
            area_sum(Hazard.area_m2),
            area_sum(Hazard.remaining_m2),
        )
        .where(Hazard.review_state == APPROVED)
        .group_by(Hazard.admin_area_id)
    )
    return [(k, m2(t), m2(r)) for k, t, r in conn.execute(stmt)]


def place_tree(conn: Connection) -> pd.DataFrame:
    """Approved places: ``id``, ``name``, ``code``, ``place_type``,
    ``parent_id``, ``population`` (for roll-ups by admin area)."""
    place = table("place")
    return read_frame(
        conn,
        "place",
        ("id", "name", "code", "place_type", "parent_id", "population"),
        place.c.review_state == APPROVED,
    )


def _text(value: Any) -> Any:
    return getattr(value, "value", value)
