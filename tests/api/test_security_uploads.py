# SPDX-License-Identifier: GPL-3.0-or-later
"""Hostile import files (issue 19, points 1, 2 and 8).

A reviewer's browser import, ``demine import`` and form-server exports read
files someone else made. Each crafted file here must be refused before GDAL
reads anything it points at, with a message in the sender's words (no GDAL
driver names, no server paths), and nothing written.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import stat
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from shapely.geometry import box
from sqlalchemy import func, select
from typer.testing import CliRunner

from demine.cli import app as cli_app
from demine.errors import SourceError
from demine.exchange import jobs as job_work
from demine.exchange.opening import ImportLimits
from demine.exchange.submissions import read_submissions
from demine.server import create_app
from demine.settings import Settings
from demine.store.database import Database
from demine.store.schema import Hazard
from tests.api.conftest import Seed
from tests.web.test_pages import log_in


@pytest.fixture(autouse=True)
def uploads(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    folder = tmp_path / "uploads"
    monkeypatch.setattr(job_work, "UPLOADS", folder)
    return folder


def vrt(source: str, sql: str | None = None) -> str:
    """An OGR VRT whose one layer reads ``source`` (a file, a URL, a database)."""
    inner = f"<SrcSQL>{sql}</SrcSQL>" if sql else "<SrcLayer>passwd</SrcLayer>"
    return (
        "<OGRVRTDataSource><OGRVRTLayer name='hazards'>"
        f"<SrcDataSource>{source}</SrcDataSource>{inner}"
        "</OGRVRTLayer></OGRVRTDataSource>"
    )


def upload(client: TestClient, token: str, name: str, data: bytes, **form: str):
    return client.post(
        "/transfer/import",
        data={"csrf_token": token, "kind": "hazards", **form},
        files={"files": (name, data, "application/octet-stream")},
    )


def hazard_count(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Hazard)) or 0)


def assert_refused(page, words: str, tmp_path: Path) -> None:
    assert page.status_code == 422, page.text[:400]
    assert words in page.text
    for leak in ("OGR_VRT", "VRT", str(tmp_path), "/tmp/", "passwd:", "argon2"):
        assert leak not in page.text, leak


def test_vrt_named_geojson_reads_nothing(
    client: TestClient, db: Database, tmp_path: Path
) -> None:
    token = log_in(client, "reviewer")
    before = hazard_count(db)
    register = db.url.removeprefix("sqlite:///")
    attacks = [
        vrt("CSV:/etc/passwd"),
        vrt("/vsicurl/http://127.0.0.1:9/secret.csv"),
        vrt(register, "SELECT username, password_hash FROM app_user"),
    ]
    for body in attacks:
        page = upload(client, token, "survey.geojson", body.encode())
        assert_refused(page, "is not a GeoJSON file", tmp_path)
    assert hazard_count(db) == before


def test_geopackage_views_virtual_tables_and_attach_triggers_are_refused(
    client: TestClient, db: Database, tmp_path: Path
) -> None:
    token = log_in(client, "reviewer")
    tricks = {
        "view": "CREATE VIEW hazards_v AS SELECT * FROM hazards",
        "trigger": "CREATE TRIGGER t AFTER INSERT ON hazards BEGIN "
        "SELECT ogr_datasource_load_layers('/etc/passwd'); END",
        "virtual": None,
    }
    for trick, sql in tricks.items():
        path = tmp_path / f"{trick}.gpkg"
        frame = gpd.GeoDataFrame(
            {"external_id": ["g1"], "hazard_class": ["sha"], "status": ["open"]},
            geometry=[box(46.5, 39.5, 46.51, 39.51)],
            crs=4326,
        )
        frame.to_file(path, layer="hazards", driver="GPKG")
        with sqlite3.connect(path) as conn:
            if sql is not None:
                conn.execute(sql)
            else:
                # A VirtualOGR table (reads any file GDAL can) written straight
                # into the schema: Python's SQLite has no such module itself.
                conn.execute("PRAGMA writable_schema=ON")
                conn.execute(
                    "INSERT INTO sqlite_master VALUES ('table', 'leak', 'leak', 0, "
                    "'CREATE VIRTUAL TABLE leak USING VirtualOGR(''/etc/passwd'')')"
                )
        page = upload(client, token, path.name, path.read_bytes(), layer="hazards")
        assert page.status_code == 422, (trick, page.text[:300])
        assert "reach" in page.text or "view" in page.text or "virtual" in page.text
    # The same file without a trick imports: the checks refuse tricks only.
    clean = tmp_path / "clean.gpkg"
    gpd.GeoDataFrame(
        {"external_id": ["g1"], "hazard_class": ["sha"], "status": ["open"]},
        geometry=[box(46.5, 39.5, 46.51, 39.51)],
        crs=4326,
    ).to_file(clean, layer="hazards", driver="GPKG")
    page = upload(client, token, "clean.gpkg", clean.read_bytes())
    assert page.status_code == 200, page.text[:400]


def shapefile_parts(tmp_path: Path) -> dict[str, bytes]:
    folder = tmp_path / "shp"
    folder.mkdir(exist_ok=True)
    gpd.GeoDataFrame(
        {"name": ["s1"], "status": ["open"]},
        geometry=[box(46.5, 39.5, 46.51, 39.51)],
        crs=4326,
    ).to_file(folder / "h.shp")
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def zipped(parts: dict[str, bytes], links: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, target)
    return buffer.getvalue()


def test_shapefile_sidecars_pointing_elsewhere_are_refused(
    client: TestClient, db_url: str, tmp_path: Path
) -> None:
    token = log_in(client, "reviewer")
    parts = shapefile_parts(tmp_path)
    for sidecar in ("h.prj", "h.cpg"):
        others = {k: v for k, v in parts.items() if k != sidecar}
        data = zipped(others, {sidecar: "/etc/passwd"})
        page = upload(client, token, "h.zip", data)
        assert_refused(page, "is a link", tmp_path)
    # Folders inside the archive are not followed either: only h.* beside h.shp.
    page = upload(client, token, "h.zip", zipped({**parts, "../../x.prj": b"x"}))
    assert "is a link" not in page.text
    assert not list(tmp_path.rglob("x.prj"))
    # On the command line, a sidecar that is a link is refused the same way.
    folder = tmp_path / "cli"
    folder.mkdir()
    for name, data in parts.items():
        if name != "h.prj":
            (folder / name).write_bytes(data)
    os.symlink("/etc/passwd", folder / "h.prj")
    result = CliRunner().invoke(
        cli_app, ["import", "hazards", str(folder / "h.shp"), "--db", db_url]
    )
    assert result.exit_code != 0
    assert "is a link" in result.output


def test_demine_import_refuses_a_vrt_named_geojson(
    db: Database, db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "field.geojson"
    path.write_text(vrt("CSV:/etc/passwd"))
    result = CliRunner().invoke(
        cli_app, ["import", "hazards", str(path), "--dry-run", "--db", db_url]
    )
    assert result.exit_code != 0
    assert "is not a GeoJSON file" in result.output
    assert "root:" not in result.output


def geojson_features(count: int) -> bytes:
    feature = {
        "type": "Feature",
        "properties": {"hazard_class": "sha", "status": "open"},
        "geometry": {"type": "Point", "coordinates": [46.5, 39.5]},
    }
    return json.dumps(
        {"type": "FeatureCollection", "features": [feature] * count}
    ).encode()


@pytest.fixture
def small_limits_app(db: Database, seed: Seed) -> FastAPI:
    settings = Settings(
        database_url=db.url,
        secret_key="s",
        max_upload_bytes=1_000_000,
        import_max_rows=50,
        import_max_bytes=2_000_000,
        import_inline_bytes=50_000_000,  # checked in the request, not by a job
    )
    return create_app(settings, db)


def test_decompression_bombs_and_row_limits(
    small_limits_app: FastAPI, tmp_path: Path
) -> None:
    with TestClient(small_limits_app) as client:
        token = log_in(client, "reviewer")
        page = upload(client, token, "many.geojson", geojson_features(51))
        assert page.status_code == 422, page.text[-3000:]
        assert "at most 50" in page.text
        # 20 MB of zeros beside a shapefile, zipped to a few kB.
        parts = shapefile_parts(tmp_path)
        parts["h.dbf"] = parts["h.dbf"] + b"\x00" * 20_000_000
        bomb = zipped(parts)
        assert len(bomb) < 100_000
        page = upload(client, token, "h.zip", bomb)
        assert page.status_code == 422
        assert "unpacks to more than 2,000,000 bytes" in page.text


def test_form_server_export_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "central.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("form.csv", "KEY,a\n" + "uuid:1,x\n" * 2_000_000)
    limits = ImportLimits(max_bytes=1_000_000, max_rows=10)
    with pytest.raises(SourceError, match="unpacks to more than"):
        read_submissions(path, limits)


def test_chunked_upload_beyond_the_limit_is_413(client: TestClient) -> None:
    token = log_in(client, "reviewer")

    def chunks():
        for _ in range(50):
            yield b"x" * 10_000

    boundary = "b0undary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
        f'{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name="files";'
        ' filename="big.geojson"\r\n\r\n'
    ).encode()

    def body():
        yield head
        yield from chunks()

    for path in ("/transfer/import", "/hazards/new", "/api/v1/records/hazard"):
        response = client.post(
            path,
            content=body(),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        assert response.status_code == 413, (path, response.text[:200])
    response = client.post(
        "/api/v1/records/hazard",
        content=(b'{"fields": {"name": "' + b"x" * 10_000 for _ in range(50)),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413, response.text[:200]
