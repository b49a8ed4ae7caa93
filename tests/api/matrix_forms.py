# SPDX-License-Identifier: GPL-3.0-or-later
"""Security matrix rows for the data-entry forms and import / export pages.

These are browser pages (not in the OpenAPI document), listed so that every
role is tried on each: anonymous users are sent to log in, viewers cannot
open or post a form, clerks cannot edit approved records or open other
organisations' drafts, imports are for reviewers and administrators, and form
posts without the session's CSRF token (which token clients lack) are refused.
"""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Seed

# The seeded register's only accident (approved, reported by no organisation):
# every test gets a fresh register, so it is record 1.
SEEDED_ACCIDENT = 1
WRITERS = (303, 403, 200, 200, 200, 200)
NO_CSRF = (303, 403, 403, 403, 403, 403)


def entries(seed: Seed) -> list[tuple[str, str, Any, tuple[int, ...]]]:
    bravo = seed.hazards["bravo_draft"]
    rows: list[tuple[str, str, Any, tuple[int, ...]]] = [("GET", "/new", None, WRITERS)]
    for slug in ("activities", "releases", "eo-items", "accidents", "victims"):
        rows += [
            ("GET", f"/{slug}/new", None, WRITERS),
            ("POST", f"/{slug}/new", None, NO_CSRF),
            ("GET", f"/{slug}/99999/edit", None, (303, 403, 404, 404, 404, 404)),
            ("POST", f"/{slug}/99999/edit", None, NO_CSRF),
        ]
    rows += [
        # Approved: clerks may not edit it; reviewers may.
        (
            "GET",
            f"/accidents/{SEEDED_ACCIDENT}/edit",
            None,
            (303, 403, 403, 403, 200, 200),
        ),
        # A form prefilled with another organisation's draft hazard shows no more
        # than the number typed in the link; the record stays hidden.
        ("GET", f"/activities/new?hazard_id={bravo}", None, WRITERS),
        ("GET", "/transfer", None, (303, 200, 200, 200, 200, 200)),
        (
            "GET",
            "/transfer/export?kind=hazard&format=csv",
            None,
            (303, 200, 200, 200, 200, 200),
        ),
        (
            "GET",
            "/transfer/export?kind=register&format=gpkg",
            None,
            (303, 200, 200, 200, 200, 200),
        ),
        ("POST", "/transfer/import", None, (303, 403, 403, 403, 403, 403)),
        ("POST", "/transfer/import/confirm", None, (303, 403, 403, 403, 403, 403)),
    ]
    return rows
