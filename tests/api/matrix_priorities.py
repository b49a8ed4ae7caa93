# SPDX-License-Identifier: GPL-3.0-or-later
"""Prioritisation routes in the security matrix: every logged-in role reads them.

The seeded register holds two approved open hazards, enough to rank; a bad
method is a 422 for every logged-in role.
"""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Seed

READ = (401, 200, 200, 200, 200, 200)
PAGE = (303, 200, 200, 200, 200, 200)


def entries(seed: Seed) -> list[tuple[str, str, Any, tuple[int, ...]]]:
    return [
        ("GET", "/api/v1/priorities", None, READ),
        ("GET", "/api/v1/priorities?method=weighted&top=5", None, READ),
        ("GET", "/api/v1/priorities?method=electre", None, (401, *[422] * 5)),
        ("GET", "/api/v1/priorities/sensitivity", None, READ),
        ("GET", "/api/v1/priorities/sensitivity?method=weighted", None, READ),
        ("GET", "/priorities", None, PAGE),
        ("GET", "/priorities?method=weighted&sensitivity=true", None, PAGE),
    ]
