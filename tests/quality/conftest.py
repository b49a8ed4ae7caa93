# SPDX-License-Identifier: GPL-3.0-or-later
"""A small register with a cleared hazard, an operator and its team."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
import shapely

from demine.domain.vocab import Method, OrganisationType
from demine.store.database import Database
from demine.store.editing import add_records
from demine.store.schema import Organisation, Team

TODAY = dt.date(2026, 11, 1)
# About 430 m x 330 m near Aghdam: 14 ha, 1,400 units of 100 m².
SITE = shapely.box(46.90, 39.99, 46.905, 39.993)


@dataclass
class Register:
    orgs: dict[str, int] = field(default_factory=dict)
    teams: dict[str, int] = field(default_factory=dict)
    hazards: dict[str, int] = field(default_factory=dict)
    activities: dict[str, int] = field(default_factory=dict)
    releases: dict[str, int] = field(default_factory=dict)


def cleared_hazard(
    db: Database, reg: Register, name: str, geom: shapely.Geometry, team: str = "manual"
) -> None:
    """A hazard, a clearance activity of the team and a release clearing it all."""
    [hid] = add_records(
        db,
        "hazard",
        [{"name": name, "hazard_class": "cha", "status": "open", "geom": geom}],
        today=TODAY,
    )
    [aid] = add_records(
        db,
        "activity",
        [
            {
                "name": f"Clearance {name}",
                "activity_type": "clearance",
                "status": "completed",
                "method": "manual",
                "organisation_id": reg.orgs["Alpha"],
                "team_id": reg.teams[team],
                "hazard_id": hid,
                "start_date": "2026-03-01",
                "end_date": "2026-06-30",
                "cost_usd": 120_000.0,
            }
        ],
        today=TODAY,
    )
    [rid] = add_records(
        db,
        "release",
        [
            {
                "hazard_id": hid,
                "activity_id": aid,
                "kind": "cleared",
                "released_on": "2026-06-30",
                "depth_cm": 20,
                "geom": geom,
            }
        ],
        today=TODAY,
    )
    reg.hazards[name], reg.activities[name], reg.releases[name] = hid, aid, rid


@pytest.fixture
def register(db: Database) -> Register:
    reg = Register()
    with db.session() as session:
        for name, kind in (
            ("ANAMA", OrganisationType.NATIONAL_AUTHORITY),
            ("Alpha", OrganisationType.NGO),
            ("Bravo", OrganisationType.COMMERCIAL),
        ):
            org = Organisation(name=f"{name} demining", acronym=name, org_type=kind)
            session.add(org)
            session.flush()
            reg.orgs[name] = org.id
        for name, method, org in (
            ("manual", Method.MANUAL, "Alpha"),
            ("dogs", Method.MDD, "Alpha"),
            ("bravo", Method.MANUAL, "Bravo"),
        ):
            team = Team(
                name=f"{org} {name}",
                organisation_id=reg.orgs[org],
                method=method,
                size=10,
                productivity_m2_day=100.0,
                cost_per_day_usd=800.0,
                base=shapely.Point(46.8, 39.9),
            )
            session.add(team)
            session.flush()
            reg.teams[name] = team.id
    cleared_hazard(db, reg, "Aghdam CHA 0001", SITE)
    return reg
