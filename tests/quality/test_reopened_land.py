# SPDX-License-Identifier: GPL-3.0-or-later
"""Land reopened after a failed inspection: overlapping by design, not an error."""

from __future__ import annotations

from demine.analysis.checks import CheckOptions, validate_register
from demine.domain.findings import Rule
from demine.quality import inspections, nonconformities
from demine.quality.inspections import SamplingOptions, UnitResult
from demine.store.database import Database
from demine.store.editing import add_records
from tests.quality.conftest import SITE, TODAY, Register


def overlaps(db: Database) -> set[frozenset[int]]:
    with db.transaction() as conn:
        found = validate_register(conn, CheckOptions())
    return {
        frozenset((int(f.id), int(f.related_id)))
        for f in found
        if f.rule in (Rule.OVERLAP, Rule.DUPLICATE_GEOMETRY)
    }


def test_the_reopened_hazard_is_no_overlap_finding_but_others_are(
    db: Database, register: Register
) -> None:
    made = inspections.draw_sample(
        db,
        activity_id=register.activities["Aghdam CHA 0001"],
        options=SamplingOptions(),
        seed=3,
        planned_on=TODAY,
    )
    bad = [UnitResult(n, items_found=1) for n in (1, 2, 3, 4)]
    done = inspections.record_result(
        db, made["id"], inspected_on=TODAY, units=bad, today=TODAY
    )
    new = nonconformities.reopen_land(db, done["non_conformity"]["id"], today=TODAY)
    old = register.hazards["Aghdam CHA 0001"]
    assert frozenset((old, new["hazard"]["id"])) not in overlaps(db)
    [stray] = add_records(
        db,
        "hazard",
        [{"hazard_class": "sha", "status": "open", "geom": SITE.buffer(-0.0005)}],
        today=TODAY,
    )
    found = overlaps(db)
    assert frozenset((old, new["hazard"]["id"])) not in found
    assert any(stray in pair for pair in found)
