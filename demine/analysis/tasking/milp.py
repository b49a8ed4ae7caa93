# SPDX-License-Identifier: GPL-3.0-or-later
"""The tasking MILP (assign), then a schedule per team (sequence).

**Assign.** For each candidate pair c = (team t, hazard h): a binary
``y[c]`` (the team is sent to the site: one mobilisation) and ``x[c]`` ≥ 0,
hectares it releases there over the horizon. Pairs on a hazard with a return
date split x into ``on``-time work and (soft deadlines only) ``late`` work.
Rows:

- capacity (t): Σ x + Σ setup_c · y[c] ≤ C_t(M), the team's capacity over
  the horizon (setup and the round trip from the base cost working days once
  per site, counted in hectares of the team's own productivity);
- due (t, d), for each due month d of the team's deadline hazards:
  Σ_{c: due_c ≤ d} (on[c] + setup_c · y[c]) ≤ C_t(d), its capacity in
  months 0 to d;
- link (c): x[c] ≤ min(area_h, C_t(M) − setup_c) · y[c];
- area (h): Σ x ≤ remaining area of h;
- crowding (h): Σ_t y ≤ max_teams_per_hazard (only where more could come);
- deadline (h): Σ on ≥ area_h (hard), or Σ on + s_h ≥ area_h with s_h ≥ 0
  penalised in the objective (soft).

Objective: maximise Σ weight_h · x − penalty · Σ s.

**Sequence.** Each team then works its sites in order: hazards with a
return date by date, then the rest by weight, filling month after month
(:func:`sequence`). A team's capacity in a month is its full month or, in a
month its organisation is not accredited or its members not qualified for
its method, nothing; C_t(d) sums them. With work that can be split across
months, the due rows are exactly the condition for such an
earliest-due-date order to meet every date, so sequencing loses nothing:
the monthly plan has the MILP's objective.

Candidates keep the MILP small enough for 200 teams × 5,000 hazards: each
team keeps the hazards the greedy plan gave it plus its ``extra_candidates``
best others by one month's value, and each hazard with a return date keeps
its ``teams_per_deadline`` nearest reachable teams. The greedy plan is the
MIP start, so the MILP is never worse than it; the bound and gap HiGHS
reports are those of this candidate model.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import Any

import highspy
import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from demine.analysis.tasking.greedy import team_pairs
from demine.analysis.tasking.problem import (
    Assignment,
    Problem,
    SolveResult,
    TaskingError,
)
from demine.i18n import N_, _
from demine.i18n.numbers import number

EPS = 1e-9


# HiGHS's words for how a solve ended, as the plan shows them.
HIGHS_STATUS = {
    "Optimal": N_("Optimal"),
    "Time limit reached": N_("Time limit reached"),
    "Infeasible": N_("Infeasible"),
    "Solution limit reached": N_("Solution limit reached"),
    "Iteration limit reached": N_("Iteration limit reached"),
    "Interrupted by user": N_("Interrupted by user"),
}


def _status(highs_status: str) -> str:
    return _(HIGHS_STATUS.get(highs_status, highs_status))


def candidate_pairs(problem: Problem, greedy: Assignment | None) -> NDArray[np.int64]:
    """Pair indices the MILP may use (sorted, unique)."""
    opts = problem.options
    keep = np.zeros(len(problem.pair_team), dtype=bool)
    used_per_team = np.zeros(len(problem.team_ids), dtype=np.int64)
    if greedy is not None and len(greedy.pair):
        used = np.unique(greedy.pair)
        keep[used] = True
        used_per_team = np.bincount(
            problem.pair_team[used], minlength=len(problem.team_ids)
        )
    t, h = problem.pair_team, problem.pair_hazard
    month_value = problem.weight[h] * np.minimum(
        problem.area[h], problem.capacity[t] - problem.pair_setup
    )
    for team, pairs in enumerate(team_pairs(problem)):
        if len(pairs) == 0:
            continue
        wanted = int(used_per_team[team]) + opts.extra_candidates
        best = pairs[np.argsort(-month_value[pairs], kind="stable")[:wanted]]
        keep[best] = True
    for hazard in np.flatnonzero(problem.must):
        pairs = np.flatnonzero(h == hazard)
        nearest = pairs[np.argsort(problem.pair_km[pairs], kind="stable")]
        keep[nearest[: opts.teams_per_deadline]] = True
    return np.flatnonzero(keep)


_BANNER = threading.Lock()
_banner_shown = False


def new_highs() -> highspy.Highs:
    """A silent HiGHS instance.

    HiGHS prints its banner to file descriptor 1 when the first instance is
    made, before any option can silence it; that would corrupt ``--json``
    output, so the first construction runs with stdout pointed at devnull.
    """
    global _banner_shown
    with _BANNER:
        if not _banner_shown:
            sys.stdout.flush()
            saved = os.dup(1)
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, 1)
                highs = highspy.Highs()  # type: ignore[no-untyped-call]
            finally:
                os.dup2(saved, 1)
                os.close(saved)
                os.close(devnull)
            _banner_shown = True
        else:
            highs = highspy.Highs()  # type: ignore[no-untyped-call]
    highs.setOptionValue("output_flag", False)
    return highs


#: Above this many candidate pairs the MILP is solved in two phases.
LP_GUIDED_ABOVE = 2000
#: Share of the time limit the LP relaxation of the two-phase solve may use.
LP_SHARE = 0.7


def solve_milp(problem: Problem, start: Assignment | None) -> SolveResult:
    """Build, solve and read back the MILP; TaskingError if there is no plan.

    Small models go to HiGHS whole. Larger ones (national plans) are solved
    in two phases, because HiGHS spends the whole time limit at the root of
    a 13,000-pair model on a loaded machine: first the LP relaxation, whose
    optimum is a valid upper bound; then the MILP restricted to the pairs the
    LP relaxation uses (y > 0) plus the greedy plan's pairs (a RENS-style
    neighbourhood). The LP optimum is feasible in the restricted model, so
    the restricted MILP has the same root bound, and it is small enough to
    solve. The gap reported is against the full candidate model's LP bound.
    """
    cands = candidate_pairs(problem, start)
    began = time.perf_counter()
    limit = float(problem.options.time_limit)
    lp_bound: float | None = None
    full = _Model(problem, cands)
    if len(cands) > LP_GUIDED_ABOVE:
        used = _relaxation(full, limit * LP_SHARE)
        if used is not None:
            lp_bound, y = used
            keep = y > 1e-6
            if start is not None and len(start.pair):
                keep |= np.isin(cands, start.pair)
            keep |= _dated_nearest(problem, cands)
            cands = cands[keep]
    model = _Model(problem, cands) if lp_bound is not None else full
    left = max(limit - (time.perf_counter() - began), 1.0)
    highs = _solve(model, start, left)
    seconds = time.perf_counter() - began
    status = _status(highs.modelStatusToString(highs.getModelStatus()))
    info = highs.getInfo()
    if info.primal_solution_status != highspy.SolutionStatus.kSolutionStatusFeasible:
        raise _no_plan(problem, status)
    values = np.asarray(highs.getSolution().col_value, dtype=float)
    assignment = model.assignment(values)
    # The monthly plan's own value (equal to HiGHS's objective up to rounding).
    objective = assignment.value(problem)
    bound = float(info.mip_dual_bound)
    if lp_bound is not None:
        bound = max(bound, lp_bound)
        status = _(
            "%(status)s (LP-guided, %(used)s of %(pairs)s pairs)",
            status=status,
            used=number(len(cands)),
            pairs=number(full.n_pairs),
        )
    gap = abs(bound - objective) / max(abs(objective), 1e-12)
    return SolveResult(
        assignment=assignment,
        status=status,
        objective=objective,
        bound=bound,
        gap=max(gap, 0.0),
        seconds=seconds,
        columns=full.n_columns,
        rows=full.n_rows,
        candidates=full.n_pairs,
    )


def _solve(model: _Model, start: Assignment | None, seconds: float) -> Any:
    highs = new_highs()
    highs.setOptionValue("time_limit", float(seconds))
    highs.setOptionValue("mip_rel_gap", float(model.p.options.mip_gap))
    highs.passModel(model.lp())
    if start is not None:
        values = model.start_values(start)
        highs.setSolution(len(values), np.arange(len(values), dtype=np.int32), values)
    highs.run()
    return highs


def _relaxation(
    model: _Model, seconds: float
) -> tuple[float, NDArray[np.float64]] | None:
    """The LP relaxation's optimum and its y values; None if not solved in time."""
    lp = model.lp()
    lp.integrality_ = [highspy.HighsVarType.kContinuous] * lp.num_col_
    highs = new_highs()
    # Interior point: the relaxation with priority scores is highly degenerate
    # (many equal weights) and dual simplex takes about twice as long on it.
    highs.setOptionValue("solver", "ipm")
    highs.setOptionValue("time_limit", float(seconds))
    highs.passModel(lp)
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    values = np.asarray(highs.getSolution().col_value, dtype=float)
    return float(highs.getInfo().objective_function_value), values[model.yi]


