# SPDX-License-Identifier: GPL-3.0-or-later
"""Column mappings: other people's columns, values, languages, formats, CRSs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
import yaml

from demine.errors import ImportRejectedError, SourceError
from demine.exchange.importer import import_files
from demine.exchange.mapping import load_mapping, parse_mapping
from demine.exchange.parsing import DateFormat, NumberFormat, date_from_parts
from demine.store.bulk import read_frame
from demine.store.database import Database
from demine.store.loading import load_register
from tests.exchange.conftest import MAPPINGS, counts, tiny_frames


def rows(db: Database, table: str, columns: list[str]) -> pd.DataFrame:
    with db.transaction() as conn:
        return read_frame(conn, table, columns)


def test_local_numbers() -> None:
    values = pd.Series(["1.234,5", "2,006", " 7 ", "", "1.5", "x"])
    numbers, bad = NumberFormat(decimal=",", thousands=".").parse(values)
    assert numbers[:3].tolist() == [1234.5, 2.006, 7.0]
    assert np.isnan(numbers[3])
    assert not bad[3]
    assert bad[4]
    assert bad[5]
    hectares, _ = NumberFormat(decimal=",", scale=10_000).parse(pd.Series(["1,5"]))
    assert hectares.tolist() == [15_000.0]
    # spreadsheet cells come typed
    typed, bad = NumberFormat().parse(pd.Series([3, 2.5, None], dtype=object))
    assert typed[:2].tolist() == [3.0, 2.5]
    assert not bad.any()


def test_local_dates() -> None:
    values = pd.Series(["31/12/2019", "1/2/2020", "2020-02-30", ""])
    dates, bad = DateFormat(("%d/%m/%Y",)).parse(values)
    assert dates[:2].tolist() == [dt.date(2019, 12, 31), dt.date(2020, 2, 1)]
    assert bad.tolist() == [False, False, True, False]
    years, bad = DateFormat(("year",)).parse(
        pd.Series(["2,006", "2006", 2007.0, "20x6"])
    )
    assert years[:3].tolist() == [
        dt.date(2006, 1, 1),
        dt.date(2006, 1, 1),
        dt.date(2007, 1, 1),
    ]
    assert bad.tolist() == [False, False, False, True]
    excel, _ = DateFormat(("excel",)).parse(pd.Series([43830]))
    assert excel.tolist() == [dt.date(2019, 12, 31)]
    ends, bad = date_from_parts(
        pd.Series(["2010", "2012"]), pd.Series(["2", "13"]), "last"
    )
    assert ends[0] == np.datetime64("2010-02-28")
    assert bad.tolist() == [False, True]


VICTIMS_CSV = """\
id;accidente;fecha;sexo;edad;estado;actividad
V1;ACC-1;31/12/2019;Hombre;34;Herido;Agricultura
V2;ACC-1;31/12/2019;Mujer;;Muerto;
"""
VICTIMS_MAPPING = {
    "source": {"delimiter": ";"},
    "kind": "victim",
    "fields": {
        "external_id": "id",
        "accident": "accidente",
        "sex": {"column": "sexo", "values": {"Hombre": "male", "Mujer": "female"}},
        "age": "edad",
        "outcome": {
            "column": "estado",
            "values": {"herido": "injured", "Muerto": "killed"},
        },
        "activity": {
            "column": "actividad",
            "values": {"Agricultura": "agriculture"},
            "default": "unknown",
        },
        "status": {"value": "civilian"},
    },
}


def test_value_maps_and_constants(tiny: Database, tmp_path: Path) -> None:
    path = tmp_path / "victimas.csv"
    path.write_text(VICTIMS_CSV, encoding="utf-8")
    data = dict(VICTIMS_MAPPING)
    data["fields"] = dict(VICTIMS_MAPPING["fields"])
    data["fields"]["external_id"] = "{id}-new"
    import_files(tiny, "victim", [path], mapping=parse_mapping(data))
    got = rows(tiny, "victim", ["external_id", "sex", "age", "outcome", "activity"])
    got = got[got["external_id"].str.endswith("-new")].reset_index(drop=True)
    assert got["sex"].tolist() == ["male", "female"]
    assert got["outcome"].tolist() == ["injured", "killed"]  # keys match any case
    assert got["activity"].tolist() == ["agriculture", "unknown"]
    assert got["age"].tolist()[0] == 34
    assert pd.isna(got["age"].tolist()[1])


def test_unmapped_value_is_an_unknown_vocabulary_value(
    tiny: Database, tmp_path: Path
) -> None:
    path = tmp_path / "victimas.csv"
    path.write_text(VICTIMS_CSV.replace("Herido", "Ileso"), encoding="utf-8")
    with pytest.raises(ImportRejectedError) as info:
        import_files(tiny, "victim", [path], mapping=parse_mapping(VICTIMS_MAPPING))
    (problem,) = info.value.problems
    assert (problem.row, problem.field, problem.value) == (2, "outcome", "Ileso")


def test_targets_split_rows_by_a_code_and_unmatched_rows_are_errors(
    db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "eventos.csv"
    path.write_text(
        "TIPO_EVENTO,AÑO,X,Y,MUNICIPIO,DEPARTAMENTO,TIPO_AREA\n"
        '1,"2,006",-75.1,6.2,ANORÍ,ANTIOQUIA,Rural\n'
        "6,2007,-75.2,6.3,ANORÍ,ANTIOQUIA,Rural\n"
        "8,2008,-75.3,6.4,ANORÍ,ANTIOQUIA,Rural\n",
        encoding="utf-8",
    )
    mapping = load_mapping(MAPPINGS / "colombia_events.yaml")
    with pytest.raises(SourceError, match="geometry"):
        import_files(db, "register", [path], mapping=mapping)
    data = yaml.safe_load((MAPPINGS / "colombia_events.yaml").read_text())
    for target in data["targets"]:
        key = "benchmark" if target["kind"] == "hazard" else "geom"
        target["fields"][key] = {"lon": "X", "lat": "Y"}
        target["fields"]["external_id"] = "ev-{_row}"
    import_files(db, "register", [path], mapping=parse_mapping(data))
    assert counts(db)["accident"] == counts(db)["eo_item"] == counts(db)["hazard"] == 1
    accident = rows(db, "accident", ["occurred_on", "description", "geom"])
    assert accident["occurred_on"][0] == dt.date(2006, 1, 1)
    assert "antipersonnel" in accident["description"][0]
    hazard = rows(db, "hazard", ["hazard_class", "geom", "benchmark"])
    assert hazard["geom"][0] is None
    assert hazard["benchmark"][0].equals(shapely.Point(-75.3, 6.4))
    path.write_text(
        "TIPO_EVENTO,AÑO,X,Y,MUNICIPIO,DEPARTAMENTO,TIPO_AREA\n9,2008,-75.3,6.4,A,B,C\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRejectedError) as info:
        import_files(db, "register", [path], mapping=parse_mapping(data))
    (problem,) = info.value.problems
    assert (problem.row, problem.field, problem.value) == (2, "TIPO_EVENTO", "9")


def test_distinct_rows_make_one_record(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "ops.csv"
    path.write_text("muni,year,month\nA,1,1\nA,2021,2\nB,2021,1\n", encoding="utf-8")
    mapping = parse_mapping(
        {
            "targets": [
                {
                    "kind": "hazard",
                    "distinct": True,
                    "fields": {
                        "external_id": "hz-{muni}",
                        "hazard_class": {"value": "cha"},
                        "status": {"value": "worked_on"},
                    },
                },
                {
                    "kind": "activity",
                    "fields": {
                        "external_id": "act-{_row}",
                        "activity_type": {"value": "clearance"},
                        "status": {"value": "completed"},
                        "hazard": "hz-{muni}",
                        "start_date": {"year": "year", "month": "month"},
                    },
                },
            ]
        }
    )
    with pytest.raises(ImportRejectedError):  # year 1 is no year
        import_files(db, "register", [path], mapping=mapping)
    path.write_text("muni,year,month\nA,2021,1\nA,2021,2\nB,2021,1\n", encoding="utf-8")
    import_files(db, "register", [path], mapping=mapping)
    assert counts(db)["hazard"] == 2
    assert counts(db)["activity"] == 3


def test_place_names_give_locations(db: Database, tmp_path: Path) -> None:
    load_register(db, tiny_frames())
    path = tmp_path / "eore.csv"
    path.write_text(
        "id,lugar,fecha,metodo,m,h,n,o\n"
        "E1,QUZANLI,2023-01-05,school,1,2,3,4\n"
        "E2,Atlantis,2023-01-05,school,1,2,3,4\n"
        "E3,Aghdam,2023-01-05,school,1,2,3,4\n",
        encoding="utf-8",
    )
    mapping = parse_mapping(
        {
            "kind": "eore_session",
            "fields": {
                "external_id": "id",
                "method": "metodo",
                "held_on": "fecha",
                "women": "m",
                "men": "h",
                "girls": "n",
                "boys": "o",
                "place": "lugar",
                "geom": {"place": "lugar", "place_type": "settlement"},
            },
        }
    )
    with pytest.raises(ImportRejectedError) as info:
        import_files(db, "eore_session", [path], mapping=mapping)
    # Atlantis is nowhere; Aghdam is an admin area, not a settlement
    assert {(p.row, p.field) for p in info.value.problems} == {
        (3, "geom"),
        (3, "place"),
        (4, "geom"),
    }
    path.write_text(
        path.read_text().splitlines()[0] + "\nE1,Quzanlı,2023-01-05,school,1,2,3,4\n"
    )
    import_files(db, "eore_session", [path], mapping=mapping)
    got = rows(db, "eore_session", ["external_id", "geom", "place_id"])
    new = got[got["external_id"] == "E1"].iloc[0]
    assert new["geom"].equals(shapely.Point(47.1, 40.2))
    assert new["place_id"] == 2


def test_projected_coordinates_are_reprojected(db: Database, tmp_path: Path) -> None:
    # UTM zone 38N, a point in Aghdam district (about 46.93 E, 40.0 N)
    path = tmp_path / "finds.csv"
    path.write_text("id,cat,este,norte\nF1,uxo,664100.0,4429400.0\n", encoding="utf-8")
    mapping = parse_mapping(
        {
            "source": {"crs": "EPSG:32638"},
            "kind": "eo_item",
            "fields": {
                "external_id": "id",
                "category": "cat",
                "geom": {"lon": "este", "lat": "norte"},
            },
        }
    )
    import_files(db, "eo_item", [path], mapping=mapping)
    point = rows(db, "eo_item", ["geom"])["geom"][0]
    assert 46.8 < point.x < 47.1
    assert 39.9 < point.y < 40.1


def test_vector_file_in_another_crs(db: Database, tmp_path: Path) -> None:
    import geopandas as gpd

    frame = gpd.GeoDataFrame(
        {"external_id": ["H1"], "hazard_class": ["sha"], "status": ["open"]},
        geometry=[shapely.box(664000, 4429000, 664500, 4429500)],
        crs="EPSG:32638",
    )
    path = tmp_path / "hazards.gpkg"
    frame.to_file(path, layer="hazards", engine="pyogrio")
    import_files(db, "hazard", [path])
    geom = rows(db, "hazard", ["geom", "area_m2"])
    assert 46.8 < geom["geom"][0].centroid.x < 47.1
    assert geom["area_m2"][0] == pytest.approx(250_000, rel=0.01)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"fields": {}}, "needs 'kind'"),
        ({"kind": "hazzard", "fields": {}}, "unknown kind"),
        ({"kind": "hazard", "fields": {"colour": "x"}}, "no field 'colour'"),
        (
            {"kind": "hazard", "fields": {"name": {"column": "a", "value": "b"}}},
            "exactly one",
        ),
        ({"kind": "hazard", "fields": {"name": {"colum": "a"}}}, "unknown key"),
        ({"kind": "hazard", "source": {"crs": "EPSG:999999"}, "fields": {}}, "CRS"),
        ({"kind": "hazard", "fields": {}, "when": {"column": "x"}}, "'when'"),
    ],
)
def test_mapping_mistakes_are_named(data: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(SourceError, match=message):
        parse_mapping(data)


def test_shipped_mappings_load() -> None:
    names = sorted(p.name for p in MAPPINGS.glob("*.yaml"))
    assert names == [
        "bosnia_cleared_areas.yaml",
        "bosnia_incidents.yaml",
        "bosnia_suspected_areas.yaml",
        "colombia_events.yaml",
        "colombia_operations.yaml",
    ]
    for name in names:
        assert load_mapping(MAPPINGS / name).targets
