# SPDX-License-Identifier: GPL-3.0-or-later
"""A record and the rows written with it (activity + release products,
accident + victims) are one transaction: all of them or none."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from demine.errors import DemineError
from demine.store.database import Database
from demine.store.review import Children, create_record
from demine.store.schema import Activity, AuditEvent, Release
from demine.store.users import principal_for_token
from tests.api.conftest import Seed, seed_register, square


@pytest.fixture
def seed(db: Database) -> Seed:
    return seed_register(db)


def counts(db: Database) -> tuple[int, int, int]:
    with db.session() as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(model))
            for model in (Activity, Release, AuditEvent)
        )


def activity(hazard: int) -> dict[str, object]:
    return {
        "activity_type": "clearance",
        "status": "completed",
        "hazard_id": hazard,
        "start_date": "2026-03-01",
        "end_date": "2026-04-15",
    }


def release(kind: str, lon: float, hazard: int) -> dict[str, object]:
    row: dict[str, object] = {
        "hazard_id": hazard,
        "kind": kind,
        "released_on": "2026-04-15",
        "geom": square(lon, 39.80, 0.002),
    }
    if kind == "cleared":
        row["depth_cm"] = 13
    return row


def test_parent_and_rows_are_written_together(db: Database, seed: Seed) -> None:
    who = principal_for_token(db, seed.tokens["reviewer"])
    assert who is not None
    before = counts(db)
    cha = seed.hazards["cha"]
    rows = [release("cleared", 46.701, cha), release("cancelled", 46.705, cha)]
    made = create_record(
        db,
        "activity",
        activity(seed.hazards["cha"]),
        who,
        children=[Children("release", "activity_id", rows)],
    )
    activities, releases, events = counts(db)
    assert (activities, releases) == (before[0] + 1, before[1] + 2)
    assert events == before[2] + 3  # one audit event per record written
    with db.session() as session:
        linked = session.scalars(
            select(Release.activity_id).where(Release.activity_id == made["id"])
        ).all()
    assert len(linked) == 2


def test_a_row_the_store_refuses_leaves_nothing(db: Database, seed: Seed) -> None:
    who = principal_for_token(db, seed.tokens["reviewer"])
    assert who is not None
    before = counts(db)
    cha = seed.hazards["cha"]
    good, bad = release("cleared", 46.701, cha), release("exploded", 46.705, cha)
    with pytest.raises(DemineError, match="kind"):
        create_record(
            db,
            "activity",
            activity(seed.hazards["cha"]),
            who,
            children=[Children("release", "activity_id", [good, bad])],
        )
    assert counts(db) == before