def _dated_nearest(problem: Problem, cands: NDArray[np.int64]) -> NDArray[np.bool_]:
    """Pairs of each hazard with a return date to its nearest candidate team."""
    keep = np.zeros(len(cands), dtype=bool)
    h = problem.pair_hazard[cands]
    for hazard in np.flatnonzero(problem.must):
        mine = np.flatnonzero(h == hazard)
        if len(mine):
            keep[mine[np.argmin(problem.pair_km[cands[mine]])]] = True
    return keep


def _no_plan(problem: Problem, status: str) -> TaskingError:
    if "nfeasible" in status:
        return TaskingError(
            _(
                "no plan releases every hazard blocking a settlement by its return "
                "date with these teams; plan with soft deadlines, a longer reach (max "
                "distance) or more teams"
            )
        )
    return TaskingError(
        _(
            "the solver found no plan within %(time_limit)g s (%(status)s); allow "
            "more time or plan fewer hazards",
            time_limit=problem.options.time_limit,
            status=status,
        )
    )


class _Model:
    """Column and row layout of one assignment MILP.

    Columns: ``x`` per pair, ``y`` per pair, ``late`` per pair on a deadline
    hazard (soft only), ``s`` per deadline hazard (soft only). For a pair on
    a deadline hazard ``x`` is the on-time work.
    """

    def __init__(self, problem: Problem, cands: NDArray[np.int64]) -> None:
        self.p = problem
        self.cands = cands
        n = len(cands)
        self.n_pairs = n
        self.t = problem.pair_team[cands]
        self.h = problem.pair_hazard[cands]
        self.setup = problem.pair_setup[cands]
        self.due = problem.deadline[self.h]
        self.soft = problem.options.deadlines == "soft"
        self.must = np.flatnonzero(problem.must)
        self.late_pairs = (
            np.flatnonzero(self.due >= 0) if self.soft else np.zeros(0, int)
        )
        self.xi = np.arange(n)
        self.yi = n + np.arange(n)
        self.li = 2 * n + np.arange(len(self.late_pairs))
        self.si = (
            2 * n + len(self.late_pairs) + np.arange(len(self.must) if self.soft else 0)
        )
        self.n_columns = 2 * n + len(self.late_pairs) + len(self.si)
        horizon = problem.horizon_capacity[self.t]
        self.upper = np.minimum(problem.area[self.h], horizon - self.setup)
        self.n_rows = 0

    def lp(self) -> highspy.HighsLp:
        """The MILP as a HiGHS model, rows as the module docstring lists them."""
        p, n = self.p, len(self.cands)
        inf = highspy.kHighsInf
        rows = _Rows()
        lp_ = self.late_pairs
        # Capacity per team over the horizon, setups included.
        teams, team_row = np.unique(self.t, return_inverse=True)
        rows.add(
            np.r_[team_row, team_row, team_row[lp_]],
            np.r_[self.xi, self.yi, self.li],
            np.r_[np.ones(n), self.setup, np.ones(len(lp_))],
            -inf,
            p.horizon_capacity[teams],
        )
        dated = np.flatnonzero(self.due >= 0)
        self._due_rows(rows, dated)
        # Link the work on a site to the team being sent there.
        pairs = np.arange(n)
        rows.add(
            np.r_[pairs, pairs, lp_],
            np.r_[self.xi, self.yi, self.li],
            np.r_[np.ones(n), -self.upper, np.ones(len(lp_))],
            -inf,
            np.zeros(n),
        )
        # Area per hazard.
        hz, hz_row = np.unique(self.h, return_inverse=True)
        rows.add(
            np.r_[hz_row, hz_row[lp_]], np.r_[self.xi, self.li],
            np.ones(n + len(lp_)), -inf, p.area[hz],
        )  # fmt: skip
        # Crowding per hazard, only where more teams than allowed could come.
        limit = p.options.max_teams_per_hazard
        crowd = np.bincount(hz_row)[hz_row] > limit
        if crowd.any():
            keys, crowd_row = np.unique(hz_row[crowd], return_inverse=True)
            rows.add(
                crowd_row, self.yi[crowd], np.ones(int(crowd.sum())), -inf,
                np.full(len(keys), float(limit)),
            )  # fmt: skip
        self._deadline_rows(rows, dated)
        self.n_rows = rows.count

        cost = np.zeros(self.n_columns)
        cost[self.xi] = p.weight[self.h]
        cost[self.li] = p.weight[self.h[lp_]]
        cost[self.si] = -p.penalty
        upper = np.full(self.n_columns, inf)
        upper[self.xi] = self.upper
        upper[self.li] = self.upper[lp_]
        upper[self.yi] = 1.0
        integrality = np.zeros(self.n_columns, dtype=np.int64)
        integrality[self.yi] = 1
        return rows.lp(cost, upper, integrality, self.n_columns)

    def _due_rows(self, rows: _Rows, dated: NDArray[np.int64]) -> None:
        """On-time work and its setups fit before each due month, per team."""
        if not len(dated):
            return
        levels = np.unique(np.c_[self.t[dated], self.due[dated]], axis=0)
        due_r, due_c, due_v = [], [], []
        for k, (team, level) in enumerate(levels):
            mine = dated[(self.t[dated] == team) & (self.due[dated] <= level)]
            due_r.append(np.full(2 * len(mine), k))
            due_c.append(np.r_[self.xi[mine], self.yi[mine]])
            due_v.append(np.r_[np.ones(len(mine)), self.setup[mine]])
        rows.add(
            np.concatenate(due_r),
            np.concatenate(due_c),
            np.concatenate(due_v),
            -highspy.kHighsInf,
            self.p.capacity_by(levels[:, 0], levels[:, 1]),
        )

    def _deadline_rows(self, rows: _Rows, dated: NDArray[np.int64]) -> None:
        """Each dated hazard is released by the month before people return."""
        if not len(self.must):
            return
        index = np.full(len(self.p.area), -1, dtype=np.int64)
        index[self.must] = np.arange(len(self.must))
        r, cols = index[self.h[dated]], self.xi[dated]
        if self.soft:
            r, cols = np.r_[r, np.arange(len(self.must))], np.r_[cols, self.si]
        rows.add(r, cols, np.ones(len(r)), self.p.area[self.must], highspy.kHighsInf)

    def start_values(self, start: Assignment) -> NDArray[np.float64]:
        """Column values of a feasible monthly assignment (pairs are candidates)."""
        values = np.zeros(self.n_columns)
        where = np.searchsorted(self.cands, start.pair)
        due = self.due[where]
        on = (due < 0) | (start.month <= due)
        np.add.at(values, self.xi[where[on]], start.hectares[on])
        values[self.yi[where]] = 1.0
        if self.soft and len(self.late_pairs):
            slot = np.full(len(self.cands), -1, dtype=np.int64)
            slot[self.late_pairs] = self.li
            np.add.at(values, slot[where[~on]], start.hectares[~on])
        if self.soft:
            values[self.si] = start.shortfall(self.p)
        return values

    def assignment(self, values: NDArray[np.float64]) -> Assignment:
        """The monthly plan of a solution, by :func:`sequence`."""
        y = values[self.yi] > 0.5
        on = np.where(y, values[self.xi], 0.0)
        late = np.zeros(len(self.cands))
        late[self.late_pairs] = values[self.li]
        late = np.where(y, late, 0.0)
        return sequence(self.p, self.cands, on, late)


