# SPDX-License-Identifier: GPL-3.0-or-later
"""``POST /api/v1/findings`` gives what ``demine validate`` and the page give."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from demine.cli import app as cli
from demine.commands.app import rounded
from tests.api.conftest import PASSWORD, Seed


def test_api_findings_are_the_cli_findings(
    db_url: str, seed: Seed, as_role: dict[str, TestClient]
) -> None:
    # db_url names the register the seed wrote (same file, or same schema).
    answer = as_role["reviewer"].post("/api/v1/findings")
    assert answer.status_code == 200
    body = answer.json()
    ran = CliRunner().invoke(cli, ["validate", "--db", db_url, "--json"])
    assert ran.exit_code == 0, ran.output
    from_cli = json.loads(ran.stdout)
    assert body["total"] == len(from_cli) > 0
    # The CLI rounds its floats to meaningful digits (issue 11, defect 9).
    assert rounded(body["findings"]) == from_cli
    counted: dict[str, int] = {}
    for finding in from_cli:
        counted[finding["rule"]] = counted.get(finding["rule"], 0) + 1
    assert body["counts"] == dict(sorted(counted.items()))


def test_limit_lists_fewer_but_counts_all(as_role: dict[str, TestClient]) -> None:
    whole = as_role["admin"].post("/api/v1/findings").json()
    short = as_role["admin"].post("/api/v1/findings?limit=1").json()
    assert len(short["findings"]) == 1
    assert short["total"] == whole["total"]
    assert short["counts"] == whole["counts"]


def test_a_cookie_session_needs_the_csrf_header(client: TestClient) -> None:
    client.post("/api/v1/login", json={"username": "reviewer", "password": PASSWORD})
    assert client.post("/api/v1/findings").status_code == 403
    token = client.get("/api/v1/me").json()["csrf_token"]
    answer = client.post("/api/v1/findings", headers={"X-CSRF-Token": token})
    assert answer.status_code == 200
