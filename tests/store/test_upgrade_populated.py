# SPDX-License-Identifier: GPL-3.0-or-later
"""A register with records upgrades through migrations that copy tables.

SQLite changes a CHECK constraint by copying a table and dropping the old
one; with foreign keys on, dropping ``organisation`` under its teams failed
("FOREIGN KEY constraint failed"), so a register made before migration
0007 could not be opened by a newer demine.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command

from demine.store.database import Database, alembic_config
from tests.conftest import PG_URL

BEFORE = "0011_sessions_jobs"


@pytest.mark.skipif(
    PG_URL is not None,
    reason="PostgreSQL alters CHECK constraints in place; no table is copied",
)
def test_a_populated_register_upgrades_and_keeps_its_references(
    tmp_path: Path,
) -> None:
    db = Database(f"sqlite:///{tmp_path / 'old.sqlite'}")
    try:
        with db.transaction(write=True) as conn:
            command.upgrade(alembic_config(conn), BEFORE)
        with db.transaction(write=True) as conn:
            conn.exec_driver_sql(
                "INSERT INTO organisation (id, name, org_type, accreditation, "
                "review_state, version, created_at, updated_at) VALUES (1, "
                "'Alpha Demining', 'ngo', 'accredited', 'approved', 1, "
                "'2026-01-01', '2026-01-01')"
            )
            conn.exec_driver_sql(
                "INSERT INTO team (id, name, organisation_id, method, size, "
                "productivity_m2_day, cost_per_day_usd, active, review_state, "
                "version, created_at, updated_at) VALUES (1, 'Team 1', 1, "
                "'manual', 8, 100, 400, 1, 'approved', 1, '2026-01-01', "
                "'2026-01-01')"
            )
        db.upgrade()
        with db.engine.begin() as conn:
            team = conn.exec_driver_sql(
                "SELECT t.name, o.name FROM team t "
                "JOIN organisation o ON o.id = t.organisation_id"
            ).all()
            keys = conn.exec_driver_sql("PRAGMA foreign_keys").scalar()
        assert [tuple(r) for r in team] == [("Team 1", "Alpha Demining")]
        assert keys == 1  # the register is used with foreign keys on again
    finally:
        db.dispose()
