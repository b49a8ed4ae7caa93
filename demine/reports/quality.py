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
from demine.quality.figures import qa_figures
from demine.reports import charts
from demine.reports.model import Chart, Column, Figure, Section, Table
from demine.reports.period import Period
from demine.reports.texts import label, t


def quality_section(conn: Connection, period: Period) -> Section:
    """Inspection effort against items found, non-conformities, time to close."""
    data = qa_figures(conn, period.start, period.end, today=period.end)
    i, n = data["inspections"], data["non_conformities"]
    section = Section("quality", t("quality.title"), t("quality.intro"))
    section.figures += [
        Figure("quality.lots", t("quality.lots"), i["lots"]),
        Figure("quality.rejected", t("quality.rejected"), i["rejected"]),
        Figure("quality.inspected", t("quality.inspected"), i["inspected_m2"], "ha"),
        Figure("quality.items", t("quality.items"), i["items_found"]),
        Figure("quality.raised", t("quality.raised"), n["raised"]),
        Figure("quality.open", t("quality.open"), n["open"]),
        Figure("quality.days", t("quality.days"), n["days_to_close_median"], "int"),
    ]
    section.tables.append(
        Table(
            "quality_effort",
            t("quality.effort"),
            [
                Column("year", t("col.year"), "year"),
                Column("lots", t("quality.lots"), "int"),
                Column("rejected", t("quality.rejected"), "int"),
                Column("inspected", t("quality.inspected"), "ha"),
                Column("items", t("quality.items"), "int"),
                Column("per_item", t("quality.m2_per_item"), "m2"),
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
            note=t("quality.effort_note"),
        )
    )
    for key in ("by_organisation", "by_method"):
        rows = data[key]
        section.tables.append(
            Table(
                f"quality_{key}",
                t(f"quality.{key}"),
                [
                    Column(
                        "key",
                        t(
                            "col.organisation"
                            if key == "by_organisation"
                            else "col.method"
                        ),
                    ),
                    Column("lots", t("quality.lots"), "int"),
                    Column("rejected", t("quality.rejected"), "int"),
                    Column("items", t("quality.items"), "int"),
                    Column("ncs", t("quality.raised"), "int"),
                    Column("open", t("quality.open"), "int"),
                    Column("days", t("quality.days"), "int"),
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
                t("quality.chart"),
                charts.horizontal_bars(
                    [r["label"] for r in by_org],
                    [r["non_conformities"] for r in by_org],
                    t("quality.raised"),
                ),
            )
        )
    if not i["lots"] and not n["raised"]:
        section.unavailable = t("quality.none")
    return section


def _name(key: str, row: dict[str, Any]) -> str:
    if key == "by_method":
        return label("method", row["label"])
    return str(row["label"])


def cost_section(conn: Connection, period: Period) -> Section:
    """Cost per m² released and per item found, with the data's coverage."""
    data = cost_efficiency(conn, ["organisation", "method"], period.start, period.end)
    total = data["total"]
    section = Section("cost", t("cost.title"), t("cost.intro"))
    section.figures += [
        Figure("cost.per_m2", t("cost.per_m2"), total["usd_per_m2"], "rate"),
        Figure("cost.per_item", t("cost.per_item"), total["usd_per_item"], "usd"),
        Figure(
            "cost.coverage", t("cost.coverage"), total["coverage_activities"], "pct"
        ),
    ]
    section.tables.append(
        Table(
            "cost_efficiency",
            t("cost.table"),
            [
                Column("organisation", t("col.organisation")),
                Column("method", t("col.method")),
                Column("per_m2", t("cost.per_m2"), "rate"),
                Column("per_item", t("cost.per_item"), "usd"),
                Column("activities", t("cost.coverage"), "pct"),
                Column("m2", t("cost.coverage_m2"), "pct"),
                Column("items", t("cost.coverage_items"), "pct"),
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
                t("total"),
                "",
                total["usd_per_m2"],
                total["usd_per_item"],
                total["coverage_activities"],
                total["coverage_m2"],
                total["coverage_items"],
            ],
            note=t("cost.note"),
        )
    )
    if not total["activities"]:
        section.unavailable = t("cost.none")
    return section
