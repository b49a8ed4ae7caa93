# SPDX-License-Identifier: GPL-3.0-or-later
"""risk applicability: interval and area of applicability of published risk

Revision ID: 0006_risk_applicability
Revises: 0003
Create Date: 2026-12-07 16:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_risk_applicability"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Cells published before this revision had no mask: they count as inside.
    op.add_column("risk_cell", sa.Column("risk_low", sa.Float(), nullable=True))
    op.add_column("risk_cell", sa.Column("risk_high", sa.Float(), nullable=True))
    op.add_column(
        "risk_cell",
        sa.Column("applicable", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    op.add_column(
        "hazard_risk",
        sa.Column("applicable", sa.Boolean(), nullable=False, server_default=sa.true()),
    )


def downgrade() -> None:
    with op.batch_alter_table("hazard_risk") as batch:
        batch.drop_column("applicable")
    with op.batch_alter_table("risk_cell") as batch:
        batch.drop_column("applicable")
        batch.drop_column("risk_high")
        batch.drop_column("risk_low")
