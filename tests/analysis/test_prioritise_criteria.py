# SPDX-License-Identifier: GPL-3.0-or-later
"""Criterion values on a small hand-made register with answers worked out here."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import shapely

from demine.analysis.priorities.criteria import criterion_values
from demine.analysis.priorities.profile import load_profile, parse_profile
from demine.analysis.priorities.ranking import PrioritisationError, prioritise
from demine.geo.area import geodesic_area
from demine.store.database import Database
from demine.store.loading import load_register

TODAY = dt.date(2026, 1, 1)
# 0.001 degrees is about 111 m north-south and 85 m east-west at 40° N.
H1 = shapely.box(46.900, 39.900, 46.901, 39.901)
H2 = shapely.box(47.000, 40.000, 47.001, 40.001)
H3 = shapely.box(46.950, 39.950, 46.951, 39.951)
# 0.0117° of longitude at 39.95° N is about 1,000 m: east of H3.
EAST_OF_H3 = shapely.Point(46.951 + 0.0117, 39.9505)
# 0.00585° east of H1's edge: about 500 m.
EAST_OF_H1 = shapely.Point(46.901 + 0.00585, 39.9005)


def multi(poly: shapely.Polygon) -> shapely.MultiPolygon:
    return shapely.MultiPolygon([poly])


def ints(*values: int | None) -> pd.api.extensions.ExtensionArray:
    """A nullable integer column (PostgreSQL's COPY refuses 1000.0)."""
    return pd.array(values, dtype="Int64")


def frames() -> dict[str, pd.DataFrame]:
    orgs = pd.DataFrame(
        {"id": [1], "name": ["ANAMA"], "org_type": ["national_authority"]}
    )
    places = pd.DataFrame(
        {
            "id": [1, 10, 11],
            "name": ["District", "Return village", "Small village"],
            "place_type": ["admin1", "settlement", "settlement"],
            "population": ints(None, 1000, 200),
            "displaced_population": ints(None, 500, None),
            # Due back in 365 of the 730 days' horizon: half of them count.
            "planned_return_on": [None, dt.date(2027, 1, 1), None],
            "location": [None, shapely.Point(46.9005, 39.9005), EAST_OF_H3],
            "boundary": [multi(shapely.box(46.5, 39.5, 47.5, 40.5)), None, None],
        }
    )
    teams = pd.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "name": ["manual 1", "manual 2", "machine", "drone"],
            "organisation_id": [1, 1, 1, 1],
            "method": ["manual", "manual", "mechanical", "drone"],
            "size": [8, 8, 3, 2],
            "productivity_m2_day": [50.0, 100.0, 1000.0, 5000.0],
            "cost_per_day_usd": [500.0, 500.0, 2000.0, 300.0],
            "active": [True, True, True, True],
        }
    )
    hazards = pd.DataFrame(
        {
            "id": [1, 2, 3, 4, 5],
            "name": ["H1", "H2", "H3", "closed", "draft"],
            "hazard_class": ["cha", "sha", "sha", "cha", "cha"],
            "status": ["open", "worked_on", "open", "closed", "open"],
            "review_state": ["approved"] * 4 + ["draft"],
            "contamination": [["ap_mine"], ["uxo"], ["at_mine", "uxo"], [], []],
            "evidence": ["accident", "informant", None, None, None],
            "reliability": ["high", "low", None, None, None],
            "land_use": ["agriculture", "grazing", "residential", None, None],
            "blockages": [["road"], ["infrastructure"], ["cultural_site"], [], []],
            "women": ints(None, None, 100, None, None),
            "men": ints(None, None, 100, None, None),
            "girls": ints(None, None, 50, None, None),
            "boys": ints(None, None, 50, None, None),
            "settlement_id": ints(10, None, None, None, None),
            "admin_area_id": [1] * 5,
            "geom": [multi(p) for p in (H1, H2, H3, H1, H2)],
        }
    )
    accidents = pd.DataFrame(
        {
            "id": [1, 2],
            "accident_type": ["non_demining", "non_demining"],
            # Exactly 1,096 days (3.0007 years, one half-life) before TODAY.
            "occurred_on": [dt.date(2023, 1, 1), None],
            "hazard_id": ints(1, None),
            "geom": [shapely.Point(46.9005, 39.9005), EAST_OF_H3],
        }
    )
    victims = pd.DataFrame(
        {"id": [1, 2], "accident_id": [1, 1], "outcome": ["killed", "injured"]}
    )
    references = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "kind": ["road", "cultural_heritage", "protected_area"],
            "name": ["through H2", "church", "reserve"],
            "geom": [
                shapely.LineString([(46.99, 40.0005), (47.01, 40.0005)]),
                EAST_OF_H1,
                shapely.box(46.99, 39.99, 47.02, 40.02),
            ],
        }
    )
    return {
        "organisation": orgs,
        "place": places,
        "team": teams,
        "hazard": hazards,
        "accident": accidents,
        "victim": victims,
        "reference_feature": references,
    }


