# SPDX-License-Identifier: GPL-3.0-or-later
"""Where the report tests leave what people look at; their register is the
session's small demo register (``demo_db`` in tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "reports"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where the tests leave PDF pages as PNG for people (and CI) to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