def sequence(
    problem: Problem,
    cands: NDArray[np.int64],
    on: NDArray[np.float64],
    late: NDArray[np.float64],
) -> Assignment:
    """Lay each team's work out over the months, earliest due date first.

    Per team: on-time work on hazards with a return date (soonest first),
    then other work and late work by weight (highest first); the setup of a
    site comes out of the month its work starts in. Crumbs below 1e-7 ha
    (solver rounding) are dropped.
    """
    chosen_pair: list[int] = []
    chosen_month: list[int] = []
    chosen_ha: list[float] = []
    months = problem.n_months
    t = problem.pair_team[cands]
    h = problem.pair_hazard[cands]
    due = problem.deadline[h]
    month_capacity = problem.month_capacity
    for team in np.unique(t[(on > 1e-7) | (late > 1e-7)]):
        caps = [float(c) for c in month_capacity[team]] + [0.0]
        jobs: list[tuple[float, float, float, int, float]] = []
        for c in np.flatnonzero(t == team).tolist():
            weight = float(problem.weight[h[c]])
            if on[c] > 1e-7:
                first = float(due[c]) if due[c] >= 0 else float(months)
                jobs.append((first, -weight, float(h[c]), c, float(on[c])))
            if late[c] > 1e-7:
                jobs.append((months + 1.0, -weight, float(h[c]), c, float(late[c])))
        jobs.sort()
        month, left = 0, caps[0]
        started: set[int] = set()
        for _first, _w, _h, job, amount in jobs:
            if job not in started:
                started.add(job)
                left -= float(problem.pair_setup[cands[job]])
                while left < 0 and month < months - 1:
                    month, left = month + 1, left + caps[month + 1]
            while amount > 1e-7 and month < months:
                take = min(amount, max(left, 0.0))
                if take > 1e-7:
                    chosen_pair.append(int(cands[job]))
                    chosen_month.append(month)
                    chosen_ha.append(take)
                amount -= take
                left -= take
                if left <= 1e-9:
                    month, left = month + 1, left + caps[month + 1]
    return Assignment(
        pair=np.array(chosen_pair, dtype=np.int64),
        month=np.array(chosen_month, dtype=np.int64),
        hectares=np.array(chosen_ha, dtype=float),
    )


