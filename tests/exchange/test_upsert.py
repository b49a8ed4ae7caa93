# SPDX-License-Identifier: GPL-3.0-or-later
"""Re-imports update by external id; dry runs count; status rules hold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from demine.errors import ImportRejectedError
from demine.exchange.importer import import_files
from demine.store.bulk import read_frame
from demine.store.database import Database
from tests.exchange.conftest import counts

POLY = '"POLYGON ((47.2 40.2, 47.21 40.2, 47.21 40.21, 47.2 40.21, 47.2 40.2))"'
HAZARDS = "external_id,hazard_class,status,estimated_devices,geometry\n"


def hazards(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "hazards.csv"
    path.write_text(HAZARDS + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def table(db: Database, name: str, columns: list[str]):  # type: ignore[no-untyped-def]
    with db.transaction() as conn:
        return read_frame(conn, name, columns).set_index("external_id")


def test_reimport_updates_instead_of_duplicating(db: Database, tmp_path: Path) -> None:
    rows = [f"H{i},sha,open,{i},{POLY}" for i in range(1, 4)]
    first = import_files(db, "hazard", [hazards(tmp_path, *rows)])
    assert first.counts["hazard"].inserted == 3
    rows[1] = f"H2,cha,open,20,{POLY}"
    again = import_files(db, "hazard", [hazards(tmp_path, *rows)])
    assert vars(again.counts["hazard"]) == {
        "inserted": 0,
        "updated": 1,
        "unchanged": 2,
        "withdrawn": 0,
    }
    got = table(
        db, "hazard", ["external_id", "hazard_class", "estimated_devices", "version"]
    )
    assert counts(db)["hazard"] == 3
    assert got.loc["H2", "hazard_class"] == "cha"
    assert got.loc["H2", "estimated_devices"] == 20
    assert got["version"].to_dict() == {"H1": 1, "H2": 2, "H3": 1}


def test_dry_run_counts_and_writes_nothing(db: Database, tmp_path: Path) -> None:
    import_files(db, "hazard", [hazards(tmp_path, f"H1,sha,open,1,{POLY}")])
    before = table(db, "hazard", ["external_id", "estimated_devices", "version"])
    path = hazards(tmp_path, f"H1,sha,open,5,{POLY}", f"H2,sha,open,1,{POLY}")
    result = import_files(db, "hazard", [path], dry_run=True)
    assert result.dry_run
    assert vars(result.counts["hazard"]) == {
        "inserted": 1,
        "updated": 1,
        "unchanged": 0,
        "withdrawn": 0,
    }
    after = table(db, "hazard", ["external_id", "estimated_devices", "version"])
    assert after.equals(before)


def test_release_closes_hazard_and_closure_is_final(
    tiny: Database, tmp_path: Path
) -> None:
    # HZ-2 is a 0.005° square; release all of it
    square = (
        '"POLYGON ((47.05 40.05, 47.055 40.05, 47.055 40.055, 47.05 40.055, '
        '47.05 40.05))"'
    )
    path = tmp_path / "releases.csv"
    path.write_text(
        "external_id,hazard,kind,released_on,depth_cm,geometry\n"
        f"R-ALL,HZ-2,cleared,2023-05-01,20,{square}\n",
        encoding="utf-8",
    )
    import_files(tiny, "release", [path])
    got = table(tiny, "hazard", ["external_id", "status", "closed_on", "remaining_m2"])
    assert got.loc["HZ-2", "status"] == "closed"
    assert str(got.loc["HZ-2", "closed_on"]) == "2023-05-01"
    assert got.loc["HZ-2", "remaining_m2"] < 1.0
    # a closed hazard takes no further release ...
    path.write_text(
        "external_id,hazard,kind,released_on,geometry\n"
        f"R-MORE,HZ-2,cancelled,2023-06-01,{square}\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRejectedError) as info:
        import_files(tiny, "release", [path])
    (problem,) = info.value.problems
    assert (problem.row, problem.field) == (2, "hazard")
    assert "closed hazard takes no further release" in problem.reason
    # ... and is never reopened
    reopen = tmp_path / "hazards.csv"
    reopen.write_text(
        "external_id,hazard_class,status\nHZ-2,sha,worked_on\n", encoding="utf-8"
    )
    with pytest.raises(ImportRejectedError) as info:
        import_files(tiny, "hazard", [reopen])
    assert "closed" in info.value.problems[0].reason


def test_confirmed_hazard_needs_technical_survey_to_become_suspected(
    tiny: Database, tmp_path: Path
) -> None:
    path = tmp_path / "hazards.csv"
    path.write_text(
        "external_id,hazard_class,status\nHZ-NEW,cha,open\n", encoding="utf-8"
    )
    import_files(tiny, "hazard", [path])
    path.write_text(
        "external_id,hazard_class,status\nHZ-NEW,sha,open\nHZ-1,sha,worked_on\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRejectedError) as info:
        import_files(tiny, "hazard", [path])
    # HZ-1 had a technical survey (ACT-TS-1); HZ-NEW had none
    assert [(p.row, p.field) for p in info.value.problems] == [(2, "hazard_class")]


def test_hazard_cannot_arrive_closed_with_land_unreleased(
    db: Database, tmp_path: Path
) -> None:
    with pytest.raises(ImportRejectedError) as info:
        import_files(db, "hazard", [hazards(tmp_path, f"H1,sha,closed,1,{POLY}")])
    assert "cannot be closed" in info.value.problems[0].reason
    assert counts(db)["hazard"] == 0


def test_closed_hazard_with_its_release_reimports_unchanged(
    db: Database, tmp_path: Path
) -> None:
    """The Bosnian cleared-area mapping: hazard and release from one row."""
    from demine.exchange.mapping import load_mapping
    from tests.exchange.conftest import MAPPINGS

    square = [
        [[17.0, 45.0], [17.01, 45.0], [17.01, 45.01], [17.0, 45.01], [17.0, 45.0]]
    ]
    features = [
        {
            "type": "Feature",
            "properties": {"typeArea": "Cleared Areas", "fileId": "2585-III"},
            "geometry": {"type": "Polygon", "coordinates": square} if i else None,
        }
        for i in range(2)
    ]
    path = tmp_path / "cleared.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    mapping = load_mapping(MAPPINGS / "bosnia_cleared_areas.yaml")
    first = import_files(db, "register", [path], mapping=mapping)
    assert first.counts["hazard"].inserted == 2
    got = table(db, "hazard", ["external_id", "status", "remaining_m2", "cleared_m2"])
    assert set(got["status"]) == {"closed"}
    assert got["cleared_m2"].max() > 800_000
    again = import_files(db, "register", [path], mapping=mapping)
    assert again.counts["hazard"].unchanged == 2
    assert again.counts["release"].unchanged == 2


def test_reimporting_a_survey_layer_keeps_status_earned_by_work(
    tiny: Database, tmp_path: Path
) -> None:
    # HZ-1 is worked on in the register; the survey file still says open
    path = tmp_path / "hazards.csv"
    path.write_text(
        "external_id,hazard_class,status\nHZ-1,cha,open\n", encoding="utf-8"
    )
    result = import_files(tiny, "hazard", [path])
    assert result.counts["hazard"].unchanged == 1
    assert "status is kept" in result.warnings[0]
