# SPDX-License-Identifier: GPL-3.0-or-later
"""Team tasking: which team works which hazard in which month.

Teams (method, base, m²/day) are assigned to open hazards over the months of
a horizon so that the priority-weighted area released is largest, subject to
each team's capacity, the method suitability table :data:`SUITABILITY`, a
maximum distance from the team's base with travel time charged against
capacity, and the return dates of displaced people (hazards blocking a
settlement must be released by its planned return date).

The model is a mixed-integer programme solved by HiGHS
(:mod:`demine.analysis.tasking.milp`), started from and compared with a
greedy plan (:mod:`demine.analysis.tasking.greedy`). This module is pure: it
takes tables and returns a :class:`Plan`; reading the register is
:mod:`demine.analysis.tasking.register`'s job. See ``docs/tasking.md``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from demine.domain.accreditation import TASKED_ACTIVITY
from demine.domain.labels import label_of
from demine.domain.vocab import ActivityType, Blockage, HazardClass, LandUse, Method
from demine.errors import DemineError
from demine.i18n import N_, _
from demine.i18n.numbers import number

Deadlines = Literal["hard", "soft"]
Solver = Literal["milp", "greedy"]


class TaskingError(DemineError):
    """A tasking problem that cannot be planned as asked: says what and why."""

    http_status = 422
    default_message = N_("the work plan cannot be made from this input")


# Site conditions a hazard can have, read from its attributes by
# :func:`site_conditions`.
CULTURAL = "cultural_site"  # blocks a cultural heritage site
WATER = "water"  # land use is water (lake, river bank, wetland)
STEEP = "steep"  # slope above SteepSlopeDeg (only when slope_deg is given)
CONFIRMED = "confirmed"  # CHA: direct evidence, needs clearance, not survey
FOREST = "forest"  # land use is forest (canopy)

#: Conditions on which a method may NOT work (IMAS 09.50 mechanical, 09.40
#: dogs; drones here are remote non-technical survey, which can cancel
#: suspected land but not clear confirmed land, and cannot see under canopy).
SUITABILITY: dict[str, frozenset[str]] = {
    Method.MANUAL.value: frozenset(),
    Method.MIXED.value: frozenset(),
    Method.MECHANICAL.value: frozenset({CULTURAL, WATER, STEEP}),
    Method.MDD.value: frozenset({WATER}),
    Method.DRONE.value: frozenset({CONFIRMED, FOREST, WATER}),
}
STEEP_SLOPE_DEG = 20.0
EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class TaskingOptions:
    """Everything the plan depends on besides teams, hazards and weights.

    Capacity of a team in a month is ``productivity_m2_day * working_days``.
    Each month a team works a hazard costs ``setup_days`` plus the travel
    time of one round trip base → site → base (straight-line distance ×
    ``road_factor`` at ``speed_kmh``, ``hours_per_day`` per day), in lost
    working days; hazards farther than ``max_distance_km`` from a team's base
    are out of its reach.
    """

    months: int = 12
    start: dt.date | None = None
    working_days: float = 22.0
    max_distance_km: float = 150.0
    speed_kmh: float = 40.0
    road_factor: float = 1.3
    hours_per_day: float = 8.0
    setup_days: float = 1.0
    max_teams_per_hazard: int = 4
    deadlines: Deadlines = "hard"
    late_penalty: float = 10.0
    overdue_boost: float = 2.0
    time_limit: float = 30.0
    mip_gap: float = 0.005
    extra_candidates: int = 15
    teams_per_deadline: int = 10
    solver: Solver = "milp"

    def validate(self) -> None:
        """A TaskingError naming the first option out of range."""
        checks: list[tuple[bool, str]] = [
            (self.months >= 1, N_("horizon must be at least 1 month, not %(months)s")),
            (self.months <= 120, N_("horizon of %(months)s months is over 120")),
            (0 < self.working_days <= 31, N_("working_days must be in (0, 31]")),
            (self.max_distance_km > 0, N_("max_distance_km must be positive")),
            (self.speed_kmh > 0, N_("speed_kmh must be positive")),
            (self.road_factor >= 1, N_("road_factor must be at least 1")),
            (0 < self.hours_per_day <= 24, N_("hours_per_day must be in (0, 24]")),
            (self.setup_days >= 0, N_("setup_days must not be negative")),
            (self.max_teams_per_hazard >= 1, N_("max_teams_per_hazard must be >= 1")),
            (self.deadlines in ("hard", "soft"), N_("deadlines must be hard or soft")),
            (self.late_penalty >= 0, N_("late_penalty must not be negative")),
            (self.overdue_boost >= 1, N_("overdue_boost must be at least 1")),
            (
                0 < self.time_limit <= 3600,
                N_("time_limit must be in (0, 3600] seconds"),
            ),
            (0 <= self.mip_gap < 1, N_("mip_gap must be in [0, 1)")),
            (self.extra_candidates >= 1, N_("extra_candidates must be >= 1")),
            (self.teams_per_deadline >= 1, N_("teams_per_deadline must be >= 1")),
            (self.solver in ("milp", "greedy"), N_("solver must be milp or greedy")),
        ]
        for ok, message in checks:
            if not ok:
                # A mapping fills the placeholders a message has and no others.
                raise TaskingError(_(message, months=self.months))


def parse_horizon(text: str | int) -> int:
    """Months in a horizon written ``12m``, ``18``, ``2y``; TaskingError if not."""
    raw = str(text).strip().lower()
    match = re.fullmatch(r"(\d{1,4})\s*(m|mo|months?|y|yr|years?)?", raw)
    if match is None:
        raise TaskingError(
            _("horizon %(text)r: write months as 12m or years as 1y", text=text)
        )
    count = int(match.group(1))
    unit = match.group(2) or "m"
    months = count * 12 if unit.startswith("y") else count
    if months < 1:
        raise TaskingError(
            _("horizon %(text)r is empty: plan at least 1 month", text=text)
        )
    return months


def first_of_next_month(today: dt.date) -> dt.date:
    return (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def month_starts(start: dt.date, months: int) -> list[dt.date]:
    """First day of each month of the horizon."""
    out = []
    year, month = start.year, start.month
    for _unused in range(months + 1):
        out.append(dt.date(year, month, 1))
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return out


def deadline_month(return_on: dt.date, start: dt.date) -> int:
    """Last month index (0-based) that ends on or before ``return_on``.

    -1 means the date falls inside the first month or before it: overdue.
    """
    between = (return_on.year - start.year) * 12 + return_on.month - start.month
    return between - 1


def site_conditions(hazards: pd.DataFrame) -> dict[str, NDArray[np.bool_]]:
    """Boolean masks of every site condition over the hazards' rows."""
    blockages = hazards.get("blockages", pd.Series([[]] * len(hazards)))
    land_use = hazards.get("land_use", pd.Series([None] * len(hazards)))
    hazard_class = hazards.get("hazard_class", pd.Series(["cha"] * len(hazards)))
    slope = pd.to_numeric(
        hazards.get("slope_deg", pd.Series([np.nan] * len(hazards))), errors="coerce"
    )
    cultural = np.array(
        [Blockage.CULTURAL_SITE.value in _as_list(b) for b in blockages], dtype=bool
    )
    return {
        CULTURAL: cultural,
        WATER: land_use.astype(object).eq(LandUse.WATER.value).to_numpy(dtype=bool),
        FOREST: land_use.astype(object).eq(LandUse.FOREST.value).to_numpy(dtype=bool),
        STEEP: slope.gt(STEEP_SLOPE_DEG).to_numpy(dtype=bool),
        CONFIRMED: hazard_class.astype(object)
        .ne(HazardClass.SHA.value)
        .to_numpy(dtype=bool),
    }


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        return [str(v) for v in value]
    if isinstance(value, str) and value:
        return [v.strip() for v in value.split(",")]
    return []


