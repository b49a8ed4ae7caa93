# SPDX-License-Identifier: GPL-3.0-or-later
"""Rendered responses on disk, shared by the worker processes of one server.

Each worker keeps its own cache in memory (:mod:`demine.serving.response_cache`), so
with two workers every tile was rendered twice, and a worker that had not
seen a tile yet rendered it again while the other held it. ``demine serve
--workers N`` gives the workers one directory: a worker that misses in memory
looks there before rendering, and writes there what it renders. Entries live
under the register version every process agrees on
(:meth:`~demine.store.register_version.RegisterVersion.shared`), so a write
makes them unreachable exactly as it does the memory caches; directories of
versions a minute old are removed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
import time
from collections.abc import Hashable
from pathlib import Path

# Other processes may still read a version for a second or two after a
# write; a minute is far beyond that.
KEEP_OLD_VERSIONS_S = 60.0


class ResponseStore:
    """Bytes by (version, key) in a directory; every write is atomic."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._version = ""
        self._lock = threading.Lock()

    def _path(self, version: str, key: Hashable) -> Path:
        name = hashlib.blake2b(repr(key).encode(), digest_size=16).hexdigest()
        return self.root / version / name[:2] / name

    def get(self, version: str, key: Hashable) -> bytes | None:
        """The stored bytes, or None."""
        try:
            return self._path(version, key).read_bytes()
        except OSError:
            return None

    def put(self, version: str, key: Hashable, data: bytes) -> None:
        """Store ``data``; a failure to write only loses the sharing."""
        path = self._path(version, key)
        scratch = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            scratch.write_bytes(data)
            os.replace(scratch, path)
        except OSError:
            scratch.unlink(missing_ok=True)
            return
        self._forget_old(version)

    def _forget_old(self, version: str) -> None:
        with self._lock:
            if version == self._version:
                return
            self._version = version
        limit = time.time() - KEEP_OLD_VERSIONS_S
        for child in self.root.iterdir():
            try:
                old = child.name != version and child.stat().st_mtime < limit
            except OSError:
                continue
            if old:
                shutil.rmtree(child, ignore_errors=True)
