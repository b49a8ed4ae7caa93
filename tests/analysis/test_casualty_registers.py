# SPDX-License-Identifier: GPL-3.0-or-later
"""Messy casualty registers load through a mapping and match a hand count.

The hand counts read the raw files with pandas alone (their own parsing of
dates, decimals and words), never through the importer, so a mapping that
drops, doubles or misreads a row shows up as a difference.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pyproj import Geod

from demine.analysis.casualties import casualty_report
from demine.exchange.importer import import_files
from demine.exchange.mapping import load_mapping
from demine.store.database import Database
from demine.store.loading import load_register
from tests.conftest import ROOT, shared_data

DATA = Path(__file__).parent / "data"
MAPPINGS = ROOT / "demine" / "exchange" / "mappings"


def catalogue(db: Database) -> None:
    """The places and EO models the registers refer to by name."""
    load_register(
        db,
        {
            "place": pd.DataFrame(
                {
                    "id": [1, 2, 3, 4],
                    "name": ["ANTIOQUIA", "META", "Aghdam", "Fuzuli"],
                    "place_type": ["admin1"] * 4,
                    "population": pd.array(
                        [6_700_000, 1_100_000, None, 100_000], dtype="Int64"
                    ),
                    "boundary": [None] * 4,
                }
            ),
            "eo_model": pd.DataFrame(
                {
                    "id": [1, 2, 3],
                    "model": ["PMN-2", "PG-7V", "TM-62M"],
                    "category": ["ap_mine", "uxo", "at_mine"],
                }
            ),
        },
    )


def hand_count(
    raw: pd.DataFrame, accident: str, when: pd.Series, outcome: pd.Series
) -> dict[str, object]:
    """Accidents and victims per year, and killed / injured, from raw rows."""
    frame = pd.DataFrame(
        {"accident": raw[accident], "year": when.dt.year, "outcome": outcome}
    )
    per_year = frame.groupby("year").agg(
        accidents=("accident", "nunique"),
        killed=("outcome", lambda s: int((s == "killed").sum())),
        injured=("outcome", lambda s: int((s == "injured").sum())),
    )
    return {
        "by_year": {
            int(y): (int(r.accidents), int(r.killed), int(r.injured))
            for y, r in per_year.iterrows()
        },
        "killed": int((outcome == "killed").sum()),
        "injured": int((outcome == "injured").sum()),
        "accidents": int(raw[accident].nunique()),
    }


def report_count(db: Database) -> dict[str, object]:
    report = casualty_report(db)
    rows = report.by_year[report.by_year["accidents"] > 0]
    return {
        "by_year": {
            int(r["year"]): (r["accidents"], r["killed"], r["injured"])
            for r in rows.to_dict(orient="records")
        },
        "killed": report.killed,
        "injured": report.injured,
        "accidents": report.accidents,
    }


def by_sex(db: Database) -> dict[str, int]:
    table = casualty_report(db).by_sex
    return {
        r["sex"]: r["victims"] for r in table.to_dict(orient="records") if r["victims"]
    }


def test_spanish_register_matches_a_hand_count(db: Database) -> None:
    catalogue(db)
    path = DATA / "casualties_es.csv"
    import_files(
        db, "register", [path], mapping=load_mapping(DATA / "casualties_es.yaml")
    )
    raw = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    words = {"Herido": "injured", "Muerto": "killed"}
    when = pd.to_datetime(raw["FECHA"], dayfirst=True)
    assert report_count(db) == hand_count(
        raw, "ID_EVENTO", when, raw["ESTADO"].map(words)
    )
    sexes = raw["GENERO"].map({"Hombre": "male", "Mujer": "female"})
    assert by_sex(db) == sexes.fillna("unknown").value_counts().to_dict()
    report = casualty_report(db)
    ages = pd.to_numeric(raw["EDAD"], errors="coerce")
    assert report.children == int((ages < 18).sum())
    # the swapped headers were mapped back: accidents lie in Colombia
    links = report.by_admin.set_index("name")
    assert links.loc["ANTIOQUIA", "victims"] == int((raw["DEPTO"] == "ANTIOQUIA").sum())
    assert links.loc["META", "rate_per_100k"] == pytest.approx(2 / 1_100_000 * 1e5)
    top = report.hotspots.iloc[0]
    assert -76 < top["lon"] < -75  # Medellín's east
    assert 6 < top["lat"] < 6.5
    status = report.by_status.set_index("status")["victims"].to_dict()
    assert status == {"civilian": 5, "deminer": 2, "military": 1}


def test_russian_register_in_cp1251_matches_a_hand_count(db: Database) -> None:
    catalogue(db)
    path = DATA / "casualties_ru.csv"
    import_files(
        db, "register", [path], mapping=load_mapping(DATA / "casualties_ru.yaml")
    )
    raw = pd.read_csv(
        path, sep=";", dtype=str, encoding="cp1251", keep_default_na=False
    )
    when = pd.to_datetime(raw["Дата"], format="%d.%m.%Y")
    outcome = raw["Исход"].map({"погиб": "killed", "ранен": "injured"})
    assert report_count(db) == hand_count(raw, "№", when, outcome)
    sexes = raw["Пол"].map({"муж": "male", "жен": "female"})
    assert by_sex(db) == sexes.value_counts().to_dict()
    report = casualty_report(db)
    admin = report.by_admin.set_index("name")
    # Aghdam has no population in this register: no rate, not a zero
    assert pd.isna(admin.loc["Aghdam", "rate_per_100k"])
    assert admin.loc["Fuzuli", "rate_per_100k"] == pytest.approx(2 / 100_000 * 1e5)
    # two pairs of accidents ~200 m apart: two hotspots of two accidents each
    lon = pd.to_numeric(raw["Долгота"].str.replace(",", "."))
    top = report.hotspots.head(2)
    assert top["accidents"].tolist() == [2, 2]
    assert sorted(top["lon"].round(1)) == sorted(lon.round(1).unique())


@pytest.mark.shared_data
def test_colombian_events_give_the_hand_counted_accidents(db: Database) -> None:
    """The real events data set: accidents by year and department as counted
    from the raw GeoJSON. The source records events, not people: it has no
    victims, so killed and injured stay 0 and nothing is invented."""
    folder = shared_data("colombia", "events")
    files = sorted(folder.glob("*.json"))
    mapping = load_mapping(MAPPINGS / "colombia_events.yaml")
    import_files(db, "register", files, mapping=mapping)
    accidents = pd.DataFrame([f["properties"] for f in features_of(files, [1, 2])])
    expected = accidents["AÑO"].str.replace(",", "").astype(int).value_counts()
    report = casualty_report(db)
    got = report.by_year.set_index("year")["accidents"]
    assert got[got > 0].to_dict() == expected.sort_index().to_dict()
    assert report.accidents == len(accidents) == 6_909
    assert (report.killed, report.injured) == (0, 0)
    assert "no victims are recorded for these accidents" in report.notes
    # the misplaced point in Asia is an EO find, not an accident: all used
    assert report.surface is not None
    assert report.surface.used == 6_909
    cell_km2 = (report.surface.cell_m / 1000) ** 2
    assert report.surface.density.sum() * cell_km2 == pytest.approx(6_909, rel=1e-3)
    # the top hotspot holds as many accidents as a brute-force geodesic count
    top = report.hotspots.iloc[0]
    points = [f["geometry"]["coordinates"] for f in features_of(files, [1, 2])]
    lon, lat = np.array(points, dtype=float).T[:2]
    _, _, metres = Geod(ellps="WGS84").inv(
        np.full(len(lon), top["lon"]), np.full(len(lat), top["lat"]), lon, lat
    )
    near = int((metres <= report.surface.bandwidth_m).sum())
    assert top["accidents"] == pytest.approx(near, rel=0.02)


def features_of(files: list[Path], kinds: list[int]) -> list[dict[str, object]]:
    out = []
    for path in files:
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            if int(feature["properties"]["TIPO_EVENTO"]) in kinds:
                out.append(feature)
    return out
