# SPDX-License-Identifier: GPL-3.0-or-later
"""server-side sessions, login attempts, jobs, token expiry, password changes

Revision ID: 0011_sessions_jobs
Revises: 0008_user_language
Create Date: 2026-12-07 16:30:00.000000
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0011_sessions_jobs"
down_revision: str | None = "0008_user_language"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _at(name: str, nullable: bool = True) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _created_at() -> sa.Column[Any]:
    return sa.Column(
        "created_at",
        sa.DateTime(timezone=True),
        server_default=sa.func.now(),
        nullable=False,
    )


def _user_id() -> sa.Column[Any]:
    return sa.Column("user_id", sa.Integer(), nullable=False)


def _user_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["user_id"],
        ["app_user.id"],
        name=op.f(f"fk_{table}_user_id_app_user"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(
            sa.Column(
                "must_change_password",
                sa.Boolean(),
                server_default=sa.false(),
                nullable=False,
            )
        )
        batch.add_column(_at("password_changed_at"))
    with op.batch_alter_table("api_token") as batch:
        batch.add_column(_at("expires_at"))
        batch.add_column(_at("last_used_at"))
        batch.add_column(_at("revoked_at"))
    op.create_table(
        "user_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        _user_id(),
        _created_at(),
        sa.Column(
            "last_seen_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        _at("expires_at", nullable=False),
        _at("revoked_at"),
        _user_fk("user_session"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_session")),
        sa.UniqueConstraint("digest", name=op.f("uq_user_session_digest")),
    )
    op.create_index(op.f("ix_user_session_user_id"), "user_session", ["user_id"])
    op.create_table(
        "login_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        _at("at", nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempt")),
    )
    op.create_index("ix_login_attempt_source", "login_attempt", ["source", "at"])
    op.create_index("ix_login_attempt_username", "login_attempt", ["username", "at"])
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        _user_id(),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("message", sa.String(length=200), nullable=True),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("result_path", sa.String(length=500), nullable=True),
        sa.Column("result_name", sa.String(length=200), nullable=True),
        sa.Column("error", sa.String(length=2000), nullable=True),
        _created_at(),
        _at("started_at"),
        _at("finished_at"),
        _at("heartbeat_at"),
        _at("client_seen_at"),
        sa.Column(
            "cancel_requested",
            sa.Boolean(),
            server_default=sa.false(),
            nullable=False,
        ),
        sa.Column("worker", sa.String(length=80), nullable=True),
        _user_fk("job"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job")),
    )
    op.create_index("ix_job_state", "job", ["state", "id"])
    op.create_index(op.f("ix_job_user_id"), "job", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_job_user_id"), table_name="job")
    op.drop_index("ix_job_state", table_name="job")
    op.drop_table("job")
    op.drop_index("ix_login_attempt_username", table_name="login_attempt")
    op.drop_index("ix_login_attempt_source", table_name="login_attempt")
    op.drop_table("login_attempt")
    op.drop_index(op.f("ix_user_session_user_id"), table_name="user_session")
    op.drop_table("user_session")
    with op.batch_alter_table("api_token") as batch:
        batch.drop_column("revoked_at")
        batch.drop_column("last_used_at")
        batch.drop_column("expires_at")
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("password_changed_at")
        batch.drop_column("must_change_password")
