# SPDX-License-Identifier: GPL-3.0-or-later
"""Security matrix rows of the casualty routes: any logged-in role may read."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Seed

READ = (401, 200, 200, 200, 200, 200)
PAGE = (303, 200, 200, 200, 200, 200)


def entries(seed: Seed) -> list[tuple[str, str, Any, tuple[int, ...]]]:
    return [
        ("GET", "/api/v1/casualties", None, READ),
        ("GET", "/api/v1/casualties?from=2025-01-01&to=2025-12-31", None, READ),
        ("GET", "/api/v1/casualties/hotspots", None, READ),
        # a bad period is refused for every role that may ask at all
        (
            "GET",
            "/api/v1/casualties?from=2025-12-31&to=2025-01-01",
            None,
            (401, 422, 422, 422, 422, 422),
        ),
        ("GET", "/casualties", None, PAGE),
    ]
