# SPDX-License-Identifier: GPL-3.0-or-later
"""Numbers beyond what the database can hold are the client's error, not a 500."""

from __future__ import annotations

from fastapi.testclient import TestClient

HUGE = "9" * 30


def test_huge_record_id_is_a_client_error(as_role: dict[str, TestClient]) -> None:
    response = as_role["admin"].get(f"/api/records/hazard/{HUGE}")
    assert 400 <= response.status_code < 500, response.text
    assert "Traceback" not in response.text
