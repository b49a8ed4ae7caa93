# SPDX-License-Identifier: GPL-3.0-or-later
"""Completion forecast: when will the contamination be gone, at what cost.

- :mod:`~demine.analysis.forecast.simulation`: the Monte Carlo model (pure);
- :mod:`~demine.analysis.forecast.history`: its parameters fitted from the
  register's history;
- :mod:`~demine.analysis.forecast.scenario`: what-if changes from YAML;
- :mod:`~demine.analysis.forecast.register`: :func:`run_forecast` and
  :func:`run_scenarios`, what the CLI, the API, the web page and the
  reports call.
"""

from demine.analysis.forecast.register import (
    ForecastError,
    run_forecast,
    run_scenarios,
)

__all__ = ["ForecastError", "run_forecast", "run_scenarios"]
