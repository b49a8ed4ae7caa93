# SPDX-License-Identifier: GPL-3.0-or-later
"""Security matrix rows of quality management, accreditation, staff and training.

Roles in order: anonymous, viewer, clerk (Alpha), other_clerk (Bravo),
reviewer, admin. Personal data (people, attendance, certificates) is read by
administrators and the person's own organisation only: a reviewer, a viewer
and the other organisation's clerk get 404, as for a record that does not
exist. QA work is for reviewers and administrators; accreditation, the
course catalogue and sessions for administrators.
"""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Seed

READ = (401, 200, 200, 200, 200, 200)
QA = (401, 403, 403, 403, 422, 422)  # allowed roles reach the core's refusal
ADMIN = (401, 403, 403, 403, 403, 422)
PERSONAL = (401, 404, 200, 404, 404, 200)  # an Alpha person
MISSING = (401, 404, 404, 404, 404, 404)
PAGE = (303, 200, 200, 200, 200, 200)


def entries(seed: Seed) -> list[tuple[str, str, Any, tuple[int, ...]]]:
    cha = seed.hazards["cha"]
    alpha, bravo = seed.orgs["Alpha Demining"], seed.orgs["Bravo Clearance"]
    person, cert = seed.people["alpha"], seed.people["alpha_certificate"]
    return [
        # Plans and figures: any logged-in user.
        ("GET", "/api/v1/qa/plan", None, (401, *[422] * 5)),  # no lot given
        ("GET", "/api/v1/qa/plan?lot_size=1000&aql=1.0", None, READ),
        ("GET", "/api/v1/qa/plan?lot_size=1000&aql=0.3", None, (401, *[422] * 5)),
        ("GET", "/api/v1/qa/record", None, (401, *[422] * 5)),
        ("GET", f"/api/v1/qa/record?organisation_id={alpha}", None, READ),
        ("GET", f"/api/v1/qa/record?organisation_id={alpha}&method=", None, READ),
        ("GET", f"/api/v1/qa/record?organisation_id={alpha}&method=x", None,
         (401, *[422] * 5)),
        ("GET", "/api/v1/qa/figures", None, READ),
        ("GET", "/api/v1/qa/checklist", None, READ),
        ("GET", "/api/v1/qa/inspections/999999", None, MISSING),
        # A hazard with no released ground: the QA staff reach the core's 422.
        ("POST", "/api/v1/qa/inspections", {"hazard_id": cha}, QA),
        ("GET", "/api/v1/qa/inspections/999999/field-task", None,
         (401, 403, 403, 403, 404, 404)),
        ("POST", "/api/v1/qa/inspections/999999/result",
         {"inspected_on": "2026-01-05", "nonconforming_units": 0},
         (401, 403, 403, 403, 404, 404)),
        ("POST", "/api/v1/qa/non-conformities",
         {"organisation_id": alpha, "description": "x", "severity": "sever"}, QA),
        ("PATCH", "/api/v1/qa/non-conformities/999999",
         {"version": 1, "changes": {}}, MISSING),
        ("POST", "/api/v1/qa/non-conformities/999999/action",
         {"taken_on": "2026-01-05"}, MISSING),
        ("POST", "/api/v1/qa/non-conformities/999999/close",
         {"closed_on": "2026-01-05"}, (401, 403, 403, 403, 404, 404)),
        ("POST", "/api/v1/qa/non-conformities/999999/reopen",
         {"reason": "r"}, (401, 403, 403, 403, 404, 404)),
        ("POST", "/api/v1/qa/non-conformities/999999/reopen-land", None,
         (401, 403, 403, 403, 404, 404)),
        ("POST", "/api/v1/qa/visits",
         {"organisation_id": alpha, "visited_on": "2026-01-05", "answers": {}}, QA),
        # Accreditation: administrators change it, everyone logged in reads it.
        ("GET", "/api/v1/accreditations", None, READ),
        ("GET", f"/api/v1/organisations/{alpha}/accreditation", None, READ),
        ("POST", "/api/v1/accreditations",
         {"organisation_id": alpha, "activity_type": "clearance",
          "valid_from": "2026-02-01", "valid_until": "2026-01-01"}, ADMIN),
        ("POST", "/api/v1/accreditations/999999/suspend",
         {"starts_on": "2026-01-01", "reason": "r"}, (401, 403, 403, 403, 403, 404)),
        ("POST", "/api/v1/accreditation-suspensions/999999/lift",
         {"ends_on": "2026-01-01"}, (401, 403, 403, 403, 403, 404)),
        # Personal data: the person's organisation and administrators only.
        ("GET", f"/api/v1/records/person/{person}", None, PERSONAL),
        ("GET", f"/api/v1/records/certificate/{cert}", None, PERSONAL),
        ("GET", f"/api/v1/records/person/{seed.people['bravo']}", None,
         (401, 404, 404, 200, 404, 200)),
        ("GET", "/api/v1/people", None, READ),
        ("GET", "/api/v1/certificates/expiring", None, READ),
        ("GET", "/api/v1/certificates/expiring?on=2026-12-01", None, READ),
        ("POST", "/api/v1/people",
         {"full_name": "New Deminer", "role": "deminer", "organisation_id": alpha},
         (401, 403, 201, 403, 403, 201)),
        ("PATCH", f"/api/v1/people/{person}", {"version": 99, "changes": {}},
         (401, 404, 409, 404, 404, 409)),
        ("PUT", "/api/v1/public-layers", {"layers": ["person"]}, ADMIN),
        # Training: the catalogue and sessions are the administrators'.
        ("GET", "/api/v1/training/courses", None, READ),
        ("GET", "/api/v1/training/sessions", None, READ),
        ("POST", "/api/v1/training/courses",
         {"code": "X", "title": "X", "qualification": "nonsense", "duration_days": 1},
         ADMIN),
        ("POST", "/api/v1/training/sessions",
         {"course_id": 999999, "starts_on": "2026-01-01", "ends_on": "2026-01-02"},
         ADMIN),
        ("POST", "/api/v1/training/sessions/999999/results",
         {"person_id": person, "result": "passed"}, MISSING),
        ("GET", "/api/v1/teams/999999/qualification", None, MISSING),
        ("GET", "/api/v1/teams/999999/qualification?from=2026-01-31&to=2026-01-01",
         None, (401, *[422] * 5)),
        ("GET", "/api/v1/cost-efficiency", None, READ),
        ("GET", "/api/v1/cost-efficiency?by=colour", None, (401, *[422] * 5)),
        ("GET", f"/api/v1/records/person?organisation_id={bravo}", None, READ),
        # Pages: any logged-in user; form posts need the session's CSRF token,
        # which token clients lack.
        ("GET", "/qa", None, PAGE),
        ("GET", "/qa?lot_size=1000&aql=1.0", None, PAGE),
        ("GET", "/qa/inspections/999999", None, (303, *[404] * 5)),
        ("GET", "/qa/non-conformities/999999", None, (303, *[404] * 5)),
        ("GET", "/qa/visits", None, PAGE),
        ("GET", "/qa/visits/999999", None, (303, *[404] * 5)),
        ("POST", "/qa/visits", None, (303, *[403] * 5)),
        ("GET", "/people", None, PAGE),
        ("GET", "/training", None, PAGE),
        ("GET", "/accreditation", None, PAGE),
        ("GET", f"/accreditation/{alpha}", None, PAGE),
        ("POST", "/qa/non-conformities/999999/close", None, (303, *[403] * 5)),
        ("POST", "/qa/inspections/999999/result", None, (303, *[403] * 5)),
        ("POST", "/qa/inspections", None, (303, *[403] * 5)),
        ("POST", "/people", None, (303, *[403] * 5)),
        ("POST", "/accreditation", None, (303, *[403] * 5)),
        ("POST", "/training/results", None, (303, *[403] * 5)),
    ]  # fmt: skip
