# SPDX-License-Identifier: GPL-3.0-or-later
"""Report sections on quality management and cost efficiency.

The figures are those of :func:`demine.quality.figures.qa_figures` and
:func:`demine.analysis.cost_efficiency.cost_efficiency` over the period, so
the report, the dashboard and the API agree.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from demine.analysis.cost_efficiency import cost_efficiency
from demine.i18n import _
from demine.quality.figures import qa_figures
from demine.reports import charts
from demine.reports.model import Chart, Column, Figure, Section, Table
from demine.reports.period import Period
from demine.reports.texts import label


def quality_section(conn: Connection, period: Period) -> Section:
    """Inspection effort against items found, non-conformities, time to close."""
    data = qa_figures(conn, period.start, period.end, today=period.end)
    i, n = data["inspections"], data["non_conformities"]
    section = Section(
        "quality",
        _("Quality of released land"),
        _(
            "Post-clearance inspections in the period, sampled by ISO 2859-1 and IMAS "
            "09.20, what they found in land already released, and the non-conformities "
            "raised and closed."
        ),
    )
    section.figures += [
        Figure("quality.lots", _("Lots inspected"), i["lots"]),
        Figure("quality.rejected", _("Lots rejected"), i["rejected"]),
        Figure("quality.inspected", _("Area inspected (ha)"), i["inspected_m2"], "ha"),
        Figure("quality.items", _("Items found in released land"), i["items_found"]),
        Figure("quality.raised", _("Non-conformities raised"), n["raised"]),
        Figure("quality.open", _("Still open at the end of the period"), n["open"]),
        Figure(
            "quality.days",
            _("Days to close (median)"),
            n["days_to_close_median"],
            "int",
        ),
    ]
    section.tables.append(
        Table(
            "quality_effort",
            _("Inspection effort and items found, by year"),
            [
                Column("year", _("Year"), "year"),
                Column("lots", _("Lots inspected"), "int"),
                Column("rejected", _("Lots rejected"), "int"),
                Column("inspected", _("Area inspected (ha)"), "ha"),
                Column("items", _("Items found in released land"), "int"),
                Column("per_item", _("m² inspected per item found"), "m2"),
            ],
            [
                [
                    r["year"],
                    r["lots"],
                    r["rejected"],
                    r["inspected_m2"],
                    r["items_found"],
                    r["m2_per_item"],
                ]
                for r in data["effort_by_year"]
            ],
            note=_(
                "Inspection effort is the area of the sampling units inspected; an item"
                " found in released land is a quality failure of the release, whatever "
                "its depth below the surface."
            ),
        )
    )
    for key in ("by_organisation", "by_method"):
        rows = data[key]
        section.tables.append(
            Table(
                f"quality_{key}",
                _("Inspections and non-conformities by organisation")
                if key == "by_organisation"
                else _("Inspections and non-conformities by method"),
                [
                    Column(
                        "key",
                        _("Organisation") if key == "by_organisation" else _("Method"),
                    ),
                    Column("lots", _("Lots inspected"), "int"),
                    Column("rejected", _("Lots rejected"), "int"),
                    Column("items", _("Items found in released land"), "int"),
                    Column("ncs", _("Non-conformities raised"), "int"),
                    Column("open", _("Still open at the end of the period"), "int"),
                    Column("days", _("Days to close (median)"), "int"),
                ],
                [
                    [
                        _name(key, r),
                        r["lots"],
                        r["rejected"],
                        r["items_found"],
                        r["non_conformities"],
                        r["open"],
                        r["days_to_close_median"],
                    ]
                    for r in rows
                ],
            )
        )
    by_org = [r for r in data["by_organisation"] if r["non_conformities"]]
    if by_org:
        section.charts.append(
            Chart(
                "quality_chart",
                _("Non-conformities raised in the period, by organisation"),
                charts.horizontal_bars(
                    [r["label"] for r in by_org],
                    [r["non_conformities"] for r in by_org],
                    _("Non-conformities raised"),
                ),
            )
        )
    if not i["lots"] and not n["raised"]:
        section.unavailable = _("No inspection and no non-conformity in the period.")
    return section


def _name(key: str, row: dict[str, Any]) -> str:
    if key == "by_method":
        return label("method", row["label"])
    return str(row["label"])


def cost_section(conn: Connection, period: Period) -> Section:
    """Cost per m² released and per item found, with the data's coverage."""
    data = cost_efficiency(conn, ["organisation", "method"], period.start, period.end)
    total = data["total"]
    section = Section(
        "cost",
        _("Cost efficiency"),
        _(
            "What a square metre released and an item found cost, by organisation and "
            "method, over the activities ending in the period whose cost was reported."
        ),
    )
    section.figures += [
        Figure("cost.per_m2", _("USD per m² released"), total["usd_per_m2"], "rate"),
        Figure("cost.per_item", _("USD per item found"), total["usd_per_item"], "usd"),
        Figure(
            "cost.coverage",
            _("Activities with a cost"),
            total["coverage_activities"],
            "pct",
        ),
    ]
    section.tables.append(
        Table(
            "cost_efficiency",
            _("Cost per m² released and per item found"),
            [
                Column("organisation", _("Organisation")),
                Column("method", _("Method")),
                Column("per_m2", _("USD per m² released"), "rate"),
                Column("per_item", _("USD per item found"), "usd"),
                Column("activities", _("Activities with a cost"), "pct"),
                Column("m2", _("Released ground with a cost"), "pct"),
                Column("items", _("Items found with a cost"), "pct"),
            ],
            [
                [
                    r["organisation"],
                    label("method", r["method"]),
                    r["usd_per_m2"],
                    r["usd_per_item"],
                    r["coverage_activities"],
                    r["coverage_m2"],
                    r["coverage_items"],
                ]
                for r in data["rows"]
            ],
            total=[
                _("Total"),
                "",
                total["usd_per_m2"],
                total["usd_per_item"],
                total["coverage_activities"],
                total["coverage_m2"],
                total["coverage_items"],
            ],
            note=_(
                "Computed over the activities with a reported cost only; the coverage "
                "columns say what share of the activities, of the ground released and "
                "of the items found that is. A figure with low coverage describes those"
                " activities, not the whole programme."
            ),
        )
    )
    if not total["activities"]:
        section.unavailable = _(
            "No survey, clearance or EOD activity ended in the period."
        )
    return section
