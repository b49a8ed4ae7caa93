# SPDX-License-Identifier: GPL-3.0-or-later
"""Team tasking: optimal on a tiny instance by enumeration, never worse than
greedy, capacities and suitability respected, impossible input refused."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from demine.analysis.tasking.gantt import gantt_bytes
from demine.analysis.tasking.problem import (
    Plan,
    TaskingError,
    TaskingOptions,
    build_problem,
    deadline_month,
    parse_horizon,
    weights_from_scores,
)
from demine.analysis.tasking.solve import plan_tasks

START = dt.date(2027, 1, 1)
# Kilometres per degree of latitude, for placing sites at known distances.
KM_PER_DEG = 6371.0 * np.pi / 180


def teams_frame(rows: list[tuple[int, str, float, float]]) -> pd.DataFrame:
    """(id, method, m²/day, km north of the origin) per team."""
    return pd.DataFrame(
        {
            "name": [f"team {r[0]}" for r in rows],
            "method": [r[1] for r in rows],
            "productivity_m2_day": [r[2] for r in rows],
            "lon": [46.0] * len(rows),
            "lat": [40.0 + r[3] / KM_PER_DEG for r in rows],
        },
        index=[r[0] for r in rows],
    )


def hazards_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Hazards at ``km`` north of the origin; defaults: CHA on farmland."""
    frame = pd.DataFrame(
        {
            "name": [f"H{r['id']}" for r in rows],
            "remaining_m2": [r["m2"] for r in rows],
            "lon": [46.0] * len(rows),
            "lat": [40.0 + float(r.get("km", 0.0)) / KM_PER_DEG for r in rows],
            "hazard_class": [r.get("cls", "cha") for r in rows],
            "land_use": [r.get("land_use", "agriculture") for r in rows],
            "blockages": [r.get("blocks", []) for r in rows],
            "return_on": [r.get("return_on") for r in rows],
        },
        index=[r["id"] for r in rows],
    )
    return frame


def tiny() -> tuple[pd.DataFrame, pd.DataFrame, pd.Series, TaskingOptions]:
    """2 teams, 4 hazards, 2 months; one pair unsuitable, one out of reach."""
    teams = teams_frame([(1, "manual", 100.0, 0.0), (2, "mechanical", 400.0, 40.0)])
    hazards = hazards_frame(
        [
            {"id": 10, "m2": 1500.0, "km": 10.0},
            {"id": 11, "m2": 2600.0, "km": 35.0, "blocks": ["cultural_site"]},
            {"id": 12, "m2": 5000.0, "km": 60.0},
            {"id": 13, "m2": 900.0, "km": 120.0, "return_on": dt.date(2027, 2, 20)},
        ]
    )
    weights = pd.Series({10: 0.9, 11: 1.0, 12: 0.5, 13: 0.3})
    options = TaskingOptions(
        months=2,
        start=START,
        working_days=10,
        max_distance_km=100.0,
        setup_days=1.0,
        max_teams_per_hazard=1,
        time_limit=20,
        mip_gap=0.0,
    )
    return teams, hazards, weights, options


def brute_force(
    teams: pd.DataFrame,
    hazards: pd.DataFrame,
    weights: pd.Series,
    options: TaskingOptions,
) -> float:
    """Best objective over every set of (team, site) deployments.

    For each subset of the reachable pairs, the best split of work is a
    small LP (SciPy): each team's work plus one setup per site it is sent to
    fits its capacity over the horizon and, for sites due by month d, by
    month d; no hazard gets more than its area; at most
    ``max_teams_per_hazard`` teams per hazard; due hazards are finished.
    """
    problem = build_problem(teams, hazards, weights, options)
    pairs = list(zip(problem.pair_team, problem.pair_hazard, strict=True))
    months = problem.n_months
    best = -np.inf
    for chosen in itertools.product((0, 1), repeat=len(pairs)):
        used = [p for p, on in zip(pairs, chosen, strict=True) if on]
        per_hazard = np.bincount([h for _, h in used], minlength=len(problem.area))
        if (per_hazard > options.max_teams_per_hazard).any():
            continue
        if not used:
            best = max(best, 0.0)
            continue
        n = len(used)
        rows, rhs = [], []
        for t in range(len(problem.team_ids)):
            mine = [i for i, (tt, _) in enumerate(used) if tt == t]
            if not mine:
                continue
            setup = sum(problem.pair_setup[pairs.index(used[i])] for i in mine)
            row = np.zeros(n)
            row[mine] = 1
            rows.append(row)
            rhs.append(problem.capacity[t] * months - setup)
            dated = [i for i in mine if problem.deadline[used[i][1]] >= 0]
            for d in sorted({int(problem.deadline[used[i][1]]) for i in dated}):
                due = [i for i in dated if problem.deadline[used[i][1]] <= d]
                row = np.zeros(n)
                row[due] = 1
                rows.append(row)
                setups = sum(problem.pair_setup[pairs.index(used[i])] for i in due)
                rhs.append(problem.capacity[t] * (d + 1) - setups)
        for h in range(len(problem.area)):
            row = np.array([1.0 if hh == h else 0.0 for _, hh in used])
            rows.append(row)
            rhs.append(problem.area[h])
            if problem.deadline[h] >= 0:
                rows.append(-row)
                rhs.append(-problem.area[h])
        cost = -np.array([problem.weight[h] for _, h in used])
        result = linprog(
            cost, A_ub=np.array(rows), b_ub=np.array(rhs), bounds=(0, None)
        )
        if result.status == 0:
            best = max(best, -result.fun)
    return float(best)


