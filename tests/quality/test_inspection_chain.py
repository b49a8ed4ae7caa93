# SPDX-License-Identifier: GPL-3.0-or-later
"""Sampling -> inspection -> non-conformity -> corrective action -> land
reopened -> re-cleared -> closed, through the core, on the backend under test."""

from __future__ import annotations

import pytest
import shapely
from sqlalchemy import select

from demine.domain.vocab import Stringency
from demine.errors import ConflictError, RecordError
from demine.geo.area import geodesic_area
from demine.quality import inspections, nonconformities
from demine.quality.inspections import SamplingOptions, UnitResult
from demine.store.audit import history
from demine.store.database import Database
from demine.store.editing import add_records
from demine.store.schema import AuditEvent, Hazard
from tests.quality.conftest import SITE, TODAY, Register, cleared_hazard

OPTIONS = SamplingOptions(aql=1.0, level="ii", unit_m2=100.0)


def test_sample_is_drawn_inside_the_lot_by_the_plan(
    db: Database, register: Register
) -> None:
    made = inspections.draw_sample(
        db,
        activity_id=register.activities["Aghdam CHA 0001"],
        options=OPTIONS,
        seed=42,
        planned_on=TODAY,
    )
    lot_m2 = float(geodesic_area([SITE])[0])
    assert made["lot_m2"] == pytest.approx(lot_m2, rel=1e-6)
    # 1,400-odd units of 100 m²: code letter K, 125 units, Ac 3 / Re 4.
    assert made["lot_units"] == int(lot_m2 // 100)
    assert (made["code_letter"], made["sample_size"]) == ("K", 125)
    assert (made["accept_number"], made["reject_number"]) == (3, 4)
    assert made["stringency"] == "normal"
    got = inspections.get_inspection(db, made["id"])
    assert len(got["units"]) == 125
    units = [shapely.geometry.shape(u["geom"]) for u in got["units"]]
    assert all(SITE.buffer(1e-9).contains(u) for u in units)
    assert got["release_ids"] == [register.releases["Aghdam CHA 0001"]]
    # The same seed draws the same units again.
    again = inspections.draw_sample(
        db, release_ids=got["release_ids"], options=OPTIONS, seed=42, planned_on=TODAY
    )
    units_again = inspections.get_inspection(db, again["id"])["units"]
    assert [u["geom"] for u in units_again] == [u["geom"] for u in got["units"]]


def test_a_clean_lot_is_accepted_and_a_verdict_is_final(
    db: Database, register: Register
) -> None:
    made = inspections.draw_sample(
        db,
        hazard_id=register.hazards["Aghdam CHA 0001"],
        options=OPTIONS,
        seed=1,
        planned_on=TODAY,
    )
    results = [UnitResult(n, items_found=0) for n in range(1, 126)]
    results[4] = UnitResult(5, nonconforming=True)  # depth not reached
    done = inspections.record_result(
        db, made["id"], inspected_on=TODAY, units=results, today=TODAY
    )
    assert done["inspection"]["result"] == "accepted"
    assert done["inspection"]["nonconforming_units"] == 1
    assert done["inspection"]["inspected_m2"] == pytest.approx(12_500.0)
    assert done["non_conformity"] is None
    with pytest.raises(ConflictError, match="not recorded twice"):
        inspections.record_result(
            db, made["id"], inspected_on=TODAY, nonconforming_units=0, today=TODAY
        )


def test_accepting_needs_the_whole_sample_rejecting_does_not(
    db: Database, register: Register
) -> None:
    made = inspections.draw_sample(
        db,
        hazard_id=register.hazards["Aghdam CHA 0001"],
        options=OPTIONS,
        seed=2,
        planned_on=TODAY,
    )
    with pytest.raises(RecordError, match="needs 125 units inspected"):
        inspections.record_result(
            db, made["id"], inspected_on=TODAY, units=[UnitResult(1)], today=TODAY
        )
    four = [UnitResult(n, items_found=1) for n in (3, 7, 9, 11)]
    done = inspections.record_result(
        db, made["id"], inspected_on=TODAY, units=four, today=TODAY
    )
    assert done["inspection"]["result"] == "rejected"
    assert done["non_conformity"]["severity"] == "critical"


def test_bad_unit_rows_are_all_reported(db: Database, register: Register) -> None:
    with pytest.raises(RecordError) as caught:
        inspections.unit_results(
            [
                {"unit": "x", "nonconforming": "no"},
                {"unit": 2, "nonconforming": "maybe"},
                {"unit": 3, "items_found": -1},
            ]
        )
    text = str(caught.value)
    assert "row 1" in text
    assert "row 2" in text
    assert "row 3" in text


def test_the_whole_chain_closes_only_after_the_land_is_cleared_again(
    db: Database, register: Register
) -> None:
    made = inspections.draw_sample(
        db,
        activity_id=register.activities["Aghdam CHA 0001"],
        options=OPTIONS,
        seed=7,
        planned_on=TODAY,
    )
    found = [
        UnitResult(n, items_found=1 if n in (10, 20, 30, 40) else 0)
        for n in range(1, 126)
    ]
    verdict = inspections.record_result(
        db, made["id"], inspected_on=TODAY, units=found, today=TODAY
    )
    assert verdict["inspection"]["result"] == "rejected"
    nc = verdict["non_conformity"]
    assert nc["status"] == "open"
    assert nc["organisation_id"] == register.orgs["Alpha"]
    assert "4 nonconforming of 125" in nc["description"]
    # Closing before anything is done is refused.
    with pytest.raises(ConflictError, match="record the corrective action"):
        nonconformities.close(db, nc["id"], closed_on=TODAY, today=TODAY)
    with pytest.raises(RecordError, match="root cause"):
        nonconformities.record_action(db, nc["id"], taken_on=TODAY, today=TODAY)
    nc = nonconformities.update_non_conformity(
        db,
        nc["id"],
        {
            "root_cause": "detection",
            "root_cause_detail": "Detector not ground-balanced on magnetic soil",
            "corrective_action": "Retrain the team; re-clear the lot",
            "owner": "Alpha operations manager",
            "due_on": "2026-11-30",
        },
        version=nc["version"],
    )
    # Land reopened: a new hazard over the lot, through the record rules.
    reopened = nonconformities.reopen_land(db, nc["id"], today=TODAY)
    hazard = reopened["hazard"]
    assert hazard["status"] == "open"
    assert hazard["hazard_class"] == "cha"
    assert hazard["area_m2"] == pytest.approx(made["lot_m2"], rel=1e-6)
    with db.session() as session:
        old = session.get(Hazard, register.hazards["Aghdam CHA 0001"])
        assert old.status.value == "closed"  # closure is final
    nc = reopened["non_conformity"]
    assert nc["reopened_hazard_id"] == hazard["id"]
    nc = nonconformities.record_action(
        db, nc["id"], taken_on=TODAY, version=nc["version"], today=TODAY
    )
    with pytest.raises(RecordError, match="re-clear it first"):
        nonconformities.close(db, nc["id"], closed_on=TODAY, today=TODAY)
    # Re-cleared: a clearance activity and release on the reopened hazard.
    geom = shapely.geometry.shape(hazard["geom"])
    [aid] = add_records(
        db,
        "activity",
        [
            {
                "activity_type": "clearance",
                "status": "completed",
                "method": "manual",
                "organisation_id": register.orgs["Alpha"],
                "hazard_id": hazard["id"],
                "start_date": "2026-10-01",
                "end_date": "2026-10-20",
            }
        ],
        today=TODAY,
    )
    add_records(
        db,
        "release",
        [
            {
                "hazard_id": hazard["id"],
                "activity_id": aid,
                "kind": "cleared",
                "released_on": "2026-10-20",
                "depth_cm": 20,
                "geom": geom,
            }
        ],
        today=TODAY,
    )
    closed = nonconformities.close(
        db,
        nc["id"],
        closed_on=TODAY,
        note="verified",
        version=nc["version"],
        today=TODAY,
    )
    assert closed["status"] == "closed"
    assert closed["closed_on"] == TODAY.isoformat()
    # Every step is in the audit trail, in order.
    actions = [e["action"] for e in history(db, "non_conformity", nc["id"])]
    assert actions == ["create", "update", "reopen_land", "action", "close"]
    with db.session() as session:
        created = session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity == "hazard", AuditEvent.record_id == hazard["id"]
            )
        ).all()
    assert [e.action for e in created] == ["create"]


