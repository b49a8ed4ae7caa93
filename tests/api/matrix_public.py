# SPDX-License-Identifier: GPL-3.0-or-later
"""Security matrix rows of the after-clearance routes.

Seven statuses: ROLES of tests/api/test_security.py with ``assistance`` last.
The public lookup and certificate check answer anyone; issuing and handing
over are the authority's (reviewers, administrators); survivors are the
assistance role's alone, administrators included in the refusal.
"""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Seed

ANYONE = (200, 200, 200, 200, 200, 200, 200)
READ = (401, 200, 200, 200, 200, 200, 200)
ADMIN = (401, 403, 403, 403, 403, 200, 403)
ASSIST = (401, 403, 403, 403, 403, 403, 200)
ASSIST_NEW = (401, 403, 403, 403, 403, 403, 201)


def entries(seed: Seed) -> list[tuple[str, str, Any, tuple[int, ...]]]:
    after = seed.after
    code = after.get("code", "unknown-code")
    number = after.get("certificate", "HC-2026-999999")
    hazard = after.get("hazard", seed.hazards["cha"])
    survivor = after.get("survivor", 999_999)
    victim = after.get("victim", 999_999)
    attachment = after.get("attachment", 999_999)
    cha = seed.hazards["cha"]
    return [
        ("GET", "/public", None, ANYONE),
        ("GET", "/public?settlement=Nowhere", None, (404,) * 7),
        ("GET", "/public?lon=46.7145&lat=39.8145", None, ANYONE),
        ("GET", f"/public/certificates/{code}", None, ANYONE),
        ("GET", "/public/certificates/forged", None, (404,) * 7),
        ("GET", "/api/v1/public/lookup?lon=46.7145&lat=39.8145", None, ANYONE),
        ("GET", "/api/v1/public/lookup", None, (422,) * 7),
        ("GET", f"/api/v1/public/certificates/{code}", None, ANYONE),
        ("GET", "/api/v1/public/settings", None, ADMIN),
        (
            "PUT",
            "/api/v1/public/settings",
            {"layers": {"released_land": 0, "hazardous_area": 500}},
            ADMIN,
        ),
        ("GET", "/api/v1/handover/waiting", None, READ),
        (
            "POST",
            "/api/v1/handover/certificates",
            {
                "hazard_id": seed.hazards["sha"],
                "issued_by": "x",
                "recipient_authority": "y",
            },
            # the SHA is not released: refused for whoever may ask
            (401, 403, 403, 403, 422, 422, 403),
        ),
        (
            "POST",
            f"/api/v1/handover/certificates/{number}/handover",
            {"received_by": "z", "handed_over_on": "2026-11-02"},
            # handed over already
            (401, 403, 403, 403, 409, 409, 403),
        ),
        ("GET", f"/api/v1/handover/certificates/{number}/pdf", None, READ),
        ("GET", f"/api/v1/handover/hazards/{hazard}/completion", None, READ),
        ("GET", "/api/v1/survivors", None, ASSIST),
        ("GET", f"/api/v1/survivors/{survivor}", None, ASSIST),
        (
            "POST",
            "/api/v1/survivors",
            {"victim_id": victim},
            # one record per victim: the seed's survivor has it
            (401, 403, 403, 403, 403, 403, 409),
        ),
        (
            "POST",
            f"/api/v1/survivors/{survivor}/needs",
            {"need": "education"},
            ASSIST_NEW,
        ),
        (
            "POST",
            f"/api/v1/survivors/{survivor}/steps",
            {"step": "follow_up", "occurred_on": "2025-06-01"},
            ASSIST_NEW,
        ),
        ("GET", "/api/v1/assistance/figures", None, READ),
        ("GET", "/survivors", None, (303, 403, 403, 403, 403, 403, 200)),
        (
            "GET",
            f"/survivors/{survivor}",
            None,
            (303, 403, 403, 403, 403, 403, 200),
        ),
        ("GET", f"/handover/{hazard}", None, (303, 200, 200, 200, 200, 200, 200)),
        ("GET", f"/api/v1/records/hazard/{cha}/attachments", None, READ),
        ("GET", f"/api/v1/attachments/{attachment}", None, READ),
        ("GET", f"/api/v1/attachments/{attachment}/thumbnail", None, READ),
        # JSON is not a file upload: refused for every role that may write
        (
            "POST",
            f"/api/v1/records/hazard/{cha}/attachments",
            {"file": "x"},
            (401, 422, 422, 422, 422, 422, 422),
        ),
    ]