def suitable(
    methods: Iterable[str], conditions: dict[str, NDArray[np.bool_]]
) -> NDArray[np.bool_]:
    """Teams × hazards: may a team of each method work each hazard."""
    size = len(next(iter(conditions.values())))
    rows = []
    for method in methods:
        if method not in SUITABILITY:
            raise TaskingError(
                _(
                    "team method %(method)r is not one of %(values)s",
                    method=method,
                    values=", ".join(SUITABILITY),
                )
            )
        ok = np.ones(size, dtype=bool)
        for condition in SUITABILITY[method]:
            ok &= ~conditions[condition]
        rows.append(ok)
    return np.array(rows, dtype=bool).reshape(-1, size)


def distance_km(
    lon1: NDArray[np.float64],
    lat1: NDArray[np.float64],
    lon2: NDArray[np.float64],
    lat2: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Great-circle distances (km), broadcast: rows of 1 against columns of 2."""
    p1, p2 = np.radians(lat1)[:, None], np.radians(lat2)[None, :]
    dlat = p2 - p1
    dlon = np.radians(lon2)[None, :] - np.radians(lon1)[:, None]
    a = np.sin(dlat / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    km: NDArray[np.float64] = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
    return km


def weights_from_scores(scores: pd.Series, floor: float = 0.1) -> pd.Series:
    """Priority scores (higher first, any scale) as weights per m² in [floor, 1].

    The best-scored hazard weighs 1, the worst ``floor``, linearly between;
    equal scores all weigh 1.
    """
    values = pd.to_numeric(scores, errors="coerce")
    if values.isna().any():
        bad = values.index[values.isna()][0]
        raise TaskingError(_("hazard %(id)s: priority score is not a number", id=bad))
    low, high = float(values.min()), float(values.max()) if len(values) else 0.0
    if len(values) == 0 or high - low <= 0:
        return pd.Series(1.0, index=scores.index)
    return floor + (1 - floor) * (values - low) / (high - low)


@dataclass(frozen=True)
class Eligibility:
    """Months each team may be tasked: accredited and qualified (plain data).

    ``accredited`` and ``qualified`` are indexed by team id with one boolean
    column per month of the horizon, in order: whether the team's
    organisation holds a valid, unsuspended accreditation for the team's
    method (and the activity :data:`~demine.domain.accreditation.TASKED_ACTIVITY`
    gives it) every day of the month, and whether the team's members hold the
    certificates its method needs every day of it. A team missing from a
    table counts as allowed. The register reads them
    (:mod:`demine.analysis.tasking.eligibility`); the plan only obeys them.
    """

    accredited: pd.DataFrame
    qualified: pd.DataFrame

    def masks(
        self, team_ids: pd.Index, months: int
    ) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
        """Teams × months arrays of both, in the order of ``team_ids``."""
        out = []
        for frame in (self.accredited, self.qualified):
            values = frame.reindex(team_ids).to_numpy(dtype=object)
            if values.shape[1:] != (months,):
                raise TaskingError(
                    _(
                        "eligibility covers %(got)s months, the plan %(months)s",
                        got=values.shape[1] if values.ndim == 2 else 0,
                        months=months,
                    )
                )
            mask = np.where(pd.isna(values), True, values).astype(bool)
            out.append(mask)
        return out[0], out[1]


@dataclass
class Problem:
    """A tasking instance as arrays: T teams, H hazards, M months, P pairs.

    A pair is a (team, hazard) the team may work: suitable, within reach and
    allowed (accredited and qualified) in at least one month. Areas are in
    hectares so the solver sees numbers near 1.
    """

    team_ids: NDArray[np.int64]
    team_names: list[str]
    methods: NDArray[np.object_]
    capacity: NDArray[np.float64]  # ha per team-month
    productivity: NDArray[np.float64]  # ha per team-day
    hazard_ids: NDArray[np.int64]
    hazard_names: list[str]
    area: NDArray[np.float64]  # ha remaining
    weight: NDArray[np.float64]  # value per ha
    deadline: NDArray[np.int64]  # last month index to finish; -1 none
    overdue: NDArray[np.bool_]
    months: list[dt.date]  # M + 1 month starts (the last one ends the horizon)
    pair_team: NDArray[np.int64]
    pair_hazard: NDArray[np.int64]
    pair_setup: NDArray[np.float64]  # ha lost per deployment (setup + travel)
    pair_km: NDArray[np.float64]
    options: TaskingOptions
    accredited: NDArray[np.bool_]  # teams × months
    qualified: NDArray[np.bool_]  # teams × months
    would_reach: NDArray[np.bool_]  # teams × hazards, whatever the eligibility

    @property
    def n_months(self) -> int:
        return len(self.months) - 1

    @property
    def allowed(self) -> NDArray[np.bool_]:
        """Teams × months: accredited and qualified."""
        return self.accredited & self.qualified

    @property
    def month_capacity(self) -> NDArray[np.float64]:
        """Teams × months: hectares a team may release in each month."""
        return self.capacity[:, None] * self.allowed

    @property
    def horizon_capacity(self) -> NDArray[np.float64]:
        """Hectares each team may release over the horizon."""
        return self.month_capacity.sum(axis=1)

    def capacity_by(self, team: NDArray[np.int64], month: NDArray[np.int64]) -> Any:
        """Hectares ``team`` may release from the first month to ``month``."""
        return np.cumsum(self.month_capacity, axis=1)[team, month]

    @property
    def must(self) -> NDArray[np.bool_]:
        return self.deadline >= 0

    @property
    def penalty(self) -> float:
        """Objective lost per hectare a soft deadline misses."""
        top = float(self.weight.max()) if len(self.weight) else 1.0
        return self.options.late_penalty * max(top, 1e-9)


@dataclass
class Assignment:
    """Deployments of one plan: pair index, month, hectares released."""

    pair: NDArray[np.int64]
    month: NDArray[np.int64]
    hectares: NDArray[np.float64]

    def value(self, problem: Problem) -> float:
        """The objective: priority-weighted hectares released.

        With soft deadlines, less the penalty for every hectare still left on
        a hazard when its settlement's people return.
        """
        h = problem.pair_hazard[self.pair]
        total = float(np.sum(problem.weight[h] * self.hectares))
        if problem.options.deadlines == "soft":
            total -= problem.penalty * float(self.shortfall(problem).sum())
        return total

    def shortfall(self, problem: Problem) -> NDArray[np.float64]:
        """Hectares of each deadline hazard not released by its date."""
        must = np.flatnonzero(problem.must)
        short = np.zeros(len(must))
        for i, h in enumerate(must):
            done = self.released_by(problem, int(problem.deadline[h]))[h]
            short[i] = max(problem.area[h] - done, 0.0)
        return short

    def released_by(self, problem: Problem, month: int) -> NDArray[np.float64]:
        """Hectares released per hazard up to and including ``month``."""
        keep = self.month <= month
        released: NDArray[np.float64] = np.bincount(
            problem.pair_hazard[self.pair[keep]],
            weights=self.hectares[keep],
            minlength=len(problem.area),
        ).astype(np.float64)
        return released


@dataclass
class SolveResult:
    """What the MILP solver reports besides the plan."""

    assignment: Assignment
    status: str
    objective: float
    bound: float
    gap: float
    seconds: float
    columns: int
    rows: int
    candidates: int


@dataclass
class Plan:
    """A work plan with its figures; ``rows`` is one row per team-month-site."""

    rows: pd.DataFrame
    teams: pd.DataFrame
    months: list[str]
    solver: str
    status: str
    objective: float
    bound: float | None
    gap: float | None
    greedy_objective: float
    improvement_pct: float | None
    released_m2: float
    greedy_released_m2: float
    weighted_m2: float
    seconds: float
    greedy_seconds: float
    deadlines: pd.DataFrame
    model: dict[str, int]
    options: TaskingOptions
    unassigned: pd.DataFrame  # hazards barred by accreditation / qualification

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready figures, the plan per team and the deadline check."""
        return {
            "months": self.months,
            "solver": self.solver,
            "status": self.status,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "greedy_objective": self.greedy_objective,
            "improvement_pct": self.improvement_pct,
            "released_m2": self.released_m2,
            "greedy_released_m2": self.greedy_released_m2,
            "weighted_m2": self.weighted_m2,
            "seconds": round(self.seconds, 3),
            "greedy_seconds": round(self.greedy_seconds, 3),
            "model": self.model,
            "teams": _records(self.teams),
            "plan": _records(self.rows),
            "deadlines": _records(self.deadlines),
            "unassigned": _records(self.unassigned),
            "options": {
                k: (v.isoformat() if isinstance(v, dt.date) else v)
                for k, v in self.options.__dict__.items()
            },
        }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in frame.to_dict(orient="records"):
        out.append({k: _plain(v) for k, v in row.items()})
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if math.isnan(value) else float(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


TEAM_COLUMNS = ("name", "method", "productivity_m2_day", "lon", "lat")
HAZARD_COLUMNS = ("remaining_m2", "lon", "lat")


def build_problem(
    teams: pd.DataFrame,
    hazards: pd.DataFrame,
    weights: pd.Series,
    options: TaskingOptions,
    eligibility: Eligibility | None = None,
) -> Problem:
    """Check the input and turn it into arrays; TaskingError on bad input.

    ``teams`` is indexed by team id with :data:`TEAM_COLUMNS` (base ``lon``,
    ``lat`` in degrees; a team without a base reaches every hazard with no
    travel). ``hazards`` is indexed by hazard id with :data:`HAZARD_COLUMNS`
    and optionally ``name``, ``hazard_class``, ``land_use``, ``blockages``,
    ``slope_deg`` and ``return_on`` (the date by which the hazard must be
    released; empty for none). ``weights`` is the value of one m² of each
    hazard (non-negative). ``eligibility`` bars teams from the months their
    organisation is not accredited or their members not qualified for their
    method (None: every team may work every month).
    """
    options.validate()
    if options.start is None:
        raise TaskingError(_("the plan needs a start month"))
    prod, area, w = _checked(teams, hazards, weights)
    start = options.start.replace(day=1)
    months = month_starts(start, options.months)
    deadline, overdue = _due_months(hazards, start, options.months)
    weight = w.to_numpy(dtype=float) * np.where(overdue, options.overdue_boost, 1.0)

    methods = teams["method"].astype(str).to_numpy(dtype=object)
    conditions = site_conditions(hazards)
    ok = suitable(methods, conditions)
    km = _distances(teams, hazards)
    reach = ok & (km <= options.max_distance_km)
    prod_ha = prod.to_numpy(dtype=float) / 1e4
    travel_days = (
        2 * km * options.road_factor / options.speed_kmh / options.hours_per_day
    )
    setup = (options.setup_days + travel_days) * prod_ha[:, None]
    capacity = prod_ha * options.working_days
    area_ha = area.to_numpy(dtype=float) / 1e4
    # A deployment that would spend the whole month travelling is no deployment.
    reach &= setup < capacity[:, None]
    reach &= (area_ha > 0)[None, :]
    n_months = len(months) - 1
    if eligibility is None:
        accredited = np.ones((len(teams), n_months), dtype=bool)
        qualified = accredited.copy()
    else:
        accredited, qualified = eligibility.masks(teams.index, n_months)
    would_reach = reach.copy()
    some_month: NDArray[np.bool_] = np.any(accredited & qualified, axis=1)
    reach &= some_month[:, None]
    pt, ph = np.nonzero(reach)
    problem = Problem(
        team_ids=teams.index.to_numpy(dtype=np.int64),
        team_names=[str(n) for n in teams["name"]],
        methods=methods,
        capacity=capacity,
        productivity=prod_ha,
        hazard_ids=hazards.index.to_numpy(dtype=np.int64),
        hazard_names=[
            "" if n is None or (isinstance(n, float) and math.isnan(n)) else str(n)
            for n in hazards.get("name", pd.Series([None] * len(hazards)))
        ],
        area=area_ha,
        weight=weight,
        deadline=deadline,
        overdue=overdue,
        months=months,
        pair_team=pt.astype(np.int64),
        pair_hazard=ph.astype(np.int64),
        pair_setup=setup[pt, ph],
        pair_km=km[pt, ph],
        options=options,
        accredited=accredited,
        qualified=qualified,
        would_reach=would_reach,
    )
    if options.deadlines == "hard":
        check_deadlines(problem, conditions, ok, km)
    return problem


def _checked(
    teams: pd.DataFrame, hazards: pd.DataFrame, weights: pd.Series
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Productivity, remaining area and weight, or a TaskingError naming the row."""
    _require(teams, TEAM_COLUMNS, "teams")
    _require(hazards, HAZARD_COLUMNS, "hazards")
    if len(teams) == 0:
        raise TaskingError(_("there are no active teams to plan: add teams first"))
    if len(hazards) == 0:
        raise TaskingError(_("there are no open hazards with area left to plan"))
    prod = pd.to_numeric(teams["productivity_m2_day"], errors="coerce")
    bad = prod.index[~(prod > 0)]
    if len(bad):
        raise TaskingError(
            _(
                "team %(id)s: productivity_m2_day must be a positive number, not "
                "%(productivity)r",
                id=bad[0],
                productivity=teams.loc[bad[0], "productivity_m2_day"],
            )
        )
    area = pd.to_numeric(hazards["remaining_m2"], errors="coerce")
    bad = area.index[~(area >= 0)]
    if len(bad):
        raise TaskingError(_("hazard %(id)s: remaining_m2 must be >= 0", id=bad[0]))
    w = weights.reindex(hazards.index)
    if w.isna().any():
        raise TaskingError(
            _("hazard %(id)s: no priority weight", id=w.index[w.isna()][0])
        )
    if (w < 0).any():
        raise TaskingError(
            _("hazard %(id)s: priority weight is negative", id=w.index[w < 0][0])
        )
    return prod, area, w


def _due_months(
    hazards: pd.DataFrame, start: dt.date, months: int
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Last month to finish each hazard (-1: none) and whether it is overdue."""
    deadline = np.full(len(hazards), -1, dtype=np.int64)
    overdue = np.zeros(len(hazards), dtype=bool)
    if "return_on" not in hazards:
        return deadline, overdue
    for i, when in enumerate(hazards["return_on"].to_numpy(dtype=object)):
        if when is None or pd.isna(when):
            continue
        last = deadline_month(pd.Timestamp(when).date(), start)
        if last < 0:
            overdue[i] = True
        elif last < months:
            deadline[i] = last
    return deadline, overdue


def _require(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise TaskingError(
            _(
                "%(what)s table lacks column(s): %(values)s",
                what=what,
                values=", ".join(missing),
            )
        )


def _distances(teams: pd.DataFrame, hazards: pd.DataFrame) -> NDArray[np.float64]:
    t_lon = pd.to_numeric(teams["lon"], errors="coerce").to_numpy(dtype=float)
    t_lat = pd.to_numeric(teams["lat"], errors="coerce").to_numpy(dtype=float)
    h_lon = pd.to_numeric(hazards["lon"], errors="coerce").to_numpy(dtype=float)
    h_lat = pd.to_numeric(hazards["lat"], errors="coerce").to_numpy(dtype=float)
    if np.isnan(h_lon).any() or np.isnan(h_lat).any():
        bad = hazards.index[np.isnan(h_lon) | np.isnan(h_lat)][0]
        raise TaskingError(
            _("hazard %(id)s: no location (lon/lat) to plan travel", id=bad)
        )
    km = distance_km(t_lon, t_lat, h_lon, h_lat)
    # A team without a recorded base is taken to be at the site: no travel.
    return np.where(np.isnan(km), 0.0, km)


def check_deadlines(
    problem: Problem,
    conditions: dict[str, NDArray[np.bool_]],
    ok: NDArray[np.bool_],
    km: NDArray[np.float64],
) -> None:
    """TaskingError when a hard deadline cannot be met whatever the plan.

    Necessary conditions only, each with a message that names the hazard: a
    suitable team within reach, and enough reachable capacity by the date.
    """
    opts = problem.options
    for h in np.flatnonzero(problem.must).tolist():
        label = _hazard_label(problem, h)
        by = problem.months[problem.deadline[h] + 1].isoformat()
        teams = np.flatnonzero(problem.pair_hazard == h)
        if len(teams) == 0:
            here = {c for c, mask in conditions.items() if mask[h]}
            able = sorted(m for m, bars in SUITABILITY.items() if not bars & here)
            near = ok[:, h] & (km[:, h] <= opts.max_distance_km)
            why = (
                _("no active team of a suitable method exists")
                if not ok[:, h].any()
                else _(
                    "no suitable team is based within %(km)s km",
                    km=number(opts.max_distance_km),
                )
                if not near.any()
                else _(
                    "no suitable team within reach is accredited and qualified "
                    "in any month of the plan"
                )
                if problem.would_reach[:, h].any()
                else _("every suitable team would spend the month travelling")
            )
            methods = ", ".join(label_of(Method, m) for m in able) or _("none")
            raise TaskingError(
                _(
                    "%(hazard)s must be released by %(day)s (displaced people "
                    "return), but %(why)s; suitable methods: %(methods)s",
                    hazard=label,
                    day=by,
                    why=why,
                    methods=methods,
                )
            )
        t = problem.pair_team[teams]
        due = int(problem.deadline[h])
        most = float(
            np.sum(
                problem.capacity_by(t, np.full(len(t), due))
                - problem.pair_setup[teams] * (due + 1)
            )
        )
        if most < problem.area[h] * (1 - 1e-9):
            raise TaskingError(
                _(
                    "%(hazard)s must be released by %(day)s: %(left)s m² left, but "
                    "all %(n)s teams within reach release at most %(most)s m² by "
                    "then; plan with soft deadlines or add teams",
                    hazard=label,
                    day=by,
                    left=number(problem.area[h] * 1e4),
                    n=len(t),
                    most=number(most * 1e4),
                )
            )


def _hazard_label(problem: Problem, h: int) -> str:
    name = problem.hazard_names[h]
    hid = problem.hazard_ids[h]
    if name:
        return _("hazard %(id)s (%(name)s)", id=hid, name=name)
    return _("hazard %(id)s", id=hid)


def month_runs(labels: list[str], months: Iterable[int]) -> str:
    """Months as runs: ``2027-01, 2027-03 to 2027-12`` (indices into labels)."""
    runs: list[list[int]] = []
    for m in sorted(months):
        if runs and m == runs[-1][1] + 1:
            runs[-1][1] = m
        else:
            runs.append([m, m])
    return ", ".join(
        labels[a]
        if a == b
        else _("%(first)s to %(last)s", first=labels[a], last=labels[b])
        for a, b in runs
    )


def _cause(problem: Problem, teams: NDArray[np.int64], months: NDArray[np.intp]) -> str:
    """Why ``teams`` may not work in ``months``: accreditation, certificates or both."""
    if not problem.accredited[np.ix_(teams, months)].any():
        return _("not accredited")
    if not problem.qualified[np.ix_(teams, months)].any():
        return _("not qualified")
    return _("not accredited or not qualified")


def barred_hazards(problem: Problem, released: NDArray[np.float64]) -> pd.DataFrame:
    """Hazards left without work where accreditation or qualification barred
    the teams that could reach them, each with the reason in words.

    A hazard is listed when the plan gives it nothing and, for a method of
    the teams within its reach, no team of that method is accredited and
    qualified in some months of the horizon. ``whole_horizon`` marks those
    no team within reach may work in any month (they come first); for the
    others the barred months cost capacity that may have left them out. A
    hazard left while every team within reach could work all the horizon is
    left for want of capacity or priority, and is not listed.
    """
    labels = [d.strftime("%Y-%m") for d in problem.months[:-1]]
    allowed = problem.allowed
    out = []
    for h in np.flatnonzero(released <= 1e-9).tolist():
        near = np.flatnonzero(problem.would_reach[:, h])
        if not len(near):
            continue
        groups: dict[tuple[tuple[int, ...], str], dict[ActivityType, list[str]]] = {}
        methods, barred = [], set()
        for method in sorted({str(m) for m in problem.methods[near]}):
            mine = near[problem.methods[near] == method]
            months = np.flatnonzero(~allowed[mine].any(axis=0))
            if not len(months):
                continue
            kind = TASKED_ACTIVITY.get(Method(method), ActivityType.CLEARANCE)
            key = (tuple(months.tolist()), _cause(problem, mine, months))
            groups.setdefault(key, {}).setdefault(kind, []).append(method)
            methods.append(method)
            barred.update(months.tolist())
        reasons = [
            _(
                "no team within reach accredited and qualified for %(work)s in "
                "%(months)s (%(cause)s)",
                work=", ".join(
                    _(
                        "%(activity)s (%(methods)s)",
                        activity=label_of(ActivityType, kind.value),
                        methods=", ".join(label_of(Method, m) for m in group),
                    )
                    for kind, group in work.items()
                ),
                months=month_runs(labels, list(months_key)),
                cause=cause,
            )
            for (months_key, cause), work in groups.items()
        ]
        if reasons:
            out.append(
                {
                    "hazard_id": int(problem.hazard_ids[h]),
                    "hazard": problem.hazard_names[h],
                    "methods": methods,
                    "months": [labels[m] for m in sorted(barred)],
                    "whole_horizon": not bool(allowed[near].any()),
                    "reason": "; ".join(reasons),
                }
            )
    out.sort(key=lambda row: (not row["whole_horizon"], row["hazard_id"]))
    columns = ["hazard_id", "hazard", "methods", "months", "whole_horizon", "reason"]
    return pd.DataFrame(out, columns=columns)
