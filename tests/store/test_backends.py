# SPDX-License-Identifier: GPL-3.0-or-later
"""The backend seam: each operation does the same thing on SQLite and PostGIS."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import text

from demine.errors import StoreError
from demine.store.backends import BACKENDS, backend_of
from demine.store.bulk import (
    check_foreign_keys,
    foreign_keys_deferred,
    insert_frame,
    secondary_indexes,
)
from demine.store.database import Database
from demine.store.upsert import reserve_ids, update_frame


def test_every_way_to_name_the_register_finds_its_backend(
    db: Database, backend: str
) -> None:
    with db.transaction() as conn:
        assert backend_of(conn) is BACKENDS[backend]
    with db.session() as session:
        assert backend_of(session) is BACKENDS[backend]
    assert backend_of(db) is backend_of(db.engine) is backend_of(backend)
    assert backend_of(db).spatial_sql is (backend == "postgresql")
    with pytest.raises(ValueError, match="no demine backend"):
        backend_of("oracle")


def organisations(n: int) -> pd.DataFrame:
    return pd.DataFrame({"name": [f"Org {i}" for i in range(n)], "org_type": "ngo"})


def test_reserved_ids_are_unused_and_inserts_with_ids_move_past_them(
    db: Database,
) -> None:
    with db.transaction() as conn:
        insert_frame(conn, "organisation", organisations(3))
        ids = reserve_ids(conn, "organisation", 4)
        assert list(ids) == list(range(ids[0], ids[0] + 4))
        assert ids[0] > 3
        insert_frame(conn, "organisation", organisations(4).assign(id=ids))
        insert_frame(conn, "organisation", organisations(1))
        stored = [r[0] for r in conn.execute(text("SELECT id FROM organisation"))]
    assert len(stored) == len(set(stored)) == 8
    assert max(stored) > ids[-1]


def test_updates_touch_the_version_only_when_asked(db: Database) -> None:
    with db.transaction() as conn:
        insert_frame(conn, "organisation", organisations(2))
        update_frame(
            conn, "organisation", pd.DataFrame({"id": [1], "name": ["Renamed"]})
        )
        update_frame(
            conn,
            "organisation",
            pd.DataFrame({"id": [2], "acronym": ["X"]}),
            touch=False,
        )
        rows = conn.execute(
            text("SELECT id, name, acronym, version FROM organisation ORDER BY id")
        ).all()
    assert [tuple(r) for r in rows] == [
        (1, "Renamed", None, 2),
        (2, "Org 1", "X", 1),
    ]


def test_secondary_indexes_are_named_with_their_statements(db: Database) -> None:
    with db.transaction() as conn:
        found = dict(secondary_indexes(conn, "hazard"))
    assert found
    assert all(
        "CREATE" in sql.upper() and "INDEX" in sql.upper() for sql in found.values()
    )


def test_a_deferred_load_is_checked_once_before_commit(
    db: Database, backend: str
) -> None:
    team = pd.DataFrame(
        {
            "name": ["T"],
            "organisation_id": [999],
            "method": ["manual"],
            "size": [8],
            "productivity_m2_day": [100.0],
            "cost_per_day_usd": [500.0],
        }
    )
    with db.engine.connect() as conn, foreign_keys_deferred(conn), conn.begin():
        deferred = (
            backend == "sqlite"
            or conn.exec_driver_sql("SHOW session_replication_role").scalar_one()
            == "replica"
        )
        if not deferred:
            pytest.skip("no privilege to defer foreign keys on this server")
        insert_frame(conn, "team", team)
        with pytest.raises(StoreError, match="1 rows reference"):
            check_foreign_keys(conn, ["team"])
