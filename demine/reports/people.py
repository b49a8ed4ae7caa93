# SPDX-License-Identifier: GPL-3.0-or-later
"""Sections about people and things: items destroyed, casualties, EORE, QM."""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd
from sqlalchemy.engine import Connection

from demine.domain.ages import is_child
from demine.domain.vocab import EOCategory, Outcome, Severity
from demine.i18n import _
from demine.reports import charts
from demine.reports.model import Chart, Column, Figure, Section, Table
from demine.reports.period import Period
from demine.reports.texts import label, t
from demine.store import reporting
from demine.store.database import Database

log = logging.getLogger(__name__)
OUTCOMES = [o.value for o in Outcome]


def items_section(conn: Connection, period: Period) -> Section:
    """Items found and destroyed in the period, by category."""
    items = reporting.items_found(conn, period.start, period.end)
    section = Section(
        "items",
        _("Explosive ordnance found and destroyed"),
        _(
            "Items found in the period by category, and how many of them "
            "were destroyed."
        ),
    )
    found = items.groupby("category")["quantity"].sum()
    destroyed = items[items["destroyed"]].groupby("category")["quantity"].sum()
    order = [c.value for c in EOCategory]
    rows: list[list[Any]] = [
        [label("category", c), int(found.get(c, 0)), int(destroyed.get(c, 0))]
        for c in order
        if found.get(c, 0)
    ]
    section.figures += [
        Figure("items.found", _("Items found"), int(found.sum())),
        Figure("items.destroyed", _("Items destroyed"), int(destroyed.sum())),
    ]
    section.tables.append(
        Table(
            "items_by_category",
            _("Items found and destroyed by category"),
            [
                Column("category", _("Category")),
                Column("found", _("Found"), "int"),
                Column("destroyed", _("Destroyed"), "int"),
            ],
            rows,
            total=[_("Total"), int(found.sum()), int(destroyed.sum())],
            note=_(
                "Destroyed means destroyed in situ or removed and destroyed; "
                "items rendered safe, handed over or not yet disposed of are "
                "found but not destroyed."
            ),
        )
    )
    if rows:
        section.charts.append(
            Chart(
                "items_chart",
                _("Items destroyed in the period by category"),
                charts.horizontal_bars(
                    [str(r[0]) for r in rows],
                    [float(r[2]) for r in rows],
                    _("Destroyed"),
                ),
            )
        )
    return section


def age_group(age: Any, group: Any = None) -> str:
    """``child`` (under 18), ``adult`` or ``unknown``, from the age or the
    victim's age group."""
    child = is_child(
        None if age is None or pd.isna(age) else float(age),
        None if group is None or pd.isna(group) else str(group),
    )
    return "unknown" if child is None else ("child" if child else "adult")


def casualties_section(db: Database, conn: Connection, period: Period) -> Section:
    """Casualties in the period: from the casualty analysis when installed,
    else counted here from the victim and accident tables."""
    section = Section(
        "casualties",
        _("Casualties"),
        _(
            "People killed or injured by explosive ordnance in the "
            "period, by sex, age and status."
        ),
    )
    report = _casualty_report(db, period)
    if report is not None:
        try:
            _from_analysis(section, report)
            return section
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            # A changed result shape: fall back to counting here, and say so.
            log.warning("casualty analysis result not understood: %s", exc)
            section = Section(
                "casualties",
                _("Casualties"),
                _(
                    "People killed or injured by explosive ordnance in the "
                    "period, by sex, age and status."
                ),
            )
    _own_counts(section, conn, period)
    return section


def _casualty_report(db: Database, period: Period) -> Any:
    try:
        from demine.analysis.casualties import casualty_report
    except ImportError:
        return None
    try:
        return casualty_report(db, period.start, period.end, links=False)
    except Exception as exc:  # another module's failure must not sink the report
        log.warning("casualty analysis failed: %s", exc)
        return None


GROUP_COLUMNS = ["accidents", "killed", "injured", "victims"]


