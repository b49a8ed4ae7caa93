# SPDX-License-Identifier: GPL-3.0-or-later
"""Migration 0010 (the assistance role) keeps everything that refers to users.

On SQLite it rebuilds ``app_user`` to change the role's CHECK constraint;
dropping the old table would delete every session and token of a user
(ON DELETE CASCADE) unless the migration keeps them.
"""

from __future__ import annotations

from alembic import command

from demine.store.database import Database, alembic_config

BEFORE = "0007_victim_age_group"


def test_upgrade_keeps_sessions_and_tokens(db_url: str) -> None:
    db = Database(db_url)
    try:
        with db.engine.begin() as conn:
            command.upgrade(alembic_config(conn), BEFORE)
        # It reads the new user's id between its writes: a writing transaction.
        with db.transaction(write=True) as conn:
            conn.exec_driver_sql(
                "INSERT INTO app_user (username, password_hash, role, active, "
                "created_at, must_change_password) "
                "VALUES ('officer', 'x', 'viewer', true, '2026-01-01', false)"
            )
            user = conn.exec_driver_sql("SELECT id FROM app_user").scalar()
            conn.exec_driver_sql(
                "INSERT INTO user_session (digest, user_id, created_at, "
                f"last_seen_at, expires_at) VALUES ('s', {user}, '2026-01-01', "
                "'2026-01-01', '2027-01-01')"
            )
            conn.exec_driver_sql(
                "INSERT INTO api_token (user_id, digest, name, created_at) "
                f"VALUES ({user}, 't', 'laptop', '2026-01-01')"
            )
        db.upgrade()
        with db.engine.begin() as conn:
            counts = {
                table: conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()
                for table in ("app_user", "user_session", "api_token")
            }
            owner = conn.exec_driver_sql("SELECT user_id FROM user_session").scalar()
        assert counts == {"app_user": 1, "user_session": 1, "api_token": 1}
        assert owner == user
    finally:
        db.dispose()
