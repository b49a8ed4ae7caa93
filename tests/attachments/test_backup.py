# SPDX-License-Identifier: GPL-3.0-or-later
"""Attachments survive ``demine backup`` and ``demine restore`` (issue 15)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from demine.attachments.blobs import DirectoryBlobStore
from demine.attachments.records import attach
from demine.store.database import Database
from demine.store.users import get_principal
from tests.api.after_clearance import photo
from tests.api.conftest import Seed
from tests.reliability.harness import run_cli
from tests.reliability.test_backup import _same_register_url, restore_url

__all__ = ["restore_url"]  # the fixture, used by name below

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_backup_then_restore_brings_back_every_file(
    db: Database, db_url: str, seed: Seed, tmp_path: Path, restore_url: str
) -> None:
    files = tmp_path / "files"
    store = DirectoryBlobStore(files)
    reviewer = get_principal(db, seed.users["reviewer"])
    made = [
        attach(db, store, "hazard", hazard, name, data, reviewer, max_bytes=10**6)
        for name, data, hazard in (
            ("site.jpg", photo(46.705, 39.805), seed.hazards["cha"]),
            ("form.pdf", PDF, seed.hazards["sha"]),
        )
    ]
    digests = {row["sha256"] for row in made}
    env = {"DEMINE_ATTACHMENTS_DIR": str(files)}
    backup = tmp_path / "register.backup"
    answer = json.loads(
        run_cli(db_url, "backup", str(backup), "--json", env=env).stdout
    )
    # The photo's thumbnail is a file of its own.
    assert answer["attachment_files"] == 3
    assert answer["attachment_files_missing"] == []
    originals = {sha: store.get(sha) for sha in store.digests()}

    # The server's disk is lost: the register and every file.
    shutil.rmtree(files)
    target = _same_register_url(db_url, restore_url)
    restored = run_cli(target, "restore", str(backup), "--replace", env=env)
    assert "attachment files: 3 named, 3 copied" in restored.stdout
    back = DirectoryBlobStore(files)
    assert {sha: back.get(sha) for sha in back.digests()} == originals
    assert digests <= set(originals)

    # A second backup into the same place copies nothing again.
    again = json.loads(run_cli(db_url, "backup", str(backup), "--json", env=env).stdout)
    assert again["attachment_files_copied"] == 0


def test_a_file_missing_from_the_store_is_named_not_fatal(
    db: Database, db_url: str, seed: Seed, tmp_path: Path
) -> None:
    files = tmp_path / "files"
    store = DirectoryBlobStore(files)
    reviewer = get_principal(db, seed.users["reviewer"])
    row = attach(
        db, store, "hazard", seed.hazards["cha"], "form.pdf", PDF, reviewer,
        max_bytes=10**6,
    )  # fmt: skip
    store.path(row["sha256"]).unlink()
    env = {"DEMINE_ATTACHMENTS_DIR": str(files)}
    done = run_cli(db_url, "backup", str(tmp_path / "b.backup"), env=env)
    assert row["sha256"] in done.stderr
    assert "1 attachment file is missing" in done.stderr
