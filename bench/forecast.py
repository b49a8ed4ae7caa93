# SPDX-License-Identifier: GPL-3.0-or-later
"""Completion forecast on the national demo register: fit + 10,000 draws.

    python bench/forecast.py [--db /tmp/demine-national.sqlite] [--draws 10000]

Opens the register read-only (SQLite URI mode=ro), so the shared demo file is
never written. Prints the time to fit the parameters from the history, the
time of the Monte Carlo itself, the figures, and the load average.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from demine.analysis.forecast.history import fit_register
from demine.analysis.forecast.scenario import parse_scenarios
from demine.analysis.forecast.simulation import simulate
from demine.store.database import Database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="/tmp/demine-national.sqlite")
    parser.add_argument("--draws", type=int, default=10_000)
    args = parser.parse_args()
    path = Path(args.db)
    url = args.db if "://" in args.db else f"sqlite:///file:{path}?mode=ro&uri=true"
    db = Database(url)
    print(f"load average before: {os.getloadavg()}")
    started = time.perf_counter()
    cpu = time.process_time()
    with db.transaction() as conn:
        fitted = fit_register(conn, start_year=2027)
    fit_s = time.perf_counter() - started
    fit_cpu = time.process_time() - cpu
    scenarios = parse_scenarios(
        {
            "scenarios": [
                {"name": "+20 mechanical teams", "teams": {"mechanical": {"add": 20}}},
                {"name": "+USD 100 M a year", "budget_usd_per_year": {"add": 1e8}},
                {"name": "better NTS", "nts_cancel_share": {"scale": 1.3}},
            ]
        }
    )
    runs = []
    sim_started = time.perf_counter()
    cpu = time.process_time()
    base = simulate(fitted.inputs, args.draws, 0, "register")
    sim_s = time.perf_counter() - sim_started
    sim_cpu = time.process_time() - cpu
    runs.append(base)
    for s in scenarios:
        runs.append(simulate(s.apply(fitted.inputs), args.draws, 0, s.name))
    total_s = time.perf_counter() - started
    inp = fitted.inputs
    print(f"history: {fitted.records}")
    print(
        f"open area: SHA {inp.sha_m2 / 1e6:,.1f} km², CHA {inp.cha_m2 / 1e6:,.1f} km²"
    )
    # CPU seconds too: on a shared machine wall-clock time includes waiting.
    print(f"fit from the register: {fit_s:.2f} s wall, {fit_cpu:.2f} s CPU")
    print(f"Monte Carlo, {args.draws:,} draws: {sim_s:.2f} s wall, {sim_cpu:.2f} s CPU")
    print(f"fit + Monte Carlo: {fit_s + sim_s:.2f} s wall")
    print(f"fit + 4 forecasts of {args.draws:,} draws: {total_s:.2f} s")
    for r in runs:
        cost = {k: (v or 0) / 1e6 for k, v in r.total_cost.items()}
        print(
            f"  {r.scenario:<22} year P10/P50/P90 {r.completion_year['p10']}/"
            f"{r.completion_year['p50']}/{r.completion_year['p90']}  cost USD M "
            f"{cost['p10']:,.0f}/{cost['p50']:,.0f}/{cost['p90']:,.0f}"
        )
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
