# SPDX-License-Identifier: GPL-3.0-or-later
"""The donor report: funds pledged, disbursed and spent, and what they bought.

Outputs are attributed by funding share: for each organisation the donor
funded, the donor's share of all donor expenditure that organisation received
in the period times the organisation's own outputs in the period (area
released, items destroyed, people reached by EORE). The donor's cost per
hectare is its expenditure over the hectares so attributed.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy.engine import Connection

from demine.i18n import _
from demine.reports.errors import ReportError
from demine.reports.land import KINDS
from demine.reports.model import Column, Figure, Section, Table
from demine.reports.money import (
    FUNDING_KINDS,
    funding_columns,
    per_hectare,
    pivot_funding,
)
from demine.reports.period import Period
from demine.reports.texts import label, t
from demine.store import reporting
from demine.store.reporting import DESTROYED

LISTED = 12  # names offered in an error message


def find_donor(conn: Connection, name: str) -> tuple[int, str]:
    """The donor called ``name`` (or with that acronym), case-insensitively."""
    known = reporting.donors(conn)
    if known.empty:
        raise ReportError(
            _("the register has no approved funding: no donor report can be made")
        )
    wanted = name.strip().casefold()
    match = known[
        (known["name"].str.casefold() == wanted)
        | (known["acronym"].fillna("").str.casefold() == wanted)
    ]
    if match.empty:
        names = ", ".join(known["name"].head(LISTED))
        raise ReportError(
            _(
                "unknown donor %(name)r: donors in the register are %(names)s",
                name=name,
                names=names,
            )
        )
    return int(match["id"].iloc[0]), str(match["name"].iloc[0])


def donor_sections(
    conn: Connection, period: Period, donor: str, project: str | None
) -> tuple[str, list[Section]]:
    """The donor's name and the sections of its report."""
    donor_id, donor_name = find_donor(conn, donor)
    to_date = reporting.funding(conn, None, period.end)
    mine_to_date = to_date[to_date["donor_id"] == donor_id]
    if project is not None:
        projects = sorted(set(mine_to_date["project"].dropna()))
        chosen = [p for p in projects if p.casefold() == project.strip().casefold()]
        if not chosen:
            raise ReportError(
                _(
                    "donor %(donor)r has no project %(project)r up to %(end)s: "
                    "its projects are %(projects)s",
                    donor=donor_name,
                    project=project,
                    end=period.end,
                    projects=", ".join(projects[:LISTED]) or "none",
                )
            )
        mine_to_date = mine_to_date[mine_to_date["project"] == chosen[0]]
    everyone = reporting.funding(conn, period.start, period.end)
    mine = everyone[
        (everyone["donor_id"] == donor_id)
        & everyone["project"].isin(mine_to_date["project"])
    ]
    if mine.empty:
        raise ReportError(
            _(
                "donor %(donor)r has no approved funding dated in %(period)s for "
                "project %(project)r",
                donor=donor_name,
                period=period.label,
                project=project,
            )
            if project
            else _(
                "donor %(donor)r has no approved funding dated in %(period)s",
                donor=donor_name,
                period=period.label,
            )
        )
    return donor_name, [
        _funds_section(mine, mine_to_date),
        _outputs_section(conn, period, mine, everyone),
    ]


def _funds_section(mine: pd.DataFrame, to_date: pd.DataFrame) -> Section:
    section = Section(
        "donor_funds",
        _("Funds"),
        _("Pledged, disbursed and spent by the donor, per project (USD)."),
    )
    mine = mine.assign(project=mine["project"].fillna(_("(no project)")))
    to_date = to_date.assign(project=to_date["project"].fillna(_("(no project)")))
    for key, rows in (("period", mine), ("to_date", to_date)):
        pivot = pivot_funding(rows, "project")
        sums = [float(pivot[k].sum()) for k in FUNDING_KINDS]
        section.tables.append(
            Table(
                f"funds_{key}",
                t(f"donor.funds.{key}"),
                funding_columns("project"),
                [
                    [p, *[float(r[k]) for k in FUNDING_KINDS]]
                    for p, r in pivot.iterrows()
                ],
                total=[_("Total"), *sums],
            )
        )
        if key == "period":
            section.figures += [
                Figure(f"donor.{k}", t(f"col.{k}_usd"), s, "usd")
                for k, s in zip(FUNDING_KINDS, sums, strict=True)
            ]
    return section


