# SPDX-License-Identifier: GPL-3.0-or-later
"""Completion forecast: Monte Carlo over draws x years, pure NumPy, no I/O.

The model. Open suspected (SHA) area is first surveyed: non-technical survey
cancels a share of it. What is left, with all confirmed (CHA) area, is
technical work: technical survey reduces a share and the rest is cleared.
Technical work costs team-days at each method's productivity (m² released
per team-day) and cost per team-day. A year's capacity is the teams' days
times their productivity, cut down to what the year's budget pays for.

Each draw samples the programme-wide parameters once (productivity, cost,
working days, the shares); the budget is sampled per draw and year (money
varies from year to year). Completion is where cumulative capacity reaches
the technical area. :func:`~demine.analysis.forecast.register.run_forecast`
reads the register.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from demine.i18n import _

QUANTILES: dict[str, float] = {"p10": 0.10, "p50": 0.50, "p90": 0.90}
MAX_HORIZON = 500
MAX_CV = 10.0


@dataclass(frozen=True)
class Parameter:
    """An uncertain quantity: mean, standard deviation, and where it came from.

    ``kind`` is ``positive`` (sampled log-normal) or ``share`` (sampled from a
    beta distribution on 0..1). ``n`` is how many records support it.
    """

    mean: float
    sd: float = 0.0
    n: int = 0
    source: str = ""
    kind: Literal["positive", "share"] = "positive"

    def sample(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> Any:
        """Draws with this mean and spread (the mean itself when sd is 0)."""
        if self.sd <= 0 or self.mean <= 0:
            return np.full(size, float(self.mean))
        if self.kind == "share":
            return _beta(rng, self.mean, self.sd, size)
        # A spread beyond ten times the mean says nothing more; capping it
        # keeps the arithmetic finite.
        cv = min(self.sd / self.mean, MAX_CV)
        sigma2 = math.log1p(cv**2)
        mu = math.log(self.mean) - sigma2 / 2
        return rng.lognormal(mu, math.sqrt(sigma2), size)

    def with_sd(self, sd: float) -> Parameter:
        return replace(self, sd=max(0.0, sd))

    def describe(self) -> dict[str, Any]:
        return asdict(self)


def _beta(
    rng: np.random.Generator, mean: float, sd: float, size: int | tuple[int, ...]
) -> Any:
    if mean >= 1:
        return np.ones(size)
    # A beta distribution needs variance below mean*(1-mean).
    var = min(sd**2, 0.95 * mean * (1 - mean))
    nu = mean * (1 - mean) / var - 1
    return rng.beta(mean * nu, (1 - mean) * nu, size)


@dataclass(frozen=True)
class MethodInputs:
    """Teams of one method, with their productivity and daily cost."""

    teams: float
    productivity_m2_day: Parameter
    cost_per_day_usd: Parameter


@dataclass(frozen=True)
class ForecastInputs:
    """Everything the model needs; :mod:`history` fits it, scenarios change it.

    ``budget_usd_per_year`` None means money does not limit the teams.
    ``capacity_m2_per_year`` set means the historical-rate model: that much
    technical area a year, whatever the teams (for histories without
    team-days); its cost then comes from ``cost_per_m2_usd``.
    ``historical_capacity_m2_per_year`` is what the history released a year,
    shown and used as the base when a scenario scales the capacity.
    """

    start_year: int
    sha_m2: float
    cha_m2: float
    nts_cancel_share: Parameter
    ts_reduce_share: Parameter
    working_days: Parameter
    methods: dict[str, MethodInputs] = field(default_factory=dict)
    budget_usd_per_year: Parameter | None = None
    capacity_m2_per_year: Parameter | None = None
    cost_per_m2_usd: Parameter | None = None
    historical_capacity_m2_per_year: Parameter | None = None
    horizon_years: int = MAX_HORIZON
    notes: tuple[str, ...] = ()

    @property
    def open_m2(self) -> float:
        return self.sha_m2 + self.cha_m2

    def describe(self) -> dict[str, Any]:
        """JSON-ready parameters, as shown to users."""
        out: dict[str, Any] = {
            "start_year": self.start_year,
            "sha_m2": self.sha_m2,
            "cha_m2": self.cha_m2,
            "nts_cancel_share": self.nts_cancel_share.describe(),
            "ts_reduce_share": self.ts_reduce_share.describe(),
            "working_days": self.working_days.describe(),
            "methods": {
                m: {
                    "teams": v.teams,
                    "productivity_m2_day": v.productivity_m2_day.describe(),
                    "cost_per_day_usd": v.cost_per_day_usd.describe(),
                }
                for m, v in sorted(self.methods.items())
            },
            "budget_usd_per_year": _describe(self.budget_usd_per_year),
            "capacity_m2_per_year": _describe(self.capacity_m2_per_year),
            "cost_per_m2_usd": _describe(self.cost_per_m2_usd),
            "historical_capacity_m2_per_year": _describe(
                self.historical_capacity_m2_per_year
            ),
            "horizon_years": self.horizon_years,
            "notes": list(self.notes),
        }
        return out


def _describe(p: Parameter | None) -> dict[str, Any] | None:
    return None if p is None else p.describe()


@dataclass
class Forecast:
    """P10/P50/P90 completion year and total cost, and the remaining-area curve.

    ``completion_year`` values are None when that share of draws does not
    finish within the horizon; ``total_cost`` values are None when no cost is
    known. ``remaining`` has columns year, p10, p50, p90 (m² still open at
    the end of each year).
    """

    scenario: str
    draws: int
    seed: int
    start_year: int
    completion_year: dict[str, int | None]
    years: dict[str, float | None]
    total_cost: dict[str, float | None]
    remaining: pd.DataFrame
    parameters: dict[str, Any]
    released_m2: dict[str, float]
    finished_share: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: unknown numbers (NaN) become null."""
        rows = self.remaining.to_dict(orient="records")
        return _json_ready(
            {
                "scenario": self.scenario,
                "draws": self.draws,
                "seed": self.seed,
                "start_year": self.start_year,
                "completion_year": self.completion_year,
                "years": self.years,
                "total_cost": self.total_cost,
                "currency": "USD",
                "released_m2": self.released_m2,
                "finished_share": self.finished_share,
                "remaining": [
                    {k: (int(v) if k == "year" else float(v)) for k, v in r.items()}
                    for r in rows
                ],
                "parameters": self.parameters,
            }
        )


