# SPDX-License-Identifier: GPL-3.0-or-later
"""What the demo register says: proportions, dates and geometry that agree."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import shapely

from demine.demo import SCALES
from demine.demo.figures import (
    CASUALTIES,
    CHA_SHARE,
    ITEMS_AP,
    ITEMS_AT,
    ITEMS_UXO,
    KILLED,
)
from demine.demo.shapes import geoms_to_metres
from demine.demo.timeline import HORIZON, START

Tables = dict[str, pd.DataFrame]


def _metres(frame: pd.DataFrame, column: str = "geom") -> np.ndarray:
    return geoms_to_metres(frame[column].to_numpy(dtype=object))


def _clean_hazards(tables: Tables) -> pd.DataFrame:
    """Hazards no dirt touched (the area typos keep their geometry)."""
    dirt = tables["hazard"].attrs["dirt"]
    spoiled = {i for kind, ids in dirt.items() if kind != "area_typo" for i in ids}
    hazards = tables["hazard"]
    return hazards[~hazards["id"].isin(spoiled)]


def _clean_releases(tables: Tables) -> pd.DataFrame:
    dirt = tables["release"].attrs["dirt"]
    spoiled = set(dirt["outside_hazard"]) | set(dirt["double_release"])
    return tables["release"][~tables["release"]["id"].isin(spoiled)]


@pytest.mark.parametrize("scale", ["small", "medium"])
def test_suspected_area_and_cha_share(
    scale: str, request: pytest.FixtureRequest
) -> None:
    tables = request.getfixturevalue(scale)
    hazards = _clean_hazards(tables)
    area = shapely.area(_metres(hazards))
    target = SCALES[scale].suspected_m2 * len(hazards) / SCALES[scale].hazards
    assert area.sum() == pytest.approx(target, rel=0.03)
    cha = (hazards["hazard_class"] == "cha").to_numpy()
    assert area[cha].sum() / area.sum() == pytest.approx(CHA_SHARE, abs=0.02)


def test_released_area_near_the_published_share(medium: Tables) -> None:
    released = shapely.area(_metres(_clean_releases(medium))).sum()
    assert released == pytest.approx(SCALES["medium"].released_m2, rel=0.05)


def test_clean_geometry_is_valid_and_disjoint(small: Tables) -> None:
    hazards = _metres(_clean_hazards(small))
    assert shapely.is_valid(hazards).all()
    i, j = shapely.STRtree(hazards).query(hazards, predicate="intersects")
    pairs = i < j
    shared = shapely.area(shapely.intersection(hazards[i[pairs]], hazards[j[pairs]]))
    assert (shared < 1.0).all()  # m²: touching edges, no overlaps
    nv = shapely.get_num_coordinates(hazards) - 1
    assert nv.min() >= 3
    assert np.median(nv) >= 8


def test_releases_lie_in_their_hazard_without_overlap(small: Tables) -> None:
    releases = _clean_releases(small)
    hazards = small["hazard"].set_index("id")["geom"]
    geom = _metres(releases)
    parent = geoms_to_metres(hazards.loc[releases["hazard_id"]].to_numpy(dtype=object))
    assert shapely.is_valid(geom).all()
    outside = shapely.area(shapely.difference(geom, parent))
    assert (outside < 1e-3 * shapely.area(geom) + 1.0).all()
    i, j = shapely.STRtree(geom).query(geom, predicate="intersects")
    pairs = i < j
    shared = shapely.area(shapely.intersection(geom[i[pairs]], geom[j[pairs]]))
    assert (shared < 1.0).all()


def test_dirt_is_there_and_recorded(small: Tables) -> None:
    hazards = small["hazard"].set_index("id")
    dirt = small["hazard"].attrs["dirt"]
    bow_ties = hazards.loc[dirt["self_intersection"], "geom"].to_numpy()
    assert not shapely.is_valid(bow_ties).any()
    swapped = hazards.loc[dirt["swapped_lat_lon"], "geom"].to_numpy()
    assert (shapely.get_x(shapely.centroid(swapped)) < 41).all()
    duplicates = hazards.loc[dirt["duplicate"], "geom"].to_numpy()
    others = hazards.drop(index=dirt["duplicate"])["geom"].to_numpy()
    assert all(shapely.equals(others, d).any() for d in duplicates)
    geometric = shapely.area(_metres(small["hazard"]))
    typos = small["hazard"]["id"].isin(dirt["area_typo"]).to_numpy()
    ratio = small["hazard"]["reported_area_m2"].to_numpy() / geometric
    assert (np.abs(ratio[~typos] - 1) < 0.03).mean() > 0.98
    assert (np.abs(ratio[typos] - 1) > 0.5).all()
    release_dirt = small["release"].attrs["dirt"]
    assert set(release_dirt) == {"outside_hazard", "double_release", "area_typo"}
    assert all(len(v) >= 2 for v in release_dirt.values())


def test_release_kind_matches_its_activity(small: Tables) -> None:
    acts = small["activity"].set_index("id")
    rel = small["release"]
    act = acts.loc[rel["activity_id"].astype(int)]
    expected = rel["kind"].map(
        {"cancelled": "nts", "reduced": "ts", "cleared": "clearance"}
    )
    assert (act["activity_type"].to_numpy() == expected.to_numpy()).all()
    assert (act["hazard_id"].to_numpy() == rel["hazard_id"].to_numpy()).all()
    cleared = rel["kind"] == "cleared"
    assert rel.loc[cleared, "depth_cm"].notna().all()
    assert rel.loc[~cleared, "depth_cm"].isna().all()


def test_dates_are_ordered_and_not_in_the_future(small: Tables) -> None:
    acts = small["activity"]
    assert acts["start_date"].notna().all()
    done = acts["end_date"].notna()
    assert (acts.loc[done, "end_date"] >= acts.loc[done, "start_date"]).all()
    for name, table in small.items():
        for col in ("recorded_on", "released_on", "found_on", "occurred_on",
                    "held_on", "inspected_on", "start_date", "end_date",
                    "closed_on", "dated_on"):  # fmt: skip
            if col in table:
                days = table[col].dropna()
                assert (days >= START).all(), (name, col)
                assert (days <= HORIZON).all(), (name, col)
    unfinished = acts["status"].isin(["planned", "ongoing"])
    assert acts.loc[unfinished, "end_date"].isna().all()
    assert acts.loc[~unfinished, "end_date"].notna().all()


def test_release_and_find_dates_fall_in_their_activity(small: Tables) -> None:
    acts = small["activity"].set_index("id")
    for name, col in (("release", "released_on"), ("eo_item", "found_on")):
        table = small[name]
        act = acts.loc[table["activity_id"].astype(int)]
        end = act["end_date"].fillna(HORIZON).to_numpy()
        when = table[col].to_numpy()
        assert (when >= act["start_date"].to_numpy()).all(), name
        assert (when <= end).all(), name
    hazards = small["hazard"].set_index("id")
    first = small["release"].groupby("hazard_id")["released_on"].min()
    assert (hazards.loc[first.index, "recorded_on"] < first).all()


def test_hazard_status_agrees_with_releases(small: Tables) -> None:
    hazards = small["hazard"].set_index("id")
    worked = set(small["release"]["hazard_id"])
    status = hazards["status"]
    assert not worked & set(status.index[status == "open"])
    assert set(status.index[status != "open"]) <= worked
    closed = hazards[status == "closed"]
    assert closed["closed_on"].notna().all()
    assert hazards.loc[status != "closed", "closed_on"].isna().all()
    last = small["release"].groupby("hazard_id")["released_on"].max()
    assert (closed["closed_on"] == last.loc[closed.index]).all()
    # Releases spoiled on purpose no longer tile their hazard.
    dirt = small["release"].attrs["dirt"]
    spoiled = small["release"]["id"].isin(
        dirt["outside_hazard"] + dirt["double_release"]
    )
    closed = closed.drop(
        index=small["release"].loc[spoiled, "hazard_id"], errors="ignore"
    )
    rel = small["release"][small["release"]["hazard_id"].isin(closed.index)]
    covered = rel.groupby("hazard_id")["geom"].agg(lambda g: shapely.union_all(list(g)))
    area = shapely.area(geoms_to_metres(closed.loc[covered.index, "geom"].to_numpy()))
    done = shapely.area(geoms_to_metres(covered.to_numpy(dtype=object)))
    assert np.allclose(done, area, rtol=1e-3)


def test_hazards_lie_in_their_district(small: Tables) -> None:
    hazards = _clean_hazards(small)
    places = small["place"].set_index("id")
    boundary = places.loc[hazards["admin_area_id"].astype(int), "boundary"].to_numpy()
    geom = hazards["geom"].to_numpy(dtype=object)
    assert shapely.intersects(boundary, geom).all()
    assert shapely.contains(boundary, shapely.centroid(geom)).mean() > 0.98
    kind = places.loc[hazards["settlement_id"].astype(int), "place_type"]
    assert (kind == "settlement").all()


def test_ordnance_proportions_as_published(medium: Tables) -> None:
    items = medium["eo_item"]
    count = items.groupby("category")["quantity"].sum()
    main = count[["ap_mine", "at_mine", "uxo"]]
    published = np.array([ITEMS_AP, ITEMS_AT, ITEMS_UXO], float)
    np.testing.assert_allclose(
        main / main.sum(), published / published.sum(), atol=0.02
    )
    assert (items["quantity"] == 1).mean() > 0.9
    models = medium["eo_model"].set_index("id")["category"]
    assert (
        models.loc[items["eo_model_id"].astype(int)].to_numpy() == items["category"]
    ).all()


def test_items_lie_in_their_release_or_task(small: Tables) -> None:
    items = small["eo_item"]
    acts = small["activity"].set_index("id")
    kind = acts.loc[items["activity_id"].astype(int), "activity_type"].to_numpy()
    assert set(kind) == {"clearance", "eod"}
    in_hazard = items["hazard_id"].notna().to_numpy()
    assert in_hazard[kind == "clearance"].all()


def test_casualties(small: Tables, medium: Tables) -> None:
    for tables in (small, medium):
        victims = tables["victim"]
        assert len(victims) >= 20
        killed = (victims["outcome"] == "killed").mean()
        assert killed == pytest.approx(KILLED / CASUALTIES, abs=0.03)
        assert (victims["sex"] == "male").mean() > 0.7  # ~90% expected
        assert set(victims["status"]) >= {"civilian"}
        assert victims["accident_id"].isin(tables["accident"]["id"]).all()
    deminers = medium["victim"]["status"] == "deminer"
    assert (medium["victim"].loc[deminers, "activity"] == "demining").all()


def test_teams_productivity_by_method(small: Tables) -> None:
    teams = small["team"]
    rate = teams.groupby("method")["productivity_m2_day"]
    low, high = rate.min(), rate.max()
    for method, (lo, hi) in {
        "manual": (50, 150),
        "mechanical": (1_500, 5_000),
        "mdd": (500, 1_500),
    }.items():
        assert lo <= low[method] <= high[method] <= hi
    assert set(teams["method"]) == {"manual", "mechanical", "mdd", "mixed", "drone"}


def test_settlements_await_return(small: Tables) -> None:
    places = small["place"]
    towns = places[places["place_type"] == "settlement"]
    returning = towns["planned_return_on"].notna()
    assert returning.any()
    dates = towns.loc[returning, "planned_return_on"]
    assert dates.between(dt.date(2025, 1, 1), dt.date(2030, 12, 31)).all()
    assert (towns.loc[returning, "displaced_population"] > 0).all()
    assert len(places[places["place_type"] == "admin1"]) == 12


def test_funding_in_tens_of_millions_nationally(small: Tables) -> None:
    money = small["funding"]
    pledged = money.loc[money["kind"] == "pledge", "amount_usd"].sum()
    per_year = pledged / SCALES["small"].fraction / 5
    assert 1e7 < per_year < 1e8
    assert set(money["currency"]) >= {"USD", "EUR"}


def test_reference_layers(small: Tables) -> None:
    kinds = set(small["reference_feature"]["kind"])
    assert {"front_line", "road", "cultural_heritage", "protected_area"} <= kinds
