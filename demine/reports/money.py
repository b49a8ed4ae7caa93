# SPDX-License-Identifier: GPL-3.0-or-later
"""Funding and cost: money by donor, cost per hectare released."""

from __future__ import annotations

import pandas as pd
from sqlalchemy.engine import Connection

from demine.domain.vocab import ActivityType, FundingKind
from demine.i18n import _
from demine.reports import charts
from demine.reports.formatting import M2_PER_HA
from demine.reports.model import Chart, Column, Figure, Section, Table
from demine.reports.period import Period
from demine.reports.texts import t
from demine.store import reporting

FUNDING_KINDS = [k.value for k in FundingKind]
# Activities whose cost buys land release; EORE, QA/QC and EOD spot tasks do not.
RELEASE_WORK = [
    ActivityType.NTS.value,
    ActivityType.TS.value,
    ActivityType.CLEARANCE.value,
    ActivityType.BAC.value,
]


def per_hectare(usd: float, m2: float) -> float | None:
    """USD per hectare, None when nothing was released."""
    return usd / (m2 / M2_PER_HA) if m2 > 0 else None


def funding_columns(first: str) -> list[Column]:
    return [
        Column(first, t(f"col.{first}")),
        *[Column(k, t(f"col.{k}_usd"), "usd") for k in FUNDING_KINDS],
    ]


def pivot_funding(rows: pd.DataFrame, by: str) -> pd.DataFrame:
    """USD by ``by`` and funding kind (pledge, disbursement, expenditure)."""
    if rows.empty:
        return pd.DataFrame(columns=FUNDING_KINDS)
    pivot = rows.pivot_table(
        index=by, columns="kind", values="amount_usd", aggfunc="sum", dropna=False
    )
    return pivot.reindex(columns=FUNDING_KINDS).fillna(0.0)


def funding_section(conn: Connection, period: Period) -> Section:
    """Funding by donor in the period and the cost per hectare released."""
    rows = reporting.funding(conn, period.start, period.end)
    rows["donor"] = rows["donor"].fillna(_("(donor not recorded)"))
    by_donor = pivot_funding(rows, "donor").sort_values("expenditure", ascending=False)
    section = Section(
        "funding",
        _("Funding and cost"),
        _(
            "Money pledged, disbursed and spent in the period by donor "
            "(USD), and what a hectare released cost."
        ),
    )
    sums = {k: float(by_donor[k].sum()) for k in FUNDING_KINDS}
    section.figures += [
        Figure(f"funding.{k}", t(f"col.{k}_usd"), sums[k], "usd") for k in FUNDING_KINDS
    ]
    section.tables.append(
        Table(
            "funding_by_donor",
            _("Funding by donor in the period (USD)"),
            funding_columns("donor"),
            [
                [d, *[float(r[k]) for k in FUNDING_KINDS]]
                for d, r in by_donor.iterrows()
            ],
            total=[_("Total"), *[sums[k] for k in FUNDING_KINDS]],
        )
    )
    released = sum(reporting.released_by_kind(conn, period.start, period.end).values())
    acts = reporting.activities(conn, period.start, period.end)
    work = acts[acts["activity_type"].isin(RELEASE_WORK)]
    op_cost = float(work["cost_usd"].sum())
    section.tables.append(
        Table(
            "cost_per_hectare",
            _("Cost per hectare released in the period"),
            [
                Column("basis", _("Basis")),
                Column("usd", _("USD"), "usd"),
                Column("released", _("In the period (ha)"), "ha"),
                Column("usd_per_ha", _("USD per hectare released"), "usd_ha"),
            ],
            [
                [
                    _("Operational cost (survey and clearance activities)"),
                    op_cost,
                    released,
                    per_hectare(op_cost, released),
                ],
                [
                    _("Donor expenditure"),
                    sums["expenditure"],
                    released,
                    per_hectare(sums["expenditure"], released),
                ],
            ],
            note=_(
                "Operational cost is the cost recorded on NTS, TS, clearance "
                "and BAC activities that ended in the period; EORE, EOD spot "
                "tasks and QA/QC are left out. Donor expenditure covers all "
                "of a programme's work, so its cost per hectare is higher."
            ),
        )
    )
    section.figures.append(
        Figure(
            "funding.usd_per_ha",
            _("USD per hectare released"),
            per_hectare(op_cost, released),
            "usd_ha",
        )
    )
    if len(by_donor):
        section.charts.append(
            Chart(
                "funding_chart",
                _("Donor expenditure in the period (USD)"),
                charts.horizontal_bars(
                    list(by_donor.index),
                    by_donor["expenditure"].to_numpy(),
                    _("Spent (USD)"),
                ),
            )
        )
    unconverted = int(rows["unconverted"].sum())
    if unconverted:
        section.notes.append(
            _(
                "%(n)s funding records have no USD value and are left out of "
                "the USD figures.",
                n=unconverted,
            )
        )
    return section
