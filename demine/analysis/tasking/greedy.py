# SPDX-License-Identifier: GPL-3.0-or-later
"""The greedy baseline plan: month by month, each team takes its best site.

Month by month, teams in order of capacity (largest first) fill their month:
first with hazards that have a return date still ahead (earliest date first),
then with the reachable hazard that gives the largest priority-weighted gain
for what is left of the month. Moving to a new site costs its setup and
travel days out of that month; staying on a site costs nothing more. It is
what a planner would do by hand (a team works only in the months it is
accredited and qualified for), fast (about two seconds for a national
plan), and it is the MILP's starting solution.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from demine.analysis.tasking.problem import Assignment, Problem

EPS = 1e-9


def team_pairs(problem: Problem) -> list[NDArray[np.int64]]:
    """Pair indices of each team (in pair order)."""
    order = np.argsort(problem.pair_team, kind="stable")
    counts = np.bincount(problem.pair_team, minlength=len(problem.team_ids))
    return np.split(order, np.cumsum(counts)[:-1])


def greedy_plan(problem: Problem) -> Assignment:
    """A feasible assignment by the greedy rule (deadlines may be missed)."""
    remaining = problem.area.copy()
    teams_on = np.zeros(len(problem.area), dtype=np.int64)
    started = np.zeros(len(problem.pair_team), dtype=bool)
    limit = problem.options.max_teams_per_hazard
    by_team = team_pairs(problem)
    order = np.argsort(-problem.capacity, kind="stable")
    month_capacity = problem.month_capacity
    chosen_pair: list[int] = []
    chosen_month: list[int] = []
    chosen_ha: list[float] = []
    for month in range(problem.n_months):
        for t in order:
            pairs = by_team[t]
            if len(pairs) == 0:
                continue
            hazards = problem.pair_hazard[pairs]
            gain = problem.weight[hazards]
            due = problem.deadline[hazards]
            urgent_ahead = due >= month
            free = np.ones(len(pairs), dtype=bool)
            left = float(month_capacity[t, month])
            if left <= EPS:
                continue  # not accredited or not qualified this month
            while True:
                setup = np.where(started[pairs], 0.0, problem.pair_setup[pairs])
                amount = np.minimum(remaining[hazards], left - setup)
                room = started[pairs] | (teams_on[hazards] < limit)
                valid = free & (amount > EPS) & room
                if not valid.any():
                    break
                urgent = valid & urgent_ahead
                if urgent.any():
                    soonest = due[urgent].min()
                    pick = urgent & (due == soonest)
                    k = int(np.argmax(np.where(pick, amount, -np.inf)))
                else:
                    value = np.where(valid, gain * amount, -np.inf)
                    k = int(np.argmax(value))
                    if value[k] <= 0:
                        break
                h = hazards[k]
                chosen_pair.append(int(pairs[k]))
                chosen_month.append(month)
                chosen_ha.append(float(amount[k]))
                remaining[h] -= amount[k]
                left -= float(amount[k] + setup[k])
                if not started[pairs[k]]:
                    started[pairs[k]] = True
                    teams_on[h] += 1
                free[k] = False
    return Assignment(
        pair=np.array(chosen_pair, dtype=np.int64),
        month=np.array(chosen_month, dtype=np.int64),
        hectares=np.array(chosen_ha, dtype=float),
    )
