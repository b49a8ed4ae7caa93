# SPDX-License-Identifier: GPL-3.0-or-later
"""Record rules: each kind of bad input names its entity, record and field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
import pytest
from shapely import LineString, Point, Polygon, box

from demine.domain import records
from demine.domain.vocab import (
    ActivityStatus,
    Blockage,
    ContaminationType,
    HazardClass,
    HazardStatus,
    ReleaseKind,
)
from demine.errors import RecordError

TODAY = date(2025, 6, 1)
SQUARE = box(0, 0, 1, 1)
SPOT = Point(0.5, 0.5)


def hazard(**changes: Any) -> dict[str, Any]:
    return {
        "external_id": "AZ-H-0001",
        "name": "North of Aghdam",
        "hazard_class": "sha",
        "status": "open",
        "contamination": ["ap_mine", "uxo"],
        "evidence": "informant",
        "reliability": "medium",
        "land_use": "agriculture",
        "blockages": ["road"],
        "estimated_devices": 40,
        "reported_area_m2": 12_000.5,
        "recorded_on": "2021-03-15",
        "geom": SQUARE,
        **changes,
    }


def activity(**changes: Any) -> dict[str, Any]:
    return {
        "external_id": "ACT-12",
        "activity_type": "clearance",
        "status": "completed",
        "method": "manual",
        "start_date": date(2024, 4, 1),
        "end_date": date(2024, 9, 30),
        "hazard_id": "AZ-H-0001",
        "organisation_id": 3,
        **changes,
    }


def release(**changes: Any) -> dict[str, Any]:
    return {
        "kind": "cleared",
        "area_m2": 900.0,
        "depth_cm": 13,
        "released_on": "2024-09-30",
        "geom": SQUARE,
        **changes,
    }


def eo_item(**changes: Any) -> dict[str, Any]:
    return {
        "category": "ap_mine",
        "quantity": 2,
        "depth_cm": 5,
        "condition": "armed",
        "disposal": "in_situ",
        "found_on": "2024-05-02",
        "geom": SPOT,
        **changes,
    }


def accident(**changes: Any) -> dict[str, Any]:
    return {
        "accident_type": "non_demining",
        "occurred_on": "2023-11-20",
        "geom": SPOT,
        **changes,
    }


def victim(**changes: Any) -> dict[str, Any]:
    return {
        "sex": "male",
        "age": 34,
        "outcome": "injured",
        "status": "civilian",
        "activity": "agriculture",
        **changes,
    }


CHECKS: dict[str, tuple[Callable[..., dict[str, Any]], Callable[..., dict]]] = {
    "hazard": (records.check_hazard, hazard),
    "activity": (records.check_activity, activity),
    "release": (records.check_release, release),
    "eo_item": (records.check_eo_item, eo_item),
    "accident": (records.check_accident, accident),
    "victim": (records.check_victim, victim),
}


def run(entity: str, record: dict[str, Any], ref: str | int | None = 5) -> dict:
    check, _ = CHECKS[entity]
    if entity == "victim":
        return check(record, ref=ref)
    return check(record, today=TODAY, ref=ref)


@pytest.mark.parametrize("entity", list(CHECKS))
def test_good_records_pass(entity: str) -> None:
    _, make = CHECKS[entity]
    out = run(entity, make())
    assert set(out) == set(make())


def test_hazard_is_normalised() -> None:
    out = records.check_hazard(
        hazard(
            hazard_class="CHA",
            status="Worked on",
            contamination="AP mine; uxo, ap_mine",
            blockages=("Road", "cultural-site"),
            estimated_devices="40",
            reported_area_m2=np.float64(12.5),
            recorded_on=pd.Timestamp("2021-03-15 10:30"),
            land_use=None,
            evidence=float("nan"),
            reliability="  ",
            extra="kept",
        ),
        today=TODAY,
    )
    assert out["hazard_class"] is HazardClass.CHA
    assert out["status"] is HazardStatus.WORKED_ON
    assert out["contamination"] == [ContaminationType.AP_MINE, ContaminationType.UXO]
    assert out["blockages"] == [Blockage.ROAD, Blockage.CULTURAL_SITE]
    assert out["estimated_devices"] == 40
    assert isinstance(out["estimated_devices"], int)
    assert out["reported_area_m2"] == 12.5
    assert out["recorded_on"] == date(2021, 3, 15)
    assert "land_use" not in out
    assert "evidence" not in out
    assert "reliability" not in out
    assert out["extra"] == "kept"


def test_input_record_is_not_changed() -> None:
    record = hazard()
    before = dict(record)
    records.check_hazard(record, today=TODAY)
    assert record == before


def expect_error(
    entity: str, record: dict[str, Any], field: str, match: str | None = None
) -> RecordError:
    with pytest.raises(RecordError, match=match) as err:
        run(entity, record)
    assert err.value.entity == entity
    assert err.value.field == field
    return err.value


BAD: list[tuple[str, dict[str, Any], str, str]] = [
    # unknown enum values
    ("hazard", hazard(hazard_class="probable"), "hazard_class", "allowed: sha, cha"),
    ("hazard", hazard(status="done"), "status", "allowed: open"),
    ("hazard", hazard(contamination=["ap_mine", "napalm"]), "contamination", "ied"),
    ("hazard", hazard(blockages="road, airport"), "blockages", "airport"),
    ("hazard", hazard(land_use="moon"), "land_use", "grazing"),
    ("hazard", hazard(evidence=3), "evidence", "device_seen"),
    ("hazard", hazard(reliability="sure"), "reliability", "high"),
    ("activity", activity(activity_type="demining"), "activity_type", "bac"),
    ("activity", activity(method="robot"), "method", "mdd"),
    ("release", release(kind="demined"), "kind", "cancelled, reduced, cleared"),
    ("eo_item", eo_item(category="nuke"), "category", "submunition"),
    ("eo_item", eo_item(condition="fresh"), "condition", "armed"),
    ("eo_item", eo_item(disposal="buried"), "disposal", "in_situ"),
    ("accident", accident(accident_type="traffic"), "accident_type", "demining"),
    ("victim", victim(sex="x"), "sex", "female"),
    ("victim", victim(outcome="missing"), "outcome", "killed"),
    ("victim", victim(status="tourist"), "status", "deminer"),
    ("victim", victim(activity="flying"), "activity", "herding"),
    # missing required fields
    ("hazard", hazard(geom=None), "geom", "required"),
    ("hazard", hazard(hazard_class=""), "hazard_class", "required"),
    ("activity", activity(status=None), "status", "required"),
    ("activity", activity(hazard_id=None), "hazard_id", "required"),
    ("release", release(released_on=None), "released_on", "required"),
    ("release", release(depth_cm=None), "depth_cm", "required"),
    ("eo_item", eo_item(category=np.nan), "category", "required"),
    ("accident", accident(occurred_on=None), "occurred_on", "required"),
    ("victim", victim(outcome=None), "outcome", "required"),
    # impossible dates
    ("hazard", hazard(recorded_on="2025-06-02"), "recorded_on", "future"),
    ("hazard", hazard(recorded_on="15/03/2021"), "recorded_on", "not a date"),
    ("activity", activity(end_date="2024-03-31"), "end_date", "before it starts"),
    ("activity", activity(end_date="2025-07-01"), "end_date", "future"),
    (
        "activity",
        activity(status="ongoing", start_date="2025-07-01", end_date=None),
        "start_date",
        "future",
    ),
    ("release", release(released_on="2030-01-01"), "released_on", "future"),
    ("eo_item", eo_item(found_on=datetime(2026, 1, 1)), "found_on", "future"),
    ("accident", accident(occurred_on=np.datetime64("2031-01-01")), "occurred_on", ""),
    ("accident", accident(occurred_on=20231120), "occurred_on", "not a date"),
    # negative or impossible quantities
    ("hazard", hazard(estimated_devices=-1), "estimated_devices", "at least 0"),
    ("hazard", hazard(estimated_devices=2.5), "estimated_devices", "whole"),
    ("hazard", hazard(reported_area_m2=-10.0), "reported_area_m2", "at least 0"),
    ("hazard", hazard(reported_area_m2="a lot"), "reported_area_m2", "not a number"),
    ("hazard", hazard(reported_area_m2=float("inf")), "reported_area_m2", "number"),
    ("release", release(area_m2=-1), "area_m2", "at least 0"),
    ("release", release(depth_cm=-5), "depth_cm", "at least 0"),
    ("release", release(kind="cancelled", depth_cm=10), "depth_cm", "no depth"),
    ("eo_item", eo_item(quantity=0), "quantity", "at least 1"),
    ("eo_item", eo_item(quantity=1.5), "quantity", "whole"),
    ("eo_item", eo_item(quantity=True), "quantity", "not a number"),
    ("eo_item", eo_item(depth_cm=-2), "depth_cm", "at least 0"),
    ("victim", victim(age=-1), "age", "at least 0"),
    ("victim", victim(age=121), "age", "at most 120"),
    # geometry of the wrong kind
    ("hazard", hazard(geom=SPOT), "geom", "Polygon or MultiPolygon, got Point"),
    ("hazard", hazard(geom=Polygon()), "geom", "empty"),
    ("hazard", hazard(geom="POLYGON ((0 0, 1 0, 1 1, 0 0))"), "geom", "geometry"),
    ("release", release(geom=LineString([(0, 0), (1, 1)])), "geom", "LineString"),
    ("eo_item", eo_item(geom=SQUARE), "geom", "Point, got Polygon"),
    ("accident", accident(geom=SQUARE), "geom", "Point, got Polygon"),
    ("accident", accident(geom=None), "geom", "required"),
]


@pytest.mark.parametrize(
    ("entity", "record", "field", "match"),
    BAD,
    ids=[f"{e}-{f}-{m or 'any'}" for e, _, f, m in BAD],
)
def test_bad_input(entity: str, record: dict, field: str, match: str) -> None:
    expect_error(entity, record, field, match or None)


def test_error_names_external_id_else_ref() -> None:
    err = expect_error("hazard", hazard(status="done"), "status")
    assert err.record == "AZ-H-0001"
    assert str(err).startswith("hazard AZ-H-0001, field 'status': ")
    err = expect_error("release", release(kind="demined"), "kind")
    assert err.record == 5


def test_planned_activity_may_lie_in_the_future() -> None:
    out = records.check_activity(
        activity(status="planned", start_date="2026-01-01", end_date="2026-06-30"),
        today=TODAY,
    )
    assert out["status"] is ActivityStatus.PLANNED
    assert out["end_date"] == date(2026, 6, 30)


def test_ongoing_activity_may_plan_its_end() -> None:
    out = records.check_activity(
        activity(status="ongoing", end_date="2025-12-31"), today=TODAY
    )
    assert out["end_date"] == date(2025, 12, 31)


def test_eore_activity_needs_no_hazard() -> None:
    out = records.check_activity(
        activity(activity_type="eore", hazard_id=None), today=TODAY
    )
    assert "hazard_id" not in out


def test_reduced_depth_is_optional_and_eo_point_too() -> None:
    out = records.check_release(release(kind="reduced", depth_cm=None), today=TODAY)
    assert out["kind"] is ReleaseKind.REDUCED
    assert "geom" not in records.check_eo_item(eo_item(geom=None), today=TODAY)


def test_victim_age_may_be_unknown() -> None:
    assert "age" not in records.check_victim(victim(age=None))
    assert records.check_victim(victim(age="7"))["age"] == 7


@pytest.mark.parametrize(
    "value",
    [ReleaseKind.CLEARED, "cleared", "CLEARED", " Cleared ", "cleared\n"],
)
def test_parse_enum_accepts_any_case(value: object) -> None:
    assert records.parse_enum(ReleaseKind, value) is ReleaseKind.CLEARED


@pytest.mark.parametrize("value", ["clear", None, 3, ReleaseKind])
def test_parse_enum_rejects(value: object) -> None:
    with pytest.raises(RecordError) as err:
        records.parse_enum(
            ReleaseKind, value, entity="release", record="R-1", field="kind"
        )
    assert (err.value.entity, err.value.record, err.value.field) == (
        "release",
        "R-1",
        "kind",
    )
    assert "allowed: cancelled, reduced, cleared" in str(err.value)
