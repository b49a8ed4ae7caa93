# SPDX-License-Identifier: GPL-3.0-or-later
"""Exports: a GeoPackage that GDAL's own ogrinfo reads, and per-entity files."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from demine.demo import generate
from demine.errors import SourceError
from demine.exchange.entities import LAYERS
from demine.exchange.exporter import export_register
from demine.exchange.importer import import_files
from demine.store.database import Database
from demine.store.loading import load_register
from tests.exchange.conftest import assert_same_content, register_content


def ogrinfo(*args: str) -> str:
    """Run Debian's ogrinfo (gdal-bin), not a Python binding."""
    exe = shutil.which("ogrinfo")
    if exe is None:
        pytest.skip("ogrinfo not installed (Debian package gdal-bin)")
    done = subprocess.run(
        [exe, *args], capture_output=True, text=True, check=True, timeout=120
    )
    assert "ERROR" not in done.stderr, done.stderr
    return done.stdout


def test_demo_register_round_trips_through_a_geopackage_ogrinfo_reads(
    db: Database, fresh: Callable[[], Database], tmp_path: Path
) -> None:
    frames = generate("small", 1)
    load_register(db, frames)
    path = tmp_path / "register.gpkg"
    export_register(db, path)
    copy = fresh()
    result = import_files(copy, "register", [path])
    assert result.counts["eo_item"].inserted == len(frames["eo_item"])
    assert_same_content(register_content(db), register_content(copy))
    listing = ogrinfo("-so", str(path))
    layers = dict(re.findall(r"^\d+: (\w+)(?: \((.+)\))?$", listing, re.MULTILINE))
    assert set(layers) == set(LAYERS.values())
    assert layers["hazards"] == "Multi Polygon"
    assert layers["eo_items"] == "Point"
    assert layers["activities"] == "None"  # an attribute table
    summary = ogrinfo("-so", "-al", str(path))
    found = dict(
        re.findall(r"Layer name: (\w+).*?Feature Count: (\d+)", summary, re.DOTALL)
    )
    assert {name: int(n) for name, n in found.items()} == {
        LAYERS[kind]: len(frame) for kind, frame in frames.items() if kind in LAYERS
    }
    hazards = ogrinfo("-so", str(path), "hazards")
    for field, kind in [
        ("hazard_class", "String"),
        ("recorded_on", "Date"),
        ("estimated_devices", "Integer64"),
        ("remaining_m2", "Real"),
        ("admin_area", "String"),
    ]:
        assert re.search(rf"^{field}: {kind} ", hazards, re.MULTILINE), field


def test_readable_fields(tiny: Database, tmp_path: Path) -> None:
    path = tmp_path / "hazards.geojson"
    export_register(tiny, path, kinds=["hazard"])
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    first = next(f for f in features if f["properties"]["external_id"] == "HZ-1")
    props = first["properties"]
    assert props["hazard_class"] == "cha"
    assert props["status"] == "worked_on"
    assert props["contamination"] == "ap_mine, at_mine"
    assert props["admin_area"] == "PL-AGHDAM"
    assert props["reported_by"] == "ORG-ANAMA"
    assert props["recorded_on"] == "2021-03-04"
    assert props["benchmark"] == "POINT (47 40)"
    assert props["area_m2"] > 0
    assert "min_lon" not in props
    assert first["geometry"]["type"] == "MultiPolygon"


def test_csv_and_xlsx(tiny: Database, tmp_path: Path) -> None:
    export_register(tiny, tmp_path / "eo_items.csv", kinds=["eo_item"])
    with (tmp_path / "eo_items.csv").open(encoding="utf-8") as fh:
        items = list(csv.DictReader(fh))
    assert items[0]["eo_model"] == "PMN-2"
    assert items[0]["geometry"].startswith("POINT")
    counts = export_register(tiny, tmp_path / "register.xlsx")
    book = load_workbook(tmp_path / "register.xlsx", read_only=True)
    assert book.sheetnames == list(counts)
    assert len(list(book["victims"].iter_rows())) == 3  # header, two victims


def test_export_to_a_folder_and_refusals(tiny: Database, tmp_path: Path) -> None:
    counts = export_register(tiny, tmp_path / "out", fmt="shapefile")
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert "hazards.shp" in names
    assert "organisations.csv" in names
    assert counts["hazards"] == 3
    with pytest.raises(SourceError, match="geometry"):
        export_register(tiny, tmp_path / "orgs.shp", kinds=["organisation"])
    with pytest.raises(SourceError, match="format"):
        export_register(tiny, tmp_path / "register.txt")