class _Rows:
    """Rows appended block by block as (row, column, value) triplets."""

    def __init__(self) -> None:
        self.parts: list[tuple[NDArray[Any], NDArray[Any], NDArray[Any]]] = []
        self.lower: list[NDArray[np.float64]] = []
        self.upper: list[NDArray[np.float64]] = []
        self.count = 0

    def add(
        self,
        row: NDArray[np.int64],
        col: NDArray[np.int64],
        val: NDArray[np.float64],
        lo: float | NDArray[np.float64],
        hi: float | NDArray[np.float64],
    ) -> None:
        n = int(row.max()) + 1 if len(row) else 0
        if isinstance(hi, np.ndarray):
            n = max(n, len(hi))
        if isinstance(lo, np.ndarray):
            n = max(n, len(lo))
        self.parts.append((row + self.count, col, val))
        self.lower.append(np.broadcast_to(np.asarray(lo, dtype=float), (n,)))
        self.upper.append(np.broadcast_to(np.asarray(hi, dtype=float), (n,)))
        self.count += n

    def lp(
        self,
        cost: NDArray[np.float64],
        upper: NDArray[np.float64],
        integrality: NDArray[np.int64],
        n_columns: int,
    ) -> highspy.HighsLp:
        row = np.concatenate([p[0] for p in self.parts])
        col = np.concatenate([p[1] for p in self.parts])
        val = np.concatenate([p[2] for p in self.parts]).astype(float)
        matrix = sparse.csc_matrix((val, (row, col)), shape=(self.count, n_columns))
        matrix.sum_duplicates()
        matrix.sort_indices()
        lp = highspy.HighsLp()
        lp.num_col_ = n_columns
        lp.num_row_ = self.count
        lp.col_cost_ = cost
        lp.col_lower_ = np.zeros(n_columns)
        lp.col_upper_ = upper
        lp.row_lower_ = np.concatenate(self.lower)
        lp.row_upper_ = np.concatenate(self.upper)
        lp.sense_ = highspy.ObjSense.kMaximize
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
        lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
        lp.a_matrix_.value_ = matrix.data
        kinds = (highspy.HighsVarType.kContinuous, highspy.HighsVarType.kInteger)
        lp.integrality_ = [kinds[i] for i in integrality]
        return lp
