# SPDX-License-Identifier: GPL-3.0-or-later
"""Security matrix rows of the reports (API documents and the /reports page).

The seeded register has two approved hazards and one accident in 2025, and
no funding: a donor report is a 422 for every role that may ask.
"""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Seed

OK = (401, 200, 200, 200, 200, 200)
REFUSED = (401, 422, 422, 422, 422, 422)
PAGE = (303, 200, 200, 200, 200, 200)


def entries(seed: Seed) -> list[tuple[str, str, Any, tuple[int, ...]]]:
    return [
        ("GET", "/api/v1/reports/national?period=2025&forecast=false", None, OK),
        ("GET", "/api/v1/reports/treaty?period=2025-05", None, OK),
        ("GET", "/api/v1/reports/national?period=2030", None, REFUSED),
        ("GET", "/api/v1/reports/donor?period=2025&donor=Nobody", None, REFUSED),
        ("GET", "/api/v1/reports/audit?period=2025", None, REFUSED),
        ("GET", "/reports", None, PAGE),
        ("GET", "/reports?kind=treaty&period=2025", None, PAGE),
        ("GET", "/reports?kind=national&period=1999", None, (303, *REFUSED[1:])),
    ]
