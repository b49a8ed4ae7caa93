# SPDX-License-Identifier: GPL-3.0-or-later
"""Survivors are seen by the assistance role alone, and every read is audited."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from demine.assistance.figures import assistance_figures
from demine.store.database import Database
from demine.store.schema import AuditEvent
from tests.api.after_clearance import seed_after_clearance
from tests.api.conftest import Seed


@pytest.fixture
def after(db: Database, seed: Seed) -> dict[str, Any]:
    return seed_after_clearance(db, seed)


def _reads(db: Database, survivor: int) -> list[tuple[int | None, str]]:
    with db.session() as session:
        rows = session.execute(
            select(AuditEvent.user_id, AuditEvent.action)
            .where(AuditEvent.entity == "survivor", AuditEvent.record_id == survivor)
            .where(AuditEvent.action.in_(("read", "list")))
            .order_by(AuditEvent.id)
        )
        return [(r[0], r[1]) for r in rows]


def test_only_the_assistance_role_reads_a_survivor(
    db: Database, seed: Seed, after: dict[str, Any], as_role: dict[str, TestClient]
) -> None:
    survivor = after["survivor"]
    for role in ("anonymous", "viewer", "clerk", "reviewer", "admin"):
        api = as_role[role].get(f"/api/v1/survivors/{survivor}")
        assert api.status_code in (401, 403), role
        assert "Canary Survivor" not in api.text
        page = as_role[role].get(f"/survivors/{survivor}", follow_redirects=False)
        assert page.status_code in (303, 403), role
        assert "Canary Survivor" not in page.text
    assert _reads(db, survivor) == []
    officer = as_role["assistance"]
    record = officer.get(f"/api/v1/survivors/{survivor}").json()
    assert record["full_name"] == "Canary Survivor"
    assert [n["need"] for n in record["needs"]] == ["medical"]
    assert [s["step"] for s in record["steps"]] == ["service"]
    assert officer.get(f"/survivors/{survivor}").status_code == 200
    assert officer.get("/survivors").status_code == 200
    me = seed.users["assistance"]
    assert _reads(db, survivor) == [(me, "read"), (me, "read"), (me, "list")]


def test_a_survivor_is_an_injured_victim_once(
    as_role: dict[str, TestClient], after: dict[str, Any]
) -> None:
    officer = as_role["assistance"]
    again = officer.post("/api/v1/survivors", json={"victim_id": after["victim"]})
    assert again.status_code == 409


def test_figures_are_aggregated_and_small_cells_suppressed(
    db: Database, after: dict[str, Any], as_role: dict[str, TestClient]
) -> None:
    figures = assistance_figures(db)
    assert figures["survivors"] == "<5"
    assert figures["needs"]["medical"] == {"identified": "<5", "met": "<5", "unmet": 0}
    assert figures["first_service"]["all"] == {"served": "<5", "median_days": None}
    text = as_role["viewer"].get("/api/v1/assistance/figures").text
    assert "Canary" not in text
    assert after["victim"]
    assert "S-" not in text
