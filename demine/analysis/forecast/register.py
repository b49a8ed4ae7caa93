# SPDX-License-Identifier: GPL-3.0-or-later
"""Run the completion forecast on a register: fit, apply scenarios, simulate.

The one place that reads the store for the forecast; the model itself
(:mod:`demine.analysis.forecast.simulation`) is pure.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from demine.analysis.forecast.history import Fitted, fit_register
from demine.analysis.forecast.scenario import Scenario
from demine.analysis.forecast.simulation import (
    Forecast,
    InputError,
    check_inputs,
    simulate,
)
from demine.analysis.version_cache import cached
from demine.errors import DemineError
from demine.i18n import N_, _
from demine.i18n.numbers import number
from demine.store.database import Database
from demine.store.fingerprint import tables_fingerprint

BASELINE = "register"


def scenario_label(name: str) -> str:
    """A scenario's name as people read it; the baseline's in their language."""
    return _("the register as it stands") if name == BASELINE else name


# The tables the fit reads: a change in any of them refits.
SOURCES = ("hazard", "activity", "release", "team", "funding")
MAX_DRAWS = 50_000
# Fitted parameters of the last few registers, keyed by a fingerprint of
# their tables: the web page and the API refit only when records change.
_FITS: dict[tuple[Any, ...], Fitted] = {}
_FITS_KEPT = 4
_FITS_LOCK = threading.Lock()  # API requests run on a thread pool


class ForecastError(DemineError):
    """The register cannot support a forecast (empty, no teams, no money)."""

    http_status = 422
    default_message = N_("the register cannot support a forecast")


def fit_database(db: Database, start_year: int | None = None) -> Fitted:
    """The parameters fitted from ``db`` (cached until its records change)."""
    db.require_initialised()
    year = start_year if start_year is not None else dt.date.today().year + 1
    with db.transaction() as conn:
        key = (id(db), year, *tables_fingerprint(conn, SOURCES))
        with _FITS_LOCK:
            fitted = _FITS.get(key)
        if fitted is None:
            fitted = fit_register(conn, year)
            with _FITS_LOCK:
                while len(_FITS) >= _FITS_KEPT:
                    _FITS.pop(next(iter(_FITS)))
                _FITS[key] = fitted
    return fitted


def _check_draws(draws: int) -> None:
    if not 1 <= draws <= MAX_DRAWS:
        raise ForecastError(
            _(
                "draws must be between 1 and %(max_draws)s (got %(draws)s)",
                max_draws=number(MAX_DRAWS),
                draws=draws,
            )
        )


def forecast_fitted(
    fitted: Fitted, scenario: Scenario | None, draws: int, seed: int
) -> Forecast:
    """One forecast from fitted parameters, with a scenario's changes if any."""
    _check_draws(draws)
    inputs = fitted.inputs
    name = BASELINE
    if scenario is not None:
        inputs = scenario.apply(inputs)
        name = scenario.name
    else:
        try:
            check_inputs(inputs)
        except InputError as exc:
            hint = ""
            if exc.field == "teams":
                hint = _("; a scenario can add teams with their productivity and cost")
            raise ForecastError(
                _(
                    "no forecast from the register as it stands: %(reason)s%(hint)s",
                    reason=exc,
                    hint=hint,
                )
            ) from None
    result = simulate(inputs, draws, seed, name)
    result.parameters["method_shares"] = fitted.method_shares.to_dict(orient="records")
    result.parameters["records"] = fitted.records
    return result


def run_forecast(
    db: Database, scenario: Scenario | None = None, draws: int = 1000, seed: int = 0
) -> Forecast:
    """The forecast for ``db`` (fitted from its history), or under ``scenario``."""
    _check_draws(draws)
    return forecast_fitted(fit_database(db), scenario, draws, seed)


def run_scenarios(
    db: Database,
    scenarios: list[Scenario],
    draws: int = 1000,
    seed: int = 0,
    baseline: bool = True,
) -> list[Forecast]:
    """The register's own forecast first (if it can run), then each scenario.

    Every scenario uses the same seed, so differences come from the changes,
    not from the luck of the draw. Kept per register version: the same
    question of the same register gives the same answer.
    """
    _check_draws(draws)
    key = f"forecast:{scenarios!r}:{draws}:{seed}:{baseline}"
    return list(cached(db, key, lambda: _run(db, scenarios, draws, seed, baseline)))


def _run(
    db: Database, scenarios: list[Scenario], draws: int, seed: int, baseline: bool
) -> list[Forecast]:
    fitted = fit_database(db)
    out: list[Forecast] = []
    if baseline or not scenarios:
        try:
            out.append(forecast_fitted(fitted, None, draws, seed))
        except ForecastError:
            if not scenarios:
                raise
    out.extend(forecast_fitted(fitted, s, draws, seed) for s in scenarios)
    return out
