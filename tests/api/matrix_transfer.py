# SPDX-License-Identifier: GPL-3.0-or-later
"""Import and export routes in the security matrix: reviewers and
administrators import (an empty form is a 422 for them); every logged-in
role exports what it may see."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Seed


def entries(seed: Seed) -> list[tuple[str, str, Any, tuple[int, ...]]]:
    return [
        ("POST", "/api/v1/import", None, (401, 403, 403, 403, 422, 422)),
        ("GET", "/api/v1/export", None, (401, 200, 200, 200, 200, 200)),
        (
            "GET",
            "/api/v1/export?kind=hazards&format=geojson",
            None,
            (401, 200, 200, 200, 200, 200),
        ),
        ("GET", "/api/v1/export?format=pdf", None, (401, 422, 422, 422, 422, 422)),
    ]
