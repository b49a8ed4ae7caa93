# SPDX-License-Identifier: GPL-3.0-or-later
"""Land sections: area released in the period and to date, what remains where."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure as MplFigure
from sqlalchemy.engine import Connection

from demine.analysis.admin_areas import area_table
from demine.domain.vocab import ReleaseKind
from demine.i18n import _
from demine.reports import charts, maps
from demine.reports.model import Chart, Column, Figure, Section, Table
from demine.reports.period import Period
from demine.reports.texts import label
from demine.store import queries, reporting

KINDS = [k.value for k in ReleaseKind]
NO_AREA = "—"


def progress_section(conn: Connection, period: Period) -> Section:
    """Cancelled, reduced and cleared in the period and cumulatively (m² → ha)."""
    days = reporting.released_by_day(conn, period.end)
    undated_n, undated_m2 = reporting.undated_releases(conn)
    in_period = days[days["day"] >= pd.Timestamp(period.start)]
    now = in_period.groupby("kind")["m2"].sum().reindex(KINDS, fill_value=0.0)
    total = days.groupby("kind")["m2"].sum().reindex(KINDS, fill_value=0.0)
    if undated_n:
        # The ledger credits undated releases; so must the cumulative figure.
        total += reporting.released_by_kind_undated(conn).reindex(KINDS, fill_value=0.0)
    section = Section(
        "progress",
        _("Land release progress"),
        _(
            "Area cancelled by non-technical survey, reduced by technical"
            " survey and cleared, as credited by the land-release ledger "
            "(ground released twice counts once)."
        ),
    )
    for k in KINDS:
        section.figures.append(
            Figure(f"released.period.{k}", label("kind", k), float(now[k]), "ha")
        )
    section.figures.append(
        Figure(
            "released.period.total",
            _("Total released in the period (ha)"),
            float(now.sum()),
            "ha",
        )
    )
    section.tables.append(
        Table(
            "released",
            _("Land released, in the period and cumulative to its last day (ha)"),
            [
                Column("kind", _("Release")),
                Column("period", _("In the period (ha)"), "ha"),
                Column("cumulative", _("Cumulative (ha)"), "ha"),
            ],
            [[label("kind", k), float(now[k]), float(total[k])] for k in KINDS],
            total=[_("Total"), float(now.sum()), float(total.sum())],
        )
    )
    if len(days):
        by_year = _pivot(days, days["day"].dt.year)
        section.charts.append(
            Chart(
                "released_by_year",
                _("Land released per year up to the end of the period (ha)"),
                _bars([str(int(y)) for y in by_year.index], by_year),
            )
        )
    if len(in_period) and period.days <= 3 * 366:
        by_month = _pivot(in_period, in_period["day"].dt.strftime("%Y-%m"))
        by_month = by_month.reindex(_months(period), fill_value=0.0)
        section.charts.append(
            Chart(
                "released_by_month",
                _("Land released per month in the period (ha)"),
                _bars(list(by_month.index), by_month),
            )
        )
    if undated_n:
        section.notes.append(
            _(
                "%(n)s approved releases (%(ha)s ha) have no date: they count"
                " in the cumulative and remaining figures but in no period.",
                n=f"{undated_n:,}",
                ha=f"{undated_m2 / 1e4:,.1f}",
            )
        )
    return section


def _pivot(days: pd.DataFrame, key: pd.Series) -> pd.DataFrame:
    """m² by ``key`` (rows, sorted) and kind (columns)."""
    grouped = days.groupby([key.rename("key"), days["kind"]])["m2"].sum()
    return grouped.unstack("kind").reindex(columns=KINDS).fillna(0.0).sort_index()


def _bars(categories: list[str], pivot: pd.DataFrame) -> MplFigure:
    return charts.released_bars(
        categories,
        {k: pivot[k].to_numpy() for k in KINDS},
        {k: label("kind", k) for k in KINDS},
        _("ha"),
    )


def _months(period: Period) -> list[str]:
    return [
        f"{d:%Y-%m}"
        for d in pd.date_range(period.start.replace(day=1), period.end, freq="MS")
    ]


def remaining_by_admin(
    hazards: pd.DataFrame, places: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per admin area, with all areas below it: open hazards, their SHA and
    CHA m² remaining, total. Indexed by the area's name; ``label`` is its
    path, ``top`` marks the rows that add up to the whole."""
    left = hazards[hazards["remaining_m2"] > 0].copy()
    for cls in ("sha", "cha"):
        left[cls] = left["remaining_m2"].where(left["hazard_class"] == cls, 0.0)
    key = pd.to_numeric(left["admin_area_id"], errors="coerce").astype("Int64")
    grouped = left.groupby(key, dropna=False).agg(
        hazards=("id", "count"),
        sha=("sha", "sum"),
        cha=("cha", "sum"),
        remaining=("remaining_m2", "sum"),
    )
    table = area_table(grouped, places if places is not None else _no_places())
    table["label"] = table["label"].astype(object).fillna(NO_AREA)
    table.index = pd.Index(table["name"].astype(object).fillna(NO_AREA))
    return table


