# SPDX-License-Identifier: GPL-3.0-or-later
"""the map's low-zoom overviews precomputed per grid cell

Revision ID: 0015_map_overview
Revises: 0014_forecast_scenarios
Create Date: 2026-12-08 01:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_map_overview"
down_revision: str | None = "0014_forecast_scenarios"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "map_overview_cell",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("layer", sa.String(length=20), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("gx", sa.Integer(), nullable=False),
        sa.Column("gy", sa.Integer(), nullable=False),
        sa.Column("key1", sa.String(length=40), nullable=True),
        sa.Column("key2", sa.String(length=40), nullable=True),
        sa.Column("review_state", sa.String(length=20), nullable=True),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_map_overview_cell",
        "map_overview_cell",
        ["layer", "level", "gx", "gy"],
    )
    op.create_table(
        "map_overview_state",
        sa.Column("layer", sa.String(length=20), nullable=False),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("layer"),
    )


def downgrade() -> None:
    op.drop_table("map_overview_state")
    op.drop_index("ix_map_overview_cell", table_name="map_overview_cell")
    op.drop_table("map_overview_cell")
