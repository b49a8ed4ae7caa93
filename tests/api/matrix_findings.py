# SPDX-License-Identifier: GPL-3.0-or-later
"""Validation findings in the security matrix: reviewers and administrators
run the check (it rewrites the ledger columns); the page keeps its CSRF form."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Seed


def entries(seed: Seed) -> list[tuple[str, str, Any, tuple[int, ...]]]:
    return [
        ("POST", "/api/v1/findings", None, (401, 403, 403, 403, 200, 200)),
        ("POST", "/api/v1/findings?limit=5", None, (401, 403, 403, 403, 200, 200)),
        ("POST", "/api/v1/findings?limit=-1", None, (401, 403, 403, 403, 422, 422)),
    ]
