# SPDX-License-Identifier: GPL-3.0-or-later
"""Field registers that sync with headquarters (on the backend under test).

Headquarters is the register under test (SQLite or PostGIS); laptops are
SQLite registers checked out from it. Edits are made through the same
store functions the API calls; change files travel between registers
through :mod:`demine.exchange.sync`, and through ``demine`` processes
where a process must die in the middle.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from demine.domain.vocab import Role
from demine.errors import DemineError, SourceError
from demine.exchange.sync.changes import export_changes, import_changes
from demine.exchange.sync.checkout import checkout
from demine.exchange.sync.conflicts import (
    list_conflicts,
    parse_choice,
    resolve_conflict,
)
from demine.exchange.sync.selection import Selection
from demine.store.audit import history
from demine.store.database import Database
from demine.store.loading import load_register
from demine.store.review import create_record, update_record
from demine.store.users import Principal, add_user
from tests.conftest import sqlite_register
from tests.exchange.conftest import tiny_frames
from tests.reliability.harness import demine_command, run_cli

ADMIN = Principal(id=1, username="field", role=Role.ADMIN, organisation_id=None)


@pytest.fixture
def hq_url(db_url: str) -> str:
    """Headquarters: the tiny register on the backend under test, with the
    administrator (user 1) every checkout copies."""
    database = Database(db_url)
    try:
        load_register(database, tiny_frames())
        assert add_user(database, "field", "a long pass phrase", Role.ADMIN).id == 1
    finally:
        database.dispose()
    return db_url


def laptop(path: Path) -> Path:
    """An empty SQLite register to check out into (a copy of the migrated
    template: running every migration again would cost seconds)."""
    sqlite_register(path).dispose()
    return path


def rows(db: Database, kind: str = "hazard") -> dict[str, dict[str, Any]]:
    """uid -> (version, content) of every record of ``kind``, read raw."""
    with db.transaction() as conn:
        result = conn.exec_driver_sql(
            f"SELECT uid, version, name, notes, review_state FROM {kind}"
        )
        return {r[0]: tuple(r[1:]) for r in result}


def record_id(db: Database, external_id: str, kind: str = "hazard") -> int:
    with db.transaction() as conn:
        found = conn.exec_driver_sql(
            f"SELECT id FROM {kind} WHERE external_id = '{external_id}'"
        )
        return int(found.scalar_one())


def edit(db: Database, external_id: str, **changes: Any) -> None:
    rid = record_id(db, external_id)
    with db.transaction() as conn:
        version = conn.exec_driver_sql(
            f"SELECT version FROM hazard WHERE id = {rid}"
        ).scalar_one()
    update_record(db, "hazard", rid, changes, int(version), ADMIN)


def test_two_laptops_edit_at_once_and_every_conflict_is_kept_once(
    hq_url: str, tmp_path: Path
) -> None:
    hq = Database(hq_url)
    checkout(hq, laptop(tmp_path / "aghdam.sqlite"), Selection())
    # The second laptop covers the box around HZ-1 only.
    made = checkout(
        hq,
        laptop(tmp_path / "fuzuli.sqlite"),
        Selection(bbox=(46.99, 39.99, 47.02, 40.02)),
    )
    assert made.counts["hazard"] == 1
    one = Database(f"sqlite:///{tmp_path / 'aghdam.sqlite'}")
    two = Database(f"sqlite:///{tmp_path / 'fuzuli.sqlite'}")
    # Concurrent edits: both laptops rename HZ-1; headquarters and the first
    # laptop both change HZ-2's notes; the first laptop adds a hazard.
    edit(one, "HZ-1", name="Renamed in Aghdam")
    edit(two, "HZ-1", name="Renamed in Fuzuli")
    edit(hq, "HZ-2", notes="seen from headquarters")
    edit(one, "HZ-2", notes="seen in the field")
    added = create_record(
        one,
        "hazard",
        {
            "name": "New field hazard",
            "hazard_class": "sha",
            "status": "open",
            "recorded_on": "2024-05-01",
            "geom": {
                "type": "Polygon",
                "coordinates": [
                    [
                        [47.1, 40.1],
                        [47.11, 40.1],
                        [47.11, 40.11],
                        [47.1, 40.11],
                        [47.1, 40.1],
                    ]
                ],
            },
        },
        ADMIN,
    )
    first = export_changes(one, tmp_path / "one.demine")
    second = export_changes(two, tmp_path / "two.demine")
    assert sum(first.records.values()) == 3
    assert sum(second.records.values()) == 1

    applied = import_changes(hq, tmp_path / "one.demine")
    assert (applied.inserted["hazards"], applied.conflicts) == (1, 1)
    applied = import_changes(hq, tmp_path / "two.demine")
    assert applied.conflicts == 1
    kept = {(c["external_id"], c["peer"]) for c in list_conflicts(hq)}
    assert kept == {("HZ-2", "aghdam"), ("HZ-1", "fuzuli")}
    # Nothing is decided silently: headquarters holds the first edit that
    # reached it, and keeps the second as a conflict with base, mine, theirs.
    here = rows(hq)
    hz1 = next(c for c in list_conflicts(hq) if c["external_id"] == "HZ-1")
    name = next(f for f in hz1["fields"] if f["field"] == "name")
    assert (name["mine"], name["theirs"]) == ("Renamed in Aghdam", "Renamed in Fuzuli")
    assert name["base"] == "Field north of Quzanlı"
    assert added["uid"] in here

    # The same file again changes nothing.
    before = (rows(hq), len(list_conflicts(hq)))
    again = import_changes(hq, tmp_path / "one.demine")
    assert (again.inserted, again.conflicts) == ({}, 0)
    assert (rows(hq), len(list_conflicts(hq))) == before

    reviewer = add_user(hq, "reviewer", "a long pass phrase", Role.REVIEWER)
    resolve_conflict(hq, hz1["id"], parse_choice(["theirs"]), reviewer.id)
    hz2 = next(c for c in list_conflicts(hq) if c["external_id"] == "HZ-2")
    resolve_conflict(hq, hz2["id"], parse_choice(["notes=mine"]), reviewer.id)
    assert list_conflicts(hq) == []
    trail = history(hq, "hazard", record_id(hq, "HZ-1"))
    assert trail[-1]["action"] == "sync-resolve"
    assert trail[-1]["user"] == "reviewer"

    # One more round each way and all three registers agree.
    for field, name_ in ((one, "aghdam"), (two, "fuzuli")):
        export_changes(hq, tmp_path / f"to-{name_}.demine", name_)
        import_changes(field, tmp_path / f"to-{name_}.demine")
        export_changes(field, tmp_path / f"from-{name_}.demine")
        import_changes(hq, tmp_path / f"from-{name_}.demine")
    final = rows(hq)
    assert rows(one) == final
    assert rows(two) == {u: v for u, v in final.items() if u in rows(two)}
    assert final[hz1["uid"]][1] == "Renamed in Fuzuli"
    assert final[hz2["uid"]][2] == "seen from headquarters"
    assert list_conflicts(one) == list_conflicts(two) == []
    # Nothing left to send either way.
    assert export_changes(hq, tmp_path / "rest.demine", "aghdam").records == {}
    assert export_changes(one, tmp_path / "rest2.demine").records == {}
    for database in (hq, one, two):
        database.dispose()


def test_a_change_file_applies_only_where_it_was_meant_to(
    hq_url: str, tmp_path: Path
) -> None:
    hq = Database(hq_url)
    checkout(hq, laptop(tmp_path / "a.sqlite"), Selection())
    checkout(hq, laptop(tmp_path / "b.sqlite"), Selection())
    a = Database(f"sqlite:///{tmp_path / 'a.sqlite'}")
    b = Database(f"sqlite:///{tmp_path / 'b.sqlite'}")
    export_changes(a, tmp_path / "a.demine")
    with pytest.raises(SourceError, match="another register"):
        import_changes(b, tmp_path / "a.demine")
    (tmp_path / "junk.demine").write_bytes(b"not a geopackage")
    with pytest.raises(SourceError, match="not a change file"):
        import_changes(hq, tmp_path / "junk.demine")
    with pytest.raises(DemineError, match="--peer"):
        export_changes(hq, tmp_path / "which.demine")
    with pytest.raises(DemineError, match="FIELD=theirs"):
        parse_choice(["everything"])
    for database in (hq, a, b):
        database.dispose()


def test_kill_9_during_sync_import_leaves_headquarters_consistent(
    hq_url: str, tmp_path: Path
) -> None:
    path = laptop(tmp_path / "field.sqlite")
    hq = Database(hq_url)
    checkout(hq, path, Selection())
    field = Database(f"sqlite:///{path}")
    names = ("HZ-1", "HZ-2")
    with field.transaction() as conn:
        edited = {
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT uid FROM hazard WHERE external_id IN ('HZ-1', 'HZ-2')"
            )
        }
    rng = random.Random(13)
    for trial in range(2):
        for external_id in names:
            edit(field, external_id, notes=f"trial {trial}")
        changes = tmp_path / f"trial-{trial}.demine"
        export_changes(field, changes)
        before = rows(hq)
        process = subprocess.Popen(
            demine_command("sync", "--import", str(changes), "--db", hq_url),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # A seeded moment somewhere between start-up and the end of the import.
        deadline = time.monotonic() + rng.uniform(0.5, 4.0)
        while process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait()
        after = rows(hq)
        notes = {after[u][2] for u in edited}
        # All of the file or none of it.
        assert after == before or notes == {f"trial {trial}"}
        done = run_cli(
            hq_url, "sync", "--import", str(changes), env={"DEMINE_LANGUAGE": "az"}
        )
        assert "field reyestrindən:" in done.stdout
        finished = rows(hq)
        assert {finished[u][2] for u in edited} == {f"trial {trial}"}
        assert {u: v[0] for u, v in finished.items()} == {
            u: v[0] for u, v in rows(field).items()
        }
    field.dispose()
    hq.dispose()


def test_sync_over_https_with_a_reviewers_token(hq_url: str, tmp_path: Path) -> None:
    from demine.server import create_app
    from demine.serving.live import live_server
    from demine.settings import Settings
    from demine.store.users import create_token

    hq = Database(hq_url)
    path = laptop(tmp_path / "field.sqlite")
    checkout(hq, path, Selection())
    field = Database(f"sqlite:///{path}")
    edit(field, "HZ-1", notes="sent over the wire")
    edit(hq, "HZ-2", notes="answered from headquarters")
    reviewer = add_user(hq, "reviewer", "a long pass phrase", Role.REVIEWER)
    viewer = add_user(hq, "viewer", "a long pass phrase", Role.VIEWER)
    app = create_app(Settings(database_url=hq_url, secret_key="k"), hq)
    with live_server(app) as url:
        refused = run_cli(
            f"sqlite:///{path}",
            "sync",
            "--remote",
            url,
            check=False,
            env={
                "DEMINE_TOKEN": create_token(hq, viewer.id),
                "DEMINE_LANGUAGE": "ru",
            },
        )
        assert refused.returncode == 1
        assert "отклонил изменения (403)" in refused.stderr
        done = run_cli(
            f"sqlite:///{path}",
            "sync",
            "--remote",
            url,
            "--json",
            env={"DEMINE_TOKEN": create_token(hq, reviewer.id)},
        )
    answer = json.loads(done.stdout)
    assert answer["applied_there"]["updated"] == {"hazards": 1}
    assert answer["applied"]["updated"] == {"hazards": 1}
    assert rows(field) == rows(hq)
    assert {v[2] for v in rows(hq).values()} >= {
        "sent over the wire",
        "answered from headquarters",
    }
    field.dispose()
    hq.dispose()
