# SPDX-License-Identifier: GPL-3.0-or-later
"""after clearance: handover, public service, survivors, attachments, assistance role

Revision ID: 0010_after_clearance
Revises: 0007_victim_age_group
Create Date: 2026-12-08 09:00:00.000000
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0010_after_clearance"
down_revision: str | None = "0007_victim_age_group"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_ROLES = ("viewer", "clerk", "reviewer", "admin")
NEW_ROLES = (*OLD_ROLES, "assistance")
REVIEW_STATES = ("draft", "submitted", "approved", "rejected")
LAND_USES = (
    "agriculture",
    "grazing",
    "forest",
    "residential",
    "infrastructure",
    "water",
    "industrial",
    "unused",
)
NEEDS = ("medical", "rehabilitation", "psychosocial", "economic_inclusion", "education")
STEPS = ("referral", "service", "follow_up")


def _any_of(column: str, values: Sequence[str]) -> str:
    return " OR ".join(f"{column} = '{v}'" for v in values)


def _vocab(column: str, values: Sequence[str], name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=32)


def _record(table: str) -> list[Any]:
    """The columns and constraints of :class:`demine.store.schema.base.Record`."""
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=120), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "review_state",
            _vocab("review_state", REVIEW_STATES, "review_state"),
            server_default="approved",
            nullable=False,
        ),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            _any_of("review_state", REVIEW_STATES),
            name=op.f(f"ck_{table}_review_state"),
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"],
            ["organisation.id"],
            name=op.f(f"fk_{table}_reported_by_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint("external_id", name=op.f(f"uq_{table}_external_id")),
    ]


def _record_index(table: str) -> None:
    op.create_index(op.f(f"ix_{table}_reported_by_id"), table, ["reported_by_id"])


def _roles(values: Sequence[str]) -> None:
    with _rows_referring_to_users_kept(), op.batch_alter_table("app_user") as batch:
        batch.drop_constraint(op.f("ck_app_user_role"), type_="check")
        batch.alter_column(
            "role",
            type_=_vocab("role", values, "role"),
            existing_nullable=False,
        )
        batch.create_check_constraint(op.f("ck_app_user_role"), _any_of("role", values))


@contextmanager
def _rows_referring_to_users_kept() -> Iterator[None]:
    """Keep sessions, tokens and audit rows while SQLite rebuilds ``app_user``.

    SQLite changes a CHECK constraint only by copying the table and dropping
    the old one; with foreign keys on (always, in demine), that drop deletes
    or nulls every row that refers to a user (ON DELETE CASCADE / SET NULL),
    and the pragma cannot be turned off inside the migration's transaction.
    So those rows are copied aside first and put back after.
    """
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        yield
        return
    tables = [
        name
        for (name,) in bind.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
        )
        if any(
            fk[2] == "app_user"
            for fk in bind.exec_driver_sql(f'PRAGMA foreign_key_list("{name}")')
        )
    ]
    for name in tables:
        bind.exec_driver_sql(
            f'CREATE TEMP TABLE "kept_{name}" AS SELECT * FROM "{name}"'
        )
    yield
    for name in tables:
        bind.exec_driver_sql(f'DELETE FROM "{name}"')
        bind.exec_driver_sql(f'INSERT INTO "{name}" SELECT * FROM "kept_{name}"')
        bind.exec_driver_sql(f'DROP TABLE "kept_{name}"')


def upgrade() -> None:
    _roles(NEW_ROLES)
    op.create_table(
        "public_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_message")),
    )
    op.create_table(
        "public_service_layer",
        sa.Column("layer", sa.String(length=40), nullable=False),
        sa.Column("generalise_m", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("layer", name=op.f("pk_public_service_layer")),
    )
    op.create_table(
        "attachment",
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("thumbnail_sha256", sa.String(length=64), nullable=True),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("exif_lon", sa.Float(), nullable=True),
        sa.Column("exif_lat", sa.Float(), nullable=True),
        sa.Column("distance_m", sa.Float(), nullable=True),
        sa.Column("caption", sa.Text(), nullable=True),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        *_record("attachment"),
        sa.CheckConstraint(
            "size_bytes >= 0", name=op.f("ck_attachment_size_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["app_user.id"],
            name=op.f("fk_attachment_uploaded_by_id_app_user"),
        ),
    )
    op.create_index("ix_attachment_record", "attachment", ["entity", "record_id"])
    op.create_index(op.f("ix_attachment_sha256"), "attachment", ["sha256"])
    _record_index("attachment")
    op.create_table(
        "handover",
        sa.Column("hazard_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("issued_by", sa.String(length=200), nullable=False),
        sa.Column("released_m2", sa.Float(), nullable=False),
        sa.Column("recipient_authority", sa.String(length=200), nullable=False),
        sa.Column(
            "intended_land_use",
            _vocab("intended_land_use", LAND_USES, "land_use"),
            nullable=True,
        ),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("received_by", sa.String(length=200), nullable=True),
        sa.Column("handed_over_on", sa.Date(), nullable=True),
        *_record("handover"),
        sa.CheckConstraint(
            _any_of("intended_land_use", LAND_USES), name=op.f("ck_handover_land_use")
        ),
        sa.CheckConstraint(
            "handed_over_on IS NULL OR handed_over_on >= issued_on",
            name=op.f("ck_handover_handed_over_after_issue"),
        ),
        sa.CheckConstraint(
            "released_m2 >= 0", name=op.f("ck_handover_released_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["hazard_id"], ["hazard.id"], name=op.f("fk_handover_hazard_id_hazard")
        ),
        sa.UniqueConstraint("code", name=op.f("uq_handover_code")),
        sa.UniqueConstraint("number", name=op.f("uq_handover_number")),
    )
    op.create_index(op.f("ix_handover_handed_over_on"), "handover", ["handed_over_on"])
    op.create_index(op.f("ix_handover_hazard_id"), "handover", ["hazard_id"])
    _record_index("handover")
    op.create_table(
        "survivor",
        sa.Column("victim_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=True),
        sa.Column("contact", sa.Text(), nullable=True),
        sa.Column("consent_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        *_record("survivor"),
        sa.ForeignKeyConstraint(
            ["victim_id"], ["victim.id"], name=op.f("fk_survivor_victim_id_victim")
        ),
        sa.UniqueConstraint("code", name=op.f("uq_survivor_code")),
        sa.UniqueConstraint("victim_id", name=op.f("uq_survivor_victim_id")),
    )
    _record_index("survivor")
    op.create_table(
        "survivor_need",
        sa.Column("survivor_id", sa.Integer(), nullable=False),
        sa.Column("need", _vocab("need", NEEDS, "need_kind"), nullable=False),
        sa.Column("identified_on", sa.Date(), nullable=True),
        sa.Column("met_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        *_record("survivor_need"),
        sa.CheckConstraint(
            _any_of("need", NEEDS), name=op.f("ck_survivor_need_need_kind")
        ),
        sa.CheckConstraint(
            "met_on IS NULL OR identified_on IS NULL OR met_on >= identified_on",
            name=op.f("ck_survivor_need_met_after_identified"),
        ),
        sa.ForeignKeyConstraint(
            ["survivor_id"],
            ["survivor.id"],
            name=op.f("fk_survivor_need_survivor_id_survivor"),
            ondelete="CASCADE",
        ),
    )
    _record_index("survivor_need")
    op.create_index(
        op.f("ix_survivor_need_survivor_id"), "survivor_need", ["survivor_id"]
    )
    op.create_table(
        "assistance_event",
        sa.Column("survivor_id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=True),
        sa.Column("step", _vocab("step", STEPS, "assistance_step"), nullable=False),
        sa.Column("provider", sa.String(length=200), nullable=True),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        *_record("assistance_event"),
        sa.CheckConstraint(
            _any_of("step", STEPS), name=op.f("ck_assistance_event_assistance_step")
        ),
        sa.ForeignKeyConstraint(
            ["need_id"],
            ["survivor_need.id"],
            name=op.f("fk_assistance_event_need_id_survivor_need"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["survivor_id"],
            ["survivor.id"],
            name=op.f("fk_assistance_event_survivor_id_survivor"),
            ondelete="CASCADE",
        ),
    )
    _record_index("assistance_event")
    op.create_index(
        op.f("ix_assistance_event_need_id"), "assistance_event", ["need_id"]
    )
    op.create_index(
        op.f("ix_assistance_event_survivor_id"), "assistance_event", ["survivor_id"]
    )


def downgrade() -> None:
    for table in ("assistance_event", "survivor_need", "survivor", "handover"):
        op.drop_table(table)
    op.drop_table("attachment")
    op.drop_table("public_service_layer")
    op.drop_table("public_message")
    op.execute("DELETE FROM app_user WHERE role = 'assistance'")
    _roles(OLD_ROLES)
