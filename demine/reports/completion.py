# SPDX-License-Identifier: GPL-3.0-or-later
"""The completion forecast section, from :mod:`demine.analysis.forecast`.

The forecast is another module's work; when it is missing or fails, the
section says so and why, and the rest of the report stands.
"""

from __future__ import annotations

import logging
from typing import Any

from demine.errors import DemineError
from demine.reports import charts
from demine.reports.formatting import M2_PER_HA
from demine.reports.model import Chart, Column, Figure, Section, Table
from demine.reports.texts import t
from demine.store.database import Database

log = logging.getLogger(__name__)
DRAWS = 1000  # fixed: a report is a bounded piece of work
QUANTILES = ("p10", "p50", "p90")


def forecast_section(db: Database) -> Section:
    section = Section("forecast", t("forecast.title"), t("forecast.intro", draws=DRAWS))
    try:
        from demine.analysis.forecast import run_forecast
    except ImportError as exc:
        section.unavailable = t("forecast.missing", reason=str(exc))
        return section
    try:
        forecast = run_forecast(db, scenario=None, draws=DRAWS, seed=0)
    except DemineError as exc:
        section.unavailable = t("forecast.failed", reason=exc.user_message)
        return section
    except Exception as exc:  # another module's bug must not sink the report
        log.exception("forecast failed inside a report")
        section.unavailable = t("forecast.failed", reason=type(exc).__name__)
        return section
    try:
        _fill(section, forecast)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        log.warning("forecast result not understood: %s", exc)
        section.unavailable = t("forecast.failed", reason=str(exc))
    return section


def _fill(section: Section, forecast: Any) -> None:
    year, cost = forecast.completion_year, forecast.total_cost
    section.figures += [
        Figure("forecast.year_p50", t("forecast.year_p50"), year["p50"], "year"),
        Figure("forecast.cost_p50", t("forecast.cost_p50"), cost["p50"], "usd"),
    ]
    section.tables.append(
        Table(
            "forecast_quantiles",
            t("forecast.table"),
            [
                Column("quantile", t("col.quantile")),
                Column("year", t("forecast.year"), "year"),
                Column("cost", t("forecast.cost"), "usd"),
            ],
            [[q.upper(), year[q], cost[q]] for q in QUANTILES],
            note=t("forecast.note"),
        )
    )
    if any(year[q] is None or cost[q] is None for q in QUANTILES):
        section.notes.append(t("forecast.missing_values"))
    remaining = forecast.remaining
    if len(remaining):
        section.charts.append(
            Chart(
                "forecast_fan",
                t("forecast.chart"),
                charts.fan(
                    remaining["year"].to_numpy(),
                    remaining["p10"].to_numpy(),
                    remaining["p50"].to_numpy(),
                    remaining["p90"].to_numpy(),
                    t("unit.ha"),
                    (t("forecast.band"), t("forecast.median")),
                    scale=M2_PER_HA,
                ),
            )
        )
