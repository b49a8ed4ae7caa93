# SPDX-License-Identifier: GPL-3.0-or-later
"""victims' age group and amputation; records can be withdrawn

Revision ID: 0007_victim_age_group
Revises: 0011_sessions_jobs
Create Date: 2026-12-07 16:00:00.000000

Registers that count victims instead of listing them (issue 21) and those
that give ages only as ranges (issue 16) need a victim's age group and
amputation; a lowered count or a record missing from a new edition is
withdrawn (a review state), not deleted, so it can be reinstated.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_victim_age_group"
down_revision: str | None = "0011_sessions_jobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RECORD_TABLES = (
    "organisation",
    "eo_model",
    "funding",
    "place",
    "reference_feature",
    "team",
    "hazard",
    "accident",
    "activity",
    "eo_item",
    "eore_session",
    "qm_finding",
    "release",
    "victim",
)
STATES = ("draft", "submitted", "approved", "rejected")


def _check(states: Sequence[str]) -> str:
    return " OR ".join(f"review_state = '{s}'" for s in states)


def _review_states(states: Sequence[str]) -> None:
    """Replace every record table's review-state CHECK (a table copy on SQLite)."""
    for name in RECORD_TABLES:
        with op.batch_alter_table(name) as batch:
            batch.drop_constraint(op.f(f"ck_{name}_review_state"), type_="check")
            batch.create_check_constraint(
                op.f(f"ck_{name}_review_state"), sa.text(_check(states))
            )


def upgrade() -> None:
    with op.batch_alter_table("victim") as batch:
        batch.add_column(sa.Column("age_group", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("amputation", sa.Boolean(), nullable=True))
    _review_states((*STATES, "withdrawn"))


def downgrade() -> None:
    for name in RECORD_TABLES:
        op.execute(
            sa.text(
                f"UPDATE {name} SET review_state = 'rejected' "
                "WHERE review_state = 'withdrawn'"
            )
        )
    _review_states(STATES)
    with op.batch_alter_table("victim") as batch:
        batch.drop_column("amputation")
        batch.drop_column("age_group")
