# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: prioritise the national demo register with both methods.

Usage: ``.venv/bin/python bench/prioritise.py [REGISTER]`` (default
``/tmp/demine-national.sqlite``, opened read-only). Target: ≤ 10 s per
method for 100,000 hazards. Prints the wall-clock and CPU time of each step
and the load average (on a shared machine the CPU time is the fairer figure).
"""

from __future__ import annotations

import os
import sys
import time

from registers import NATIONAL, read_only

from demine.analysis.priorities import mcda
from demine.analysis.priorities.criteria import criterion_values
from demine.analysis.priorities.profile import load_profile
from demine.analysis.priorities.ranking import prioritise


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else NATIONAL
    db = read_only(path)
    profile = load_profile()
    print(f"register: {path}")
    print(f"load average before: {os.getloadavg()}")
    started, cpu = time.perf_counter(), time.process_time()
    with db.transaction() as conn:
        found = criterion_values(conn, profile)
    criteria_s = time.perf_counter() - started
    criteria_cpu = time.process_time() - cpu
    n = len(found.values)
    print(
        f"criteria: {n:,} hazards x {found.values.shape[1]} criteria in "
        f"{criteria_s:.2f} s wall, {criteria_cpu:.2f} s CPU "
        f"(notes: {found.notes or 'none'})"
    )
    for method in ("weighted", "promethee"):
        started, cpu = time.perf_counter(), time.process_time()
        ranking = prioritise(db, profile, method)
        total = time.perf_counter() - started
        total_cpu = time.process_time() - cpu
        started = time.perf_counter()
        ranking.sensitivity(20)
        sens = time.perf_counter() - started
        print(
            f"prioritise --method {method}: {total:.2f} s wall, {total_cpu:.2f} s "
            f"CPU end to end (target 10 s); sensitivity of the top 20: {sens:.2f} s"
        )
    matrix = found.values.to_numpy()
    used = [profile.criterion(c) for c in found.values.columns]
    started = time.perf_counter()
    mcda.promethee(
        matrix,
        [c.benefit for c in used],
        [c.weight for c in used],
        [c.preference for c in used],
    )
    print(
        f"PROMETHEE II flows alone (O(n log n) per criterion): "
        f"{time.perf_counter() - started:.2f} s"
    )
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
