# SPDX-License-Identifier: GPL-3.0-or-later
"""National figures from a small hand-made register with known answers."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import shapely

from demine.analysis.summary import national_summary, remaining_by_area, summary_by
from demine.geo.area import geodesic_area
from demine.store.database import Database
from demine.store.loading import load_register, recompute_ledger

# A 0.01° x 0.01° hazard near Aghdam, and its three release strips.
X0, Y0, D = 46.90, 39.90, 0.01


def strip(a: float, b: float) -> shapely.MultiPolygon:
    return shapely.MultiPolygon([shapely.box(X0 + a * D, Y0, X0 + b * D, Y0 + D)])


def frames() -> dict[str, pd.DataFrame]:
    orgs = pd.DataFrame(
        {
            "id": [1, 2],
            "name": ["ANAMA", "Demining Co"],
            "org_type": ["national_authority", "commercial"],
            "accreditation": ["accredited", "accredited"],
        }
    )
    places = pd.DataFrame(
        {
            "id": [1],
            "name": ["Aghdam"],
            "place_type": ["admin1"],
            "boundary": [shapely.MultiPolygon([shapely.box(46.5, 39.5, 47.5, 40.5)])],
        }
    )
    hazards = pd.DataFrame(
        {
            "id": [1, 2],
            "hazard_class": ["cha", "sha"],
            "status": ["worked_on", "open"],
            "admin_area_id": [1, 1],
            "reported_by_id": [1, 1],
            "geom": [strip(0, 1), strip(2, 3)],
        }
    )
    activities = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "activity_type": ["nts", "ts", "clearance"],
            "method": ["manual", "mechanical", "manual"],
            "organisation_id": [1, 2, 2],
            "hazard_id": [1, 1, 1],
            "start_date": [
                dt.date(2021, 1, 1),
                dt.date(2022, 1, 1),
                dt.date(2023, 1, 1),
            ],
            "end_date": [dt.date(2021, 2, 1), dt.date(2022, 2, 1), dt.date(2023, 3, 1)],
        }
    )
    releases = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "activity_id": [1, 2, 3],
            "hazard_id": [1, 1, 1],
            "kind": ["cancelled", "reduced", "cleared"],
            "released_on": [
                dt.date(2021, 2, 1),
                dt.date(2022, 2, 1),
                dt.date(2023, 3, 1),
            ],
            "depth_cm": [None, None, 20.0],
            "geom": [strip(0, 0.3), strip(0.3, 0.6), strip(0.5, 0.8)],
        }
    )
    items = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "activity_id": [3, 3, 3],
            "hazard_id": [1, 1, 1],
            "category": ["ap_mine", "ap_mine", "at_mine"],
            "quantity": [3, 2, 1],
            "found_on": [dt.date(2023, 2, 1)] * 3,
            "geom": [shapely.Point(X0 + 0.006 * D * 100, Y0 + 0.005)] * 3,
        }
    )
    accidents = pd.DataFrame(
        {"id": [1], "accident_type": ["non_demining"], "geom": [shapely.Point(X0, Y0)]}
    )
    victims = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "accident_id": [1, 1, 1],
            "outcome": ["killed", "injured", "injured"],
        }
    )
    return {
        "organisation": orgs,
        "place": places,
        "hazard": hazards,
        "activity": activities,
        "release": releases,
        "eo_item": items,
        "accident": accidents,
        "victim": victims,
    }


@pytest.fixture
def loaded(db: Database) -> Database:
    load_register(db, frames())
    return db


def test_national_summary_matches_geometry(loaded: Database) -> None:
    strip_area = float(geodesic_area([strip(0, 0.1)])[0])
    hazard_area = float(geodesic_area([strip(0, 1)])[0])
    with loaded.transaction() as conn:
        data = national_summary(conn)
    area = data["area_m2"]
    assert data["hazards"] == 2
    assert area["total"] == pytest.approx(2 * hazard_area, rel=1e-6)
    assert area["cancelled"] == pytest.approx(3 * strip_area, rel=1e-3)
    assert area["reduced"] == pytest.approx(3 * strip_area, rel=1e-3)
    # The cleared strip overlaps the reduced one by a tenth: counted once.
    assert area["cleared"] == pytest.approx(2 * strip_area, rel=1e-3)
    assert area["remaining"] == pytest.approx(
        area["total"] - area["cancelled"] - area["reduced"] - area["cleared"], rel=1e-9
    )
    assert data["items"] == {"ap_mine": 5, "at_mine": 1}
    assert data["casualties"] == {"killed": 1, "injured": 2, "accidents": 1}


def test_groupings_add_up_to_the_nation(loaded: Database) -> None:
    with loaded.transaction() as conn:
        data = national_summary(conn)
        for by in ("admin", "org", "method", "year"):
            rows = summary_by(conn, by)
            assert sum(r["released_m2"] for r in rows) == pytest.approx(
                data["area_m2"]["released"]
            )
            assert sum(r["items_total"] for r in rows) == data["items_total"]
        by_year = {r["key"]: r for r in summary_by(conn, "year")}
    assert set(by_year) == {2021, 2022, 2023}
    assert (
        by_year[2023]["items"] == {"ap_mine": 5, "at_mine": 1}
        or by_year[2023]["cleared_m2"] > 0
    )


def test_recompute_ledger_is_stable(loaded: Database) -> None:
    with loaded.transaction(write=True) as conn:
        before = national_summary(conn)
        ledger = recompute_ledger(conn)
        after = national_summary(conn)
    assert before["area_m2"] == pytest.approx(after["area_m2"])
    assert [str(f.rule) for f in ledger.findings] == ["double_release"]


def test_empty_register_summary(db: Database) -> None:
    with db.transaction() as conn:
        data = national_summary(conn)
    assert data["hazards"] == 0
    assert data["area_m2"]["total"] == 0
    assert data["casualties"]["killed"] == 0


def test_admin_figures_roll_up_to_the_parent_area(db: Database) -> None:
    """Issue 16: hazards kept against districts count in their region too."""
    data = frames()
    data["place"] = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "name": ["Karabakh", "Aghdam", "Fuzuli"],
            "place_type": ["admin1", "admin2", "admin2"],
            "parent_id": pd.array([None, 1, 1], dtype="Int64"),
            "boundary": [None, None, None],
        }
    )
    data["hazard"] = data["hazard"].assign(admin_area_id=[2, 3])
    data["release"] = data["release"].assign(hazard_id=[1, 1, 1])
    load_register(db, data)
    with db.transaction() as conn:
        national = national_summary(conn)
        rows = summary_by(conn, "admin")
        remaining = remaining_by_area(conn)
    by_name = {r["key"]: r for r in rows}
    # Fuzuli has released and found nothing: no row, as before
    assert [r["key"] for r in rows] == ["Karabakh", "Aghdam"]
    region, aghdam = by_name["Karabakh"], by_name["Aghdam"]
    assert (region["depth"], aghdam["depth"], aghdam["parent_id"]) == (0, 1, 1)
    assert region["released_m2"] == pytest.approx(national["area_m2"]["released"])
    assert region["items_total"] == national["items_total"]
    assert region["items"] == {"ap_mine": 5, "at_mine": 1}
    assert aghdam["released_m2"] == pytest.approx(region["released_m2"])
    # the top rows still add up to the nation
    top = [r for r in rows if r["depth"] == 0]
    assert sum(r["released_m2"] for r in top) == pytest.approx(
        national["area_m2"]["released"]
    )
    left = {name: value for name, _d, _k, value in remaining}
    assert left["Karabakh"] == pytest.approx(left["Aghdam"] + left["Fuzuli"])
    assert left["Karabakh"] == pytest.approx(national["area_m2"]["remaining"])
