# SPDX-License-Identifier: GPL-3.0-or-later
"""files every server reads (waiting uploads, job results) kept in the register

Revision ID: 0012_stored_chunks
Revises: 0004_record_uid
Create Date: 2026-12-07 22:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_stored_chunks"
down_revision: str | None = "0004_record_uid"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stored_chunk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_stored_chunk_owner", "stored_chunk", ["owner", "name", "seq"])


def downgrade() -> None:
    op.drop_index("ix_stored_chunk_owner", table_name="stored_chunk")
    op.drop_table("stored_chunk")
