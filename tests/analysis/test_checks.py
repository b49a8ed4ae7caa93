# SPDX-License-Identifier: GPL-3.0-or-later
"""Register-wide checks: geometry rules, ledger and status agree with the data."""

from __future__ import annotations

import datetime as dt

import shapely
from sqlalchemy import update

from demine.analysis.checks import CheckOptions, status_findings, validate_register
from demine.geo.extent import Extent
from demine.store.database import Database
from demine.store.editing import add_records
from demine.store.schema import Hazard

TODAY = dt.date(2025, 6, 1)
BOX = shapely.box(46.90, 39.90, 46.91, 39.91)


def add_hazard(db: Database, geom: shapely.Geometry, **over: object) -> int:
    row = {"hazard_class": "sha", "status": "open", "geom": geom.wkt, **over}
    return add_records(db, "hazard", [row], today=TODAY)[0]


def test_status_that_contradicts_the_ledger_is_reported(db: Database) -> None:
    hid = add_hazard(db, BOX)
    add_records(
        db,
        "release",
        [
            {
                "hazard_id": hid,
                "kind": "cancelled",
                "released_on": "2022-01-01",
                "geom": shapely.box(46.90, 39.90, 46.905, 39.91).wkt,
            }
        ],
        today=TODAY,
    )
    with db.transaction(write=True) as conn:
        assert status_findings(conn) == []
        conn.execute(update(Hazard).values(status="closed"))
        [finding] = status_findings(conn)
    assert finding.rule == "status_mismatch"
    assert finding.id == hid
    assert "closed" in finding.message


def test_swapped_and_overlapping_hazards_are_found(db: Database) -> None:
    a = add_hazard(db, BOX)
    b = add_hazard(db, shapely.affinity.translate(BOX, 0.005, 0))
    swapped = shapely.transform(BOX, lambda c: c[:, ::-1])
    c = add_hazard(db, swapped)
    with db.transaction(write=True) as conn:
        findings = validate_register(conn, CheckOptions(extent=Extent.named("AZE")))
    rules = {(f.rule, f.id) for f in findings}
    assert ("overlap", a) in rules or ("overlap", b) in rules
    assert ("swapped_coordinates", c) in rules
    overlap = next(f for f in findings if f.rule == "overlap")
    assert {overlap.id, overlap.related_id} == {a, b}
    assert 400_000 < overlap.area_m2 < 500_000
