# SPDX-License-Identifier: GPL-3.0-or-later
# ruff: noqa: E501  (generated: vocabulary CHECKs are long lines)
"""quality management and people: inspections, non-conformities, monitoring
visits, accreditation scopes, personnel, training and certificates

Revision ID: 0009_quality_people
Revises: 0010_after_clearance
Create Date: 2026-12-07 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import demine.store.types

revision: str = "0009_quality_people"
down_revision: str | None = "0010_after_clearance"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# New tables, parents first; dropped in the reverse order.
TABLES = (
    "accreditation",
    "course",
    "accreditation_suspension",
    "person",
    "training_session",
    "attendance",
    "certificate",
    "inspection",
    "monitoring_visit",
    "sample_unit",
    "non_conformity",
)
GIST_INDEXES = [("inspection", "geom"), ("inspection", "lot_geom")]


def _postgis() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    op.create_table(
        "accreditation",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column(
            "activity_type",
            sa.Enum(
                "nts",
                "ts",
                "clearance",
                "bac",
                "eod",
                "qa_qc",
                "eore",
                name="activity_type",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "method",
            sa.Enum(
                "manual",
                "mechanical",
                "mdd",
                "drone",
                "mixed",
                name="method",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=120), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=120), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "review_state",
            sa.Enum(
                "draft",
                "submitted",
                "approved",
                "rejected",
                name="review_state",
                native_enum=False,
                length=32,
            ),
            server_default="approved",
            nullable=False,
        ),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "activity_type = 'nts' OR activity_type = 'ts' OR activity_type = 'clearance' OR activity_type = 'bac' OR activity_type = 'eod' OR activity_type = 'qa_qc' OR activity_type = 'eore'",
            name=op.f("ck_accreditation_activity_type"),
        ),
        sa.CheckConstraint(
            "method = 'manual' OR method = 'mechanical' OR method = 'mdd' OR method = 'drone' OR method = 'mixed'",
            name=op.f("ck_accreditation_method"),
        ),
        sa.CheckConstraint(
            "review_state = 'draft' OR review_state = 'submitted' OR review_state = 'approved' OR review_state = 'rejected'",
            name=op.f("ck_accreditation_review_state"),
        ),
        sa.CheckConstraint(
            "valid_until >= valid_from", name=op.f("ck_accreditation_until_after_from")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_accreditation_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"],
            ["organisation.id"],
            name=op.f("fk_accreditation_reported_by_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accreditation")),
        sa.UniqueConstraint("external_id", name=op.f("uq_accreditation_external_id")),
    )
    op.create_index(
        op.f("ix_accreditation_organisation_id"),
        "accreditation",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_accreditation_reported_by_id"),
        "accreditation",
        ["reported_by_id"],
        unique=False,
    )
    op.create_table(
        "course",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "qualification",
            sa.Enum(
                "nts",
                "manual_clearance",
                "eod_1",
                "eod_2",
                "eod_3",
                "medic",
                "qa_inspector",
                "mdd_handler",
                "machine_operator",
                "team_leader",
                name="qualification",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("provider_id", sa.Integer(), nullable=True),
        sa.Column("duration_days", sa.Integer(), nullable=False),
        sa.Column("validity_months", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=120), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "review_state",
            sa.Enum(
                "draft",
                "submitted",
                "approved",
                "rejected",
                name="review_state",
                native_enum=False,
                length=32,
            ),
            server_default="approved",
            nullable=False,
        ),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "qualification = 'nts' OR qualification = 'manual_clearance' OR qualification = 'eod_1' OR qualification = 'eod_2' OR qualification = 'eod_3' OR qualification = 'medic' OR qualification = 'qa_inspector' OR qualification = 'mdd_handler' OR qualification = 'machine_operator' OR qualification = 'team_leader'",
            name=op.f("ck_course_qualification"),
        ),
        sa.CheckConstraint(
            "review_state = 'draft' OR review_state = 'submitted' OR review_state = 'approved' OR review_state = 'rejected'",
            name=op.f("ck_course_review_state"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["organisation.id"],
            name=op.f("fk_course_provider_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"],
            ["organisation.id"],
            name=op.f("fk_course_reported_by_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course")),
        sa.UniqueConstraint("external_id", name=op.f("uq_course_external_id")),
    )
    op.create_index(
        op.f("ix_course_reported_by_id"), "course", ["reported_by_id"], unique=False
    )
    op.create_table(
        "accreditation_suspension",
        sa.Column("accreditation_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=120), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "review_state",
            sa.Enum(
                "draft",
                "submitted",
                "approved",
                "rejected",
                name="review_state",
                native_enum=False,
                length=32,
            ),
            server_default="approved",
            nullable=False,
        ),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "review_state = 'draft' OR review_state = 'submitted' OR review_state = 'approved' OR review_state = 'rejected'",
            name=op.f("ck_accreditation_suspension_review_state"),
        ),
        sa.CheckConstraint(
            "ends_on IS NULL OR ends_on >= starts_on",
            name=op.f("ck_accreditation_suspension_ends_after_start"),
        ),
        sa.ForeignKeyConstraint(
            ["accreditation_id"],
            ["accreditation.id"],
            name=op.f("fk_accreditation_suspension_accreditation_id_accreditation"),
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"],
            ["organisation.id"],
            name=op.f("fk_accreditation_suspension_reported_by_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accreditation_suspension")),
        sa.UniqueConstraint(
            "external_id", name=op.f("uq_accreditation_suspension_external_id")
        ),
    )
    op.create_index(
        op.f("ix_accreditation_suspension_accreditation_id"),
        "accreditation_suspension",
        ["accreditation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_accreditation_suspension_reported_by_id"),
        "accreditation_suspension",
        ["reported_by_id"],
        unique=False,
    )
    op.create_table(
        "person",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column(
            "role",
            sa.Enum(
                "deminer",
                "team_leader",
                "medic",
                "eod_operator",
                "mdd_handler",
                "machine_operator",
                "surveyor",
                "qa_inspector",
                name="person_role",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column(
            "sex",
            sa.Enum(
                "female", "male", "unknown", name="sex", native_enum=False, length=32
            ),
            nullable=True,
        ),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("national_id", sa.String(length=40), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("joined_on", sa.Date(), nullable=True),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=120), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "review_state",
            sa.Enum(
                "draft",
                "submitted",
                "approved",
                "rejected",
                name="review_state",
                native_enum=False,
                length=32,
            ),
            server_default="approved",
            nullable=False,
        ),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "review_state = 'draft' OR review_state = 'submitted' OR review_state = 'approved' OR review_state = 'rejected'",
            name=op.f("ck_person_review_state"),
        ),
        sa.CheckConstraint(
            "role = 'deminer' OR role = 'team_leader' OR role = 'medic' OR role = 'eod_operator' OR role = 'mdd_handler' OR role = 'machine_operator' OR role = 'surveyor' OR role = 'qa_inspector'",
            name=op.f("ck_person_person_role"),
        ),
        sa.CheckConstraint(
            "sex = 'female' OR sex = 'male' OR sex = 'unknown'",
            name=op.f("ck_person_sex"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_person_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"],
            ["organisation.id"],
            name=op.f("fk_person_reported_by_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_person_team_id_team")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("external_id", name=op.f("uq_person_external_id")),
    )
    op.create_index(
        op.f("ix_person_organisation_id"), "person", ["organisation_id"], unique=False
    )
    op.create_index(
        op.f("ix_person_reported_by_id"), "person", ["reported_by_id"], unique=False
    )
    op.create_index(op.f("ix_person_team_id"), "person", ["team_id"], unique=False)
    op.create_table(
        "training_session",
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("instructor", sa.String(length=200), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=120), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "review_state",
            sa.Enum(
                "draft",
                "submitted",
                "approved",
                "rejected",
                name="review_state",
                native_enum=False,
                length=32,
            ),
            server_default="approved",
            nullable=False,
        ),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "review_state = 'draft' OR review_state = 'submitted' OR review_state = 'approved' OR review_state = 'rejected'",
            name=op.f("ck_training_session_review_state"),
        ),
        sa.CheckConstraint(
            "ends_on >= starts_on", name=op.f("ck_training_session_ends_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course.id"],
            name=op.f("fk_training_session_course_id_course"),
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"],
            ["organisation.id"],
            name=op.f("fk_training_session_reported_by_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_session")),
        sa.UniqueConstraint(
            "external_id", name=op.f("uq_training_session_external_id")
        ),
    )
    op.create_index(
        op.f("ix_training_session_course_id"),
        "training_session",
        ["course_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_training_session_reported_by_id"),
        "training_session",
        ["reported_by_id"],
        unique=False,
    )
    op.create_table(
        "attendance",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "result",
            sa.Enum(
                "passed",
                "failed",
                "absent",
                name="attendance_result",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=120), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "review_state",
            sa.Enum(
                "draft",
                "submitted",
                "approved",
                "rejected",
                name="review_state",
                native_enum=False,
                length=32,
            ),
            server_default="approved",
            nullable=False,
        ),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "result = 'passed' OR result = 'failed' OR result = 'absent'",
            name=op.f("ck_attendance_attendance_result"),
        ),
        sa.CheckConstraint(
            "review_state = 'draft' OR review_state = 'submitted' OR review_state = 'approved' OR review_state = 'rejected'",
            name=op.f("ck_attendance_review_state"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_attendance_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"],
            ["organisation.id"],
            name=op.f("fk_attendance_reported_by_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["training_session.id"],
            name=op.f("fk_attendance_session_id_training_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance")),
        sa.UniqueConstraint("external_id", name=op.f("uq_attendance_external_id")),
        sa.UniqueConstraint(
            "session_id", "person_id", name=op.f("uq_attendance_session_id")
        ),
    )
    op.create_index(
        op.f("ix_attendance_person_id"), "attendance", ["person_id"], unique=False
    )
    op.create_index(
        op.f("ix_attendance_reported_by_id"),
        "attendance",
        ["reported_by_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_attendance_session_id"), "attendance", ["session_id"], unique=False
    )
    op.create_table(
        "certificate",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column(
            "qualification",
            sa.Enum(
                "nts",
                "manual_clearance",
                "eod_1",
                "eod_2",
                "eod_3",
                "medic",
                "qa_inspector",
                "mdd_handler",
                "machine_operator",
                "team_leader",
                name="qualification",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("number", sa.String(length=60), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("revoked_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=120), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "review_state",
            sa.Enum(
                "draft",
                "submitted",
                "approved",
                "rejected",
                name="review_state",
                native_enum=False,
                length=32,
            ),
            server_default="approved",
            nullable=False,
        ),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "qualification = 'nts' OR qualification = 'manual_clearance' OR qualification = 'eod_1' OR qualification = 'eod_2' OR qualification = 'eod_3' OR qualification = 'medic' OR qualification = 'qa_inspector' OR qualification = 'mdd_handler' OR qualification = 'machine_operator' OR qualification = 'team_leader'",
            name=op.f("ck_certificate_qualification"),
        ),
        sa.CheckConstraint(
            "review_state = 'draft' OR review_state = 'submitted' OR review_state = 'approved' OR review_state = 'rejected'",
            name=op.f("ck_certificate_review_state"),
        ),
        sa.CheckConstraint(
            "expires_on IS NULL OR expires_on >= issued_on",
            name=op.f("ck_certificate_expires_after_issue"),
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["course.id"], name=op.f("fk_certificate_course_id_course")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_certificate_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"],
            ["organisation.id"],
            name=op.f("fk_certificate_reported_by_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["training_session.id"],
            name=op.f("fk_certificate_session_id_training_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate")),
        sa.UniqueConstraint("external_id", name=op.f("uq_certificate_external_id")),
    )
    op.create_index(
        op.f("ix_certificate_expires_on"), "certificate", ["expires_on"], unique=False
    )
    op.create_index(
        op.f("ix_certificate_person_id"), "certificate", ["person_id"], unique=False
    )
    op.create_index(
        op.f("ix_certificate_reported_by_id"),
        "certificate",
        ["reported_by_id"],
        unique=False,
    )
    op.create_table(
        "inspection",
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column(
            "method",
            sa.Enum(
                "manual",
                "mechanical",
                "mdd",
                "drone",
                "mixed",
                name="method",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("inspected_by_id", sa.Integer(), nullable=True),
        sa.Column("hazard_id", sa.Integer(), nullable=True),
        sa.Column("release_ids", sa.JSON(), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column("inspected_on", sa.Date(), nullable=True),
        sa.Column("lot_m2", sa.Float(), nullable=False),
        sa.Column("unit_m2", sa.Float(), nullable=False),
        sa.Column("lot_units", sa.Integer(), nullable=False),
        sa.Column("aql", sa.Float(), nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "i",
                "ii",
                "iii",
                "s_1",
                "s_2",
                "s_3",
                "s_4",
                name="inspection_level",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "stringency",
            sa.Enum(
                "normal",
                "tightened",
                "reduced",
                "discontinued",
                name="stringency",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("code_letter", sa.String(length=1), nullable=False),
        sa.Column("plan_letter", sa.String(length=1), nullable=False),
        sa.Column("sample_size", sa.Integer(), nullable=False),
        sa.Column("accept_number", sa.Integer(), nullable=False),
        sa.Column("reject_number", sa.Integer(), nullable=False),
        sa.Column(
            "shape",
            sa.Enum("box", "lane", name="sample_shape", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("lane_width_m", sa.Float(), nullable=True),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("units_drawn", sa.Integer(), nullable=False),
        sa.Column("units_inspected", sa.Integer(), nullable=True),
        sa.Column("nonconforming_units", sa.Integer(), nullable=True),
        sa.Column("items_found", sa.Integer(), nullable=False),
        sa.Column("inspected_m2", sa.Float(), nullable=False),
        sa.Column("depth_cm", sa.Float(), nullable=True),
        sa.Column(
            "inspection_method",
            sa.Enum(
                "manual",
                "mechanical",
                "mdd",
                "drone",
                "mixed",
                name="inspection_method",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column(
            "result",
            sa.Enum(
                "planned",
                "accepted",
                "rejected",
                name="inspection_result",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("cost_usd", sa.Float(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("geom", demine.store.types.Geometry("MULTIPOLYGON"), nullable=True),
        sa.Column(
            "lot_geom", demine.store.types.Geometry("MULTIPOLYGON"), nullable=True
        ),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=120), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "review_state",
            sa.Enum(
                "draft",
                "submitted",
                "approved",
                "rejected",
                name="review_state",
                native_enum=False,
                length=32,
            ),
            server_default="approved",
            nullable=False,
        ),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.Column("min_lon", sa.Float(), nullable=True),
        sa.Column("min_lat", sa.Float(), nullable=True),
        sa.Column("max_lon", sa.Float(), nullable=True),
        sa.Column("max_lat", sa.Float(), nullable=True),
        sa.CheckConstraint(
            "inspection_method = 'manual' OR inspection_method = 'mechanical' OR inspection_method = 'mdd' OR inspection_method = 'drone' OR inspection_method = 'mixed'",
            name=op.f("ck_inspection_inspection_method"),
        ),
        sa.CheckConstraint(
            "level = 'i' OR level = 'ii' OR level = 'iii' OR level = 's_1' OR level = 's_2' OR level = 's_3' OR level = 's_4'",
            name=op.f("ck_inspection_inspection_level"),
        ),
        sa.CheckConstraint(
            "method = 'manual' OR method = 'mechanical' OR method = 'mdd' OR method = 'drone' OR method = 'mixed'",
            name=op.f("ck_inspection_method"),
        ),
        sa.CheckConstraint(
            "result = 'planned' OR result = 'accepted' OR result = 'rejected'",
            name=op.f("ck_inspection_inspection_result"),
        ),
        sa.CheckConstraint(
            "review_state = 'draft' OR review_state = 'submitted' OR review_state = 'approved' OR review_state = 'rejected'",
            name=op.f("ck_inspection_review_state"),
        ),
        sa.CheckConstraint(
            "shape = 'box' OR shape = 'lane'", name=op.f("ck_inspection_sample_shape")
        ),
        sa.CheckConstraint(
            "stringency = 'normal' OR stringency = 'tightened' OR stringency = 'reduced' OR stringency = 'discontinued'",
            name=op.f("ck_inspection_stringency"),
        ),
        sa.CheckConstraint(
            "lot_m2 > 0 AND unit_m2 > 0", name=op.f("ck_inspection_areas_positive")
        ),
        sa.CheckConstraint(
            "nonconforming_units IS NULL OR nonconforming_units >= 0",
            name=op.f("ck_inspection_nonconforming_not_negative"),
        ),
        sa.CheckConstraint(
            "reject_number > accept_number", name=op.f("ck_inspection_re_above_ac")
        ),
        sa.ForeignKeyConstraint(
            ["hazard_id"], ["hazard.id"], name=op.f("fk_inspection_hazard_id_hazard")
        ),
        sa.ForeignKeyConstraint(
            ["inspected_by_id"],
            ["organisation.id"],
            name=op.f("fk_inspection_inspected_by_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_inspection_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"],
            ["organisation.id"],
            name=op.f("fk_inspection_reported_by_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_inspection_team_id_team")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection")),
        sa.UniqueConstraint("external_id", name=op.f("uq_inspection_external_id")),
    )
    op.create_index(
        "ix_inspection_bbox",
        "inspection",
        ["min_lon", "max_lon", "min_lat", "max_lat"],
        unique=False,
    )
    op.create_index(
        op.f("ix_inspection_hazard_id"), "inspection", ["hazard_id"], unique=False
    )
    op.create_index(
        op.f("ix_inspection_inspected_on"), "inspection", ["inspected_on"], unique=False
    )
    op.create_index(
        op.f("ix_inspection_organisation_id"),
        "inspection",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_inspection_reported_by_id"),
        "inspection",
        ["reported_by_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_inspection_result"), "inspection", ["result"], unique=False
    )
    op.create_index(
        op.f("ix_inspection_team_id"), "inspection", ["team_id"], unique=False
    )
    op.create_table(
        "monitoring_visit",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.Column("hazard_id", sa.Integer(), nullable=True),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("inspector", sa.String(length=200), nullable=True),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "satisfactory",
                "improvement_needed",
                "unsatisfactory",
                name="monitoring_outcome",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=120), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "review_state",
            sa.Enum(
                "draft",
                "submitted",
                "approved",
                "rejected",
                name="review_state",
                native_enum=False,
                length=32,
            ),
            server_default="approved",
            nullable=False,
        ),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "outcome = 'satisfactory' OR outcome = 'improvement_needed' OR outcome = 'unsatisfactory'",
            name=op.f("ck_monitoring_visit_monitoring_outcome"),
        ),
        sa.CheckConstraint(
            "review_state = 'draft' OR review_state = 'submitted' OR review_state = 'approved' OR review_state = 'rejected'",
            name=op.f("ck_monitoring_visit_review_state"),
        ),
        sa.CheckConstraint(
            "score >= 0 AND score <= 100",
            name=op.f("ck_monitoring_visit_score_in_range"),
        ),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activity.id"],
            name=op.f("fk_monitoring_visit_activity_id_activity"),
        ),
        sa.ForeignKeyConstraint(
            ["hazard_id"],
            ["hazard.id"],
            name=op.f("fk_monitoring_visit_hazard_id_hazard"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_monitoring_visit_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"],
            ["organisation.id"],
            name=op.f("fk_monitoring_visit_reported_by_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_monitoring_visit_team_id_team")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_visit")),
        sa.UniqueConstraint(
            "external_id", name=op.f("uq_monitoring_visit_external_id")
        ),
    )
    op.create_index(
        op.f("ix_monitoring_visit_organisation_id"),
        "monitoring_visit",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_monitoring_visit_reported_by_id"),
        "monitoring_visit",
        ["reported_by_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_monitoring_visit_team_id"),
        "monitoring_visit",
        ["team_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_monitoring_visit_visited_on"),
        "monitoring_visit",
        ["visited_on"],
        unique=False,
    )
    op.create_table(
        "sample_unit",
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("inspected", sa.Boolean(), nullable=False),
        sa.Column("nonconforming", sa.Boolean(), nullable=False),
        sa.Column("items_found", sa.Integer(), nullable=False),
        sa.Column("depth_cm", sa.Float(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("geom", demine.store.types.Geometry("POLYGON"), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=120), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "review_state",
            sa.Enum(
                "draft",
                "submitted",
                "approved",
                "rejected",
                name="review_state",
                native_enum=False,
                length=32,
            ),
            server_default="approved",
            nullable=False,
        ),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "review_state = 'draft' OR review_state = 'submitted' OR review_state = 'approved' OR review_state = 'rejected'",
            name=op.f("ck_sample_unit_review_state"),
        ),
        sa.CheckConstraint(
            "items_found >= 0", name=op.f("ck_sample_unit_items_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspection.id"],
            name=op.f("fk_sample_unit_inspection_id_inspection"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"],
            ["organisation.id"],
            name=op.f("fk_sample_unit_reported_by_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sample_unit")),
        sa.UniqueConstraint("external_id", name=op.f("uq_sample_unit_external_id")),
    )
    op.create_index(
        op.f("ix_sample_unit_inspection_id"),
        "sample_unit",
        ["inspection_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_sample_unit_reported_by_id"),
        "sample_unit",
        ["reported_by_id"],
        unique=False,
    )
    op.create_table(
        "non_conformity",
        sa.Column("inspection_id", sa.Integer(), nullable=True),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column(
            "method",
            sa.Enum(
                "manual",
                "mechanical",
                "mdd",
                "drone",
                "mixed",
                name="method",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column(
            "severity",
            sa.Enum(
                "none",
                "minor",
                "major",
                "critical",
                name="severity",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "root_cause",
            sa.Enum(
                "procedure",
                "training",
                "supervision",
                "equipment",
                "detection",
                "site_conditions",
                "documentation",
                "other",
                name="root_cause",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("root_cause_detail", sa.Text(), nullable=True),
        sa.Column("corrective_action", sa.Text(), nullable=True),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "action",
                "closed",
                name="non_conformity_status",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("action_taken_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closure_note", sa.Text(), nullable=True),
        sa.Column("reopened_hazard_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=120), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "review_state",
            sa.Enum(
                "draft",
                "submitted",
                "approved",
                "rejected",
                name="review_state",
                native_enum=False,
                length=32,
            ),
            server_default="approved",
            nullable=False,
        ),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "method = 'manual' OR method = 'mechanical' OR method = 'mdd' OR method = 'drone' OR method = 'mixed'",
            name=op.f("ck_non_conformity_method"),
        ),
        sa.CheckConstraint(
            "review_state = 'draft' OR review_state = 'submitted' OR review_state = 'approved' OR review_state = 'rejected'",
            name=op.f("ck_non_conformity_review_state"),
        ),
        sa.CheckConstraint(
            "root_cause = 'procedure' OR root_cause = 'training' OR root_cause = 'supervision' OR root_cause = 'equipment' OR root_cause = 'detection' OR root_cause = 'site_conditions' OR root_cause = 'documentation' OR root_cause = 'other'",
            name=op.f("ck_non_conformity_root_cause"),
        ),
        sa.CheckConstraint(
            "severity = 'none' OR severity = 'minor' OR severity = 'major' OR severity = 'critical'",
            name=op.f("ck_non_conformity_severity"),
        ),
        sa.CheckConstraint(
            "status = 'open' OR status = 'action' OR status = 'closed'",
            name=op.f("ck_non_conformity_non_conformity_status"),
        ),
        sa.CheckConstraint(
            "closed_on IS NULL OR closed_on >= raised_on",
            name=op.f("ck_non_conformity_closed_after_raised"),
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspection.id"],
            name=op.f("fk_non_conformity_inspection_id_inspection"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_non_conformity_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["reopened_hazard_id"],
            ["hazard.id"],
            name=op.f("fk_non_conformity_reopened_hazard_id_hazard"),
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"],
            ["organisation.id"],
            name=op.f("fk_non_conformity_reported_by_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_non_conformity_team_id_team")
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["monitoring_visit.id"],
            name=op.f("fk_non_conformity_visit_id_monitoring_visit"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_non_conformity")),
        sa.UniqueConstraint("external_id", name=op.f("uq_non_conformity_external_id")),
    )
    op.create_index(
        op.f("ix_non_conformity_inspection_id"),
        "non_conformity",
        ["inspection_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_non_conformity_organisation_id"),
        "non_conformity",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_non_conformity_raised_on"),
        "non_conformity",
        ["raised_on"],
        unique=False,
    )
    op.create_index(
        op.f("ix_non_conformity_reported_by_id"),
        "non_conformity",
        ["reported_by_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_non_conformity_status"), "non_conformity", ["status"], unique=False
    )
    op.create_index(
        op.f("ix_non_conformity_team_id"), "non_conformity", ["team_id"], unique=False
    )

    if _postgis():
        for table, column in GIST_INDEXES:
            op.create_index(
                f"ix_{table}_{column}_gist", table, [column], postgresql_using="gist"
            )


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
