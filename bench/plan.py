# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: a 12-month work plan for 200 teams and the top 5,000 hazards.

Reads the national demo register read-only (default
``/tmp/demine-national.sqlite``; build one with ``demine demo --scale
national``). The register has 194 active teams: the benchmark adds copies of
randomly drawn teams (same method, base and productivity, fixed seed) up to
``--teams``, and says so. Target (issue 5): the plan within 60 s with the gap
reported.

    python bench/plan.py [--db FILE] [--teams 200] [--top 5000]
                         [--time-limit 40] [--soft-deadlines]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from registers import NATIONAL, read_only

from demine.analysis.priorities.ranking import prioritise
from demine.analysis.tasking.problem import TaskingOptions, weights_from_scores
from demine.analysis.tasking.register import _select
from demine.analysis.tasking.solve import plan_tasks
from demine.store.tasking import active_teams, workable_hazards


def timed(label: str, fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - started
    print(f"  {label:<34} {elapsed:8.2f} s", flush=True)
    return elapsed, result


def with_copies(teams: pd.DataFrame, wanted: int, seed: int = 5) -> pd.DataFrame:
    """``teams`` plus copies of random teams until there are ``wanted``."""
    missing = wanted - len(teams)
    if missing <= 0:
        return teams.head(wanted)
    rng = np.random.default_rng(seed)
    picks = teams.iloc[rng.choice(len(teams), missing, replace=False)].copy()
    picks.index = teams.index.max() + 1 + np.arange(missing)
    picks["name"] = picks["name"] + " (copy)"
    print(f"  the register has {len(teams)} active teams: added {missing} copies")
    return pd.concat([teams, picks])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default=NATIONAL)
    parser.add_argument("--teams", type=int, default=200)
    parser.add_argument("--top", type=int, default=5000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--time-limit", type=float, default=40.0)
    parser.add_argument("--start", default="2026-12")
    parser.add_argument("--soft-deadlines", action="store_true")
    args = parser.parse_args()
    db = read_only(args.db)
    start = dt.date(int(args.start[:4]), int(args.start[5:7]), 1)
    options = TaskingOptions(
        months=args.months,
        start=start,
        time_limit=args.time_limit,
        deadlines="soft" if args.soft_deadlines else "hard",
    )
    print(f"team tasking bench: {args.db}, load {os.getloadavg()[0]:.2f}")
    began = time.perf_counter()

    def read() -> tuple[pd.DataFrame, pd.DataFrame]:
        with db.transaction() as conn:
            return active_teams(conn), workable_hazards(conn)

    t_read, (teams, hazards) = timed("read teams and open hazards", read)
    teams = with_copies(teams, args.teams)
    t_rank, ranking = timed("prioritise (weights)", lambda: prioritise(db))
    scores = ranking.table["score"].reindex(hazards.index)
    scores = scores.fillna(scores.min())
    chosen = _select(hazards, scores, args.top, options)
    weights = weights_from_scores(scores.reindex(chosen.index))
    t_plan, plan = timed(
        "plan: greedy + HiGHS MILP", lambda: plan_tasks(teams, chosen, weights, options)
    )
    total = time.perf_counter() - began
    met = int(plan.deadlines["met"].sum()) if len(plan.deadlines) else 0
    load = os.getloadavg()
    figures = [
        ("teams x hazards x months", f"{len(teams)} x {len(chosen)} x {args.months}"),
        ("deadlines", options.deadlines),
        ("MILP columns / rows", f"{plan.model['columns']:,} / {plan.model['rows']:,}"),
        ("candidate / reachable pairs",
         f"{plan.model['candidate_pairs']:,} / {plan.model['reachable_pairs']:,}"),
        ("HiGHS status", plan.status),
        ("greedy seconds", f"{plan.greedy_seconds:.2f}"),
        ("plan seconds (greedy + MILP)", f"{t_plan:.2f}"),
        ("total seconds (read + rank + plan)", f"{total:.2f}"),
        ("objective (weighted ha)", f"{plan.objective:,.2f}"),
        ("bound", f"{plan.bound:,.2f}"),
        ("gap", f"{100 * (plan.gap or 0):.2f} %"),
        ("greedy objective", f"{plan.greedy_objective:,.2f}"),
        ("improvement over greedy", f"{plan.improvement_pct:+.2f} %"),
        ("released m² (MILP / greedy)",
         f"{plan.released_m2:,.0f} / {plan.greedy_released_m2:,.0f}"),
        ("return dates met", f"{met} of {len(plan.deadlines)}"),
        ("load average (1, 5, 15 min)", " ".join(f"{v:.2f}" for v in load)),
    ]  # fmt: skip
    for label, value in figures:
        print(f"  {label:<34} {value}")
    del t_read, t_rank


if __name__ == "__main__":
    main()
