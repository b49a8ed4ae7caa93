# SPDX-License-Identifier: GPL-3.0-or-later
"""Content-addressed file storage: a file's name is the SHA-256 of its bytes.

The same photo attached twice, or carried in by two imports, is stored once;
a backup or a sync copies each file once and can check it by its name. The
directory store (``DEMINE_ATTACHMENTS_DIR``) writes through a temporary file
and an atomic rename, so a crash never leaves half a file under a real name.
An object store (S3, MinIO) fits the same three methods: ``put`` to a key of
the digest, ``get``, ``exists`` (docs/attachments.md).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from demine.errors import NotFoundError
from demine.i18n import _
from demine.settings import Settings
from demine.store import stored_files
from demine.store.database import Database

HEX = frozenset("0123456789abcdef")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BlobStore(Protocol):
    """Where attachment bytes live, addressed by their SHA-256."""

    def put(self, data: bytes) -> str: ...

    def get(self, sha256: str) -> bytes: ...

    def exists(self, sha256: str) -> bool: ...


class DirectoryBlobStore:
    """Files under ``root/ab/cd/<sha256>`` (two levels keep directories small)."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not set(sha256) <= HEX:
            raise NotFoundError(_("not a file digest: %(digest)r", digest=sha256[:80]))
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        sha = digest(data)
        target = self.path(sha)
        if target.exists():
            return sha
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha

    def get(self, sha256: str) -> bytes:
        path = self.path(sha256)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise NotFoundError(
                _("the file %(digest)s is missing from the store", digest=sha256)
            ) from None
        if digest(data) != sha256:
            raise NotFoundError(
                _("the file %(digest)s is damaged in the store", digest=sha256)
            )
        return data

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def digests(self) -> Iterator[str]:
        """Every file stored (for backups and checks)."""
        if not self.root.is_dir():
            return
        for path in sorted(self.root.glob("??/??/*")):
            if len(path.name) == 64 and not path.name.startswith("."):
                yield path.name


class RegisterBlobStore:
    """Files kept in the register itself (``DEMINE_ATTACHMENTS_IN_REGISTER``):
    servers on several hosts then share nothing but the database, and a
    backup of the register holds its files."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def put(self, data: bytes) -> str:
        sha = digest(data)
        if not self.exists(sha):
            stored_files.keep_bytes(self.db, _owner(sha), sha, data)
        return sha

    def get(self, sha256: str) -> bytes:
        if not self.exists(sha256):
            raise NotFoundError(
                _("the file %(digest)s is missing from the store", digest=sha256)
            )
        data = b"".join(stored_files.pieces(self.db, _owner(sha256), sha256))
        if digest(data) != sha256:
            raise NotFoundError(
                _("the file %(digest)s is damaged in the store", digest=sha256)
            )
        return data

    def exists(self, sha256: str) -> bool:
        return sha256 in stored_files.names(self.db, _owner(sha256))


def _owner(sha256: str) -> str:
    return f"file:{sha256}"


def blob_store(settings: Settings, db: Database) -> BlobStore:
    """The store the settings name: the register itself, or the folder
    ``DEMINE_ATTACHMENTS_DIR``."""
    if settings.attachments_in_register:
        return RegisterBlobStore(db)
    return DirectoryBlobStore(settings.attachments_dir)
