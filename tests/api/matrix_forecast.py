# SPDX-License-Identifier: GPL-3.0-or-later
"""Forecast routes in the security matrix.

The seeded register has open hazards but no teams, history or funding: its
own forecast is a 422 (nothing to do the work), a scenario that brings teams
runs, and a bad scenario is a 422 for every logged-in role.
"""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Seed

TEAMS = {
    "name": "five manual teams",
    "teams": {"manual": 5},
    "productivity_m2_day": {"manual": 100},
    "cost_per_day_usd": {"manual": 800},
}


def entries(seed: Seed) -> list[tuple[str, str, Any, tuple[int, ...]]]:
    return [
        ("GET", "/api/v1/forecast", None, (401, 422, 422, 422, 422, 422)),
        ("POST", "/api/v1/forecast", TEAMS, (401, 200, 200, 200, 200, 200)),
        (
            "POST",
            "/api/v1/forecast",
            {"name": "bad", "teams": {"tank": 1}},
            (401, 422, 422, 422, 422, 422),
        ),
        ("GET", "/forecast", None, (303, 200, 200, 200, 200, 200)),
        # Planners (reviewers and administrators) edit the saved scenarios.
        ("GET", "/forecast/scenarios/new", None, (303, 403, 403, 403, 200, 200)),
    ]
