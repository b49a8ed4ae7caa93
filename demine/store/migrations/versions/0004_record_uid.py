# SPDX-License-Identifier: GPL-3.0-or-later
"""record uid: every register record gets a global identity (a UUID)

Existing records get a random UUID each; new ones get theirs when they are
made (demine.domain.identity). On SQLite the NOT NULL and UNIQUE rules need
the table rebuilt (Alembic's batch mode); foreign keys are checked once at
commit meanwhile, since dropping the old copy of a parent table would
otherwise trip its children's references.

Revision ID: 0004_record_uid
Revises: 0009_quality_people
Create Date: 2026-12-07 16:00:00.000000
"""

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0004_record_uid"
down_revision: str | None = "0009_quality_people"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The register's record tables, parents before children.
TABLES = (
    "organisation",
    "place",
    "team",
    "eo_model",
    "hazard",
    "activity",
    "release",
    "eo_item",
    "accident",
    "victim",
    "eore_session",
    "qm_finding",
    "funding",
    "reference_feature",
    "attachment",
    "handover",
    "survivor",
    "survivor_need",
    "assistance_event",
    "accreditation",
    "accreditation_suspension",
    "course",
    "person",
    "training_session",
    "attendance",
    "certificate",
    "inspection",
    "monitoring_visit",
    "sample_unit",
    "non_conformity",
)
CHUNK = 50_000


def _backfill(name: str) -> None:
    bind = op.get_bind()
    table = sa.table(name, sa.column("id", sa.Integer), sa.column("uid", sa.String))
    if bind.dialect.name == "postgresql":
        op.execute(
            table.update()
            .where(table.c.uid.is_(None))
            .values(uid=sa.cast(sa.func.gen_random_uuid(), sa.String))
        )
        return
    ids = [row[0] for row in bind.execute(sa.select(table.c.id)).all()]
    raw: Any = bind.connection.driver_connection
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        raw.executemany(
            f'UPDATE "{name}" SET uid = ? WHERE id = ?',
            [(str(uuid.uuid4()), i) for i in part],
        )


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA defer_foreign_keys = ON")
    for name in TABLES:
        op.add_column(name, sa.Column("uid", sa.String(length=36), nullable=True))
        _backfill(name)
        with op.batch_alter_table(name) as batch:
            batch.alter_column(
                "uid", existing_type=sa.String(length=36), nullable=False
            )
            batch.create_unique_constraint(op.f(f"uq_{name}_uid"), ["uid"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA defer_foreign_keys = ON")
    for name in reversed(TABLES):
        with op.batch_alter_table(name) as batch:
            batch.drop_constraint(op.f(f"uq_{name}_uid"), type_="unique")
            batch.drop_column("uid")
