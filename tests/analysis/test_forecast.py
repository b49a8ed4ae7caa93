# SPDX-License-Identifier: GPL-3.0-or-later
"""The forecast model: zero variance equals the hand-computed answer; spread orders."""

from __future__ import annotations

import math

import numpy as np
import pytest

from demine.analysis.forecast.simulation import (
    ForecastInputs,
    InputError,
    MethodInputs,
    Parameter,
    compare,
    completion_year,
    simulate,
)


def inputs(budget: float | None = None, sd: float = 0.0) -> ForecastInputs:
    """1.5 km² open: 1 km² SHA, 0.5 km² CHA; 10 manual and 2 mechanical teams."""
    return ForecastInputs(
        start_year=2027,
        sha_m2=1_000_000.0,
        cha_m2=500_000.0,
        nts_cancel_share=Parameter(0.4, sd * 0.4, kind="share"),
        ts_reduce_share=Parameter(0.2, sd * 0.2, kind="share"),
        working_days=Parameter(200.0, sd * 200),
        methods={
            "manual": MethodInputs(10, Parameter(100.0, sd * 100), Parameter(1000.0)),
            "mechanical": MethodInputs(
                2, Parameter(2000.0, sd * 2000), Parameter(3000.0, sd * 3000)
            ),
        },
        budget_usd_per_year=None if budget is None else Parameter(budget, sd * budget),
    )


def by_hand(inp: ForecastInputs) -> tuple[float, float, list[float]]:
    """Years, cost and remaining area per year, year by year in plain Python."""
    technical = inp.sha_m2 * (1 - inp.nts_cancel_share.mean) + inp.cha_m2
    area_day = sum(m.teams * m.productivity_m2_day.mean for m in inp.methods.values())
    cost_day = sum(m.teams * m.cost_per_day_usd.mean for m in inp.methods.values())
    per_year = inp.working_days.mean * area_day
    if inp.budget_usd_per_year is not None:
        paid = inp.budget_usd_per_year.mean / (inp.working_days.mean * cost_day)
        per_year *= min(1.0, paid)
    done, years, remaining = 0.0, 0.0, []
    while done < technical:
        step = min(per_year, technical - done)
        years += step / per_year
        done += step
        remaining.append(inp.open_m2 * (1 - done / technical))
    return years, technical * cost_day / area_day, remaining


@pytest.mark.parametrize("budget", [None, 800_000.0, 5_000_000.0])
def test_zero_variance_equals_the_deterministic_answer(budget: float | None) -> None:
    inp = inputs(budget)
    years, cost, remaining = by_hand(inp)
    result = simulate(inp, draws=1000, seed=3)
    assert result.years == pytest.approx(dict.fromkeys(("p10", "p50", "p90"), years))
    year = 2027 + math.ceil(years) - 1
    assert result.completion_year == dict.fromkeys(("p10", "p50", "p90"), year)
    assert result.total_cost == pytest.approx(
        dict.fromkeys(("p10", "p50", "p90"), cost)
    )
    curve = result.remaining.set_index("year")
    assert curve.loc[2026, "p50"] == pytest.approx(1_500_000.0)
    for i, left in enumerate(remaining):
        assert curve.loc[2027 + i, "p50"] == pytest.approx(left, abs=1e-6)
        assert curve.loc[2027 + i, "p10"] == pytest.approx(left, abs=1e-6)


def test_the_numbers_of_the_simple_case() -> None:
    # 1.1 km² technical; 200 days x (10x100 + 2x2000) m²/day = 1 km² a year;
    # USD 16,000 a day for 5,000 m² a day = USD 3.2 per m².
    result = simulate(inputs(), draws=1000)
    assert result.years["p50"] == pytest.approx(1.1)
    assert result.completion_year["p50"] == 2028
    assert result.total_cost["p50"] == pytest.approx(3_520_000.0)
    assert result.released_m2 == pytest.approx(
        {"cancelled": 400_000.0, "reduced": 220_000.0, "cleared": 880_000.0}
    )
    # USD 800,000 a year buys a quarter of the teams' USD 3.2 M year: 4.4 years.
    assert simulate(inputs(800_000.0)).years["p50"] == pytest.approx(4.4)


def test_uncertainty_spreads_the_answer_around_the_deterministic_one() -> None:
    result = simulate(inputs(2_000_000.0, sd=0.2), draws=5000, seed=1)
    det = simulate(inputs(2_000_000.0), draws=10)
    y, c = result.years, result.total_cost
    assert y["p10"] < y["p50"] < y["p90"]
    assert c["p10"] < c["p50"] < c["p90"]
    assert y["p10"] < det.years["p50"] < y["p90"]
    assert c["p10"] < det.total_cost["p50"] < c["p90"]
    r = result.remaining
    assert (r["p10"] <= r["p50"] + 1e-6).all()
    assert (r["p50"] <= r["p90"] + 1e-6).all()
    assert np.all(np.diff(r["p50"].to_numpy()) <= 1e-6)


def test_same_seed_same_answer_and_draws_count() -> None:
    a = simulate(inputs(2_000_000.0, sd=0.3), draws=2000, seed=7)
    b = simulate(inputs(2_000_000.0, sd=0.3), draws=2000, seed=7)
    c = simulate(inputs(2_000_000.0, sd=0.3), draws=2000, seed=8)
    assert a.to_dict() == b.to_dict()
    assert a.years != c.years
    assert a.draws == 2000


def test_work_beyond_the_horizon_is_reported_not_invented() -> None:
    slow = ForecastInputs(**{**inputs(1.0).__dict__, "horizon_years": 50})
    result = simulate(slow, draws=100)
    assert result.completion_year == {"p10": None, "p50": None, "p90": None}
    assert result.finished_share == 0.0
    assert result.total_cost["p50"] == pytest.approx(3_520_000.0)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"methods": {}, "budget_usd_per_year": None}, "teams", "zero teams and no"),
        ({"methods": {}, "budget_usd_per_year": Parameter(0.0)}, "teams", "zero teams"),
        ({"budget_usd_per_year": Parameter(-5.0)}, "budget_usd_per_year", "negative"),
        ({"budget_usd_per_year": Parameter(0.0)}, "budget_usd_per_year", "zero budget"),
        ({"sha_m2": 0.0, "cha_m2": 0.0}, "sha_m2", "no open hazardous area"),
    ],
)
def test_impossible_inputs_are_named(
    change: dict[str, object], field: str, words: str
) -> None:
    bad = ForecastInputs(**{**inputs().__dict__, **change})
    with pytest.raises(InputError, match=words) as caught:
        simulate(bad)
    assert caught.value.field == field


def test_scenarios_compare_side_by_side() -> None:
    base = simulate(inputs(), name="base")
    more = ForecastInputs(
        **{
            **inputs().__dict__,
            "methods": {
                **inputs().methods,
                "mechanical": MethodInputs(4, Parameter(2000.0), Parameter(3000.0)),
            },
        }
    )
    table = compare([base, simulate(more, name="+2 mechanical")])
    assert list(table["scenario"]) == ["base", "+2 mechanical"]
    assert table.loc[1, "year_p50"] == 2027  # 1.1 km² at 1.8 km² a year
    assert table.loc[1, "cost_p50"] < table.loc[0, "cost_p50"]


def test_completion_year_counts_calendar_years() -> None:
    assert completion_year(2027, 0.5) == 2027
    assert completion_year(2027, 1.0) == 2027
    assert completion_year(2027, 1.01) == 2028
    assert completion_year(2027, 30.0) == 2056
