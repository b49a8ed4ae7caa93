# SPDX-License-Identifier: GPL-3.0-or-later
"""The priorities API and page over the seeded register."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from demine.store.database import Database
from demine.store.editing import add_records
from tests.api.conftest import Seed, square


def test_priorities_rank_the_approved_open_hazards(
    as_role: dict[str, TestClient], seed: Seed
) -> None:
    response = as_role["viewer"].get("/api/v1/priorities", params={"top": 10})
    assert response.status_code == 200
    data = response.json()
    ids = [item["id"] for item in data["items"]]
    # Drafts are not in the national register, so not ranked.
    assert sorted(ids) == sorted([seed.hazards["cha"], seed.hazards["sha"]])
    assert [item["rank"] for item in data["items"]] == [1, 2]
    assert data["method"] == "promethee"
    first = data["items"][0]
    assert sum(first["contributions"].values()) == pytest.approx(first["score"])
    names = {c["name"] for c in data["criteria"]}
    assert set(first["contributions"]) == names
    # The seed has no teams and no published risk: said, not guessed.
    assert "effort" in data["notes"]
    assert "effort" not in names


def test_the_accident_in_the_cha_puts_it_first(
    as_role: dict[str, TestClient], seed: Seed
) -> None:
    # The seed's one accident lies inside the approved CHA.
    data = as_role["viewer"].get("/api/v1/priorities").json()
    assert data["items"][0]["id"] == seed.hazards["cha"]
    assert data["items"][0]["values"]["casualties"] > 0
    assert data["items"][1]["values"]["casualties"] == 0


def test_new_records_change_the_cached_ranking(
    as_role: dict[str, TestClient], db: Database
) -> None:
    viewer = as_role["viewer"]
    before = viewer.get("/api/v1/priorities?method=weighted").json()
    add_records(
        db,
        "hazard",
        [
            {
                "name": "New CHA",
                "hazard_class": "cha",
                "status": "open",
                "geom": square(46.9, 39.9),
            }
        ],
    )
    after = viewer.get("/api/v1/priorities?method=weighted").json()
    assert after["hazards"] == before["hazards"] + 1


def test_sensitivity_endpoint(as_role: dict[str, TestClient]) -> None:
    data = as_role["reviewer"].get("/api/v1/priorities/sensitivity?top=1").json()
    assert data["top"] == 1
    assert {r["criterion"] for r in data["summary"]} >= {"casualties"}
    assert all(0 <= r["overlap"] <= 1 for r in data["summary"])
    assert len(data["ranks"]) == 1


def test_bad_parameters_are_clear(as_role: dict[str, TestClient]) -> None:
    response = as_role["viewer"].get("/api/v1/priorities?top=0")
    assert response.status_code == 422
    response = as_role["viewer"].get("/api/v1/priorities?method=topsis")
    assert response.status_code == 422


def test_empty_register_is_a_clear_error(
    as_role: dict[str, TestClient], db: Database
) -> None:
    with db.transaction(write=True) as conn:
        conn.exec_driver_sql("UPDATE hazard SET status = 'closed'")
    response = as_role["viewer"].get("/api/v1/priorities")
    assert response.status_code == 422
    assert "no approved hazards" in response.json()["error"]


def test_priorities_page_lists_links_and_bars(
    as_role: dict[str, TestClient], seed: Seed
) -> None:
    page = as_role["viewer"].get("/priorities?sensitivity=true")
    assert page.status_code == 200
    html = page.text
    cha = seed.hazards["cha"]
    assert f'href="/records/hazard/{cha}"' in html
    assert 'href="/map#at=' in html
    assert html.count('class="contrib"') == 2
    assert 'id="sensitivity"' in html
    assert "Approved CHA" in html
    weighted = as_role["viewer"].get("/priorities?method=weighted")
    assert '<option value="weighted" selected>' in weighted.text


def test_cached_ranking_notes_speak_each_readers_language(
    as_role: dict[str, TestClient],
) -> None:
    viewer = as_role["viewer"]
    notes = {
        lang: viewer.get(
            "/api/v1/priorities", headers={"Accept-Language": lang}
        ).json()["notes"]["effort"]
        for lang in ("az", "ru", "en")
    }
    # The ranking is cached once computed; its notes must not keep the
    # language of whoever asked first.
    assert len(set(notes.values())) == 3, notes
    assert re.search("[а-яА-Я]", notes["ru"])
