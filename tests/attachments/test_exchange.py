# SPDX-License-Identifier: GPL-3.0-or-later
"""Attachments survive export to a GeoPackage and import into another register."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from demine.attachments.blobs import DirectoryBlobStore
from demine.attachments.records import attach
from demine.cli import app as cli
from demine.store.database import Database
from demine.store.schema import Attachment, Hazard
from demine.store.users import get_principal
from tests.api.after_clearance import photo
from tests.api.conftest import Seed

runner = CliRunner()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _attached(db: Database) -> list[tuple[str | None, str, str, str]]:
    """(hazard external id, file name, digest, thumbnail digest) of each file."""
    with db.session() as session:
        rows = session.execute(
            select(
                Hazard.external_id,
                Attachment.filename,
                Attachment.sha256,
                Attachment.thumbnail_sha256,
            )
            .join(Hazard, Hazard.id == Attachment.record_id)
            .where(Attachment.entity == "hazard")
            .order_by(Attachment.filename)
        )
        return [tuple(r) for r in rows]


def test_export_then_import_keeps_every_file(
    db: Database,
    db_url: str,
    seed: Seed,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source_files = tmp_path / "source-files"
    store = DirectoryBlobStore(source_files)
    reviewer = get_principal(db, seed.users["reviewer"])
    for name, data, hazard in (
        ("site.jpg", photo(46.705, 39.805), seed.hazards["cha"]),
        ("form.pdf", PDF, seed.hazards["cha"]),
        ("map.jpg", photo(), seed.hazards["sha"]),
    ):
        attach(db, store, "hazard", hazard, name, data, reviewer, max_bytes=10**6)
    gpkg = tmp_path / "register.gpkg"
    monkeypatch.setenv("DEMINE_ATTACHMENTS_DIR", str(source_files))
    made = runner.invoke(cli, ["export", str(gpkg), "--db", db_url, "--json"])
    assert made.exit_code == 0, made.output
    assert json.loads(made.stdout)["layers"]["attachments"] == 3
    with closing(sqlite3.connect(gpkg)) as conn:
        related = conn.execute(
            "SELECT base_table_name, mapping_table_name FROM gpkgext_relations"
        ).fetchall()
        assert related == [("hazards", "hazards_attachments")]
        pairs = conn.execute("SELECT count(*) FROM hazards_attachments").fetchone()
        assert pairs == (3,)

    target_url = f"sqlite:///{tmp_path / 'target.sqlite'}"
    target_files = tmp_path / "target-files"
    assert runner.invoke(cli, ["init", "--db", target_url]).exit_code == 0
    monkeypatch.setenv("DEMINE_ATTACHMENTS_DIR", str(target_files))
    imported = runner.invoke(cli, ["import", "register", str(gpkg), "--db", target_url])
    assert imported.exit_code == 0, imported.output
    assert "attachments: 3 new" in imported.output
    target = Database(target_url)
    try:
        assert [r[1:3] for r in _attached(target)] == [r[1:3] for r in _attached(db)]
        # Each file is on the same hazard: the one with the same name.
        with target.session() as session:
            names = dict(session.execute(select(Hazard.external_id, Hazard.name)).all())
        with db.session() as session:
            source = dict(session.execute(select(Hazard.id, Hazard.name)).all())
        on = {r[1]: names[r[0]] for r in _attached(target)}
        assert on == {
            "form.pdf": source[seed.hazards["cha"]],
            "map.jpg": source[seed.hazards["sha"]],
            "site.jpg": source[seed.hazards["cha"]],
        }
        assert all(r[3] for r in _attached(target) if r[1].endswith(".jpg"))
        copies = DirectoryBlobStore(target_files)
        for _ext, _name, sha, _thumb in _attached(target):
            assert copies.get(sha) == DirectoryBlobStore(source_files).get(sha)
        # Importing the same file again adds nothing.
        again = runner.invoke(
            cli, ["import", "register", str(gpkg), "--db", target_url]
        )
        assert again.exit_code == 0, again.output
        assert len(_attached(target)) == 3
    finally:
        target.dispose()
