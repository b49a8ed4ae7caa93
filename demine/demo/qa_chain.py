# SPDX-License-Identifier: GPL-3.0-or-later
"""Two lots of the demo that fail inspection, played through the core.

After the demo register is loaded, :func:`play` runs what a quality manager
and an operator would do, with the same use cases the CLI, the API and the
web call (so every step passes the register's rules and is audited):

1. a manual (or multi-asset) clearance lot finished in summer 2025 is
   sampled (ISO 2859-1, 100 m² units), inspected in September and
   **rejected**: AP mines in the sample; the non-conformity gets its root
   cause (detector not balanced on magnetic soil) and corrective action; its
   ground is **reopened** as a new hazard (the find recorded on it),
   **re-cleared** by the same team, re-inspected and accepted, and the
   non-conformity **closed**;
2. a second lot, rejected in November 2025, is left where a programme
   stands at the end of the demo: land reopened, corrective action under
   way, re-clearance planned for December.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape

from demine.demo.timeline import END
from demine.quality import inspections, nonconformities
from demine.quality.inspections import SamplingOptions, UnitResult
from demine.store import quality as store
from demine.store.database import Database
from demine.store.editing import add_records

OPTIONS = SamplingOptions(aql=1.0, level="ii", unit_m2=100.0)
D = dt.date


@dataclass(frozen=True)
class Played:
    """What :func:`play` did: ids to find it again."""

    closed_nc: int
    closed_inspection: int
    reinspection: int
    reopened_hazard: int
    open_nc: int
    open_hazard: int


def _lots(db: Database, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """Manual or multi-asset clearance lots of 0.5 to 30 ha, largest first."""
    with db.session() as session:
        return store.clearance_lots(session, first, last, 5_000, 300_000)


def _reject(
    db: Database, activity_id: int, seed: int, planned: dt.date, inspected: dt.date
) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    """Sample a lot and reject it with mines found in exactly Re units."""
    made = inspections.draw_sample(
        db, activity_id=activity_id, options=OPTIONS, seed=seed, planned_on=planned
    )
    rng = np.random.default_rng(seed)
    bad = set(rng.choice(made["units_drawn"], made["reject_number"], replace=False))
    results = [
        UnitResult(n, items_found=1 if n - 1 in bad else 0, depth_cm=20.0)
        for n in range(1, made["units_drawn"] + 1)
    ]
    done = inspections.record_result(
        db,
        made["id"],
        inspected_on=inspected,
        units=results,
        depth_cm=20.0,
        inspection_method="manual",
        cost_usd=round(made["units_drawn"] * 100 * 0.85, -1),
        today=END,
    )
    got = inspections.get_inspection(db, made["id"])
    found = [u for u in got["units"] if u["items_found"]]
    return done["inspection"], done["non_conformity"], found


def _record_finds(
    db: Database, hazard_id: int, units: list[dict[str, Any]], day: dt.date
) -> None:
    rows = [
        {
            "hazard_id": hazard_id,
            "category": "ap_mine",
            "quantity": 1,
            "found_on": day,
            "depth_cm": 12.0,
            "condition": "armed",
            "disposal": "in_situ",
            "geom": shapely.centroid(shape(u["geom"])),
        }
        for u in units
    ]
    add_records(db, "eo_item", rows, today=END)


def _reclear(
    db: Database,
    hazard: dict[str, Any],
    lot: dict[str, Any],
    start: dt.date,
    end: dt.date,
    *,
    planned: bool = False,
) -> int:
    [aid] = add_records(
        db,
        "activity",
        [
            {
                "name": f"Re-clearance – {hazard['name']}",
                "activity_type": "clearance",
                "status": "planned" if planned else "completed",
                "method": getattr(lot["method"], "value", lot["method"]),
                "organisation_id": lot["organisation_id"],
                "team_id": lot["team_id"],
                "hazard_id": hazard["id"],
                "start_date": start,
                "end_date": end,
                "cost_usd": None if planned else round(hazard["area_m2"] * 1.9, -2),
            }
        ],
        today=END,
    )
    if not planned:
        add_records(
            db,
            "release",
            [
                {
                    "hazard_id": hazard["id"],
                    "activity_id": aid,
                    "kind": "cleared",
                    "released_on": end,
                    "depth_cm": 20.0,
                    "geom": shape(hazard["geom"]),
                }
            ],
            today=END,
        )
    return aid


def play(db: Database, seed: int = 1) -> Played:
    """Play both failing lots on a loaded demo register; return their ids."""
    summer = _lots(db, D(2025, 6, 1), D(2025, 8, 15))
    autumn = [
        lot
        for lot in _lots(db, D(2025, 9, 15), D(2025, 10, 31))
        if lot["organisation_id"] != (summer[0]["organisation_id"] if summer else None)
    ] or _lots(db, D(2025, 9, 15), D(2025, 10, 31))
    if not summer or not autumn:
        raise ValueError("the demo register has no manual clearance lot to inspect")
    lot = summer[0]
    insp, nc, found = _reject(
        db, lot["id"], seed * 1000 + 7, D(2025, 9, 8), D(2025, 9, 15)
    )
    nc = nonconformities.update_non_conformity(
        db,
        nc["id"],
        {
            "root_cause": "detection",
            "root_cause_detail": "Detectors not ground-balanced on the magnetic "
            "basalt soil of the lot; two deminers new to the site",
            "corrective_action": "Detectors re-balanced and tested at the start of "
            "every day; deminers assessed on the site's devices; the lot re-cleared",
            "owner": f"Operations manager, {lot['acronym']}",
            "due_on": D(2025, 10, 31),
        },
        version=nc["version"],
    )
    reopened = nonconformities.reopen_land(db, nc["id"], today=D(2025, 9, 16))
    hazard = reopened["hazard"]
    _record_finds(db, hazard["id"], found, D(2025, 9, 15))
    again = _reclear(db, hazard, lot, D(2025, 9, 22), D(2025, 10, 24))
    nc = nonconformities.record_action(
        db,
        nc["id"],
        taken_on=D(2025, 10, 24),
        note="Lot re-cleared to 20 cm",
        version=reopened["non_conformity"]["version"],
        today=END,
    )
    check = inspections.draw_sample(
        db,
        activity_id=again,
        options=OPTIONS,
        seed=seed * 1000 + 11,
        planned_on=D(2025, 10, 28),
    )
    inspections.record_result(
        db,
        check["id"],
        inspected_on=D(2025, 11, 3),
        nonconforming_units=0,
        depth_cm=20.0,
        inspection_method="manual",
        today=END,
    )
    closed = nonconformities.close(
        db,
        nc["id"],
        closed_on=D(2025, 11, 5),
        note=f"Re-cleared and re-inspected: inspection {check['id']} accepted",
        version=nc["version"],
        today=END,
    )
    # The second lot: rejected in November, work still under way.
    late = autumn[0]
    _insp2, nc2, found2 = _reject(
        db, late["id"], seed * 1000 + 13, D(2025, 11, 6), D(2025, 11, 12)
    )
    nc2 = nonconformities.update_non_conformity(
        db,
        nc2["id"],
        {
            "root_cause": "supervision",
            "root_cause_detail": "Section leader supervising two lanes at once",
            "corrective_action": "Second section leader appointed; the lot re-cleared",
            "owner": f"Operations manager, {late['acronym']}",
            "due_on": D(2025, 12, 31),
        },
        version=nc2["version"],
    )
    open_land = nonconformities.reopen_land(db, nc2["id"], today=D(2025, 11, 13))
    _record_finds(db, open_land["hazard"]["id"], found2, D(2025, 11, 12))
    _reclear(
        db, open_land["hazard"], late, D(2025, 12, 1), D(2025, 12, 19), planned=True
    )
    return Played(
        closed_nc=closed["id"],
        closed_inspection=insp["id"],
        reinspection=check["id"],
        reopened_hazard=hazard["id"],
        open_nc=nc2["id"],
        open_hazard=open_land["hazard"]["id"],
    )
