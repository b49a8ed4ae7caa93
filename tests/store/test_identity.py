# SPDX-License-Identifier: GPL-3.0-or-later
"""Every record gets its uid when it is made, whatever the entry path (issue 11).

The uid is a version-4 UUID, unique in its table, never changed: made by a
form, the API, ``demine add``, an import, a field form or the demo (drawn
from the seed there, so the demo stays reproducible). An import keeps the
uid a file carries, and a bad one is refused with file, row and field.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from demine.demo import generate
from demine.errors import ImportRejectedError
from demine.exchange.importer import import_files
from demine.exchange.submissions import import_submissions
from demine.store.bulk import read_frame
from demine.store.database import Database
from demine.store.editing import add_records
from demine.store.schema import LOAD_ORDER
from tests.api.conftest import app, as_role, cheap_hashing, seed
from tests.exchange.conftest import tiny
from tests.exchange.test_submissions import central_accident_zip

# Fixtures of the API and exchange tests, used here too.
__all__ = ["app", "as_role", "cheap_hashing", "seed", "tiny"]

SQUARE = "POLYGON ((47.2 40.2, 47.21 40.2, 47.21 40.21, 47.2 40.2))"


def uids(db: Database, table: str) -> list[str]:
    with db.transaction() as conn:
        return read_frame(conn, table, ["uid"])["uid"].tolist()


def assert_identities(values: list[str]) -> None:
    assert values
    assert len(set(values)) == len(values)
    assert all(uuid.UUID(v).version == 4 and str(uuid.UUID(v)) == v for v in values)


def test_the_demo_draws_its_uids_from_the_seed() -> None:
    first, again, other = (
        generate("small", 1),
        generate("small", 1),
        generate("small", 2),
    )
    for table in LOAD_ORDER:
        assert_identities(first[table]["uid"].tolist())
        assert first[table]["uid"].tolist() == again[table]["uid"].tolist()
    assert first["hazard"]["uid"].tolist() != other["hazard"]["uid"].tolist()


def test_add_and_the_api_give_a_uid(
    db: Database, as_role: dict[str, TestClient]
) -> None:
    today = dt.date(2026, 11, 1)
    add_records(
        db,
        "hazard",
        [{"name": "Added", "hazard_class": "sha", "status": "open", "geom": SQUARE}],
        today=today,
    )
    made = as_role["reviewer"].post(
        "/api/v1/records/accident",
        json={
            "fields": {
                "accident_type": "non_demining",
                "occurred_on": "2025-01-01",
                "geom": {"type": "Point", "coordinates": [47.0, 40.0]},
            }
        },
    )
    assert made.status_code == 201, made.text
    assert_identities(uids(db, "hazard"))
    assert made.json()["uid"] in uids(db, "accident")
    # A client never sets nor changes a uid.
    refused = as_role["reviewer"].patch(
        f"/api/v1/records/accident/{made.json()['id']}",
        json={"version": 1, "changes": {"uid": str(uuid.uuid4())}},
    )
    assert refused.status_code == 422


def test_imports_give_uids_and_keep_the_ones_files_carry(
    db: Database, tmp_path: Path
) -> None:
    given = str(uuid.uuid4())
    path = tmp_path / "hazards.csv"
    path.write_text(
        "uid,external_id,name,hazard_class,status,geom\n"
        f',HZ-1,One,sha,open,"{SQUARE}"\n'
        f'{given.upper()},HZ-2,Two,sha,open,"{SQUARE}"\n',
        encoding="utf-8",
    )
    import_files(db, "hazard", [path])
    stored = uids(db, "hazard")
    assert_identities(stored)
    assert given in stored
    bad = tmp_path / "bad.csv"
    bad.write_text(
        f'uid,external_id,name,hazard_class,status,geom\nx-1,HZ-3,Three,sha,open,"{SQUARE}"\n',
        encoding="utf-8",
    )
    with pytest.raises(ImportRejectedError) as info:
        import_files(db, "hazard", [bad])
    [problem] = info.value.problems
    assert (problem.row, problem.field) == (2, "uid")


def test_field_form_records_get_uids(tiny: Database, tmp_path: Path) -> None:
    import_submissions(tiny, [central_accident_zip(tmp_path / "accidents.zip")])
    assert_identities(uids(tiny, "accident"))
    assert_identities(uids(tiny, "victim"))
