# SPDX-License-Identifier: GPL-3.0-or-later
"""user language: each user's preferred language of the interface

Revision ID: 0008_user_language
Revises: 0006_risk_applicability
Create Date: 2026-12-07 18:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_user_language"
down_revision: str | None = "0006_risk_applicability"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # NULL: no preference; the browser's Accept-Language then decides.
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("language")
