# SPDX-License-Identifier: GPL-3.0-or-later
"""Casualty figures of a small hand-made register with answers counted by hand."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod

from demine.analysis.casualties import (
    CasualtyQueryError,
    age_group,
    casualty_report,
    populations,
    rate,
)
from demine.analysis.casualty_hotspots import density_surface, hotspot_peaks
from demine.analysis.casualty_links import link_accidents
from demine.geo.area import equal_area_crs
from demine.store.database import Database
from demine.store.loading import load_register

LAEA = equal_area_crs((46.0, 40.0, 46.0, 40.0))


def register_frames() -> dict[str, pd.DataFrame]:
    """Three admin areas, two approved hazards and a draft one, five accidents.

    Admin area A has its own population (200,000); B has none but two
    settlements (30,000 + 20,000); C has none at all, nor its district C-1.
    Accident 4 names no admin area: its point lies in C and in C-1 (the finer
    one it is placed in). Accident 5 is only submitted and victim 7 too:
    neither counts.
    """
    box = shapely.MultiPolygon([shapely.box(46.9, 40.9, 47.1, 41.1)])
    inner = shapely.MultiPolygon([shapely.box(46.95, 40.95, 47.05, 41.05)])
    places = pd.DataFrame(
        {
            "id": [1, 2, 3, 4, 5, 6, 7],
            "name": ["Testland", "A", "B", "C", "B-town", "B-village", "C-1"],
            "place_type": [
                "country",
                "admin1",
                "admin1",
                "admin1",
                "settlement",
                "settlement",
                "admin2",
            ],
            "parent_id": pd.array([None, 1, 1, 1, 3, 3, 4], dtype="Int64"),
            "population": pd.array(
                [None, 200_000, None, None, 30_000, 20_000, None], dtype="Int64"
            ),
            "boundary": [None, None, None, box, None, None, inner],
        }
    )
    hazards = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "hazard_class": ["cha", "sha", "sha"],
            "status": ["open", "open", "open"],
            "review_state": ["approved", "approved", "submitted"],
            "geom": [
                shapely.MultiPolygon([shapely.box(46.00, 40.00, 46.01, 40.01)]),
                shapely.MultiPolygon([shapely.box(46.30, 40.00, 46.31, 40.01)]),
                shapely.MultiPolygon([shapely.box(46.99, 40.99, 47.01, 41.01)]),
            ],
        }
    )
    models = pd.DataFrame(
        {"id": [1, 2], "model": ["PMN-2", "TM-62M"], "category": ["ap_mine", "at_mine"]}
    )
    accidents = pd.DataFrame(
        {
            "id": [1, 2, 3, 4, 5],
            "accident_type": ["non_demining", "demining"] + ["non_demining"] * 3,
            "occurred_on": [
                dt.date(2021, 3, 5),
                dt.date(2021, 7, 10),
                dt.date(2022, 1, 20),
                dt.date(2022, 1, 25),
                dt.date(2022, 2, 1),
            ],
            "admin_area_id": pd.array([2, 2, 3, None, 2], dtype="Int64"),
            "eo_model_id": pd.array([1, 2, 1, None, 1], dtype="Int64"),
            "review_state": ["approved"] * 4 + ["submitted"],
            "geom": [
                shapely.Point(46.005, 40.005),  # inside hazard 1
                shapely.Point(46.015, 40.005),  # 0.005° east of hazard 1
                shapely.Point(46.5, 40.5),  # far from every hazard
                shapely.Point(47.0, 41.0),  # only in the draft hazard 3
                shapely.Point(46.005, 40.005),
            ],
        }
    )
    victims = pd.DataFrame(
        {
            "id": [1, 2, 3, 4, 5, 6, 7],
            "accident_id": [1, 1, 2, 2, 3, 5, 4],
            "sex": ["male", "female", "male", "unknown", "male", "male", "female"],
            "age": pd.array([30, 12, 45, None, 17, 20, 50], dtype="Int64"),
            "outcome": [
                "killed",
                "injured",
                "injured",
                "injured",
                "killed",
                "killed",
                "killed",
            ],
            "status": [
                "civilian",
                "civilian",
                "deminer",
                "military",
                "civilian",
                "civilian",
                "civilian",
            ],
            "activity": (
                [
                    "agriculture",
                    "playing",
                    "demining",
                    "military",
                    "herding",
                    "herding",
                    "herding",
                ]
            ),
            "review_state": ["approved"] * 6 + ["submitted"],
        }
    )
    return {
        "place": places,
        "eo_model": models,
        "hazard": hazards,
        "accident": accidents,
        "victim": victims,
    }


@pytest.fixture
def register(db: Database) -> Database:
    load_register(db, register_frames())
    return db


def counts(frame: pd.DataFrame, key: str) -> dict[object, tuple[int, ...]]:
    return {
        row[key]: (row["accidents"], row["killed"], row["injured"])
        for row in frame.to_dict(orient="records")
        if row["accidents"] or row["killed"] or row["injured"]
    }


def test_totals_count_approved_records_only(register: Database) -> None:
    report = casualty_report(register)
    assert (report.accidents, report.killed, report.injured) == (4, 2, 3)
    assert report.victims == 5
    assert report.children == 2  # aged 12


def test_counts_by_period_and_person(register: Database) -> None:
    report = casualty_report(register)
    assert counts(report.by_year, "year") == {2021: (2, 1, 3), 2022: (2, 1, 0)}
    # every month from the first to the last, empty ones with zeros
    assert report.by_month["month"].tolist() == [
        f"{y}-{m:02d}" for y, m in [(2021, m) for m in range(3, 13)] + [(2022, 1)]
    ]
    assert counts(report.by_month, "month") == {
        "2021-03": (1, 1, 1),
        "2021-07": (1, 0, 2),
        "2022-01": (2, 1, 0),
    }
    assert counts(report.by_sex, "sex") == {
        "female": (1, 0, 1),
        "male": (3, 2, 1),
        "unknown": (1, 0, 1),
    }
    assert counts(report.by_status, "status") == {
        "civilian": (2, 2, 1),
        "deminer": (1, 0, 1),
        "military": (1, 0, 1),
    }
    assert counts(report.by_activity, "activity") == {
        "agriculture": (1, 1, 0),
        "playing": (1, 0, 1),
        "demining": (1, 0, 1),
        "military": (1, 0, 1),
        "herding": (1, 1, 0),
    }
    ages = report.by_age_group.set_index("age_group")
    assert counts(report.by_age_group, "age_group") == {
        "12-17": (2, 1, 1),
        "25-39": (1, 1, 0),
        "40-59": (1, 0, 1),
        "unknown": (1, 0, 1),
    }
    assert bool(ages.loc["12-17", "child"])
    assert not bool(ages.loc["18-24", "child"])
    devices = {
        (r["category"], r["model"]): (r["accidents"], r["killed"], r["injured"])
        for r in report.by_device.to_dict(orient="records")
    }
    assert devices == {
        ("ap_mine", "PMN-2"): (2, 2, 1),
        ("at_mine", "TM-62M"): (1, 0, 2),
        ("unknown", "unknown"): (1, 0, 0),
    }


def test_rates_per_100k_and_missing_population(register: Database) -> None:
    report = casualty_report(register)
    admin = report.by_admin.set_index("name")
    assert admin.loc["A", "victims"] == 4
    assert admin.loc["A", "population"] == 200_000
    assert admin.loc["A", "rate_per_100k"] == pytest.approx(2.0)  # 4 / 200k
    assert admin.loc["B", "population_source"] == "sum_below"
    assert admin.loc["B", "population"] == 50_000
    # settlements do not cover their district (issue 16): no rate, and why
    assert math.isnan(admin.loc["B", "rate_per_100k"])
    assert "settlements" in admin.loc["B", "population_coverage"]
    assert pd.isna(admin.loc["C", "population"])
    assert math.isnan(admin.loc["C", "rate_per_100k"])
    # accident 4 named no area: placed by its point in the finer C-1, and
    # counted in C, which holds C-1, and in the country, which holds all
    assert admin.loc["C-1", "accidents"] == 1
    assert admin.loc["C", "accidents"] == 1
    assert admin.loc["Testland", "accidents"] == report.accidents
    assert admin.loc["Testland", "victims"] == report.victims
    assert admin.loc["Testland", "place_type"] == "country"
    assert "unknown" not in admin.index
    assert any("placed in the one" in n for n in report.notes)
    assert any("no population" in note for note in report.notes)
    assert any("does not cover" in note for note in report.notes)
    # the country's 250,000 leaves out C: shown, but no national rate
    assert report.population == 250_000
    assert report.rate_per_100k is None
    data = report.to_dict()
    json.dumps(data)  # JSON-ready: NaN and <NA> are null
    c_row = next(r for r in data["by_admin"] if r["name"] == "C")
    assert c_row["rate_per_100k"] is None
    assert c_row["population"] is None


def test_period_filter_is_inclusive(register: Database) -> None:
    report = casualty_report(register, dt.date(2021, 7, 10), dt.date(2022, 1, 20))
    assert (report.accidents, report.killed, report.injured) == (2, 1, 2)
    assert report.to_dict()["period"] == {"from": "2021-07-10", "to": "2022-01-20"}


def test_links_to_hazard_inside_or_nearest(register: Database) -> None:
    links = casualty_report(register).links.set_index("accident_id")
    assert links.loc[1, "relation"] == "inside"
    assert links.loc[1, "hazard_id"] == 1
    assert links.loc[1, "distance_m"] == 0
    # 0.005° of longitude east of the hazard's edge at 40.005°N
    _, _, expected = Geod(ellps="WGS84").inv(46.01, 40.005, 46.015, 40.005)
    assert links.loc[2, "relation"] == "near"
    assert links.loc[2, "hazard_id"] == 1
    assert links.loc[2, "distance_m"] == pytest.approx(expected, rel=0.005)
    assert links.loc[3, "relation"] == "none"
    assert pd.isna(links.loc[3, "hazard_id"])
    # the only hazard there is not approved yet
    assert links.loc[4, "relation"] == "none"


def test_bad_questions_are_clear_errors(register: Database) -> None:
    with pytest.raises(CasualtyQueryError, match=r"starts .* after it ends"):
        casualty_report(register, dt.date(2023, 1, 1), dt.date(2022, 1, 1))
    with pytest.raises(CasualtyQueryError, match="bandwidth"):
        casualty_report(register, bandwidth_m=0)
    with pytest.raises(CasualtyQueryError, match="link distance"):
        casualty_report(register, link_distance_m=-1)
    with pytest.raises(CasualtyQueryError, match="unknown grouping"):
        casualty_report(register).table("colour")


def test_empty_register_gives_zeros_not_errors(db: Database) -> None:
    report = casualty_report(db)
    assert (report.accidents, report.killed, report.injured) == (0, 0, 0)
    assert report.population is None
    assert report.rate_per_100k is None
    assert report.hotspots.empty
    assert report.links.empty
    assert report.by_year.empty
    assert report.by_sex["victims"].tolist() == [0, 0, 0]
    assert report.hotspot_geojson()["features"] == []
    json.dumps(report.to_dict())


# -- pure parts -------------------------------------------------------------


def test_age_groups_follow_the_documented_bands() -> None:
    ages = pd.Series([0, 4, 5, 11, 12, 17, 18, 24, 25, 39, 40, 59, 60, 120, None])
    assert age_group(ages).tolist() == [
        "0-4",
        "0-4",
        "5-11",
        "5-11",
        "12-17",
        "12-17",
        "18-24",
        "18-24",
        "25-39",
        "25-39",
        "40-59",
        "40-59",
        "60+",
        "60+",
        "unknown",
    ]


def test_rate_is_null_without_population() -> None:
    out = rate(pd.Series([3, 3, 3]), pd.Series([300_000, 0, None]))
    assert out[0] == pytest.approx(1.0)
    assert out[1:].isna().all()


def test_population_rolls_up_only_where_missing() -> None:
    places = pd.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "name": ["district", "town", "village", "quarter"],
            "place_type": ["admin1", "settlement", "settlement", "settlement"],
            "parent_id": [None, 1, 1, 2],
            "population": [None, 1_000, 500, 10],
        }
    )
    pops = populations(places)
    # the town's own figure wins over its quarter's; the district sums below
    assert pops["population"].tolist() == [1_500, 1_000, 500, 10]
    assert pops["population_source"].tolist() == ["sum_below", "own", "own", "own"]


def test_hotspot_peak_is_where_accidents_cluster() -> None:
    rng = np.random.default_rng(5)
    cluster = rng.normal(0, 300, size=(8, 2)) + np.array([20_000, 10_000])
    lone = np.array([[0.0, 0.0], [40_000.0, -5_000.0]])
    pts = np.vstack([cluster, lone])
    surface = density_surface(pts[:, 0], pts[:, 1], LAEA, bandwidth_m=1_000)
    # the surface integrates to the accidents it holds
    cell_km2 = (surface.cell_m / 1000) ** 2
    assert surface.density.sum() * cell_km2 == pytest.approx(10, rel=1e-3)
    peaks = hotspot_peaks(surface, pts[:, 0], pts[:, 1], np.ones(10))
    top = peaks.iloc[0]
    assert top["accidents"] == 8
    assert top["victims"] == 8
    # the top peak lies over the cluster: back-project and compare
    from pyproj import Transformer

    px, py = Transformer.from_crs("EPSG:4326", LAEA, always_xy=True).transform(
        top["lon"], top["lat"]
    )
    assert math.hypot(px - 20_000, py - 10_000) < 500
    assert len(peaks) == 3  # the cluster and the two lone accidents


def test_one_accident_peaks_at_the_gaussian_height() -> None:
    # A Gaussian of sigma 1 km peaks at 1 / (2 pi sigma²) accidents per km².
    surface = density_surface(np.array([0.0]), np.array([0.0]), LAEA, 1_000)
    assert surface.peak == pytest.approx(1 / (2 * math.pi), rel=0.02)


def test_a_misplaced_point_is_left_out_of_the_surface() -> None:
    x = np.array([0.0, 500.0, 800.0, 9_000_000.0])
    y = np.array([0.0, 200.0, -300.0, 0.0])
    surface = density_surface(x, y, LAEA, 1_000)
    assert (surface.used, surface.outliers) == (3, 1)
    assert surface.density.shape[1] * surface.cell_m < 20_000


def test_link_prefers_inside_then_nearest_then_lowest_id() -> None:
    hazards = np.array(
        [
            shapely.box(0, 0, 100, 100),  # id 7
            shapely.box(50, 50, 150, 150),  # id 3, overlaps 7
            shapely.box(1_000, 0, 1_100, 100),  # id 9
            None,  # id 11: no geometry yet
        ],
        dtype=object,
    )
    points = np.array(
        [
            shapely.Point(75, 75),  # in 7 and 3
            shapely.Point(10, 10),  # in 7 only
            shapely.Point(-300, 50),  # 300 m from 7, 350 m from 3
            shapely.Point(5_000, 0),  # far from all
            None,
        ],
        dtype=object,
    )
    links = link_accidents(
        np.arange(1, 6), points, np.array([7, 3, 9, 11]), hazards, 1_000
    )
    assert links["hazard_id"].tolist()[:3] == [3, 7, 7]
    assert links["distance_m"].tolist()[:3] == [0, 0, 300]
    assert links["relation"].tolist() == [
        "inside",
        "inside",
        "near",
        "none",
        "no_location",
    ]


def test_link_distance_zero_links_only_accidents_inside() -> None:
    hazards = np.array([shapely.box(0, 0, 100, 100)], dtype=object)
    points = np.array([shapely.Point(50, 50), shapely.Point(101, 50)], dtype=object)
    links = link_accidents(np.array([1, 2]), points, np.array([4]), hazards, 0)
    assert links["relation"].tolist() == ["inside", "none"]