@pytest.fixture
def loaded(db: Database) -> Database:
    load_register(db, frames())
    return db


def values(db: Database) -> pd.DataFrame:
    with db.transaction() as conn:
        found = criterion_values(conn, load_profile(), TODAY)
    return found.values


def test_only_open_approved_hazards_are_scored(loaded: Database) -> None:
    assert list(values(loaded).index) == [1, 2, 3]


def test_people_blocked(loaded: Database) -> None:
    people = values(loaded)["people_blocked"]
    # H1: its settlement, 1,000 residents + 500 displaced x (1 - 365/730).
    assert people[1] == pytest.approx(1000 + 500 * (1 - 365 / 730))
    # H2: no settlement within 2 km.
    assert people[2] == 0
    # H3: nearest settlement (200, ~1 km away) but 300 recorded beneficiaries.
    assert people[3] == 300


def test_casualties_decay_with_time_and_distance(loaded: Database) -> None:
    hurt = values(loaded)["casualties"]
    # H1: two victims, one half-life ago, inside (and linked): counted once.
    assert hurt[1] == pytest.approx(2 * 0.5 ** ((1096 / 365.25) / 3), rel=1e-9)
    assert hurt[2] == 0
    # H3: one undated accident without victims (counts 1, as one half-life
    # old) about 1,000 m away of a 2,000 m radius: 1 x 0.5 x 0.5.
    assert hurt[3] == pytest.approx(0.25, abs=0.01)


def test_land_and_proximity_criteria(loaded: Database) -> None:
    v = values(loaded)
    assert list(v["roads"]) == [1.0, 1.0, 0.0]  # H1 blocks a road; H2 on one
    assert list(v["infrastructure"]) == [0.0, 1.0, 0.0]
    assert list(v["agriculture"]) == [1.0, 0.7, 0.0]
    # Church ~500 m from H1 of a 1,000 m reach; H3 blocks a cultural site.
    assert v.at[1, "cultural_heritage"] == pytest.approx(0.5, abs=0.02)
    assert v.at[3, "cultural_heritage"] == 1.0
    assert list(v["environment"]) == [0.0, 1.0, 0.0]  # H2 in the reserve
    assert list(v["water"]) == [0.0, 0.0, 0.0]


def test_contamination_and_evidence(loaded: Database) -> None:
    v = values(loaded)
    assert list(v["contamination"]) == [1.0, 0.5, 0.6]
    assert v.at[1, "evidence"] == pytest.approx(1.0)  # accident, high
    assert v.at[2, "evidence"] == pytest.approx(0.4 * 0.7)  # informant, low
    assert v.at[3, "evidence"] == pytest.approx(0.3 * 0.85)  # unknown


def test_effort_uses_the_best_suitable_method(loaded: Database) -> None:
    v = values(loaded)
    area = geodesic_area([H1, H2, H3])
    # Machines (1,000 m²/day) where allowed; the drone does not clear; H3 is a
    # cultural site in a residential area: manual teams' median, 75 m²/day.
    assert v["effort"].to_numpy() == pytest.approx(
        [area[0] / 1000, area[1] / 1000, area[2] / 75], rel=1e-6
    )


def test_risk_is_left_out_with_a_note_until_published(loaded: Database) -> None:
    with loaded.transaction() as conn:
        found = criterion_values(conn, load_profile(), TODAY)
    assert "risk" not in found.values.columns
    assert "risk" in found.notes