def _json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@dataclass(frozen=True)
class _Draws:
    technical_m2: np.ndarray  # (D,) area needing technical work
    cancelled_m2: np.ndarray
    reduce_share: np.ndarray
    capacity: np.ndarray  # (D,) m² per year with every team deployed
    cost_per_m2: np.ndarray  # (D,) USD per m² of technical work


class InputError(ValueError):
    """Inputs that make no forecast; ``field`` names the parameter at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        self.field = field
        super().__init__(message)


def check_inputs(inputs: ForecastInputs) -> None:
    """Raise InputError on inputs that make no forecast (named, never a crash)."""
    if min(inputs.sha_m2, inputs.cha_m2) < 0:
        raise InputError(_("open area cannot be negative"), "sha_m2")
    if inputs.open_m2 <= 0:
        raise InputError(
            _(
                "there is no open hazardous area to release (no approved hazard is "
                "open; a scenario may set sha_m2 and cha_m2)"
            ),
            "sha_m2",
        )
    budget = inputs.budget_usd_per_year
    if budget is not None and budget.mean < 0:
        raise InputError(
            _("the budget per year cannot be negative"), "budget_usd_per_year"
        )
    if inputs.capacity_m2_per_year is not None:
        if inputs.capacity_m2_per_year.mean <= 0:
            raise InputError(
                _("the historical capacity per year is zero"), "capacity_m2_per_year"
            )
        return
    teams = sum(m.teams for m in inputs.methods.values())
    if teams <= 0 and (budget is None or budget.mean <= 0):
        raise InputError(
            _("zero teams and no budget: nothing would ever be released"), "teams"
        )
    if teams <= 0:
        raise InputError(_("zero teams: the budget has nobody to pay"), "teams")
    if budget is not None and budget.mean <= 0:
        raise InputError(
            _("zero budget: the teams cannot be paid"), "budget_usd_per_year"
        )
    if inputs.working_days.mean <= 0:
        raise InputError(
            _("working days per year must be more than zero"), "working_days"
        )
    for name, m in inputs.methods.items():
        if m.teams < 0:
            raise InputError(
                _("the number of teams cannot be negative"), f"teams.{name}"
            )
        if m.teams > 0 and not m.productivity_m2_day.mean > 0:
            raise InputError(
                _("productivity must be more than zero"), f"productivity_m2_day.{name}"
            )
        if m.cost_per_day_usd.mean < 0:
            raise InputError(
                _("cost per team-day cannot be negative"), f"cost_per_day_usd.{name}"
            )


def _sample(inputs: ForecastInputs, rng: np.random.Generator, d: int) -> _Draws:
    cancel = np.clip(inputs.nts_cancel_share.sample(rng, d), 0.0, 1.0)
    reduce = np.clip(inputs.ts_reduce_share.sample(rng, d), 0.0, 1.0)
    technical = inputs.sha_m2 * (1.0 - cancel) + inputs.cha_m2
    if inputs.capacity_m2_per_year is not None:
        capacity = inputs.capacity_m2_per_year.sample(rng, d)
        cost = (
            inputs.cost_per_m2_usd.sample(rng, d)
            if inputs.cost_per_m2_usd is not None
            else np.full(d, np.nan)
        )
        return _Draws(technical, inputs.sha_m2 * cancel, reduce, capacity, cost)
    days = inputs.working_days.sample(rng, d)
    area_per_day = np.zeros(d)
    cost_per_day = np.zeros(d)
    for m in inputs.methods.values():
        if m.teams <= 0:
            continue
        area_per_day += m.teams * m.productivity_m2_day.sample(rng, d)
        cost_per_day += m.teams * m.cost_per_day_usd.sample(rng, d)
    capacity = days * area_per_day
    return _Draws(
        technical, inputs.sha_m2 * cancel, reduce, capacity, cost_per_day / area_per_day
    )


def _horizon(inputs: ForecastInputs, dr: _Draws) -> int:
    """Years to simulate: enough for nearly every draw, at most the horizon."""
    yearly = dr.capacity
    budget = inputs.budget_usd_per_year
    if budget is not None and np.all(np.isfinite(dr.cost_per_m2)):
        low = max(budget.mean - 2 * budget.sd, budget.mean * 0.25)
        yearly = np.minimum(yearly, low / np.maximum(dr.cost_per_m2, 1e-12))
    need = float(np.max(dr.technical_m2 / np.maximum(yearly, 1e-12)))
    if not math.isfinite(need) or need * 1.25 + 2 >= inputs.horizon_years:
        return inputs.horizon_years
    return max(1, math.ceil(need * 1.25) + 2)


def _yearly(
    inputs: ForecastInputs, dr: _Draws, rng: np.random.Generator, horizon: int
) -> np.ndarray:
    """Technical m² done in each year of each draw (teams, cut to the budget)."""
    yearly = np.broadcast_to(dr.capacity[:, None], (len(dr.capacity), horizon))
    budget = inputs.budget_usd_per_year
    if budget is not None and np.all(np.isfinite(dr.cost_per_m2)):
        money = budget.sample(rng, (len(dr.capacity), horizon))
        yearly = np.minimum(yearly, money / np.maximum(dr.cost_per_m2, 1e-12)[:, None])
    return np.asarray(yearly)


def simulate(
    inputs: ForecastInputs, draws: int = 1000, seed: int = 0, name: str = "register"
) -> Forecast:
    """Run the Monte Carlo; ``draws`` x years, vectorised."""
    if draws < 1:
        raise ValueError("draws must be at least 1")
    check_inputs(inputs)
    rng = np.random.default_rng(seed)
    dr = _sample(inputs, rng, draws)
    horizon = _horizon(inputs, dr)
    while True:
        yearly = _yearly(inputs, dr, rng, horizon)
        cum = np.cumsum(yearly, axis=1)
        done = cum >= dr.technical_m2[:, None] * (1 - 1e-12)
        finished = done.any(axis=1)
        # A lean year can leave draws unfinished at the first guess of the
        # horizon: look further rather than report them as never finishing.
        if finished.all() or horizon >= inputs.horizon_years:
            break
        horizon = min(inputs.horizon_years, horizon * 2)
    k = np.argmax(done, axis=1)
    rows = np.arange(draws)
    before = np.where(k > 0, cum[rows, np.maximum(k - 1, 0)], 0.0)
    in_year = yearly[rows, k]
    years = np.where(
        finished, k + (dr.technical_m2 - before) / np.maximum(in_year, 1e-12), np.inf
    )
    years = np.where(dr.technical_m2 <= 0, 0.0, years)
    total_cost = dr.technical_m2 * dr.cost_per_m2
    return Forecast(
        scenario=name,
        draws=draws,
        seed=seed,
        start_year=inputs.start_year,
        completion_year=_completion_years(years, inputs.start_year, horizon),
        years=_year_quantiles(years, horizon),
        total_cost=_cost_quantiles(total_cost),
        remaining=_curve(cum, dr.technical_m2, inputs, years),
        parameters=inputs.describe(),
        released_m2={
            "cancelled": float(np.median(dr.cancelled_m2)),
            "reduced": float(np.median(dr.technical_m2 * dr.reduce_share)),
            "cleared": float(np.median(dr.technical_m2 * (1 - dr.reduce_share))),
        },
        finished_share=float(finished.mean()),
    )


def _quantiles(values: np.ndarray) -> dict[str, float]:
    # 'lower' picks an actual draw, so an unfinished (inf) draw never averages in.
    qs = np.quantile(values, list(QUANTILES.values()), method="lower")
    return dict(zip(QUANTILES, (float(q) for q in qs), strict=True))


def _year_quantiles(years: np.ndarray, horizon: int) -> dict[str, float | None]:
    return {
        k: (v if math.isfinite(v) and v <= horizon else None)
        for k, v in _quantiles(years).items()
    }


def completion_year(start_year: int, years: float) -> int:
    """The calendar year in which the work ends, starting on 1 January."""
    return start_year + max(0, math.ceil(years - 1e-9) - 1)


def _completion_years(
    years: np.ndarray, start: int, horizon: int
) -> dict[str, int | None]:
    return {
        k: (None if v is None else completion_year(start, v))
        for k, v in _year_quantiles(years, horizon).items()
    }


def _cost_quantiles(cost: np.ndarray) -> dict[str, float | None]:
    if not np.all(np.isfinite(cost)):
        return dict.fromkeys(QUANTILES)
    return {k: round(v, 2) for k, v in _quantiles(cost).items()}


def _curve(
    cum: np.ndarray, technical: np.ndarray, inputs: ForecastInputs, years: np.ndarray
) -> pd.DataFrame:
    """Remaining m² at the end of each year until 90% of draws are done.

    A draw's open area falls in step with its technical work: survey
    cancels ahead of the teams on the same hazards.
    """
    finite = years[np.isfinite(years)]
    last = cum.shape[1]
    if finite.size:
        last = min(last, max(1, math.ceil(float(np.quantile(finite, 0.9)))) + 1)
    share_done = cum[:, :last] / np.maximum(technical, 1e-12)[:, None]
    remaining = inputs.open_m2 * np.clip(1.0 - share_done, 0.0, 1.0)
    # p10 is the 10th percentile of what remains: the optimistic curve.
    qs = np.quantile(remaining, [0.1, 0.5, 0.9], axis=0)
    start, open_m2 = inputs.start_year, inputs.open_m2
    frame = pd.DataFrame(
        {
            "year": np.arange(start, start + last),
            "p10": qs[0],
            "p50": qs[1],
            "p90": qs[2],
        }
    )
    first = pd.DataFrame(
        {"year": [start - 1], "p10": [open_m2], "p50": [open_m2], "p90": [open_m2]}
    )
    return pd.concat([first, frame], ignore_index=True)


def compare(forecasts: list[Forecast]) -> pd.DataFrame:
    """Scenarios side by side: completion year and total cost P10/P50/P90."""
    rows = []
    for f in forecasts:
        row: dict[str, Any] = {"scenario": f.scenario}
        for k in QUANTILES:
            row[f"year_{k}"] = f.completion_year[k]
        for k in QUANTILES:
            row[f"cost_{k}"] = f.total_cost[k]
        rows.append(row)
    return pd.DataFrame(rows)