def _no_places() -> pd.DataFrame:
    return pd.DataFrame(columns=["id", "name", "place_type", "parent_id"])


def remaining_section(conn: Connection, period: Period) -> Section:
    """What remains on the last day of the period, by admin area, with a map."""
    hazards = reporting.hazards_at(conn, period.end)
    by_admin = remaining_by_admin(hazards, queries.place_tree(conn))
    top = by_admin[by_admin["top"].astype(bool)]
    section = Section(
        "remaining",
        _("Remaining contamination"),
        _(
            "Hazardous area left on %(day)s, by admin area: hazards "
            "recorded by that day, less what was released by then.",
            day=period.end,
        ),
    )
    total = float(top["remaining"].sum())
    section.figures += [
        Figure("remaining.total", _("Remaining hazardous area (ha)"), total, "ha"),
        Figure(
            "remaining.hazards",
            _("Hazards with area remaining"),
            int(top["hazards"].sum()),
        ),
    ]
    section.tables.append(
        Table(
            "remaining_by_admin",
            _("Remaining hazardous area by admin area (ha)"),
            [
                Column("admin", _("Admin area")),
                Column("hazards", _("Hazards"), "int"),
                Column("sha", _("Suspected, SHA (ha)"), "ha"),
                Column("cha", _("Confirmed, CHA (ha)"), "ha"),
                Column("remaining", _("Remaining (ha)"), "ha"),
            ],
            [
                [r.label, int(r.hazards), r.sha, r.cha, r.remaining]
                for _name, r in by_admin.iterrows()
            ],
            total=[
                _("Total"),
                int(top["hazards"].sum()),
                float(top["sha"].sum()),
                float(top["cha"].sum()),
                total,
            ],
        )
    )
    areas = _level_of(reporting.admin_areas(conn), set(by_admin.index))
    open_ids = hazards.loc[hazards["remaining_m2"] > 0, "id"]
    points = reporting.hazard_positions(conn)
    points = points[points["id"].isin(open_ids)]
    if len(areas) or len(points):
        section.charts.append(
            Chart(
                "remaining_map",
                _(
                    "Admin areas shaded by remaining hazardous area; dots are "
                    "hazards with area left."
                ),
                maps.remaining_map(
                    areas,
                    by_admin["remaining"],
                    points,
                    {
                        "colourbar": _("Remaining area (ha)"),
                        "hazards": _("Hazard with area remaining"),
                    },
                ),
            )
        )
    return section


def _level_of(areas: pd.DataFrame, names: set[str]) -> pd.DataFrame:
    """The admin level (admin1 or admin2) whose names the hazards use most."""
    if areas.empty:
        return areas
    hits = areas.assign(hit=areas["name"].isin(names)).groupby("place_type")["hit"]
    level = hits.sum().idxmax()
    return areas[areas["place_type"] == level]