def attribution(mine: pd.DataFrame, everyone: pd.DataFrame) -> pd.DataFrame:
    """Per recipient: the donor's expenditure, all donors', and the share."""
    spent = everyone[everyone["kind"] == "expenditure"]
    mine_spent = mine[mine["kind"] == "expenditure"]
    out = pd.DataFrame(
        {
            "donor_usd": mine_spent.groupby("recipient_id")["amount_usd"].sum(),
            "all_usd": spent.groupby("recipient_id")["amount_usd"].sum(),
        }
    )
    out = out.loc[out.index.isin(mine["recipient_id"].dropna())].fillna(0.0)
    out["share"] = (out["donor_usd"] / out["all_usd"]).where(out["all_usd"] > 0, 0.0)
    names = everyone.drop_duplicates("recipient_id").set_index("recipient_id")[
        "recipient"
    ]
    out["recipient"] = names.reindex(out.index).fillna(_("(recipient not recorded)"))
    return out


def _outputs_section(
    conn: Connection, period: Period, mine: pd.DataFrame, everyone: pd.DataFrame
) -> Section:
    section = Section(
        "donor_outputs",
        _("Outputs attributable to the donor"),
        _(
            "For each organisation the donor funded, its outputs in the "
            "period times the donor's share of all donor expenditure it "
            "received in the period."
        ),
    )
    share = attribution(mine, everyone)
    released = reporting.released_by_organisation(conn, period.start, period.end)
    items = reporting.items_by_organisation(conn, period.start, period.end)
    eore = reporting.eore_by_organisation(conn, period.start, period.end)
    acts = reporting.activities(conn, period.start, period.end, list(share.index))
    rows, totals = [], dict.fromkeys([*KINDS, "items", "people", "usd"], 0.0)
    for org, r in share.iterrows():
        own = released[released["organisation_id"] == org].groupby("kind")["m2"].sum()
        destroyed = items[
            (items["organisation_id"] == org) & items["disposal"].isin(DESTROYED)
        ]["quantity"].sum()
        people = eore.loc[eore["organisation_id"] == org, "people"].sum()
        got = {k: float(own.get(k, 0.0)) * r.share for k in KINDS}
        got["items"] = float(destroyed) * r.share
        got["people"] = float(people) * r.share
        got["usd"] = float(r.donor_usd)
        for k in totals:
            totals[k] += got[k]
        area = sum(got[k] for k in KINDS)
        rows.append(
            [
                r.recipient,
                r.donor_usd,
                r.all_usd,
                r.share,
                *[got[k] for k in KINDS],
                got["items"],
                got["people"],
                per_hectare(r.donor_usd, area),
            ]
        )
    area = sum(totals[k] for k in KINDS)
    section.tables.append(
        Table(
            "shares",
            _(
                "The donor's share of each funded organisation's donor money "
                "in the period"
            ),
            [
                Column("recipient", _("Recipient organisation")),
                Column("donor_usd", _("Donor's expenditure (USD)"), "usd"),
                Column("all_usd", _("All donors' expenditure (USD)"), "usd"),
                Column("share", _("Donor's share"), "pct"),
            ],
            [r[:4] for r in rows],
            total=[_("Total"), totals["usd"], None, None],
        )
    )
    section.tables.append(
        Table(
            "attributed",
            _("Outputs attributed to the donor, by funded organisation"),
            [
                Column("recipient", _("Recipient organisation")),
                *[Column(k, t(f"col.{k}_ha"), "ha") for k in KINDS],
                Column("items", _("Items destroyed"), "int"),
                Column("people", _("People reached by EORE"), "int"),
                Column("usd_per_ha", _("USD per hectare released"), "usd_ha"),
            ],
            [[r[0], *r[4:]] for r in rows],
            total=[
                _("Total"),
                *[totals[k] for k in KINDS],
                totals["items"],
                totals["people"],
                per_hectare(totals["usd"], area),
            ],
            note=_(
                "Attribution by funding share is an estimate; a recipient's "
                "own funds and unrecorded funding lower the real share. Cost "
                "per hectare is the donor's expenditure over the hectares "
                "attributed to it."
            ),
        )
    )
    section.figures += [
        Figure("donor.released", _("Land released attributed (ha)"), area, "ha"),
        Figure(
            "donor.usd_per_ha",
            _("USD per hectare released"),
            per_hectare(totals["usd"], area),
            "usd_ha",
        ),
    ]
    if not acts.empty:
        pivot = acts.groupby("activity_type")[
            ["activities", "team_days", "cost_usd"]
        ].sum()
        section.tables.append(
            Table(
                "recipient_activities",
                _(
                    "Activities of the funded organisations in the period (all "
                    "funding sources)"
                ),
                [
                    Column("type", _("Activity")),
                    Column("activities", _("Activities"), "int"),
                    Column("team_days", _("Team-days"), "int"),
                    Column("cost_usd", _("Cost (USD)"), "usd"),
                ],
                [
                    [
                        label("activity", a),
                        int(r.activities),
                        float(r.team_days),
                        float(r.cost_usd),
                    ]
                    for a, r in pivot.iterrows()
                ],
                note=_(
                    "Whole activities of the recipients, not only the donor's share."
                ),
            )
        )
    return section
