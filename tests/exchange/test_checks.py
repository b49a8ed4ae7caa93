# SPDX-License-Identifier: GPL-3.0-or-later
"""The column-wise import checks agree with the per-record domain rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest
import shapely

from demine.domain import records
from demine.errors import RecordError
from demine.exchange.checks import CheckOptions, Problems, check_table
from demine.exchange.entities import entity

TODAY = dt.date(2024, 6, 1)
SQUARE = shapely.box(47, 40, 47.01, 40.01)
POINT = shapely.Point(47, 40)

CASES: dict[str, list[dict[str, Any]]] = {
    "hazard": [
        {"hazard_class": "sha", "status": "open", "geom": SQUARE},
        {"hazard_class": "CHA", "status": "Worked on", "geom": SQUARE},
        {"hazard_class": "xha", "status": "open", "geom": SQUARE},
        {
            "hazard_class": "sha",
            "status": "open",
            "geom": SQUARE,
            "contamination": "ap_mine; AT-mine",
        },
        {
            "hazard_class": "sha",
            "status": "open",
            "geom": SQUARE,
            "contamination": "ap_mine, nuke",
        },
        {
            "hazard_class": "sha",
            "status": "open",
            "geom": SQUARE,
            "estimated_devices": -1,
        },
        {
            "hazard_class": "sha",
            "status": "open",
            "geom": SQUARE,
            "estimated_devices": 2.5,
        },
        {
            "hazard_class": "sha",
            "status": "open",
            "geom": SQUARE,
            "recorded_on": "2025-01-01",
        },
        {
            "hazard_class": "sha",
            "status": "open",
            "geom": SQUARE,
            "recorded_on": "2023-13-01",
        },
        {"hazard_class": "sha", "status": "open", "geom": POINT},
        {"hazard_class": "sha", "status": None, "geom": SQUARE},
        {"hazard_class": "sha", "status": "open", "geom": SQUARE, "land_use": "farm"},
    ],
    "activity": [
        {"activity_type": "nts", "status": "completed", "start_date": "2024-01-01"},
        {"activity_type": "nts", "status": "planned", "start_date": "2025-01-01"},
        {"activity_type": "nts", "status": "ongoing", "start_date": "2025-01-01"},
        {"activity_type": "nts", "status": "completed", "end_date": "2025-01-01"},
        {"activity_type": "nts", "status": "ongoing", "end_date": "2025-01-01"},
        {
            "activity_type": "nts",
            "status": "completed",
            "start_date": "2024-02-01",
            "end_date": "2024-01-01",
        },
        {"activity_type": "clearance", "status": "ongoing"},
        {"activity_type": "clearance", "status": "ongoing", "hazard_id": 1},
        {"activity_type": "nts", "status": "done"},
    ],
    "release": [
        {"kind": "cancelled", "released_on": "2024-01-01", "geom": SQUARE},
        {
            "kind": "cancelled",
            "released_on": "2024-01-01",
            "geom": SQUARE,
            "depth_cm": 10,
        },
        {"kind": "cleared", "released_on": "2024-01-01", "geom": SQUARE},
        {
            "kind": "cleared",
            "released_on": "2024-01-01",
            "geom": SQUARE,
            "depth_cm": 13,
        },
        {
            "kind": "reduced",
            "released_on": "2024-01-01",
            "geom": SQUARE,
            "depth_cm": -1,
        },
        {"kind": "reduced", "released_on": None, "geom": SQUARE},
        {"kind": "reduced", "released_on": "2030-01-01", "geom": SQUARE},
    ],
    "eo_item": [
        {"category": "ap_mine", "quantity": 1},
        {"category": "ap_mine", "quantity": 0},
        {"category": "AP mine", "quantity": 3, "geom": POINT},
        {"category": "ap_mine", "geom": SQUARE},
        {"category": "ap_mine", "condition": "live"},
        {"category": None},
        {"category": "uxo", "depth_cm": "deep"},
    ],
    "accident": [
        {"accident_type": "demining", "occurred_on": "2024-01-01", "geom": POINT},
        {"accident_type": "demining", "occurred_on": None, "geom": POINT},
        {"accident_type": "traffic", "occurred_on": "2024-01-01", "geom": POINT},
    ],
    "victim": [
        {"outcome": "killed", "sex": "female", "age": 30},
        {"outcome": "killed", "age": 121},
        {"outcome": "killed", "age": -1},
        {"outcome": "hurt"},
        {"outcome": None},
        {"outcome": "injured", "activity": "Herding", "status": "Deminer"},
    ],
}
CHECKS = {
    "hazard": records.check_hazard,
    "activity": records.check_activity,
    "release": records.check_release,
    "eo_item": records.check_eo_item,
    "accident": records.check_accident,
    "victim": records.check_victim,
}


def _domain_ok(kind: str, record: dict[str, Any]) -> bool:
    check = CHECKS[kind]
    try:
        if kind == "victim":
            check(record)
        else:
            check(record, today=TODAY)
    except RecordError:
        return False
    return True


def _import_frame(kind: str, cases: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(cases, dtype=object)
    if "hazard_id" in frame:
        frame = frame.rename(columns={"hazard_id": "hazard"})
    return frame.astype(object).where(frame.notna(), None)


@pytest.mark.parametrize("kind", list(CASES))
def test_import_checks_agree_with_domain_rules(kind: str) -> None:
    cases = CASES[kind]
    frame = _import_frame(kind, cases)
    rows = pd.RangeIndex(1, len(cases) + 1).to_numpy()
    problems = Problems("cases", rows)
    # The record they belong to is a reference, checked against the register.
    optional = frozenset({"release": {"hazard"}, "victim": {"accident"}}.get(kind, ()))
    check_table(entity(kind), frame, problems, CheckOptions(TODAY, optional))
    rejected = {p.row for p in problems.items}
    for n, record in enumerate(cases, start=1):
        assert _domain_ok(kind, record) == (n not in rejected), (kind, record)
