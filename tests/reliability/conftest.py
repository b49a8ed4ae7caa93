# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures of the multi-process tests: an initialised register and its URL."""

from __future__ import annotations

import pytest

from demine.store.database import Database


@pytest.fixture
def register_url(db_url: str) -> str:
    """The URL of a migrated, empty register on the backend under test."""
    db = Database(db_url)
    try:
        db.upgrade()
    finally:
        db.dispose()
    return db_url
