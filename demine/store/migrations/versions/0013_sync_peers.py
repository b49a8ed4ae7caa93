# SPDX-License-Identifier: GPL-3.0-or-later
"""registers that sync: peers, the versions each holds, conflicts kept

Revision ID: 0013_sync_peers
Revises: 0012_stored_chunks
Create Date: 2026-12-08 01:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_sync_peers"
down_revision: str | None = "0012_stored_chunks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_peer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("is_self", sa.Boolean(), nullable=False),
        sa.Column("origin", sa.Boolean(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("selection", sa.JSON(), nullable=True),
        sa.Column("exported_seq", sa.Integer(), nullable=False),
        sa.Column("imported_seq", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_peer")),
        sa.UniqueConstraint("name", name=op.f("uq_sync_peer_name")),
        sa.UniqueConstraint("uid", name=op.f("uq_sync_peer_uid")),
    )
    op.create_table(
        "sync_record",
        sa.Column("peer_id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("unacknowledged", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["peer_id"],
            ["sync_peer.id"],
            name=op.f("fk_sync_record_peer_id_sync_peer"),
        ),
        sa.PrimaryKeyConstraint(
            "peer_id", "entity", "uid", name=op.f("pk_sync_record")
        ),
    )
    op.create_table(
        "sync_conflict",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("peer_id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("mine_version", sa.Integer(), nullable=False),
        sa.Column("theirs_version", sa.Integer(), nullable=False),
        sa.Column("base", sa.JSON(), nullable=True),
        sa.Column("mine", sa.JSON(), nullable=False),
        sa.Column("theirs", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["peer_id"],
            ["sync_peer.id"],
            name=op.f("fk_sync_conflict_peer_id_sync_peer"),
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"],
            ["app_user.id"],
            name=op.f("fk_sync_conflict_resolved_by_id_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflict")),
    )
    op.create_index("ix_sync_conflict_record", "sync_conflict", ["entity", "uid"])


def downgrade() -> None:
    op.drop_index("ix_sync_conflict_record", table_name="sync_conflict")
    op.drop_table("sync_conflict")
    op.drop_table("sync_record")
    op.drop_table("sync_peer")
