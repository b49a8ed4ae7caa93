# SPDX-License-Identifier: GPL-3.0-or-later
"""The files of a register's attachments in its backups.

The register holds only each file's digest; the files live in the blob
store. A backup copies the files the backed-up register names into a folder
beside the backup file (``FILE.files``), after the register itself: files
are written before the rows that name them and never changed, so every file
the backup names is in the store by then. Restoring puts back the files the
restored register names that the store lacks. Both check each file against
its digest.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from demine.attachments.blobs import BlobStore, DirectoryBlobStore
from demine.errors import NotFoundError
from demine.store.attachments import stored_digests
from demine.store.database import Database


@dataclass(frozen=True)
class FilesCopied:
    """Files a backup or restore copied, and those it could not find."""

    folder: Path
    copied: int
    named: int
    missing: tuple[str, ...]


def files_folder(backup: Path) -> Path:
    """Where the files of the backup ``backup`` are kept."""
    return backup.with_name(backup.name + ".files")


def _named(db: Database) -> set[str]:
    with db.session() as session:
        return stored_digests(session)


def _copy(
    digests: set[str], source: BlobStore, target: BlobStore
) -> tuple[int, tuple[str, ...]]:
    copied, missing = 0, []
    for sha in sorted(digests):
        if target.exists(sha):
            continue
        try:
            target.put(source.get(sha))
        except NotFoundError:
            missing.append(sha)
            continue
        copied += 1
    return copied, tuple(missing)


def back_up_files(db: Database, store: BlobStore, backup: Path) -> FilesCopied:
    """Copy the files the register names beside its backup ``backup``."""
    folder = files_folder(backup.resolve())
    named = _named(db)
    copied, missing = _copy(named, store, DirectoryBlobStore(folder))
    return FilesCopied(folder, copied, len(named), missing)


def restore_files(db: Database, store: BlobStore, backup: Path) -> FilesCopied:
    """Put back the files the restored register names from beside ``backup``."""
    folder = files_folder(backup.resolve())
    named = _named(db)
    copied, missing = _copy(named, DirectoryBlobStore(folder), store)
    return FilesCopied(folder, copied, len(named), missing)