def test_tiny_plan_is_optimal_by_enumeration() -> None:
    teams, hazards, weights, options = tiny()
    plan = plan_tasks(teams, hazards, weights, options)
    expected = brute_force(teams, hazards, weights, options)
    assert expected > 0
    assert plan.objective == pytest.approx(expected, rel=1e-6)
    assert plan.gap is not None
    assert plan.gap <= 1e-6
    assert plan.objective >= plan.greedy_objective - 1e-9
    # The due hazard is done before its settlement's people come back.
    assert plan.deadlines["met"].all()
    # Mechanical never works the cultural site; nothing beyond 100 km.
    mech = plan.rows[plan.rows["method"] == "mechanical"]
    assert 11 not in set(mech["hazard_id"])
    assert (plan.rows["distance_km"] <= 100.0).all()


def check_capacities(plan: Plan, teams: pd.DataFrame, hazards: pd.DataFrame) -> None:
    rows = plan.rows
    opts = plan.options
    # Work plus setup days fit each team's months so far (a setup may run
    # over from one month into the next).
    days = rows["released_m2"] / rows["team_id"].map(teams["productivity_m2_day"])
    first = ~rows.duplicated(["team_id", "hazard_id"])
    days = days + np.where(first, rows["setup_days"], 0.0)
    per_month = days.groupby([rows["team_id"], rows["month_index"]]).sum()
    so_far = per_month.groupby(level=0).cumsum()
    allowed = (so_far.index.get_level_values(1) + 1) * opts.working_days
    # Rounding: m² to 0.1 and setup days to 1e-4 in the plan's rows.
    assert (so_far.to_numpy() <= allowed + 1e-2).all()
    per_hazard = rows.groupby("hazard_id")["released_m2"].sum()
    assert (per_hazard <= hazards.loc[per_hazard.index, "remaining_m2"] + 0.5).all()
    per_site = rows.groupby("hazard_id")["team_id"].nunique()
    assert (per_site <= opts.max_teams_per_hazard).all()
    assert (rows["distance_km"] <= opts.max_distance_km).all()


