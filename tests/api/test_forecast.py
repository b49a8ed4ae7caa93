# SPDX-License-Identifier: GPL-3.0-or-later
"""GET and POST /api/v1/forecast and the /forecast page."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from demine.store.database import Database
from demine.store.forecast_scenarios import save_scenario
from tests.api.conftest import PASSWORD
from tests.api.matrix_forecast import TEAMS


def test_register_without_teams_is_a_clear_422(as_role: dict[str, TestClient]) -> None:
    res = as_role["viewer"].get("/api/v1/forecast")
    assert res.status_code == 422
    assert "zero teams" in res.text


def test_a_scenario_with_teams_runs(
    as_role: dict[str, TestClient], db: Database
) -> None:
    res = as_role["viewer"].post("/api/v1/forecast?draws=1000&seed=1", json=TEAMS)
    assert res.status_code == 200, res.text
    [run] = res.json()["scenarios"]
    assert run["scenario"] == "five manual teams"
    assert set(run["completion_year"]) == {"p10", "p50", "p90"}
    # Two approved 0.01° squares (the draft ones do not count); no NTS history,
    # so all of it is worked at 5 x 100 m² a day for 220 days a year.
    open_m2 = run["parameters"]["sha_m2"] + run["parameters"]["cha_m2"]
    assert 1.5e6 < open_m2 < 2.5e6
    assert run["years"]["p50"] == pytest.approx(open_m2 / (5 * 100 * 220))
    assert run["total_cost"]["p50"] == pytest.approx(open_m2 * 8.0)


def test_bad_scenarios_are_422_naming_the_field(as_role: dict[str, TestClient]) -> None:
    client = as_role["clerk"]
    res = client.post("/api/v1/forecast", json={"name": "x", "budget_usd_per_year": -1})
    assert res.status_code == 422
    assert "request body" in res.text
    assert "budget_usd_per_year" in res.text
    res = client.post("/api/v1/forecast", json={"name": "x", "teams": {"manual": 0}})
    assert res.status_code == 422
    assert "zero teams" in res.text
    res = client.post("/api/v1/forecast?draws=20000", json=TEAMS)
    assert res.status_code == 422


def _login(client: TestClient) -> str:
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    client.post(
        "/login",
        data={"username": "viewer", "password": PASSWORD, "csrf_token": token[1]},
    )
    forecast = client.get("/forecast")
    found = re.search(r'name="csrf_token" value="([^"]+)"', forecast.text)
    assert found is not None
    return found[1]


def test_page_shows_the_refusal_then_a_scenario_with_chart(
    client: TestClient, db: Database
) -> None:
    _login(client)
    page = client.get("/forecast")
    assert page.status_code == 200
    assert 'id="forecast-error"' in page.text
    assert "zero teams" in page.text
    # Scenarios come from the editor, never typed as YAML on the page.
    assert "YAML" not in page.text
    assert "docs/" not in page.text
    teams = save_scenario(db, dict(TEAMS), None)
    rate = save_scenario(
        db, {"name": "at a fixed rate", "capacity_m2_per_year": 500000}, None
    )
    page = client.get(f"/forecast?scenario={teams}")
    assert page.status_code == 200
    assert 'id="forecast-results"' in page.text
    assert "five manual teams" in page.text
    assert "<svg" in page.text
    assert "forecast-error" not in page.text
    page = client.get(f"/forecast?scenario={rate}")
    assert "at a fixed rate" in page.text
    assert "Technical area released per year" in page.text
    assert "500,000" in page.text


ODD_BODIES: list[object] = [
    [],
    {"scenarios": "x"},
    {"scenarios": [1, 2]},
    {"name": 5},
    {"name": "x", "teams": [1]},
    {"name": "x", "teams": {"manual": "many"}},
    {"name": "x", "teams": {"manual": 1e300}},
    {"name": "x", "sha_m2": 1e15, **{k: v for k, v in TEAMS.items() if k != "name"}},
    {
        "name": "x",
        "horizon_years": 1,
        **{k: v for k, v in TEAMS.items() if k != "name"},
    },
    {"name": "x", "uncertainty": {"productivity": 1e9}},
    {"name": "x", "uncertainty": {"deterministic": "yes"}},
    {"name": "x", "productivity_m2_day": {"manual": {"value": 1e-300, "sd": 1e15}}},
    {"name": "x", "nts_cancel_share": {"add": -5}},
    {"name": "x", "budget_usd_per_year": {"scale": 0}},
    {"name": "x", "start_year": 99999},
]


def test_odd_bodies_are_answered_without_a_server_error(
    as_role: dict[str, TestClient],
) -> None:
    for body in ODD_BODIES:
        res = as_role["viewer"].post("/api/v1/forecast", json=body)
        assert res.status_code in (200, 422), (body, res.status_code, res.text)
        assert "Traceback" not in res.text
    beyond = as_role["viewer"].post("/api/v1/forecast", json=ODD_BODIES[8])
    assert beyond.status_code == 200
    assert beyond.json()["scenarios"][0]["completion_year"]["p50"] is None
