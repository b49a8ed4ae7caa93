# SPDX-License-Identifier: GPL-3.0-or-later
"""The store's small reads: fingerprints that change on every write, and the
lookups the import rules, forms and CLI make."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import text

from demine.store.bulk import insert_frame
from demine.store.database import Database
from demine.store.editing import add_records
from demine.store.fingerprint import tables_fingerprint
from demine.store.lookups import (
    column_values,
    last_release_on,
    organisation_names,
    register_is_empty,
    technically_surveyed,
)
from tests.api.conftest import square

TODAY = dt.date(2026, 11, 1)


def fingerprint(db: Database) -> tuple[object, ...]:
    with db.transaction() as conn:
        return tables_fingerprint(conn, ["hazard", "no_such_table"])


def test_the_fingerprint_changes_on_insert_edit_and_delete(db: Database) -> None:
    empty = fingerprint(db)
    assert empty[:3] == ("hazard", 0, "None")
    [hid] = add_records(
        db,
        "hazard",
        [{"hazard_class": "sha", "status": "open", "geom": square(46.7, 39.8)}],
        today=TODAY,
    )
    added = fingerprint(db)
    assert added != empty
    with db.transaction() as conn:
        conn.execute(
            text("UPDATE hazard SET name = 'x', updated_at = :t WHERE id = :id"),
            {"t": dt.datetime(2030, 1, 1), "id": hid},
        )
    edited = fingerprint(db)
    assert edited not in (empty, added)
    with db.transaction() as conn:
        conn.execute(text("DELETE FROM hazard"))
    assert fingerprint(db) not in (added, edited)


def test_lookups_read_what_was_written(db: Database) -> None:
    with db.transaction() as conn:
        assert register_is_empty(conn)
    with db.transaction() as conn:
        insert_frame(
            conn, "organisation", pd.DataFrame({"name": ["Zeta"], "org_type": "ngo"})
        )
        [org] = [int(r[0]) for r in conn.execute(text("SELECT id FROM organisation"))]
    surveyed, other = add_records(
        db,
        "hazard",
        [
            {"name": "A", "hazard_class": "cha", "status": "open",
             "geom": square(46.7, 39.8)},
            {"name": "B", "hazard_class": "sha", "status": "open",
             "geom": square(46.8, 39.9)},
        ],
        today=TODAY,
    )  # fmt: skip
    add_records(
        db,
        "activity",
        [{"activity_type": "ts", "status": "completed", "hazard_id": surveyed,
          "organisation_id": org, "start_date": "2025-01-01"}],
        today=TODAY,
    )  # fmt: skip
    add_records(
        db,
        "release",
        [{"hazard_id": surveyed, "kind": "reduced", "released_on": "2025-02-01",
          "geom": square(46.7, 39.8, 0.002)}],
        today=TODAY,
    )  # fmt: skip
    with db.transaction() as conn:
        assert not register_is_empty(conn)
        assert technically_surveyed(conn, [surveyed, other]) == {surveyed}
        last = last_release_on(conn, [surveyed, other])
        assert set(last) == {surveyed}
        assert str(last[surveyed])[:10] == "2025-02-01"
        assert organisation_names(conn) == [(org, "Zeta")]
        assert sorted(column_values(conn, "hazard", "name")) == [
            ("A", surveyed),
            ("B", other),
        ]