def random_instance(
    seed: int, n_teams: int = 8, n_hazards: int = 60
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    methods = rng.choice(["manual", "mechanical", "mdd", "drone", "mixed"], n_teams)
    speed = {
        "manual": 100,
        "mechanical": 3000,
        "mdd": 900,
        "drone": 20000,
        "mixed": 600,
    }
    teams = teams_frame(
        [
            (i + 1, str(m), speed[str(m)] * rng.uniform(0.7, 1.3), rng.uniform(0, 150))
            for i, m in enumerate(methods)
        ]
    )
    hazards = hazards_frame(
        [
            {
                "id": 100 + i,
                "m2": float(rng.lognormal(10, 1)),
                "km": float(rng.uniform(0, 200)),
                "cls": str(rng.choice(["sha", "cha"])),
                "land_use": str(rng.choice(["agriculture", "forest", "water"])),
                "blocks": ["cultural_site"] if rng.random() < 0.1 else [],
            }
            for i in range(n_hazards)
        ]
    )
    weights = pd.Series(rng.uniform(0.1, 1.0, n_hazards), index=hazards.index)
    return teams, hazards, weights


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_greedy_is_never_better_and_capacities_hold(seed: int) -> None:
    teams, hazards, weights = random_instance(seed)
    options = TaskingOptions(months=6, start=START, time_limit=15)
    plan = plan_tasks(teams, hazards, weights, options)
    assert plan.objective >= plan.greedy_objective - 1e-9
    assert plan.improvement_pct is not None
    assert plan.improvement_pct >= -1e-9
    assert plan.bound is not None
    assert plan.bound >= plan.objective - 1e-6
    check_capacities(plan, teams, hazards)
    greedy = plan_tasks(
        teams, hazards, weights, TaskingOptions(months=6, start=START, solver="greedy")
    )
    assert greedy.objective == pytest.approx(plan.greedy_objective)
    check_capacities(greedy, teams, hazards)
    # Suitability: no machine on water or cultural sites, no drone on CHA/forest.
    where = plan.rows.merge(
        hazards, left_on="hazard_id", right_index=True, suffixes=("", "_h")
    )
    mech = where[where["method"] == "mechanical"]
    assert not (mech["land_use"] == "water").any()
    assert not mech["blockages"].map(lambda b: "cultural_site" in b).any()
    drone = where[where["method"] == "drone"]
    assert (drone["hazard_class"] == "sha").all()
    assert not drone["land_use"].isin(["forest", "water"]).any()


def test_deadline_is_met_before_higher_priority_work() -> None:
    # One manual team, 2 months of 1,000 m² (less one setup day each site).
    # The due hazard weighs least, yet must be done by the end of month 1.
    teams = teams_frame([(1, "manual", 100.0, 0.0)])
    hazards = hazards_frame(
        [
            {"id": 1, "m2": 5000.0, "km": 1.0},
            {"id": 2, "m2": 600.0, "km": 1.0, "return_on": dt.date(2027, 2, 10)},
        ]
    )
    weights = pd.Series({1: 1.0, 2: 0.2})
    options = TaskingOptions(months=2, start=START, working_days=10, time_limit=10)
    plan = plan_tasks(teams, hazards, weights, options)
    assert plan.deadlines["met"].all()
    january = plan.rows[plan.rows["month"] == "2027-01"]
    assert january.loc[january["hazard_id"] == 2, "released_m2"].sum() == pytest.approx(
        600.0, abs=0.1
    )
    assert plan.released_m2 <= 2 * 10 * 100.0 + 1e-6


def test_soft_deadline_reports_what_is_missed() -> None:
    teams = teams_frame([(1, "manual", 100.0, 0.0)])
    hazards = hazards_frame(
        [{"id": 2, "m2": 3000.0, "km": 1.0, "return_on": dt.date(2027, 2, 10)}]
    )
    weights = pd.Series({2: 1.0})
    hard = TaskingOptions(months=3, start=START, working_days=10, time_limit=10)
    words = r"hazard 2 .*must be released by 2027-02-01"
    with pytest.raises(TaskingError, match=words):
        plan_tasks(teams, hazards, weights, hard)
    soft = TaskingOptions(
        months=3, start=START, working_days=10, time_limit=10, deadlines="soft"
    )
    plan = plan_tasks(teams, hazards, weights, soft)
    row = plan.deadlines.iloc[0]
    assert not row["met"]
    # Month 1: 10 days less 1 setup day (travel of 2 km rounds to minutes).
    assert row["released_by_due_m2"] == pytest.approx(900.0, abs=5.0)
    # Three months of 1,000 m² less the one setup (1 day and a short trip).
    assert plan.released_m2 == pytest.approx(3000.0 - 100.8, abs=1.0)


@pytest.mark.parametrize(
    ("teams", "hazards", "options", "words"),
    [
        (
            teams_frame([]),
            hazards_frame([{"id": 1, "m2": 100.0}]),
            TaskingOptions(start=START),
            "no active teams",
        ),
        (
            teams_frame([(1, "drone", 1000.0, 0.0), (2, "mechanical", 900.0, 0.0)]),
            hazards_frame(
                [
                    {
                        "id": 7,
                        "m2": 100.0,
                        "land_use": "water",
                        "return_on": dt.date(2027, 5, 1),
                    }
                ]
            ),
            TaskingOptions(start=START),
            "hazard 7 .*no active team of a suitable method.*Manual",
        ),
        (
            teams_frame([(1, "manual", 100.0, 0.0)]),
            hazards_frame(
                [{"id": 8, "m2": 100.0, "km": 400.0, "return_on": dt.date(2027, 5, 1)}]
            ),
            TaskingOptions(start=START),
            "hazard 8 .*within 150 km",
        ),
        (
            teams_frame([(1, "manual", 100.0, 0.0)]),
            hazards_frame([{"id": 1, "m2": 100.0}]),
            TaskingOptions(months=0, start=START),
            "at least 1 month",
        ),
        (
            teams_frame([(1, "tank", 100.0, 0.0)]),
            hazards_frame([{"id": 1, "m2": 100.0}]),
            TaskingOptions(start=START),
            "method 'tank'",
        ),
        (
            teams_frame([(1, "manual", 0.0, 0.0)]),
            hazards_frame([{"id": 1, "m2": 100.0}]),
            TaskingOptions(start=START),
            "team 1: productivity",
        ),
    ],
)
def test_impossible_input_is_a_clear_error(
    teams: pd.DataFrame, hazards: pd.DataFrame, options: TaskingOptions, words: str
) -> None:
    weights = pd.Series(1.0, index=hazards.index)
    with pytest.raises(TaskingError, match=words):
        plan_tasks(teams, hazards, weights, options)


def test_bad_weights_are_refused() -> None:
    teams = teams_frame([(1, "manual", 100.0, 0.0)])
    hazards = hazards_frame([{"id": 1, "m2": 100.0}, {"id": 2, "m2": 50.0}])
    options = TaskingOptions(start=START)
    with pytest.raises(TaskingError, match="hazard 2: priority weight is negative"):
        plan_tasks(teams, hazards, pd.Series({1: 1.0, 2: -1.0}), options)
    with pytest.raises(TaskingError, match="hazard 2: no priority weight"):
        plan_tasks(teams, hazards, pd.Series({1: 1.0}), options)


@pytest.mark.parametrize(
    ("text", "months"), [("12m", 12), ("18", 18), ("1y", 12), ("2 years", 24)]
)
def test_parse_horizon(text: str, months: int) -> None:
    assert parse_horizon(text) == months


@pytest.mark.parametrize("text", ["0m", "0", "-3m", "twelve", "12w", ""])
def test_bad_horizon_is_refused(text: str) -> None:
    with pytest.raises(TaskingError, match="horizon"):
        parse_horizon(text)


def test_deadline_month_and_weights() -> None:
    assert deadline_month(dt.date(2027, 3, 15), START) == 1  # Feb ends 1 March
    assert deadline_month(dt.date(2027, 3, 1), START) == 1
    assert deadline_month(dt.date(2027, 1, 20), START) == -1  # overdue
    weights = weights_from_scores(pd.Series({1: -0.5, 2: 0.5, 3: 0.0}))
    assert weights.to_dict() == pytest.approx({1: 0.1, 2: 1.0, 3: 0.55})
    assert (weights_from_scores(pd.Series({1: 3.0, 2: 3.0})) == 1.0).all()


def test_gantt_chart_draws_the_plan() -> None:
    teams, hazards, weights, options = tiny()
    plan = plan_tasks(teams, hazards, weights, options)
    svg = gantt_bytes(plan, "svg").decode()
    assert svg.lstrip().startswith("<?xml")
    assert "<svg" in svg
    png = gantt_bytes(plan, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(TaskingError, match="svg or png"):
        gantt_bytes(plan, "pdf")


def test_lp_guided_solve_keeps_greedy_and_a_valid_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from demine.analysis.tasking import milp as tasking_milp

    teams, hazards, weights = random_instance(4, n_teams=8, n_hazards=50)
    options = TaskingOptions(months=6, start=START, time_limit=10)
    whole = plan_tasks(teams, hazards, weights, options)
    monkeypatch.setattr(tasking_milp, "LP_GUIDED_ABOVE", 0)
    guided = plan_tasks(teams, hazards, weights, options)
    assert "LP-guided" in guided.status
    assert guided.objective >= guided.greedy_objective - 1e-9
    # The LP bound holds for the whole candidate model: no plan beats it.
    assert guided.bound is not None
    assert guided.bound >= whole.objective - 1e-6
    assert guided.bound >= guided.objective - 1e-6
    assert whole.bound is not None
    assert guided.bound >= whole.bound - 1e-6 * max(whole.bound, 1.0)
    check_capacities(guided, teams, hazards)
