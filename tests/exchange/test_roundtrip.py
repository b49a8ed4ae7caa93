# SPDX-License-Identifier: GPL-3.0-or-later
"""Import -> export -> import gives the same register content, in every format."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import shapely

from demine.errors import SourceError
from demine.exchange.entities import KINDS, LAYERS
from demine.exchange.exporter import export_register
from demine.exchange.importer import import_files
from demine.store.database import Database
from demine.store.loading import load_register, recompute_ledger
from tests.exchange.conftest import (
    assert_same_content,
    register_content,
    tiny_frames,
)

FORMATS = {
    "geojson": "geojson",
    "gpkg": "gpkg",
    "flatgeobuf": "flatgeobuf",
    "csv": "csv",
    "xlsx": "xlsx",
    "shapefile": "shapefile",
}


def _export(db: Database, fmt: str, folder: Path, zipped: bool = False) -> list[Path]:
    """The register in ``fmt``: one file, or one file per entity in a folder."""
    if fmt in ("gpkg", "xlsx"):
        path = folder / f"register.{fmt}"
        export_register(db, path)
        return [path]
    if zipped:
        folder.mkdir(parents=True)
        paths = []
        for kind in KINDS:
            path = folder / f"{LAYERS[kind]}.zip"
            if kind in SHAPEFILE_KINDS:
                export_register(db, path, kinds=[kind])
            else:
                path = path.with_suffix(".csv")
                export_register(db, path, kinds=[kind])
            paths.append(path)
        return paths
    export_register(db, folder, fmt=fmt)
    return sorted(p for p in folder.iterdir() if p.suffix not in SIDECARS)


SIDECARS = {".shx", ".dbf", ".prj", ".cpg"}
# A Shapefile needs geometry of one type: the other entities travel as CSV.
SHAPEFILE_KINDS = {
    "place",
    "team",
    "hazard",
    "release",
    "eo_item",
    "accident",
    "eore_session",
    "reference_feature",
}


@pytest.mark.parametrize(
    ("fmt", "zipped"),
    [(f, False) for f in FORMATS] + [("shapefile", True)],
    ids=[*FORMATS, "zipped shapefile"],
)
def test_every_format_round_trips(
    fmt: str,
    zipped: bool,
    tiny: Database,
    fresh: Callable[[], Database],
    tmp_path: Path,
) -> None:
    original = register_content(tiny)
    # import: files in this format, written from the tiny register
    first = _export(tiny, fmt, tmp_path / "first", zipped)
    a = fresh()
    import_files(a, "register", first)
    # export that register again, and import the export
    second = _export(a, fmt, tmp_path / "second", zipped)
    b = fresh()
    import_files(b, "register", second)
    copied = register_content(b)
    assert_same_content(register_content(a), copied)
    assert_same_content(original, copied, orient=fmt == "shapefile")


def test_reimporting_an_export_changes_nothing(tiny: Database, tmp_path: Path) -> None:
    path = tmp_path / "register.gpkg"
    export_register(tiny, path)
    before = register_content(tiny)
    result = import_files(tiny, "register", [path])
    assert all(c.inserted == 0 and c.updated == 0 for c in result.counts.values())
    after = register_content(tiny)
    assert_same_content(before, after)
    # not even a version was bumped
    assert after["hazard"]["external_id"].tolist() == ["HZ-1", "HZ-2", "HZ-3"]


def test_bulk_paths_give_the_same_register(
    tiny: Database,
    fresh: Callable[[], Database],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Large imports take vectorised paths (Arrow strings, categories, COPY
    text built by column on PostGIS); forced on for a small one, they store
    exactly what the row-wise paths store."""
    from demine.exchange import parsing, writing

    monkeypatch.setattr(parsing, "VECTOR_ROWS", 0)
    monkeypatch.setattr(writing, "BULK_ROWS", 0)
    path = tmp_path / "register.gpkg"
    export_register(tiny, path)
    copy = fresh()
    import_files(copy, "register", [path])
    assert_same_content(register_content(tiny), register_content(copy))


def _typed_in(db: Database) -> None:
    """Records entered one by one, as the browser and the API do: no external id."""
    import datetime as dt

    from demine.store.editing import add_records

    today = dt.date(2026, 11, 1)
    [hazard] = add_records(
        db,
        "hazard",
        [
            {
                "name": "Drawn in the browser",
                "hazard_class": "sha",
                "status": "open",
                "geom": "POLYGON ((47.2 40.2, 47.21 40.2, 47.21 40.21, 47.2 40.2))",
            }
        ],
        today=today,
    )
    add_records(
        db,
        "release",
        [
            {
                "hazard_id": hazard,
                "kind": "cancelled",
                "released_on": "2026-10-01",
                "geom": "POLYGON ((47.2 40.2, 47.205 40.2, 47.205 40.205, 47.2 40.2))",
            }
        ],
        today=today,
    )
    [accident] = add_records(
        db,
        "accident",
        [
            {
                "accident_type": "non_demining",
                "occurred_on": "2026-09-09",
                "hazard_id": hazard,
                "geom": "POINT (47.203 40.201)",
            }
        ],
        today=today,
    )
    add_records(
        db, "victim", [{"accident_id": accident, "outcome": "injured"}], today=today
    )
    add_records(
        db,
        "eo_item",
        [{"category": "uxo", "hazard_id": hazard, "geom": "POINT (47.202 40.2)"}],
        today=today,
    )


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_an_export_imports_into_its_register_as_nothing_new(
    fmt: str, tiny: Database, tmp_path: Path
) -> None:
    """Issue 11, defect 2: records entered without an external id came back
    from an export as new ones ("demine:hazard:N"), counting their ground
    twice. Their uid travels with them and is matched first."""
    _typed_in(tiny)
    # The ledger in the register's own frame, as every import and validate
    # leaves it (a record's own edit measures it on its own).
    with tiny.transaction(write=True) as conn:
        recompute_ledger(conn)
    before = register_content(tiny)
    paths = _export(tiny, fmt, tmp_path / "out")
    result = import_files(tiny, "register", paths)
    changed = {
        kind: (c.inserted, c.updated)
        for kind, c in result.counts.items()
        if c.inserted or c.updated
    }
    assert changed == {}
    assert set(result.counts) == set(KINDS)
    assert_same_content(before, register_content(tiny))


