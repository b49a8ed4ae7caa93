# SPDX-License-Identifier: GPL-3.0-or-later
"""published contamination risk: scored cells and risk per hazard

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 10:20:00.000000
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

import demine.store.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RISK_CHECK = "risk >= 0 AND risk <= 1"


def _postgis() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _scored_at() -> sa.Column[Any]:
    return sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "risk_cell",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("geom", demine.store.types.Geometry("POLYGON"), nullable=True),
        sa.Column("risk", sa.Float(), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=True),
        _scored_at(),
        sa.Column("min_lon", sa.Float(), nullable=True),
        sa.Column("min_lat", sa.Float(), nullable=True),
        sa.Column("max_lon", sa.Float(), nullable=True),
        sa.Column("max_lat", sa.Float(), nullable=True),
        sa.CheckConstraint(RISK_CHECK, name=op.f("ck_risk_cell_risk_in_unit_range")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_cell")),
    )
    op.create_index(
        "ix_risk_cell_bbox", "risk_cell", ["min_lon", "max_lon", "min_lat", "max_lat"]
    )
    if _postgis():
        op.create_index(
            "ix_risk_cell_geom_gist", "risk_cell", ["geom"], postgresql_using="gist"
        )
    op.create_table(
        "hazard_risk",
        sa.Column("hazard_id", sa.Integer(), nullable=False),
        sa.Column("risk", sa.Float(), nullable=False),
        sa.Column("risk_max", sa.Float(), nullable=False),
        sa.Column("cells", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=True),
        _scored_at(),
        sa.CheckConstraint(RISK_CHECK, name=op.f("ck_hazard_risk_risk_in_unit_range")),
        sa.CheckConstraint(
            "cells >= 0", name=op.f("ck_hazard_risk_cells_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["hazard_id"],
            ["hazard.id"],
            name=op.f("fk_hazard_risk_hazard_id_hazard"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("hazard_id", name=op.f("pk_hazard_risk")),
    )


def downgrade() -> None:
    op.drop_table("hazard_risk")
    if _postgis():
        op.drop_index("ix_risk_cell_geom_gist", table_name="risk_cell")
    op.drop_index("ix_risk_cell_bbox", table_name="risk_cell")
    op.drop_table("risk_cell")
