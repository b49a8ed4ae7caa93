# SPDX-License-Identifier: GPL-3.0-or-later
"""Real data sets from ../shared/data load with the shipped mappings.

Bosnia and Herzegovina (BHMAC, via Henning-arround/BiH_mines): suspected
areas, cleared areas and incidents. Colombia (Descontamina Colombia, via
hpuentes/eventos-minas-antipersonas-colombia and spsaaibi/latamdataresources):
mine events 1990-2019 and demining operations 2005-2014. Each test loads
its files once and skips when the data is absent.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from demine.analysis.checks import CheckOptions, validate_register
from demine.domain.findings import Rule
from demine.exchange.importer import import_files
from demine.exchange.mapping import load_mapping
from demine.geo.extent import Extent
from demine.store.bulk import read_frame
from demine.store.database import Database
from tests.conftest import shared_data
from tests.exchange.conftest import MAPPINGS, counts

pytestmark = pytest.mark.shared_data


def findings(db: Database, extent: str) -> Counter[tuple[str, str]]:
    with db.transaction(write=True) as conn:
        found = validate_register(conn, CheckOptions(extent=Extent.named(extent)))
    return Counter((f.entity, str(f.rule)) for f in found)


def test_bosnia_loads_and_validates_with_the_expected_findings(db: Database) -> None:
    suspect = shared_data("bosnia", "suspect_areas_simplyfied.geojson")
    cleared = shared_data("bosnia", "cleared_areas_simplyfied.geojson")
    incidents = shared_data("bosnia", "incidents.geojson")
    mapping = load_mapping(MAPPINGS / "bosnia_suspected_areas.yaml")
    import_files(db, "hazard", [suspect], mapping=mapping)
    import_files(
        db,
        "register",
        [cleared],
        mapping=load_mapping(MAPPINGS / "bosnia_cleared_areas.yaml"),
    )
    import_files(
        db,
        "accident",
        [incidents],
        mapping=load_mapping(MAPPINGS / "bosnia_incidents.yaml"),
    )
    n = counts(db)
    assert n["hazard"] == 11_068 + 8_329
    assert n["release"] == 8_329
    assert n["accident"] == 1_442
    assert n["organisation"] == 1
    found = findings(db, "BIH")
    # 3,094 features without geometry and 3 empty MultiPolygons; then the
    # cleared areas' 108 + 5, once as hazards and once as releases
    assert found[("hazard", "empty_geometry")] == 3_097 + 113
    assert found[("release", "empty_geometry")] == 113
    assert 400 <= found[("hazard", "invalid_geometry")] - 709 <= 550
    assert 650 <= found[("release", "invalid_geometry")] <= 760
    assert found[("hazard", "overlap")] > 800
    assert not any(rule == "outside_extent" for _, rule in found)
    with db.transaction() as conn:
        hazards = read_frame(conn, "hazard", ["external_id", "status", "area_m2"])
    suspected = hazards[hazards["external_id"].str.startswith("bhmac-sha-")]
    # BHMAC's suspected area: about 810 km² geodesic (see SOURCES)
    assert 805e6 < suspected["area_m2"].sum() < 815e6
    cleared_hz = hazards[hazards["external_id"].str.startswith("bhmac-cleared-")]
    assert (cleared_hz["status"] == "closed").all()
    again = import_files(
        db,
        "accident",
        [incidents],
        mapping=load_mapping(MAPPINGS / "bosnia_incidents.yaml"),
        dry_run=True,
    )
    assert again.counts["accident"].unchanged == 1_442


def test_colombia_events_load_by_tipo_evento(db: Database) -> None:
    folder = shared_data("colombia", "events")
    files = sorted(folder.glob("*.json"))
    assert len(files) == 30
    mapping = load_mapping(MAPPINGS / "colombia_events.yaml")
    result = import_files(db, "register", files, mapping=mapping)
    n = counts(db)
    assert n["accident"] + n["eo_item"] + n["hazard"] == 36_527
    assert n["accident"] == 6_667 + 242  # TIPO_EVENTO 1 and 2
    assert n["hazard"] == 1_908  # 8: suspected minefields
    assert result.counts["eo_item"].inserted == 24_136 + 3_494 + 44 + 28 + 8
    found = findings(db, "COL")
    # One point lies in Asia (lon +74.2, a lost minus sign), no swapped ones
    assert (
        found[("accident", "outside_extent")] + found[("eo_item", "outside_extent")]
        == 1
    )
    assert not any(rule == str(Rule.SWAPPED_COORDINATES) for _, rule in found)
    # Suspected minefields come as points: benchmarks, polygons still to draw
    assert found[("hazard", "empty_geometry")] == 1_908
    with db.transaction() as conn:
        items = read_frame(conn, "eo_item", ["category", "found_on"])
    assert Counter(items["category"]) == {"ap_mine": 27_666, "uxo": 44}
    assert pd.to_datetime(items["found_on"]).dt.year.between(1990, 2019).all()


def test_colombia_operations_load_as_clearance(db: Database) -> None:
    path = shared_data("colombia", "operations", "anti-personnel-mines.csv")
    source = pd.read_csv(path)
    mapping = load_mapping(MAPPINGS / "colombia_operations.yaml")
    import_files(db, "register", [path], mapping=mapping)
    n = counts(db)
    assert n["activity"] == 333
    assert n["release"] == int((source["areadespejada"] > 0).sum())
    assert (
        n["hazard"]
        == source.groupby(["tipodesminado", "departamento", "municipio"]).ngroups
    )
    with db.transaction() as conn:
        items = read_frame(conn, "eo_item", ["category", "quantity"])
        releases = read_frame(conn, "release", ["reported_area_m2", "released_on"])
    totals = items.groupby("category")["quantity"].sum().to_dict()
    assert totals == {
        "ap_mine": int(source["map"].sum()),
        "uxo": int(source["muse"].sum()),
        "ied": int(source["aei"].sum()),
    }
    assert sum(totals.values()) == int(source["totalartefactosdestruidos"].sum())
    assert releases["reported_area_m2"].sum() == pytest.approx(
        source["areadespejada"].sum()
    )
    found = findings(db, "COL")
    # areas reported without polygons: the ledger lists each as a mismatch
    assert found[("release", "area_mismatch")] == n["release"]