def test_published_risk_becomes_a_criterion(loaded: Database) -> None:
    risk = pytest.importorskip("demine.store.risk")
    cells = pd.DataFrame({"geom": [H1], "risk": [0.8]})
    hazards = pd.DataFrame(
        {
            "hazard_id": [1, 3],
            "risk": [0.8, 0.2],
            "risk_max": [0.9, 0.3],
            "cells": [1, 1],
        }
    )
    risk.publish_risk(loaded, cells, hazards, model="test")
    with loaded.transaction() as conn:
        found = criterion_values(conn, load_profile(), TODAY)
    assert "risk" not in found.notes
    # H2 has no score: it takes the median of the scored ones.
    assert list(found.values["risk"]) == pytest.approx([0.8, 0.5, 0.2])


def test_risk_outside_the_area_of_applicability_is_left_out(
    loaded: Database,
) -> None:
    risk = pytest.importorskip("demine.store.risk")
    cells = pd.DataFrame({"geom": [H1], "risk": [0.8]})
    hazards = pd.DataFrame(
        {
            "hazard_id": [1, 2, 3],
            "risk": [0.8, 0.4, 0.05],
            "risk_max": [0.9, 0.5, 0.1],
            "cells": [1, 1, 1],
            "applicable": [True, True, False],
        }
    )
    risk.publish_risk(loaded, cells, hazards, model="test")
    with loaded.transaction() as conn:
        found = criterion_values(conn, load_profile(), TODAY)
    # H3's risk is a guess: it takes the median of H1 and H2, not its 0.05.
    assert list(found.values["risk"]) == pytest.approx([0.8, 0.4, 0.6])


def test_one_criterion_profile_ranks_by_it(loaded: Database) -> None:
    profile = parse_profile(
        {"method": "weighted", "criteria": {"people_blocked": {"weight": 1}}}, "t"
    )
    ranking = prioritise(loaded, profile, today=TODAY)
    assert list(ranking.table.index) == [1, 3, 2]
    assert list(ranking.table["rank"]) == [1, 2, 3]
    assert ranking.table.loc[1, "score"] == pytest.approx(1.0)
    assert ranking.table.loc[3, "score"] == pytest.approx(300 / 1250)
    assert ranking.table.loc[2, "score"] == 0
    assert ranking.weights == {"people_blocked": 1.0}


def test_only_an_absent_criterion_is_a_clear_error(loaded: Database) -> None:
    profile = parse_profile({"criteria": {"risk": {"weight": 1}}}, "risk-only.yaml")
    with pytest.raises(PrioritisationError, match=r"no criterion of risk-only\.yaml"):
        prioritise(loaded, profile, today=TODAY)


def test_empty_register_is_a_clear_error(db: Database) -> None:
    with pytest.raises(PrioritisationError, match="no approved hazards"):
        prioritise(db)


def test_a_hazard_without_geometry_keeps_its_attributes(db: Database) -> None:
    tables = frames()
    extra = pd.DataFrame(
        {
            "id": [6],
            "name": ["no shape"],
            "hazard_class": ["cha"],
            "status": ["open"],
            "review_state": ["approved"],
            "contamination": [["ap_mine"]],
            "land_use": ["agriculture"],
            "blockages": [["road"]],
            "settlement_id": ints(10),
            "admin_area_id": ints(1),
            "geom": [None],
        }
    )
    tables["hazard"] = pd.concat([tables["hazard"], extra], ignore_index=True)
    load_register(db, tables)
    with db.transaction() as conn:
        found = criterion_values(conn, load_profile(), TODAY)
    row = found.values.loc[6]
    assert row["people_blocked"] == pytest.approx(1250)
    assert row["roads"] == 1.0  # blocked, not measured
    assert row["environment"] == 0.0
    assert row["effort"] == 0.0  # no measured area left
    assert np.isnan(found.hazards.loc[6, "lon"])


def test_profile_statuses_choose_the_hazards(loaded: Database) -> None:
    profile = parse_profile(
        {"statuses": ["open"], "criteria": {"agriculture": {"weight": 1}}}, "t"
    )
    with loaded.transaction() as conn:
        found = criterion_values(conn, profile, TODAY)
    assert list(found.values.index) == [1, 3]  # H2 is being worked on
    assert list(found.values.columns) == ["agriculture"]
