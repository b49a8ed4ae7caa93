# SPDX-License-Identifier: GPL-3.0-or-later
"""Bad input is refused with file, row, field and value named; nothing written."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from demine.errors import ImportRejectedError, SourceError
from demine.exchange.formats import ReadOptions
from demine.exchange.importer import import_files
from demine.exchange.mapping import parse_mapping
from demine.store.database import Database
from tests.exchange.conftest import counts

HEADER = "external_id,hazard_class,status,recorded_on,estimated_devices,lon,lat"
MAPPING = parse_mapping(
    {
        "kind": "hazard",
        "fields": {
            "external_id": "external_id",
            "hazard_class": "hazard_class",
            "status": "status",
            "recorded_on": "recorded_on",
            "estimated_devices": "estimated_devices",
            "benchmark": {"lon": "lon", "lat": "lat"},
        },
    }
)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def csv_rows(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


GOOD = "HZ-1,sha,open,2021-03-04,10,47.0,40.0"


def rejected(db: Database, path: Path, **kw: object) -> ImportRejectedError:
    before = counts(db)
    with pytest.raises(ImportRejectedError) as info:
        import_files(db, "hazard", [path], mapping=MAPPING, **kw)  # type: ignore[arg-type]
    assert counts(db) == before, "the register changed"
    return info.value


def refused(
    db: Database, path: Path, kind: str = "hazard", **kw: object
) -> SourceError:
    before = counts(db)
    with pytest.raises(SourceError) as info:
        import_files(db, kind, [path], **kw)  # type: ignore[arg-type]
    assert counts(db) == before, "the register changed"
    return info.value


def test_every_bad_row_is_reported_with_row_field_value(
    shared_db: Database, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "hazards.csv",
        csv_rows(
            GOOD,
            "HZ-2,suspected-ish,open,2021-03-04,10,47.0,40.0",  # unknown vocabulary
            "HZ-3,sha,open,31/12/2019,10,47.0,40.0",  # date format not declared
            "HZ-4,sha,open,2021-03-04,-3,47.0,40.0",  # negative
            "HZ-5,sha,open,2099-01-01,2.5,47.0,40.0",  # future, fraction
            "HZ-6,,open,2021-03-04,1,47.0,40.0",  # required missing
        ),
    )
    error = rejected(shared_db, path)
    found = {(p.row, p.field, str(p.value)) for p in error.problems}
    assert (3, "hazard_class", "suspected-ish") in found
    assert (4, "recorded_on", "31/12/2019") in found
    assert (5, "estimated_devices", "-3") in found
    assert (6, "recorded_on", "2099-01-01") in found
    assert (6, "estimated_devices", "2.5") in found
    assert (7, "hazard_class", "") in found
    assert all(p.file == str(path) for p in error.problems)
    unknown = next(
        p for p in error.problems if p.field == "hazard_class" and p.row == 3
    )
    assert "allowed: sha, cha" in unknown.reason
    assert "hazards.csv, row 3, field 'hazard_class', value 'suspected-ish'" in str(
        unknown
    )


def test_coordinates_out_of_range(shared_db: Database, tmp_path: Path) -> None:
    path = write(
        tmp_path / "h.csv",
        csv_rows(GOOD, "HZ-2,sha,open,2021-03-04,1,480123.5,4427000"),
    )
    error = rejected(shared_db, path)
    (problem,) = error.problems
    assert problem.row == 3
    assert problem.field == "benchmark"
    assert "out of range" in problem.reason
    assert "480123" in problem.reason


def test_swapped_coordinates_are_no_reason_to_refuse(
    shared_db: Database, tmp_path: Path
) -> None:
    # lat/lon exchanged: still a place on Earth, so a quality problem that
    # `demine validate` reports, not bad input
    path = write(tmp_path / "h.csv", csv_rows("HZ-1,sha,open,2021-03-04,1,40.0,47.0"))
    result = import_files(shared_db, "hazard", [path], mapping=MAPPING, dry_run=True)
    assert result.counts["hazard"].inserted == 1


def test_duplicated_external_ids_in_one_file(
    shared_db: Database, tmp_path: Path
) -> None:
    path = write(tmp_path / "h.csv", csv_rows(GOOD, GOOD.replace("10,", "11,")))
    error = rejected(shared_db, path)
    assert {(p.row, p.field) for p in error.problems} == {
        (2, "external_id"),
        (3, "external_id"),
    }
    assert "also" in error.problems[0].reason
    assert "row 3" in error.problems[0].reason


def test_missing_required_column(shared_db: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "h.csv", "external_id,status\nHZ-1,open\n")
    error = refused(shared_db, path)
    assert error.field == "hazard_class"
    assert "required" in error.reason


def test_mapping_names_a_column_the_file_lacks(
    shared_db: Database, tmp_path: Path
) -> None:
    path = write(tmp_path / "h.csv", "external_id,hazard_class,status\nH,sha,open\n")
    before = counts(shared_db)
    with pytest.raises(SourceError) as info:
        import_files(shared_db, "hazard", [path], mapping=MAPPING)
    assert counts(shared_db) == before
    assert "recorded_on" in str(info.value)
    assert "no such column" in str(info.value)


def test_truncated_csv(shared_db: Database, tmp_path: Path) -> None:
    text = csv_rows(GOOD, "HZ-2,sha,open,2021-03-04,10,47.0,40.0")
    path = write(tmp_path / "h.csv", text[: text.rindex(",40.0")])
    error = refused(shared_db, path)
    assert error.row == 3
    assert "truncated" in error.reason


def test_truncated_quoted_csv(shared_db: Database, tmp_path: Path) -> None:
    text = csv_rows(GOOD, 'HZ-2,sha,open,2021-03-04,10,47.0,"40.0')
    error = refused(shared_db, write(tmp_path / "h.csv", text))
    assert "truncated" in error.reason or "quote" in error.reason


def test_wrong_encoding_names_row_field_value(
    shared_db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "h.csv"
    path.write_bytes(
        b"external_id,hazard_class,status,name\nHZ-1,sha,open,Aghdam\n"
        + "HZ-2,sha,open,Belén\n".encode("latin-1")
    )
    error = refused(shared_db, path)
    assert (error.row, error.field) == (3, "name")
    assert "Bel" in str(error.value)
    assert "encoding" in error.reason
    # with the right encoding declared it loads
    result = import_files(
        shared_db, "hazard", [path], read=_read(encoding="latin-1"), dry_run=True
    )
    assert result.counts["hazard"].inserted == 2


def _read(**kw: str) -> ReadOptions:
    return ReadOptions(**kw)


def test_utf8_file_declared_latin1_is_refused(
    shared_db: Database, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "h.csv", "external_id,hazard_class,status,name\nH,sha,open,Belén\n"
    )
    error = refused(shared_db, path, read=_read(encoding="latin-1"))
    assert "UTF-8" in error.reason


def test_malformed_geojson(shared_db: Database, tmp_path: Path) -> None:
    features = [
        {
            "type": "Feature",
            "properties": {
                "external_id": f"H{i}",
                "hazard_class": "sha",
                "status": "open",
            },
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[47, 40], [47.1, 40], [47, 40.1], [47, 40]]],
            },
        }
        for i in range(5)
    ]
    text = json.dumps({"type": "FeatureCollection", "features": features}, indent=1)
    path = write(tmp_path / "h.geojson", text[: len(text) * 2 // 3])
    error = refused(shared_db, path)
    assert "truncated" in str(error)
    assert "feature" in str(error)
    # GDAL's parser text is not the user's words.
    assert "Failed to read" not in str(error)


def test_geojson_in_latin1(shared_db: Database, tmp_path: Path) -> None:
    text = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {
                        "external_id": "H1",
                        "hazard_class": "sha",
                        "status": "open",
                        "name": "Belén",
                    },
                    "geometry": None,
                }
            ],
        },
        ensure_ascii=False,
    )
    path = write(tmp_path / "h.geojson", text, encoding="latin-1")
    error = refused(shared_db, path)
    assert error.field == "name"
    assert error.row == 1
    assert "Bel" in str(error.value)


@pytest.mark.filterwarnings("ignore:GPKG. bad application_id")
def test_truncated_xlsx_and_gpkg(shared_db: Database, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["external_id", "hazard_class", "status"])
    book.active.append(["H1", "sha", "open"])
    book.save(tmp_path / "full.xlsx")
    data = (tmp_path / "full.xlsx").read_bytes()
    path = tmp_path / "h.xlsx"
    path.write_bytes(data[: len(data) // 2])
    assert "XLSX" in refused(shared_db, path).reason
    gpkg = tmp_path / "h.gpkg"
    gpkg.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    assert "cannot" in refused(shared_db, gpkg).reason


def test_broken_zip_of_shapefile(shared_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "h.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("h.shp", b"\x00\x00\x27\x0a" + b"\x00" * 20)
    refused(shared_db, path)


def test_unknown_reference_and_wrong_geometry_type(
    shared_db: Database, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "releases.csv",
        "external_id,hazard,kind,released_on,geometry\n"
        "R1,NO-SUCH-HAZARD,cancelled,2022-01-01,"
        '"POLYGON ((47 40, 47.1 40, 47 40.1, 47 40))"\n'
        'R2,NO-SUCH-HAZARD,cancelled,2022-01-01,"POINT (47 40)"\n'
        'R3,NO-SUCH-HAZARD,cancelled,2022-01-01,"POLYGON ((47 40, 47.1"\n',
    )
    before = counts(shared_db)
    with pytest.raises(ImportRejectedError) as info:
        import_files(shared_db, "release", [path])
    assert counts(shared_db) == before
    found = {(p.row, p.field): p.reason for p in info.value.problems}
    assert "Point given where a polygon is expected" in found[(3, "geom")]
    assert "not readable" in found[(4, "geom")]
    # references are resolved once the rows themselves are sound
    path = write(
        tmp_path / "releases.csv",
        "external_id,hazard,kind,released_on\nR1,NO-SUCH-HAZARD,cancelled,2022-01-01\n",
    )
    with pytest.raises(ImportRejectedError) as info:
        import_files(shared_db, "release", [path])
    (problem,) = info.value.problems
    assert (problem.row, problem.field, problem.value) == (
        2,
        "hazard",
        "NO-SUCH-HAZARD",
    )
    assert "no hazard" in problem.reason


def test_one_bad_row_among_many_files_writes_nothing(
    shared_db: Database, tmp_path: Path
) -> None:
    good = write(tmp_path / "a.csv", csv_rows(GOOD))
    bad = write(tmp_path / "b.csv", csv_rows("HZ-9,sha,opened,2021-03-04,1,47,40"))
    before = counts(shared_db)
    with pytest.raises(ImportRejectedError) as info:
        import_files(shared_db, "hazard", [good, bad], mapping=MAPPING)
    assert counts(shared_db) == before
    assert [p.file for p in info.value.problems] == [str(bad)]
