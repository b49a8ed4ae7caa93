# SPDX-License-Identifier: GPL-3.0-or-later
"""Security matrix rows for accounts: passwords, tokens, users (issue 19).

Every role may see and revoke its own tokens and change its own password;
only administrators manage users. Targets are ids that do not exist, so the
matrix changes no one's rights while it runs; form posts without the
session's CSRF token are refused.
"""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Seed

NOBODY = 99999
EVERYONE = (401, 200, 200, 200, 200, 200)
ADMIN_404 = (401, 403, 403, 403, 403, 404)
PAGE = (303, 200, 200, 200, 200, 200)
ADMIN_PAGE = (303, 403, 403, 403, 403, 200)
NO_CSRF = (303, 403, 403, 403, 403, 403)


def entries(seed: Seed) -> list[tuple[str, str, Any, tuple[int, ...]]]:
    wrong = {"current_password": "not the password", "new_password": "a new secret 1"}
    return [
        ("GET", "/api/v1/tokens", None, EVERYONE),
        ("DELETE", f"/api/v1/tokens/{NOBODY}", None, (401, 404, 404, 404, 404, 404)),
        ("POST", "/api/v1/me/password", wrong, (401, 422, 422, 422, 422, 422)),
        ("PATCH", f"/api/v1/users/{NOBODY}", {"active": False}, ADMIN_404),
        (
            "POST",
            f"/api/v1/users/{NOBODY}/password",
            {"new_password": "another secret"},
            ADMIN_404,
        ),
        ("DELETE", f"/api/v1/users/{NOBODY}", None, ADMIN_404),
        (
            "GET",
            f"/api/v1/users/{NOBODY}/tokens",
            None,
            (401, 403, 403, 403, 403, 200),
        ),
        # Export jobs: anyone logged in may start one; only its owner sees it.
        (
            "POST",
            "/api/v1/jobs/export",
            {"format": "gpkg"},
            (401, 202, 202, 202, 202, 202),
        ),
        ("GET", f"/api/v1/jobs/{NOBODY}", None, (401, 404, 404, 404, 404, 404)),
        ("DELETE", f"/api/v1/jobs/{NOBODY}", None, (401, 404, 404, 404, 404, 404)),
        ("GET", f"/api/v1/jobs/{NOBODY}/file", None, (401, 404, 404, 404, 404, 404)),
        ("POST", "/transfer/export", None, NO_CSRF),
        ("GET", f"/jobs/{NOBODY}", None, (303, 404, 404, 404, 404, 404)),
        ("POST", f"/jobs/{NOBODY}/cancel", None, NO_CSRF),
        ("GET", f"/transfer/jobs/{NOBODY}", None, (303, 403, 403, 403, 404, 404)),
        ("GET", "/account/password", None, PAGE),
        ("POST", "/account/password", None, NO_CSRF),
        ("GET", "/account/tokens", None, PAGE),
        ("POST", "/account/tokens", None, NO_CSRF),
        ("POST", f"/account/tokens/{NOBODY}/revoke", None, NO_CSRF),
        ("GET", "/admin/users", None, ADMIN_PAGE),
        ("POST", "/admin/users/new", None, NO_CSRF),
        ("POST", f"/admin/users/{NOBODY}", None, NO_CSRF),
        ("POST", f"/admin/users/{NOBODY}/password", None, NO_CSRF),
        ("POST", f"/admin/users/{NOBODY}/delete", None, NO_CSRF),
    ]
