# SPDX-License-Identifier: GPL-3.0-or-later
"""Prioritising the small demo register (SQLite, or PostGIS with the test URL)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from sqlalchemy import func, select

from demine.analysis.priorities.mcda import normalise, pairwise_flows
from demine.analysis.priorities.profile import load_profile
from demine.analysis.priorities.ranking import Ranking, prioritise
from demine.demo import generate
from demine.store.database import Database
from demine.store.loading import load_register
from demine.store.schema import Hazard
from tests.api.conftest import module_db

__all__ = ["module_db"]
TODAY = dt.date(2026, 11, 1)


@pytest.fixture(scope="module")
def demo(module_db: Database) -> Database:
    load_register(module_db, generate("small", seed=1))
    return module_db


@pytest.fixture(scope="module")
def rankings(demo: Database) -> dict[str, Ranking]:
    return {
        m: prioritise(demo, method=m, today=TODAY) for m in ("weighted", "promethee")
    }


def open_hazards(db: Database) -> set[int]:
    with db.transaction() as conn:
        rows = conn.execute(
            select(Hazard.id).where(
                Hazard.review_state == "approved",
                Hazard.status.in_(["open", "worked_on"]),
            )
        ).scalars()
        return set(rows)


@pytest.mark.parametrize("method", ["weighted", "promethee"])
def test_every_open_hazard_is_ranked_once(
    demo: Database, rankings: dict[str, Ranking], method: str
) -> None:
    ranking = rankings[method]
    table = ranking.table
    assert ranking.method == method
    assert set(table.index) == open_hazards(demo)
    assert list(table["rank"]) == list(range(1, len(table) + 1))
    assert table["score"].is_monotonic_decreasing
    # Ties in score are broken by the lower id.
    for _, group in table.groupby(table["score"].round(12)):
        assert list(group.index) == sorted(group.index)
    # The explanation adds up: contributions sum to the score.
    np.testing.assert_allclose(
        table[ranking.criteria].sum(axis=1), table["score"], atol=1e-12
    )
    assert sum(ranking.weights.values()) == pytest.approx(1.0)
    assert {"rank", "score", "area_m2", "name"} <= set(table.columns)


def test_remaining_area_is_the_ledger_figure(
    demo: Database, rankings: dict[str, Ranking]
) -> None:
    table = rankings["weighted"].table
    with demo.transaction() as conn:
        total = conn.execute(
            select(func.sum(Hazard.remaining_m2)).where(
                Hazard.id.in_(list(table.index))
            )
        ).scalar_one()
    assert table["area_m2"].sum() == pytest.approx(total)


def test_weighted_contributions_are_weight_times_normalised_value(
    rankings: dict[str, Ranking],
) -> None:
    ranking = rankings["weighted"]
    profile = load_profile()
    benefit = [profile.criterion(c).benefit for c in ranking.criteria]
    values = ranking.values.loc[ranking.table.index, ranking.criteria].to_numpy()
    expected = normalise(values, benefit) * [
        ranking.weights[c] for c in ranking.criteria
    ]
    np.testing.assert_allclose(
        ranking.table[ranking.criteria].to_numpy(), expected, atol=1e-12
    )


def test_promethee_scores_equal_the_pairwise_definition(
    rankings: dict[str, Ranking],
) -> None:
    ranking = rankings["promethee"]
    profile = load_profile()
    values = ranking.values.loc[ranking.table.index]
    net = np.zeros(len(values))
    for c in ranking.criteria:
        setting = profile.criterion(c)
        x = values[c].to_numpy() * (1 if setting.benefit else -1)
        plus, minus = pairwise_flows(x, setting.preference)
        net += ranking.weights[c] * (plus - minus)
    np.testing.assert_allclose(ranking.table["score"], net, atol=1e-9)
    np.testing.assert_allclose(
        ranking.table["phi_plus"] - ranking.table["phi_minus"],
        ranking.table["score"],
        atol=1e-12,
    )


def test_both_methods_agree_on_the_spirit_of_the_ranking(
    rankings: dict[str, Ranking],
) -> None:
    weighted, promethee = (rankings[m].table["rank"] for m in ("weighted", "promethee"))
    # Different methods, same criteria and weights: strongly related ranks.
    assert np.corrcoef(weighted.sort_index(), promethee.sort_index())[0, 1] > 0.8


def test_the_demo_ranking_puts_people_first(rankings: dict[str, Ranking]) -> None:
    ranking = rankings["promethee"]
    top = ranking.values.loc[ranking.table.index[:20], "people_blocked"]
    rest = ranking.values.loc[ranking.table.index[20:], "people_blocked"]
    assert top.median() > rest.median()


def test_sensitivity_of_the_demo_top_20(rankings: dict[str, Ranking]) -> None:
    ranking = rankings["promethee"]
    result = ranking.sensitivity(20)
    assert len(result.summary) == 2 * len(ranking.criteria)
    assert result.summary["overlap"].between(0, 20).all()
    assert list(result.ranks.index) == list(ranking.table.index[:20])
    assert (result.summary["overlap"] + result.summary["entered"].map(len) == 20).all()


def test_as_dict_is_json_ready(rankings: dict[str, Ranking]) -> None:
    import json

    data = rankings["weighted"].as_dict(5)
    assert json.loads(json.dumps(data)) == data
    assert [i["rank"] for i in data["items"]] == [1, 2, 3, 4, 5]
    first = data["items"][0]
    assert sum(first["contributions"].values()) == pytest.approx(first["score"])
    assert data["profile"] == "default.yaml"
    assert first["lon"] is not None
