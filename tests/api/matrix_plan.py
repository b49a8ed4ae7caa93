# SPDX-License-Identifier: GPL-3.0-or-later
"""Team tasking routes in the security matrix.

Computing a plan is for reviewers and administrators only (it can keep a
core busy for the request's time limit). The seeded register has no teams,
so an allowed role gets a 422 that says so.
"""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Seed


def entries(seed: Seed) -> list[tuple[str, str, Any, tuple[int, ...]]]:
    return [
        ("GET", "/api/v1/plan", None, (401, 403, 403, 403, 422, 422)),
        (
            "GET",
            "/api/v1/plan?horizon=6m&top=10&time_limit=1",
            None,
            (401, 403, 403, 403, 422, 422),
        ),
        ("GET", "/plan", None, (303, 403, 403, 403, 200, 200)),
        ("GET", "/plan?run=true&top=10", None, (303, 403, 403, 403, 422, 422)),
    ]
