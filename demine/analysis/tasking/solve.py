# SPDX-License-Identifier: GPL-3.0-or-later
"""Solving a tasking problem: the greedy plan, then the MILP started from it.

The problem (:mod:`demine.analysis.tasking.problem`) is built here from the
tables, solved by :mod:`~demine.analysis.tasking.greedy` and
:mod:`~demine.analysis.tasking.milp`, and turned into a :class:`Plan`.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from demine.analysis.tasking.greedy import greedy_plan
from demine.analysis.tasking.milp import solve_milp
from demine.analysis.tasking.problem import (
    Assignment,
    Eligibility,
    Plan,
    Problem,
    TaskingError,
    TaskingOptions,
    barred_hazards,
    build_problem,
    month_runs,
)
from demine.i18n import _


def plan_tasks(
    teams: pd.DataFrame,
    hazards: pd.DataFrame,
    weights: pd.Series,
    options: TaskingOptions,
    eligibility: Eligibility | None = None,
) -> Plan:
    """The work plan: greedy first, then the MILP started from it.

    Parameters
    ----------
    teams, hazards, weights
        As :func:`build_problem` takes them.
    options
        Horizon, travel, solver limits; ``solver="greedy"`` skips the MILP.
    eligibility
        The months each team is accredited and qualified for its method
        (None: all); a team works only in those months, and the plan's
        ``unassigned`` table explains every hazard left without work for
        that reason.

    Returns
    -------
    Plan
        One row per team, month and hazard worked, with m² released; the
        objective, the solver's bound and relative gap, the greedy objective
        and the MILP's improvement over it in percent.

    Examples
    --------
    >>> import datetime as dt, pandas as pd
    >>> teams = pd.DataFrame({"name": ["T1"], "method": ["manual"],
    ...     "productivity_m2_day": [100.0], "lon": [46.0], "lat": [40.0]},
    ...     index=[1])
    >>> hazards = pd.DataFrame({"remaining_m2": [1500.0], "lon": [46.01],
    ...     "lat": [40.0]}, index=[7])
    >>> plan = plan_tasks(teams, hazards, pd.Series(1.0, index=[7]),
    ...     TaskingOptions(months=1, start=dt.date(2027, 1, 1), time_limit=5))
    >>> round(plan.released_m2)
    1500
    """
    problem = build_problem(teams, hazards, weights, options, eligibility)
    started = time.perf_counter()
    greedy = greedy_plan(problem)
    greedy_seconds = time.perf_counter() - started
    greedy_value = greedy.value(problem)
    greedy_ok = meets_deadlines(problem, greedy)
    if options.solver == "greedy":
        if options.deadlines == "hard" and not greedy_ok:
            raise TaskingError(
                _(
                    "the greedy plan misses a settlement's return date; use the MILP "
                    "solver or soft deadlines"
                )
            )
        return make_plan(
            problem, greedy, "greedy", "greedy", greedy_value, None, None,
            greedy, greedy_seconds, greedy_seconds, {},
        )  # fmt: skip
    usable = greedy_ok or options.deadlines == "soft"
    result = solve_milp(problem, greedy if usable else None)
    model = {
        "columns": result.columns,
        "rows": result.rows,
        "candidate_pairs": result.candidates,
        "reachable_pairs": len(problem.pair_team),
    }
    return make_plan(
        problem, result.assignment, "highs-milp", result.status, result.objective,
        result.bound, result.gap, greedy, result.seconds + greedy_seconds,
        greedy_seconds, model,
    )  # fmt: skip


def meets_deadlines(problem: Problem, assignment: Assignment) -> bool:
    """Whether every deadline is met (to a millionth of a hectare)."""
    return bool(np.all(assignment.shortfall(problem) <= 1e-6))


def make_plan(
    problem: Problem,
    chosen: Assignment,
    solver: str,
    status: str,
    objective: float,
    bound: float | None,
    gap: float | None,
    greedy: Assignment,
    seconds: float,
    greedy_seconds: float,
    model: dict[str, int],
) -> Plan:
    """Tables and figures of the chosen assignment, beside the greedy one."""
    greedy_value = greedy.value(problem)
    improvement = (
        100.0 * (objective - greedy_value) / greedy_value if greedy_value > 0 else None
    )
    keep = chosen.hectares > 1e-9
    pair, month, ha = chosen.pair[keep], chosen.month[keep], chosen.hectares[keep]
    t, h = problem.pair_team[pair], problem.pair_hazard[pair]
    labels = [d.strftime("%Y-%m") for d in problem.months[:-1]]
    rows = pd.DataFrame(
        {
            "team_id": problem.team_ids[t],
            "team": [problem.team_names[i] for i in t],
            "method": problem.methods[t].astype(str),
            "month": [labels[m] for m in month],
            "month_index": month,
            "hazard_id": problem.hazard_ids[h],
            "hazard": [problem.hazard_names[i] for i in h],
            "released_m2": np.round(ha * 1e4, 1),
            "distance_km": np.round(problem.pair_km[pair], 1),
            "setup_days": np.round(
                problem.pair_setup[pair] / problem.productivity[t], 4
            ),
        }
    ).sort_values(["team_id", "month_index", "released_m2"], ascending=[1, 1, 0])
    rows = rows.reset_index(drop=True)
    per_team = _team_totals(problem, rows)
    weighted = float(np.sum(problem.weight[h] * ha)) * 1e4
    return Plan(
        rows=rows,
        teams=per_team,
        months=labels,
        solver=solver,
        status=status,
        objective=objective,
        bound=bound,
        gap=gap,
        greedy_objective=greedy_value,
        improvement_pct=improvement,
        released_m2=float(ha.sum() * 1e4),
        greedy_released_m2=float(greedy.hectares.sum() * 1e4),
        weighted_m2=weighted,
        seconds=seconds,
        greedy_seconds=greedy_seconds,
        deadlines=_deadline_table(problem, chosen),
        model=model,
        options=problem.options,
        unassigned=barred_hazards(problem, chosen.released_by(problem, 10**9)),
    )


def _team_totals(problem: Problem, rows: pd.DataFrame) -> pd.DataFrame:
    totals = rows.groupby("team_id").agg(
        released_m2=("released_m2", "sum"),
        hazards=("hazard_id", "nunique"),
        deployments=("hazard_id", "size"),
    )
    frame = pd.DataFrame(
        {
            "team_id": problem.team_ids,
            "team": problem.team_names,
            "method": problem.methods.astype(str),
            "capacity_m2": np.round(problem.horizon_capacity * 1e4, 1),
            "not_accredited": _barred_months(problem, problem.accredited),
            "not_qualified": _barred_months(problem, problem.qualified),
        }
    ).set_index("team_id")
    frame = frame.join(totals).fillna(
        {"released_m2": 0, "hazards": 0, "deployments": 0}
    )
    frame["hazards"] = frame["hazards"].astype(int)
    frame["deployments"] = frame["deployments"].astype(int)
    used = frame["released_m2"] / frame["capacity_m2"].where(frame["capacity_m2"] > 0)
    frame["used_pct"] = np.round(100 * used.fillna(0.0), 1)
    return frame.reset_index()


def _barred_months(problem: Problem, mask: np.ndarray) -> list[str]:
    """Per team, the months ``mask`` is false as runs ('' when none)."""
    labels = [d.strftime("%Y-%m") for d in problem.months[:-1]]
    return [month_runs(labels, np.flatnonzero(~row).tolist()) for row in mask]


def _deadline_table(problem: Problem, chosen: Assignment) -> pd.DataFrame:
    must = np.flatnonzero(problem.must)
    done = np.array(
        [chosen.released_by(problem, int(problem.deadline[h]))[h] for h in must]
    )
    area = problem.area[must]
    return pd.DataFrame(
        {
            "hazard_id": problem.hazard_ids[must],
            "hazard": [problem.hazard_names[h] for h in must],
            "due": [problem.months[problem.deadline[h] + 1].isoformat() for h in must],
            "remaining_m2": np.round(area * 1e4, 1),
            "released_by_due_m2": np.round(done * 1e4, 1) if len(must) else [],
            "met": done >= area - 1e-6 if len(must) else [],
        }
    )