# --- Shapefile: long values and the format's own geometry conventions ---


def _ring(x: float, y: float, r: float, n: int) -> shapely.Polygon:
    """A polygon of ``n`` vertices: WKT far longer than a DBF field."""
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return shapely.Polygon(np.c_[x + r * np.cos(angles), y + r * np.sin(angles)])


@pytest.fixture
def awkward(db: Database) -> Database:
    """The tiny register with what a Shapefile cannot hold as it is.

    A place boundary of 80 vertices (about 3,000 bytes of WKT), an accident
    description of 200 two-byte letters (fits 254 characters, not 254
    bytes), and hazards whose outer rings run both ways.
    """
    frames = tiny_frames()
    frames["place"].at[0, "boundary"] = shapely.MultiPolygon(
        [_ring(47.0, 40.05, 0.1, 80)]
    )
    frames["accident"].at[0, "description"] = "ə" * 200
    cw = shapely.MultiPolygon([shapely.box(47.05, 40.05, 47.055, 40.055, ccw=False)])
    frames["hazard"].at[1, "geom"] = cw
    load_register(db, frames)
    return db


def test_long_values_travel_in_a_shapefile_folder(
    awkward: Database, fresh: Callable[[], Database], tmp_path: Path
) -> None:
    """Regression: a folder export cut a place's WKT boundary at 254
    characters and the import then refused 'not readable WKT'. An entity
    with text a DBF field cannot hold now goes to CSV, whole."""
    out = tmp_path / "out"
    export_register(awkward, out, fmt="shapefile")
    names = {p.name for p in out.iterdir()}
    assert "places.csv" in names
    assert "places.shp" not in names
    assert "accidents.csv" in names
    assert "accidents.shp" not in names
    assert "hazards.shp" in names  # what fits stays a Shapefile
    files = sorted(p for p in out.iterdir() if p.suffix in (".shp", ".csv"))
    copy = fresh()
    import_files(copy, "register", files)
    original, copied = register_content(awkward), register_content(copy)
    assert copied["place"]["boundary"][0] == original["place"]["boundary"][0]
    assert copied["accident"]["description"][0] == "ə" * 200
    assert_same_content(original, copied, orient=True)


@pytest.mark.parametrize(
    ("kind", "field", "record"),
    [("place", "boundary", "PL-AGHDAM"), ("accident", "description", "ACC-1")],
)
def test_a_shapefile_that_would_cut_a_value_is_refused(
    awkward: Database, tmp_path: Path, kind: str, field: str, record: str
) -> None:
    path = tmp_path / f"{LAYERS[kind]}.shp"
    with pytest.raises(SourceError) as caught:
        export_register(awkward, path, kinds=[kind])
    message = str(caught.value)
    assert f"{field} of {record}" in message
    assert "254" in message
    assert "GeoPackage" in message
    assert caught.value.field == field
    assert caught.value.row == 1
    assert not path.exists()
    assert not path.with_suffix(".dbf").exists()


@pytest.mark.parametrize("kind", KINDS)
def test_every_entity_reimports_unchanged_from_its_own_file(
    kind: str, awkward: Database, tmp_path: Path
) -> None:
    """Each entity exported alone (a Shapefile where it fits, else the CSV a
    folder export gives it) and imported into the same register: every row
    unchanged, not a version bumped. Regression: a Shapefile's clockwise
    rings counted as a changed geometry."""
    out = tmp_path / "out"
    out.mkdir()
    export_register(awkward, out, kinds=[kind], fmt="shapefile")
    files = [p for p in out.iterdir() if p.suffix in (".shp", ".csv")]
    assert len(files) == 1
    before = register_content(awkward)
    result = import_files(awkward, "register", files)
    counts = result.counts[kind]
    assert (counts.inserted, counts.updated) == (0, 0), (files, counts)
    assert counts.unchanged == len(before[kind])
    assert_same_content(before, register_content(awkward))


def _demine(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "demine", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_shapefile_round_trip_through_the_cli(
    awkward: Database, db_url: str, fresh: Callable[[], Database], tmp_path: Path
) -> None:
    """`demine export out/ --format shapefile`, then `demine import register
    out/*.shp out/*.csv`, as the issue ran them, in real processes."""
    out = tmp_path / "out"
    done = _demine("export", str(out), "--format", "shapefile", "--db", db_url)
    assert done.returncode == 0, done.stderr
    files = sorted(str(p) for p in out.iterdir() if p.suffix in (".shp", ".csv"))
    done = _demine("import", "register", *files, "--dry-run", "--json", "--db", db_url)
    assert done.returncode == 0, done.stdout + done.stderr
    counts = json.loads(done.stdout)["counts"]
    assert set(counts) == set(KINDS)
    changed = {k: c for k, c in counts.items() if c["inserted"] or c["updated"]}
    assert changed == {}
    assert counts["hazard"]["unchanged"] == 3
    copy = fresh()
    import_files(copy, "register", [Path(f) for f in files])
    assert_same_content(register_content(awkward), register_content(copy), orient=True)
