# SPDX-License-Identifier: GPL-3.0-or-later
"""The summary's breakdowns and the dashboard's figures in the security
matrix: every logged-in role reads them; anonymous readers are sent away."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Seed


def entries(seed: Seed) -> list[tuple[str, str, Any, tuple[int, ...]]]:
    return [
        ("GET", "/api/v1/summary/year", None, (401, 200, 200, 200, 200, 200)),
        ("GET", "/api/v1/summary/admin", None, (401, 200, 200, 200, 200, 200)),
        ("GET", "/api/v1/summary/colour", None, (401, 422, 422, 422, 422, 422)),
        ("GET", "/api/v1/dashboard", None, (401, 200, 200, 200, 200, 200)),
    ]
