# SPDX-License-Identifier: GPL-3.0-or-later
"""Team tasking over the API and on the web page, on the small demo register."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from demine.demo import generate
from demine.domain.vocab import Role
from demine.server import create_app
from demine.settings import Settings
from demine.store.database import Database
from demine.store.loading import load_register
from demine.store.users import add_user, create_token
from tests.api.conftest import Seed

ASK = {"top": 60, "time_limit": 5, "start": "2027-01", "horizon": "6m"}


@pytest.fixture
def planner(db: Database) -> Iterator[TestClient]:
    """A reviewer's client on the small demo register."""
    load_register(db, generate("small", seed=1))
    user = add_user(db, "planner", "correct horse battery", Role.REVIEWER, None)
    token = create_token(db, user.id, "tests")
    app = create_app(Settings(database_url=db.url, secret_key="k"), db)
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as client:
        yield client


def test_api_plan_on_the_demo_register(planner: TestClient) -> None:
    response = planner.get("/api/v1/plan", params=ASK)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["months"][0] == "2027-01"
    assert len(data["months"]) == 6
    assert data["hazards_planned"] == 60
    assert data["objective"] >= data["greedy_objective"] - 1e-9
    assert data["bound"] >= data["objective"] - 1e-6
    assert 0 <= data["gap"] < 1
    assert data["released_m2"] > 0
    rows = data["plan"]
    assert {r["month"] for r in rows} <= set(data["months"])
    assert sum(r["released_m2"] for r in rows) == pytest.approx(
        data["released_m2"], rel=1e-6
    )
    # Every team's total matches its rows.
    by_team: dict[int, float] = {}
    for r in rows:
        by_team[r["team_id"]] = by_team.get(r["team_id"], 0.0) + r["released_m2"]
    for team in data["teams"]:
        assert team["released_m2"] == pytest.approx(by_team.get(team["team_id"], 0.0))


def test_web_plan_page_shows_plan_and_gantt(planner: TestClient) -> None:
    form = planner.get("/plan")
    assert form.status_code == 200
    assert 'id="plan-form"' in form.text
    page = planner.get("/plan", params={**ASK, "run": "true", "teams": ""})
    assert page.status_code == 200, page.text[:500]
    assert 'id="plan-gantt"' in page.text
    assert "<svg" in page.text
    assert "<?xml" not in page.text
    assert 'class="team-plan"' in page.text
    bad = planner.get("/plan", params={"run": "true", "top": "lots"})
    assert bad.status_code == 422
    assert "top: &#39;lots&#39; is not a number" in bad.text


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"horizon": "0m"}, "at least 1 month"),
        ({"horizon": "48m"}, "at most 36 months"),
        ({"horizon": "soon"}, "write months as 12m"),
        ({"time_limit": 0}, "time_limit"),
        ({"time_limit": 3600}, "time_limit"),
        ({"top": 0}, "top"),
        ({"top": 50_000}, "top"),
        ({"start": "2027-13"}, "not a month"),
    ],
)
def test_bad_plan_requests_are_a_clear_422(
    as_role: dict[str, TestClient], seed: Seed, params: dict[str, object], words: str
) -> None:
    response = as_role["reviewer"].get("/api/v1/plan", params=params)
    assert response.status_code == 422
    assert words in response.text


def test_no_teams_is_a_clear_422(as_role: dict[str, TestClient]) -> None:
    response = as_role["admin"].get("/api/v1/plan")
    assert response.status_code == 422
    assert "no active approved teams" in response.json()["error"]