def _from_analysis(section: Section, report: Any) -> None:
    """Tables of :class:`demine.analysis.casualties.CasualtyReport`."""
    section.figures += [
        Figure("casualties.accidents", _("Accidents"), int(report.accidents)),
        Figure("casualties.killed", label("outcome", "killed"), int(report.killed)),
        Figure("casualties.injured", label("outcome", "injured"), int(report.injured)),
        Figure("casualties.children", _("Child casualties"), report.children),
    ]
    if report.children_age_unknown:
        section.figures.append(
            Figure(
                "casualties.children_age_unknown",
                _("Casualties whose age is unknown (child or not)"),
                report.children_age_unknown,
            )
        )
    for key, column in (
        ("by_sex", "sex"),
        ("by_age_group", "age_group"),
        ("by_status", "status"),
    ):
        frame = getattr(report, key)
        section.tables.append(
            _group_table(f"casualties_{key}", t(f"casualties.{key}"), frame, column)
        )
    admin = report.by_admin
    if len(admin):
        columns = [
            Column("name", _("Admin area")),
            *[Column(c, t(f"col.{c}"), "int") for c in GROUP_COLUMNS],
            Column("population", _("Population"), "int"),
            Column("rate_per_100k", _("Casualties per 100,000 inhabitants"), "rate"),
        ]
        section.tables.append(
            Table(
                "casualties_by_admin",
                _("Casualties by admin area"),
                columns,
                [
                    [_plain(r[c.key]) for c in columns]
                    for _unused, r in admin.iterrows()
                ],
            )
        )
    years = report.by_year
    if len(years) > 1:
        section.charts.append(_by_year_chart(years))
    section.notes += [
        _("Figures from the casualty analysis (demine.analysis.casualties)."),
        *map(str, report.notes),
    ]


def _plain(value: Any) -> Any:
    """Numpy and pandas scalars as Python values; NA as None."""
    if value is None or value is pd.NA:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value.item() if hasattr(value, "item") else value


def _group_table(key: str, title: str, frame: pd.DataFrame, column: str) -> Table:
    columns = [
        Column(column, t(f"col.{column}")),
        *[Column(c, t(f"col.{c}"), "int") for c in GROUP_COLUMNS],
    ]
    rows = [
        [label(column, r[column]), *[int(r[c]) for c in GROUP_COLUMNS]]
        for _unused, r in frame.iterrows()
    ]
    total = [_("Total"), *[int(frame[c].sum()) for c in GROUP_COLUMNS]]
    total[1] = None  # an accident with two victims is in two rows
    return Table(key, title, columns, rows, total=total)


def _by_year_chart(years: pd.DataFrame) -> Chart:
    colours = {
        label("outcome", "killed"): "#CC6677",
        label("outcome", "injured"): "#DDCC77",
    }
    return Chart(
        "casualties_by_year",
        _("Casualties per year"),
        charts.stacked_bars(
            [str(int(y)) for y in years["year"]],
            {label("outcome", o): years[o].to_numpy() for o in OUTCOMES},
            _("People"),
            colours,
        ),
    )


def _own_counts(section: Section, conn: Connection, period: Period) -> None:
    victims = reporting.victims(conn, period.start, period.end)
    accidents = reporting.accidents(conn, period.start, period.end)
    victims["age_group"] = [
        age_group(a, g)
        for a, g in zip(victims["age"], victims["age_group"], strict=True)
    ]
    counts = victims["outcome"].value_counts()
    section.figures += [
        Figure("casualties.accidents", _("Accidents"), accidents),
        Figure(
            "casualties.killed",
            label("outcome", "killed"),
            int(counts.get("killed", 0)),
        ),
        Figure(
            "casualties.injured",
            label("outcome", "injured"),
            int(counts.get("injured", 0)),
        ),
    ]
    for key, column in (
        ("by_sex", "sex"),
        ("by_age_group", "age_group"),
        ("by_status", "status"),
    ):
        section.tables.append(_outcome_table(victims, key, column))
    if len(victims) and period.start.year != period.end.year:
        years = pd.to_datetime(victims["occurred_on"]).dt.year
        pivot = pd.crosstab(years, victims["outcome"]).reindex(
            columns=OUTCOMES, fill_value=0
        )
        # Every year from the first to the last casualty, gaps shown as zero.
        span = range(int(years.min()), int(years.max()) + 1)
        pivot = pivot.reindex(span, fill_value=0).rename_axis("year")
        section.charts.append(_by_year_chart(pivot.reset_index()))
    section.notes.append(
        _("Counted from the accident and victim records; children are under 18.")
    )