def test_two_rejected_lots_tighten_the_next_plan(
    db: Database, register: Register
) -> None:
    for k in range(2):
        name = f"Aghdam CHA 00{k + 2}"
        cleared_hazard(
            db, register, name, shapely.affinity.translate(SITE, 0.01 * (k + 1))
        )
        made = inspections.draw_sample(
            db,
            activity_id=register.activities[name],
            options=OPTIONS,
            seed=k,
            planned_on=TODAY,
        )
        assert made["stringency"] == "normal"
        bad = [UnitResult(n, items_found=1) for n in range(1, 5)]
        inspections.record_result(
            db, made["id"], inspected_on=TODAY, units=bad, today=TODAY
        )
    state = inspections.team_record(
        db, register.orgs["Alpha"], register.teams["manual"]
    )
    assert state["stringency"] == "tightened"
    assert state["switches"][0]["rule"] == "two_of_five_rejected"
    tight = inspections.draw_sample(
        db,
        activity_id=register.activities["Aghdam CHA 0001"],
        options=OPTIONS,
        seed=9,
        planned_on=TODAY,
    )
    # K under tightened inspection at AQL 1.0: 125 units, Ac 2 / Re 3.
    assert tight["stringency"] == Stringency.TIGHTENED.value
    assert (tight["sample_size"], tight["accept_number"]) == (125, 2)


def test_a_lot_mixing_organisations_is_refused(
    db: Database, register: Register
) -> None:
    with pytest.raises(RecordError, match="name the lot"):
        inspections.draw_sample(db, options=OPTIONS, seed=1)
    with pytest.raises(RecordError, match="no approved cleared or reduced ground"):
        inspections.draw_sample(db, activity_id=999, options=OPTIONS, seed=1)
