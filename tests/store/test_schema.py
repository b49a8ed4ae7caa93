# SPDX-License-Identifier: GPL-3.0-or-later
"""The schema on the backend under test: migrations, geometry, constraints."""

from __future__ import annotations

import datetime as dt

import pytest
import shapely
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError, StatementError

from demine.domain.vocab import HazardClass, HazardStatus, ReviewState
from demine.store.database import Database, include_object
from demine.store.schema import Base, Hazard, Organisation

SQUARE = shapely.MultiPolygon([shapely.box(46.90, 39.90, 46.91, 39.91)])


def _org(session) -> Organisation:
    org = Organisation(name="ANAMA", org_type="national_authority")
    session.add(org)
    session.flush()
    return org


def test_migrations_match_models(db: Database) -> None:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": include_object}
        )
        diff = compare_metadata(context, Base.metadata)
    # GiST indexes are PostgreSQL-only by design; anything else is drift.
    drift = [d for d in diff if "gist" not in str(d)]
    assert drift == []


def test_upgrade_is_idempotent(db: Database) -> None:
    db.upgrade()
    assert db.is_initialised()


NOT_RECORDS = {
    "geometry_repair",
    "app_user",
    "api_token",
    "audit_event",
    "public_layer",
    # What the public service shows is the administrator's setting.
    "public_service_layer",
    "public_message",
    "user_session",
    "login_attempt",
    "job",
    # Uploads waiting and job results, kept where every server reads them.
    "stored_chunk",
    # Planning assumptions of the forecast, not reported records.
    "forecast_scenario",
    # The published risk is derived from a model run, not reported.
    "risk_cell",
    "hazard_risk",
    # The map's low-zoom overviews, counted from the records (issue 20).
    "map_overview_cell",
    "map_overview_state",
    # What a register knows of the registers it syncs with.
    "sync_peer",
    "sync_record",
    "sync_conflict",
}


def test_every_table_has_record_columns(db: Database) -> None:
    names = set(inspect(db.engine).get_table_names())
    for table in Base.metadata.sorted_tables:
        assert table.name in names
        # Repairs and the access tables (users, tokens, audit) are not records.
        if table.name in NOT_RECORDS:
            continue
        cols = {c["name"] for c in inspect(db.engine).get_columns(table.name)}
        assert {
            "id",
            "external_id",
            "created_at",
            "updated_at",
            "reported_by_id",
        } <= cols


def test_geometry_round_trip(db: Database) -> None:
    with db.session(write=True) as s:
        org = _org(s)
        s.add(
            Hazard(
                hazard_class=HazardClass.SHA,
                status=HazardStatus.OPEN,
                geom=SQUARE,
                benchmark=shapely.Point(46.9, 39.9),
                contamination=["ap_mine", "at_mine"],
                reported_by_id=org.id,
                recorded_on=dt.date(2021, 3, 1),
            )
        )
    with db.session() as s:
        hazard = s.scalars(select(Hazard)).one()
        assert shapely.equals_exact(hazard.geom, SQUARE, tolerance=1e-12)
        assert hazard.benchmark.equals(shapely.Point(46.9, 39.9))
        assert hazard.contamination == ["ap_mine", "at_mine"]
        assert hazard.review_state is ReviewState.APPROVED
        assert hazard.created_at is not None
        assert hazard.version == 1


def test_empty_geometry_is_stored_as_null(db: Database) -> None:
    with db.session(write=True) as s:
        s.add(Hazard(hazard_class="sha", geom=shapely.MultiPolygon()))
    with db.session() as s:
        assert s.scalars(select(Hazard.geom)).one() is None


def test_unknown_vocabulary_value_is_refused(db: Database) -> None:
    with (
        pytest.raises(StatementError, match="hazard_class"),
        db.session(write=True) as s,
    ):
        s.add(Hazard(hazard_class="maybe"))
    with db.session() as s:
        assert s.scalars(select(Hazard)).all() == []


def test_database_checks_refuse_negative_numbers(db: Database) -> None:
    with pytest.raises(IntegrityError), db.session(write=True) as s:
        s.add(Hazard(hazard_class="sha", estimated_devices=-3))


def test_duplicate_external_id_is_refused(db: Database) -> None:
    with pytest.raises(IntegrityError), db.session(write=True) as s:
        s.add_all(
            [
                Hazard(hazard_class="sha", external_id="H-1"),
                Hazard(hazard_class="cha", external_id="H-1"),
            ]
        )


def test_postgis_columns_are_native_and_indexed(db: Database, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("native geometry columns and GiST indexes are PostGIS features")
    with db.engine.connect() as conn:
        # The column types QGIS reads through geometry_columns, asked of the
        # catalogue for this schema only (the view scans every schema).
        rows = conn.execute(
            text(
                "SELECT c.relname, format_type(a.atttypid, a.atttypmod) "
                "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND a.attname = 'geom' "
                "AND c.relkind = 'r'"
            )
        ).all()
        types = dict(rows)
        assert types["hazard"] == "geometry(MultiPolygon,4326)"
        assert types["eo_item"] == "geometry(Point,4326)"
        # Asked by access method, not through pg_indexes: that view renders
        # every schema's index definitions, and another test dropping its
        # schema meanwhile fails the query ("could not open relation").
        gist = (
            conn.execute(
                text(
                    "SELECT c.relname FROM pg_index i "
                    "JOIN pg_class c ON c.oid = i.indexrelid "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "JOIN pg_am am ON am.oid = c.relam "
                    "WHERE n.nspname = current_schema() AND am.amname = 'gist'"
                )
            )
            .scalars()
            .all()
        )
        assert "ix_hazard_geom_gist" in gist
        assert "ix_release_geom_gist" in gist


def test_postgis_reads_what_we_wrote(db: Database, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("needs PostGIS functions")
    with db.session(write=True) as s:
        s.add(Hazard(hazard_class="sha", geom=SQUARE))
    with db.engine.connect() as conn:
        valid, srid, area = conn.execute(
            text("SELECT ST_IsValid(geom), ST_SRID(geom), ST_Area(geom) FROM hazard")
        ).one()
    assert valid is True
    assert srid == 4326
    assert area == pytest.approx(SQUARE.area)
