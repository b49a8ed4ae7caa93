# SPDX-License-Identifier: GPL-3.0-or-later
"""Adding records under the register's rules: bad input names record and field,
and nothing of a rejected batch is written."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import shapely
from sqlalchemy import func, select
from typer.testing import CliRunner

from demine.cli import app
from demine.errors import RecordError, TransitionError
from demine.store.database import Database
from demine.store.editing import add_records
from demine.store.schema import Hazard, Release

TODAY = dt.date(2025, 6, 1)
X0, Y0, D = 46.90, 39.90, 0.01
HAZARD = shapely.box(X0, Y0, X0 + D, Y0 + D)


def hazard(**over: Any) -> dict[str, Any]:
    row = {
        "external_id": "H-1",
        "hazard_class": "CHA",
        "status": "open",
        "contamination": "ap_mine; at_mine",
        "recorded_on": "2021-03-01",
        "geom": shapely.geometry.mapping(HAZARD),
    }
    row.update(over)
    return row


def release(kind: str, a: float, b: float, **over: Any) -> dict[str, Any]:
    row = {
        "hazard_id": 1,
        "kind": kind,
        "released_on": "2022-05-01",
        "geom": shapely.box(X0 + a * D, Y0, X0 + b * D, Y0 + D).wkt,
    }
    if kind == "cleared":
        row["depth_cm"] = 20
    row.update(over)
    return row


def count(db: Database, model: type) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_hazard_is_added_with_geodesic_area(db: Database) -> None:
    [hid] = add_records(db, "hazard", [hazard()], today=TODAY)
    with db.session() as s:
        h = s.get(Hazard, hid)
        assert h.geom.geom_type == "MultiPolygon"
        assert h.area_m2 == pytest.approx(h.remaining_m2)
        assert 800_000 < h.area_m2 < 1_000_000
        assert h.contamination == ["ap_mine", "at_mine"]
        assert h.min_lon == pytest.approx(X0)


def test_releases_update_ledger_and_close_the_hazard(db: Database) -> None:
    add_records(db, "hazard", [hazard()], today=TODAY)
    add_records(db, "release", [release("cancelled", 0, 0.5)], today=TODAY)
    with db.session() as s:
        h = s.get(Hazard, 1)
        assert h.status.value == "worked_on"
        assert h.cancelled_m2 == pytest.approx(h.area_m2 / 2, rel=1e-3)
    add_records(db, "release", [release("cleared", 0.5, 1.0)], today=TODAY)
    with db.session() as s:
        h = s.get(Hazard, 1)
        assert h.status.value == "closed"
        assert h.closed_on == dt.date(2022, 5, 1)
        # Slivers along the shared edges are noise, within 0.1% of the hazard.
        assert h.remaining_m2 < 0.001 * h.area_m2
    with pytest.raises(TransitionError, match=r"hazard 1, field 'status'.*closed"):
        add_records(db, "release", [release("cleared", 0, 0.1)], today=TODAY)
    assert count(db, Release) == 2


def test_suspended_hazard_takes_no_clearance(db: Database) -> None:
    add_records(db, "hazard", [hazard(status="suspended")], today=TODAY)
    with pytest.raises(TransitionError, match="suspended"):
        add_records(db, "release", [release("cleared", 0, 0.5)], today=TODAY)
    add_records(db, "release", [release("cancelled", 0, 0.5)], today=TODAY)
    assert count(db, Release) == 1


@pytest.mark.parametrize(
    ("kind", "row", "field", "words"),
    [
        ("hazard", hazard(hazard_class="maybe"), "hazard_class", "maybe"),
        ("hazard", hazard(status="gone"), "status", "gone"),
        ("hazard", hazard(contamination="ap_mine,lava"), "contamination", "lava"),
        ("hazard", hazard(recorded_on="2031-01-01"), "recorded_on", "future"),
        ("hazard", hazard(recorded_on="31/02/2021"), "recorded_on", "not a date"),
        ("hazard", hazard(reported_area_m2=-5), "reported_area_m2", "at least"),
        ("hazard", hazard(estimated_devices=-1), "estimated_devices", "at least"),
        ("hazard", hazard(geom="POINT (46.9 39.9)"), "geom", "Point"),
        ("hazard", hazard(geom="POLYGON ((46.9 39.9"), "geom", "unreadable"),
        ("hazard", hazard(colour="red"), "colour", "unknown field"),
        (
            "activity",
            {
                "activity_type": "clearance",
                "status": "completed",
                "hazard_id": 1,
                "start_date": "2022-05-01",
                "end_date": "2022-04-01",
            },
            "end_date",
            "before it starts",
        ),
        ("release", release("cleared", 0, 0.5, depth_cm=None), "depth_cm", "required"),
        ("release", release("cleared", 0, 0.5, depth_cm=-3), "depth_cm", "at least"),
        ("release", release("reduced", 0, 0.5, hazard_id=99), "hazard_id", "99"),
        ("eo_item", {"category": "ap_mine", "quantity": 0}, "quantity", "at least"),
        (
            "accident",
            {
                "accident_type": "demining",
                "occurred_on": "2022-01-01",
                "geom": HAZARD.wkt,
            },
            "geom",
            "Polygon",
        ),
        ("victim", {"outcome": "killed", "age": 130}, "age", "at most"),
    ],
)
def test_bad_input_names_record_and_field(
    db: Database, kind: str, row: dict[str, Any], field: str, words: str
) -> None:
    if kind != "hazard":
        add_records(db, "hazard", [hazard()], today=TODAY)
    before = count(db, Hazard), count(db, Release)
    with pytest.raises(RecordError) as info:
        add_records(db, kind, [row], today=TODAY)
    assert info.value.field == field
    assert f"field '{field}'" in str(info.value)
    assert words in str(info.value)
    assert (count(db, Hazard), count(db, Release)) == before


def test_a_bad_row_rejects_the_whole_batch(db: Database) -> None:
    rows = [hazard(external_id=f"H-{i}") for i in range(5)]
    rows[3]["hazard_class"] = "unknown"
    with pytest.raises(RecordError, match="hazard H-3"):
        add_records(db, "hazard", rows, today=TODAY)
    assert count(db, Hazard) == 0


def test_add_command_reads_geojson(db_url: str, tmp_path) -> None:
    runner = CliRunner()
    runner.invoke(app, ["init", "--db", db_url])
    feature = {
        "type": "Feature",
        "id": "BHMAC-1",
        "properties": {"hazard_class": "sha", "status": "open"},
        "geometry": shapely.geometry.mapping(HAZARD),
    }
    path = tmp_path / "h.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    result = runner.invoke(app, ["add", "hazard", str(path), "--db", db_url, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"kind": "hazard", "ids": [1], "warnings": []}
    bad = tmp_path / "bad.json"
    bad.write_text('[{"hazard_class": "sha"')
    result = runner.invoke(app, ["add", "hazard", str(bad), "--db", db_url])
    assert result.exit_code == 1
    assert "not JSON" in result.output
