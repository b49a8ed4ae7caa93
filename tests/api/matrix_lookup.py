# SPDX-License-Identifier: GPL-3.0-or-later
"""Security matrix rows for the pickers' search: any signed-in user."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Seed

SIGNED_IN = (401, 200, 200, 200, 200, 200)


def entries(seed: Seed) -> list[tuple[str, str, Any, tuple[int, ...]]]:
    return [
        ("GET", "/api/v1/search/hazard?q=Approved", None, SIGNED_IN),
        ("GET", "/api/v1/search/organisation", None, SIGNED_IN),
        ("GET", "/api/v1/search/victim", None, (401, 422, 422, 422, 422, 422)),
    ]