def _outcome_table(victims: pd.DataFrame, key: str, column: str) -> Table:
    """Killed, injured and total per value of ``column``."""
    pivot = pd.crosstab(victims[column], victims["outcome"]) if len(victims) else None
    rows: list[list[Any]] = []
    if pivot is not None:
        pivot = pivot.reindex(columns=OUTCOMES, fill_value=0)
        rows = [
            [label(column, v), int(r["killed"]), int(r["injured"]), int(r.sum())]
            for v, r in pivot.iterrows()
        ]
    k = sum(r[1] for r in rows)
    i = sum(r[2] for r in rows)
    return Table(
        f"casualties_{key}",
        t(f"casualties.{key}"),
        [
            Column(column, t(f"col.{column}")),
            Column("killed", label("outcome", "killed"), "int"),
            Column("injured", label("outcome", "injured"), "int"),
            Column("total", _("Total"), "int"),
        ],
        rows,
        total=[_("Total"), k, i, k + i],
    )


def eore_section(conn: Connection, period: Period) -> Section:
    """EORE sessions and people reached, by method, sex and age."""
    reach = reporting.eore_reach(conn, period.start, period.end)
    groups = ["women", "men", "girls", "boys"]
    reach["total"] = reach[groups].sum(axis=1)
    section = Section(
        "eore",
        _("Explosive ordnance risk education"),
        _(
            "EORE sessions held in the period and the people they "
            "reached, by sex and age."
        ),
    )
    sums = {g: int(reach[g].sum()) for g in [*groups, "total", "sessions"]}
    section.figures += [
        Figure("eore.sessions", _("Sessions"), sums["sessions"]),
        Figure("eore.people", _("People reached"), sums["total"]),
    ]
    reach = reach.sort_values("total", ascending=False)
    section.tables.append(
        Table(
            "eore_by_method",
            _("EORE reach by method"),
            [
                Column("method", _("Method")),
                Column("sessions", _("Sessions"), "int"),
                *[Column(g, t(f"col.{g}"), "int") for g in groups],
                Column("total", _("Total"), "int"),
            ],
            [
                [
                    label("eore_method", r.method),
                    r.sessions,
                    r.women,
                    r.men,
                    r.girls,
                    r.boys,
                    r.total,
                ]
                for r in reach.itertuples()
            ],
            total=[
                _("Total"),
                sums["sessions"],
                *[sums[g] for g in groups],
                sums["total"],
            ],
        )
    )
    if sums["total"]:
        section.charts.append(
            Chart(
                "eore_chart",
                _("People reached by method, sex and age"),
                charts.stacked_bars(
                    [label("eore_method", m) for m in reach["method"]],
                    {t(f"col.{g}"): reach[g].to_numpy() for g in groups},
                    _("People reached"),
                ),
            )
        )
    return section


def qm_section(conn: Connection, period: Period) -> Section:
    """QM inspections and findings by severity, and how many are still open."""
    qm = reporting.qm_findings(conn, period.start, period.end)
    section = Section(
        "qm",
        _("Quality management"),
        _(
            "Inspections in the period and the non-conformities they "
            "found, by severity (IMAS 07.12)."
        ),
    )
    kinds = sorted(qm["kind"].unique())
    order = [s.value for s in reversed(Severity)]
    rows = []
    for sev in order:
        sub = qm[qm["severity"] == sev]
        by_kind = sub.groupby("kind")["findings"].sum()
        open_ = int(sub["open"].sum()) if sev != Severity.NONE.value else None
        rows.append(
            [
                label("severity", sev),
                *[int(by_kind.get(k, 0)) for k in kinds],
                int(sub["findings"].sum()),
                open_,
            ]
        )
    nonconf = qm[qm["severity"] != Severity.NONE.value]
    section.figures += [
        Figure("qm.inspections", _("Inspections"), int(qm["findings"].sum())),
        Figure(
            "qm.nonconformities",
            _("Non-conformities"),
            int(nonconf["findings"].sum()),
        ),
        Figure("qm.open", _("Non-conformities still open"), int(nonconf["open"].sum())),
    ]
    section.tables.append(
        Table(
            "qm_by_severity",
            _("QM findings by severity and kind of inspection"),
            [
                Column("severity", _("Severity")),
                *[Column(k, label("qm_kind", k), "int") for k in kinds],
                Column("total", _("Total"), "int"),
                Column("open", _("Still open"), "int"),
            ],
            rows,
            total=[
                _("Total"),
                *[int(qm.loc[qm["kind"] == k, "findings"].sum()) for k in kinds],
                int(qm["findings"].sum()),
                int(nonconf["open"].sum()),
            ],
        )
    )
    return section
