# SPDX-License-Identifier: GPL-3.0-or-later
"""The completion forecast section, from :mod:`demine.analysis.forecast`.

The forecast is another module's work; when it is missing or fails, the
section says so and why, and the rest of the report stands.
"""

from __future__ import annotations

import logging
from typing import Any

from demine.errors import DemineError
from demine.i18n import _
from demine.reports import charts
from demine.reports.formatting import M2_PER_HA
from demine.reports.model import Chart, Column, Figure, Section, Table
from demine.store.database import Database

log = logging.getLogger(__name__)
DRAWS = 1000  # fixed: a report is a bounded piece of work
QUANTILES = ("p10", "p50", "p90")


def forecast_section(db: Database) -> Section:
    section = Section(
        "forecast",
        _("Completion forecast"),
        _(
            "When the remaining hazardous area will be released and at "
            "what cost: fitted from the register as it stands today (not "
            "as of the end of the period), %(draws)s Monte Carlo draws.",
            draws=DRAWS,
        ),
    )
    try:
        from demine.analysis.forecast import run_forecast
    except ImportError as exc:
        section.unavailable = _(
            "the forecast module is not installed (%(reason)s).", reason=str(exc)
        )
        return section
    try:
        forecast = run_forecast(db, scenario=None, draws=DRAWS, seed=0)
    except DemineError as exc:
        section.unavailable = _(
            "the forecast could not be made: %(reason)s", reason=exc.user_message
        )
        return section
    except Exception as exc:  # another module's bug must not sink the report
        log.exception("forecast failed inside a report")
        section.unavailable = _(
            "the forecast could not be made: %(reason)s", reason=type(exc).__name__
        )
        return section
    try:
        _fill(section, forecast)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        log.warning("forecast result not understood: %s", exc)
        section.unavailable = _(
            "the forecast could not be made: %(reason)s", reason=str(exc)
        )
    return section


def _fill(section: Section, forecast: Any) -> None:
    year, cost = forecast.completion_year, forecast.total_cost
    section.figures += [
        Figure("forecast.year_p50", _("Completion year (median)"), year["p50"], "year"),
        Figure("forecast.cost_p50", _("Total cost (median, USD)"), cost["p50"], "usd"),
    ]
    section.tables.append(
        Table(
            "forecast_quantiles",
            _("Completion year and total cost, P10 / P50 / P90"),
            [
                Column("quantile", _("Quantile")),
                Column("year", _("Completion year"), "year"),
                Column("cost", _("Total cost (USD)"), "usd"),
            ],
            [[q.upper(), year[q], cost[q]] for q in QUANTILES],
            note=_(
                "P10 is the optimistic end (one run in ten does better), P90 "
                "the cautious one. Parameters are fitted from the register; "
                "see 'demine forecast'."
            ),
        )
    )
    if any(year[q] is None or cost[q] is None for q in QUANTILES):
        section.notes.append(
            _(
                "A dash means beyond the forecast horizon (completion year) "
                "or no cost known (total cost)."
            )
        )
    remaining = forecast.remaining
    if len(remaining):
        section.charts.append(
            Chart(
                "forecast_fan",
                _("Remaining hazardous area by year, median and P10–P90 band (ha)"),
                charts.fan(
                    remaining["year"].to_numpy(),
                    remaining["p10"].to_numpy(),
                    remaining["p50"].to_numpy(),
                    remaining["p90"].to_numpy(),
                    _("ha"),
                    (_("P10–P90"), _("Median")),
                    scale=M2_PER_HA,
                ),
            )
        )
