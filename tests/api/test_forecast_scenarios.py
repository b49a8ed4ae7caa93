# SPDX-License-Identifier: GPL-3.0-or-later
"""Saved forecast scenarios: the store on both backends, the editor's form
(every mistake at once, beside its field), and comparing them on /forecast."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from demine.errors import ConflictError, NotFoundError
from demine.store import forecast_scenarios as saved
from demine.store.database import Database
from tests.api.conftest import PASSWORD, Seed
from tests.api.matrix_forecast import TEAMS

FIVE_TEAMS = {
    "name": "five manual teams",
    "v.teams.manual": "5",
    "v.productivity_m2_day.manual": "100",
    "v.cost_per_day_usd.manual": "800",
}


def _log_in(client: TestClient, username: str) -> str:
    """Log in through the form; the session's CSRF token."""
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token is not None
    client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token[1]},
    )
    page = client.get("/forecast")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found[1]


def test_store_saves_lists_changes_and_deletes(db: Database, seed: Seed) -> None:
    admin = seed.users["admin"]
    first = saved.save_scenario(db, dict(TEAMS), admin)
    other = saved.save_scenario(db, {"name": " more money ", "sha_m2": 5}, None)
    assert [s.name for s in saved.list_scenarios(db)] == [
        "five manual teams",
        "more money",
    ]
    with pytest.raises(ConflictError, match="saved already"):
        saved.save_scenario(db, {"name": "more money"}, admin)
    with pytest.raises(ConflictError):
        saved.save_scenario(db, {"name": "five manual teams"}, admin, other)
    # The refused renaming changed nothing.
    assert saved.get_scenario(db, other).definition == {
        "name": "more money",
        "sha_m2": 5,
    }
    saved.save_scenario(db, {**TEAMS, "teams": {"manual": 7}}, admin, first)
    assert saved.get_scenario(db, first).definition["teams"] == {"manual": 7}
    saved.delete_scenario(db, other)
    with pytest.raises(NotFoundError):
        saved.get_scenario(db, other)
    with pytest.raises(NotFoundError):
        saved.delete_scenario(db, other)
    assert [s.id for s in saved.list_scenarios(db)] == [first]


def test_editor_shows_every_mistake_at_once_and_saves_nothing(
    client: TestClient, db: Database
) -> None:
    csrf = _log_in(client, "reviewer")
    page = client.post(
        "/forecast/scenarios/new",
        data={
            "csrf_token": csrf,
            "name": "",
            "v.teams.manual": "many",
            "v.working_days": "400",
            "op.nts_cancel_share": "add",
            "v.nts_cancel_share": "-5",
            "v.start_year": "1200",
        },
    )
    assert page.status_code == 422
    fields = ("name", "teams-manual", "working-days", "start-year", "nts-cancel-share")
    for field in fields:
        assert f'id="f-{field}-error"' in page.text, field
    assert "every scenario needs a name" in page.text
    assert "expected a number, got &#39;many&#39;" in page.text
    assert "a year has at most 366 days" in page.text
    assert re.search(r"The scenario has [5-9] mistakes", page.text)
    # What was typed stays in the form.
    assert 'value="many"' in page.text
    assert saved.list_scenarios(db) == []


def test_teams_without_history_are_named_beside_their_field(
    client: TestClient, db: Database
) -> None:
    csrf = _log_in(client, "reviewer")
    page = client.post(
        "/forecast/scenarios/new",
        data={"csrf_token": csrf, "name": "dogs", "v.teams.mdd": "3"},
    )
    assert page.status_code == 422
    assert 'id="f-teams-mdd-error"' in page.text
    assert "productivity_m2_day.mdd" in page.text
    assert saved.list_scenarios(db) == []


def test_saved_scenario_is_compared_edited_and_deleted(
    client: TestClient, as_role: dict[str, TestClient], db: Database
) -> None:
    csrf = _log_in(client, "reviewer")
    made = client.post(
        "/forecast/scenarios/new",
        data={"csrf_token": csrf, **FIVE_TEAMS, "deterministic": "1"},
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    [stored] = saved.list_scenarios(db)
    assert stored.definition == {
        **TEAMS,
        "teams": {"manual": 5.0},
        "uncertainty": {"deterministic": True},
    }
    page = client.get(f"/forecast?scenario={stored.id}")
    assert 'id="forecast-results"' in page.text
    assert "five manual teams" in page.text
    assert "<svg" in page.text
    before = _chart(page.text)
    assert _chart(client.get(f"/forecast?scenario={stored.id}").text) == before
    # The editor shows what was saved; a change is kept.
    form = client.get(f"/forecast/scenarios/{stored.id}").text
    assert 'name="v.productivity_m2_day.manual" value="100"' in form
    changed = client.post(
        f"/forecast/scenarios/{stored.id}",
        data={
            "csrf_token": csrf,
            **FIVE_TEAMS,
            "op.teams.manual": "add",
            "v.teams.manual": "2",
        },
        follow_redirects=False,
    )
    assert changed.status_code == 303
    assert saved.get_scenario(db, stored.id).definition["teams"] == {
        "manual": {"add": 2.0}
    }
    # The chart is kept per register version: the change draws it anew.
    assert _chart(client.get(f"/forecast?scenario={stored.id}").text) != before
    # A viewer compares scenarios but cannot change them.
    viewer = as_role["viewer"]
    assert "five manual teams" in viewer.get("/forecast").text
    assert viewer.get(f"/forecast/scenarios/{stored.id}").status_code == 403
    gone = client.post(
        f"/forecast/scenarios/{stored.id}/delete",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )
    assert gone.status_code == 303
    assert saved.list_scenarios(db) == []


def _chart(page: str) -> str:
    """The forecast chart's SVG in a page."""
    start = page.index('<figure class="chart" id="forecast-curve">')
    return page[start : page.index("</figure>", start)]
