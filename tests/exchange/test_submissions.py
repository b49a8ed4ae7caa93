# SPDX-License-Identifier: GPL-3.0-or-later
"""ODK Central and KoBoToolbox exports of the forms load as submitted records."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from demine.errors import ImportRejectedError, SourceError
from demine.exchange.submissions import import_submissions, odk_geometry
from demine.store.bulk import read_frame
from demine.store.database import Database
from tests.exchange.conftest import counts


def rows(db: Database, table: str, columns: list[str]):  # type: ignore[no-untyped-def]
    with db.transaction() as conn:
        return read_frame(conn, table, columns)


def csv_text(header: list[str], *records: list[object], sep: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep)
    writer.writerow(header)
    writer.writerows(records)
    return out.getvalue()


def central_accident_zip(path: Path, outcome: str = "injured") -> Path:
    main = csv_text(
        [
            "SubmissionDate",
            "demine_form",
            "organisation",
            "team",
            "accident_date",
            "accident_type",
            "location-Latitude",
            "location-Longitude",
            "location-Altitude",
            "location-Accuracy",
            "model",
            "hazard_ref",
            "description",
            "meta-instanceID",
            "KEY",
            "ReviewState",
        ],
        [
            "2024-05-02T10:00:00Z",
            "demine_accident",
            "ANAMA",
            "",
            "2024-05-01",
            "non_demining",
            "40.001",
            "47.001",
            "0",
            "5",
            "PMN-2",
            "HZ-1",
            "Shepherd",
            "uuid:acc-1",
            "uuid:acc-1",
            "",
        ],
    )
    victims = csv_text(
        [
            "sex",
            "age",
            "outcome",
            "victim_status",
            "victim_activity",
            "PARENT_KEY",
            "KEY",
        ],
        [
            "male",
            "15",
            outcome,
            "civilian",
            "herding",
            "uuid:acc-1",
            "uuid:acc-1/victims[1]",
        ],
        [
            "male",
            "",
            "killed",
            "civilian",
            "herding",
            "uuid:acc-1",
            "uuid:acc-1/victims[2]",
        ],
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("demine_accident.csv", main)
        archive.writestr("demine_accident-victims.csv", victims)
    return path


def test_central_csv_zip_with_repeats(tiny: Database, tmp_path: Path) -> None:
    path = central_accident_zip(tmp_path / "demine_accident.zip")
    result = import_submissions(tiny, [path])
    assert result.counts["accident"].inserted == 1
    assert result.counts["victim"].inserted == 2
    accidents = rows(
        tiny, "accident", ["external_id", "review_state", "geom", "eo_model_id"]
    )
    new = accidents[accidents["external_id"] == "uuid:acc-1"].iloc[0]
    assert new["review_state"] == "submitted"
    assert new["eo_model_id"] == 1
    assert (new["geom"].x, new["geom"].y) == (47.001, 40.001)
    victims = rows(tiny, "victim", ["external_id", "age", "outcome"])
    assert set(victims["external_id"]) >= {
        "uuid:acc-1/victims/1",
        "uuid:acc-1/victims/2",
    }
    again = import_submissions(tiny, [path])
    assert again.counts["victim"].unchanged == 2
    assert again.counts["victim"].updated == 0


def test_a_bad_answer_names_file_row_field(tiny: Database, tmp_path: Path) -> None:
    path = central_accident_zip(tmp_path / "demine_accident.zip", outcome="hurt")
    before = counts(tiny)
    with pytest.raises(ImportRejectedError) as info:
        import_submissions(tiny, [path])
    assert counts(tiny) == before
    (problem,) = info.value.problems
    assert (problem.row, problem.field, problem.value) == (2, "outcome", "hurt")
    assert "victims" in str(problem.file)


def test_kobo_json_nts(db: Database, tmp_path: Path) -> None:
    shape = "40.0 47.0 0 0;40.0 47.01 0 0;40.01 47.01 0 0;40.01 47.0 0 0;40.0 47.0 0 0"
    data = {
        "count": 1,
        "results": [
            {
                "_id": 7,
                "_uuid": "k-1",
                "demine_form": "demine_nts",
                "organisation": "",
                "survey_date": "2024-05-01",
                "hazard_name": "Orchard",
                "hazard_class": "sha",
                "contamination": "ap_mine at_mine",
                "evidence": "informant",
                "blockages": "agriculture",
                "beneficiaries/women": "3",
                "beneficiaries/men": "4",
                "area": shape,
                "benchmark": "40.0 47.0 0 0",
                "meta/instanceID": "uuid:k-1",
                "_geolocation": [40.0, 47.0],
            }
        ],
    }
    path = tmp_path / "nts.json"
    data["results"][0]["organisation"] = "X"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ImportRejectedError) as info:
        import_submissions(db, [path])
    # the hazard's reporter and the survey's organisation, both from it
    assert {(p.row, p.field) for p in info.value.problems} == {
        (1, "organisation"),
        (1, "reported_by"),
    }
    assert "no organisation" in info.value.problems[0].reason
    org = tmp_path / "organisations.csv"
    org.write_text(
        "external_id,name,acronym,org_type\nO1,Xyz,X,ngo\n", encoding="utf-8"
    )
    from demine.exchange.importer import import_files

    import_files(db, "organisation", [org])
    result = import_submissions(db, [path])
    assert result.counts["hazard"].inserted == 1
    assert result.counts["activity"].inserted == 1
    hazard = rows(
        db, "hazard", ["external_id", "contamination", "women", "geom", "status"]
    )
    assert hazard["contamination"][0] == ["ap_mine", "at_mine"]
    assert hazard["women"][0] == 3
    assert hazard["geom"][0].geom_type == "MultiPolygon"
    activity = rows(db, "activity", ["activity_type", "hazard_id", "start_date"])
    assert activity["activity_type"][0] == "nts"


def test_central_json_clearance_with_nested_items(
    tiny: Database, tmp_path: Path
) -> None:
    data = {
        "value": [
            {
                "__id": "uuid:c-1",
                "demine_form": "demine_clearance",
                "organisation": "HALO",
                "task_id": "ACT-CL-1",
                "hazard_ref": "HZ-1",
                "work_type": "clearance",
                "method": "manual",
                "task_status": "ongoing",
                "report_date": "2023-02-01",
                "team_days": 3,
                "released_kind": "cleared",
                "released_area": {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [47.0, 40.0, 0],
                            [47.001, 40.0, 0],
                            [47.001, 40.001, 0],
                            [47.0, 40.0, 0],
                        ]
                    ],
                },
                "depth_cm": 20,
                "items": [
                    {
                        "category": "ap_mine",
                        "model": "PMN-2",
                        "quantity": 2,
                        "item_location": {
                            "type": "Point",
                            "coordinates": [47.0005, 40.0002, 0],
                        },
                    },
                    {"category": "uxo", "quantity": 1},
                ],
                "meta": {"instanceID": "uuid:c-1"},
                "__system": {"submitterName": "clerk"},
            }
        ]
    }
    path = tmp_path / "clearance.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = import_submissions(tiny, [path])
    assert result.counts["activity"].updated == 1  # ACT-CL-1 exists: its status etc.
    assert result.counts["release"].inserted == 1
    assert result.counts["eo_item"].inserted == 2
    items = rows(tiny, "eo_item", ["external_id", "quantity", "activity_id", "geom"])
    mine = items[items["external_id"] == "uuid:c-1/items/1"].iloc[0]
    assert mine["quantity"] == 2
    assert mine["activity_id"] == 2


def test_kobo_csv_and_xlsx(tiny: Database, tmp_path: Path) -> None:
    eore = csv_text(
        [
            "start",
            "demine_form",
            "organisation",
            "session_date",
            "eore_method",
            "place",
            "location",
            "_location_latitude",
            "_location_longitude",
            "beneficiaries/women",
            "beneficiaries/men",
            "beneficiaries/girls",
            "beneficiaries/boys",
            "meta/instanceID",
            "_uuid",
        ],
        [
            "x",
            "demine_eore",
            "ANAMA",
            "2024-04-01",
            "face_to_face",
            "Quzanlı",
            "40.2 47.1 0 0",
            "40.2",
            "47.1",
            "10",
            "5",
            "20",
            "21",
            "uuid:e-1",
            "e-1",
        ],
        sep=";",
    )
    path = tmp_path / "eore.csv"
    path.write_text(eore, encoding="utf-8")
    result = import_submissions(tiny, [path])
    assert result.counts["eore_session"].inserted == 1
    book = Workbook()
    main = book.active
    main.title = "demine_eo_found"
    main.append(
        [
            "demine_form",
            "organisation",
            "found_date",
            "category",
            "quantity",
            "location",
            "meta/instanceID",
            "_index",
        ]
    )
    main.append(
        [
            "demine_eo_found",
            "ANAMA",
            "2024-03-03",
            "at_mine",
            1,
            "40.1 47.1 0 0",
            "uuid:x-1",
            1,
        ]
    )
    xlsx = tmp_path / "eo.xlsx"
    book.save(xlsx)
    result = import_submissions(tiny, [xlsx])
    assert result.counts["eo_item"].inserted == 1


def test_unknown_form_and_geometry_parsing(tiny: Database, tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"results": [{"_uuid": "1", "a": "b"}]}))
    with pytest.raises(SourceError, match="which form"):
        import_submissions(tiny, [path])
    assert odk_geometry("40 47 0 0", "geopoint").coords[0] == (47.0, 40.0)
    shape = odk_geometry("40 47;40 47.1;40.1 47.1", "geoshape")
    assert shape.is_valid
    assert shape.exterior.is_closed
    assert odk_geometry("garbage", "geopoint") == "garbage"
