# SPDX-License-Identifier: GPL-3.0-or-later
"""The registers the benchmarks read, opened so that they cannot change them."""

from __future__ import annotations

from pathlib import Path

from demine.store.database import Database

# Built by `demine demo --scale national --db /tmp/demine-national.sqlite`.
NATIONAL = "/tmp/demine-national.sqlite"


def read_only(path: str) -> Database:
    """A register URL as it is; a SQLite file opened read-only (``mode=ro``)."""
    if "://" in path:
        return Database(path)
    return Database(f"sqlite:///file:{Path(path).resolve()}?mode=ro&uri=true")
