# SPDX-License-Identifier: GPL-3.0-or-later
"""Forecast parameters fitted from the register's own history.

The history is one row per activity (columns :data:`COLUMNS`): its year,
method, type, team-days, cost and the area it cancelled, reduced and
cleared. It comes from the register (:func:`read_history`, approved records
only, read by :mod:`demine.store.history`) or from any plain table
(:func:`history_from_table`, e.g. Colombia's operations CSV). :func:`fit`
turns it, the teams, the funding and the open hazards into
:class:`~demine.analysis.forecast.simulation.ForecastInputs`; every parameter
carries its spread across years and how many records support it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.engine import Connection

from demine.analysis.forecast.simulation import ForecastInputs, MethodInputs, Parameter
from demine.domain.labels import label_of
from demine.domain.vocab import Method
from demine.i18n import _, ngettext
from demine.store.history import (
    read_activities,
    read_activity_areas,
    read_funding,
    read_open_area,
    read_release_shares,
    read_teams,
)

COLUMNS = (
    "year",
    "method",
    "activity_type",
    "team_id",
    "team_days",
    "cost_usd",
    "cancelled_m2",
    "reduced_m2",
    "cleared_m2",
)
KINDS = ("cancelled", "reduced", "cleared")
TECHNICAL = ("ts", "clearance", "bac")
# Used only when the history says nothing about working days; shown as assumed.
DEFAULT_WORKING_DAYS = 220.0


@dataclass
class Fitted:
    """What the history supports: model inputs plus the tables shown to users."""

    inputs: ForecastInputs
    method_shares: pd.DataFrame
    records: dict[str, int]
    notes: list[str] = field(default_factory=list)
    # Technical area released per year: the historical-rate model's capacity.
    throughput: Parameter | None = None

    def describe(self) -> dict[str, Any]:
        return {
            **self.inputs.describe(),
            "method_shares": self.method_shares.to_dict(orient="records"),
            "records": self.records,
        }


# -- reading ------------------------------------------------------------


def read_history(conn: Connection) -> pd.DataFrame:
    """One row per approved activity with the area its releases credited."""
    acts = read_activities(conn)
    if acts.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    rel = read_activity_areas(conn)
    areas = (
        rel.pivot_table(
            index="activity_id", columns="kind", values="area", aggfunc="sum"
        )
        .reindex(columns=list(KINDS))
        .add_suffix("_m2")
    )
    return normalise(acts.join(areas, on="id"))


def history_from_table(
    frame: pd.DataFrame,
    columns: Mapping[str, str] | None = None,
    *,
    method: str | None = None,
    activity_type: str = "clearance",
) -> pd.DataFrame:
    """A plain table as a history: ``columns`` maps history column -> source.

    Missing columns are empty (team-days and costs are often not published);
    ``method`` and ``activity_type`` fill those columns when the table has none.
    """
    columns = dict(columns or {})
    unknown = sorted(set(columns) - set(COLUMNS))
    if unknown:
        raise ValueError(
            f"unknown history column(s) {', '.join(unknown)}: use {', '.join(COLUMNS)}"
        )
    absent = sorted(src for src in columns.values() if src not in frame.columns)
    if absent:
        raise ValueError(f"the table has no column(s) {', '.join(absent)}")
    out = pd.DataFrame({dst: frame[src] for dst, src in columns.items()})
    if "method" not in out:
        out["method"] = method
    if "activity_type" not in out:
        out["activity_type"] = activity_type
    if "year" not in out:
        raise ValueError("a history needs a year column")
    return normalise(out)


def normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """The history columns, numbers as floats (missing team-days stay NaN)."""
    out = pd.DataFrame(index=frame.index)
    for col in COLUMNS:
        out[col] = frame.get(col, np.nan)
    for col in ("team_days", "cost_usd", *(f"{k}_m2" for k in KINDS)):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
    for col in (f"{k}_m2" for k in KINDS):
        out[col] = out[col].fillna(0.0)
    out["year"] = pd.to_numeric(out["year"], errors="coerce").astype("Int64")
    return out.reset_index(drop=True)


def fit_register(conn: Connection, start_year: int | None = None) -> Fitted:
    """Fit every forecast parameter from the register (approved records)."""
    return fit(
        read_history(conn),
        teams=read_teams(conn),
        funding=read_funding(conn),
        open_area=read_open_area(conn),
        release_shares=read_release_shares(conn),
        start_year=start_year,
    )


# -- fitting (no I/O) -----------------------------------------------------


def _spread(values: pd.Series | np.ndarray) -> float:
    vals = np.asarray(values, dtype=float)
    vals = vals[np.isfinite(vals)]
    return float(np.std(vals, ddof=1)) if vals.size >= 2 else 0.0


def _full_years(years: pd.Series) -> pd.Series:
    """Rows of years inside the history: first and last are often part-years."""
    known = years.dropna()
    if known.empty:
        return pd.Series(False, index=years.index)
    inner = (years > known.min()) & (years < known.max())
    return inner.fillna(False) if inner.any() else years.notna()


def ratio_parameter(
    frame: pd.DataFrame, num: str, den: str, source: str, kind: str = "positive"
) -> Parameter | None:
    """Pooled ratio num/den with its spread across years (None: no data)."""
    rows = frame[(frame[den] > 0) & frame[num].notna()]
    if rows.empty or rows[den].sum() <= 0:
        return None
    pooled = float(rows[num].sum() / rows[den].sum())
    n = int(rows["records"].sum()) if "records" in rows else len(rows)
    by_year = rows.groupby("year")[[num, den]].sum()
    by_year = by_year[by_year[den] > 0]
    sd = _spread(by_year[num] / by_year[den])
    return Parameter(pooled, sd, n, source, kind)  # type: ignore[arg-type]


def _released(history: pd.DataFrame) -> pd.Series:
    return history[[f"{k}_m2" for k in KINDS]].sum(axis=1)


def fit_methods(
    history: pd.DataFrame, teams: pd.DataFrame
) -> tuple[dict[str, MethodInputs], list[str]]:
    """Per method: teams available, productivity and cost per team-day.

    A method with technical activities (TS, clearance, BAC) is fitted from
    them; a method with no activities at all from the team table; a method
    whose teams only survey (NTS) or dispose (EOD) releases no technical area
    and is left out, with a note.
    """
    notes: list[str] = []
    h = history.assign(released=_released(history))
    tech = h[h["activity_type"].isin(TECHNICAL) & h["method"].notna()]
    counts = teams.groupby("method").size() if not teams.empty else pd.Series()
    methods: dict[str, MethodInputs] = {}
    for method in sorted(set(tech["method"]) | set(counts.index)):
        rows = tech[tech["method"] == method]
        staff = teams[teams["method"] == method]
        n_teams = float(counts.get(method, 0))
        prod = ratio_parameter(
            rows, "released", "team_days", _("activities: area released / team-days")
        )
        if prod is None and (h["method"] == method).any():
            notes.append(
                ngettext(
                    "%(num)s team (%(method)s) left out: its activities release no "
                    "technical area",
                    "%(num)s teams (%(method)s) left out: their activities release "
                    "no technical area",
                    int(n_teams),
                    method=label_of(Method, method),
                )
            )
            continue
        if prod is None and not staff.empty:
            prod = Parameter(
                float(staff["productivity_m2_day"].mean()),
                _spread(staff["productivity_m2_day"]),
                len(staff),
                _("team table: productivity_m2_day"),
            )
        if prod is None:
            continue
        cost = ratio_parameter(
            rows.assign(cost_usd=rows["cost_usd"].where(rows["cost_usd"] > 0)),
            "cost_usd",
            "team_days",
            _("activities: cost / team-days"),
        )
        if cost is None and not staff.empty:
            cost = Parameter(
                float(staff["cost"].mean()),
                _spread(staff["cost"]),
                len(staff),
                _("team table: cost_per_day_usd"),
            )
        if cost is None:
            cost = Parameter(float("nan"), 0.0, 0, _("unknown"))
            notes.append(
                _(
                    "no cost per team-day known for %(method)s",
                    method=label_of(Method, method),
                )
            )
        methods[method] = MethodInputs(n_teams, prod, cost)
    return methods, notes


def fit_working_days(history: pd.DataFrame) -> Parameter:
    """Team-days a team works in a year (median over full team-years)."""
    rows = history[
        history["team_id"].notna()
        & (history["team_days"] > 0)
        & _full_years(history["year"])
    ]
    if rows.empty:
        return Parameter(DEFAULT_WORKING_DAYS, 0.0, 0, "assumed (no team-days)")
    per = rows.groupby(["year", "team_id"])["team_days"].sum()
    by_year = per.groupby(level="year").median()
    return Parameter(
        float(per.median()),
        _spread(by_year),
        len(rows),
        _("activities: team-days per team and year"),
    )


def fit_shares(
    release_shares: pd.DataFrame | None, history: pd.DataFrame
) -> tuple[Parameter, Parameter]:
    """Share of SHA area NTS cancels; share of technical area TS reduces."""
    frame = release_shares
    if frame is None or frame.empty:
        # A plain history has no hazard class: treat all released area alike.
        long = history.melt(
            id_vars=["year"],
            value_vars=[f"{k}_m2" for k in KINDS],
            var_name="kind",
            value_name="area",
        )
        long["kind"] = long["kind"].str.removesuffix("_m2")
        frame = long.assign(hazard_class="sha", records=(long["area"] > 0).astype(int))
    wide = frame.pivot_table(
        index=["year", "hazard_class"], columns="kind", values="area", aggfunc="sum"
    ).reindex(columns=list(KINDS), fill_value=0.0)
    wide = wide.fillna(0.0).reset_index()
    wide["released"] = wide[list(KINDS)].sum(axis=1)
    counts = frame.groupby(["year", "hazard_class"])["records"].sum()
    wide["records"] = (
        wide.set_index(["year", "hazard_class"]).index.map(counts).fillna(0).astype(int)
    )
    sha = wide[wide["hazard_class"] == "sha"]
    if sha["released"].sum() <= 0:
        sha = wide
    cancel = ratio_parameter(
        sha,
        "cancelled",
        "released",
        _("releases: cancelled / released on SHA"),
        "share",
    )
    tech = wide.assign(technical=wide["reduced"] + wide["cleared"])
    reduce = ratio_parameter(
        tech,
        "reduced",
        "technical",
        _("releases: reduced / (reduced + cleared)"),
        "share",
    )
    return (
        cancel or Parameter(0.0, 0.0, 0, "assumed (no releases)", "share"),
        reduce or Parameter(0.0, 0.0, 0, "assumed (no releases)", "share"),
    )


def fit_budget(funding: pd.DataFrame, history: pd.DataFrame) -> Parameter | None:
    """Money per year: disbursed funding, or activity spending if that is more.

    Funding records often cover donors only; what the activities cost was
    evidently paid, so a year's budget is the larger of the two.
    """
    money = funding[funding["kind"].isin(["disbursement", "expenditure"])]
    by_kind = money.groupby(["year", "kind"])["usd"].sum().unstack(fill_value=0.0)
    funded = by_kind.max(axis=1) if not by_kind.empty else pd.Series(dtype=float)
    spent = history[history["cost_usd"] > 0].groupby("year")["cost_usd"].sum()
    years = pd.DataFrame({"funded": funded, "spent": spent}).fillna(0.0)
    years = years[years.max(axis=1) > 0]
    if years.empty:
        return None
    index = pd.Series(years.index, index=years.index).astype(float)
    full = years[_full_years(index)]
    per_year = full.max(axis=1)
    n = int(len(money) + (history["cost_usd"] > 0).sum())
    return Parameter(
        float(per_year.mean()),
        _spread(per_year),
        n,
        _("funding disbursed or activity cost per year, the larger"),
    )


def fit_throughput(history: pd.DataFrame) -> tuple[Parameter | None, Parameter | None]:
    """Technical area released per year, and cost per m² of it."""
    h = history.assign(technical=history["reduced_m2"] + history["cleared_m2"])
    per_year = h.groupby("year")["technical"].sum()
    per_year = per_year[per_year > 0]
    if per_year.empty:
        return None, None
    index = pd.Series(per_year.index, index=per_year.index).astype(float)
    full = per_year[_full_years(index)]
    capacity = Parameter(
        float(full.mean()),
        _spread(full),
        int((h["technical"] > 0).sum()),
        _("history: technical area released per year"),
    )
    cost = ratio_parameter(
        h.assign(cost_usd=h["cost_usd"].where(h["cost_usd"] > 0)),
        "cost_usd",
        "technical",
        _("history: cost / technical area"),
    )
    return capacity, cost


def method_shares(history: pd.DataFrame) -> pd.DataFrame:
    """Per method: share of its released area cancelled, reduced and cleared."""
    cols = [f"{k}_m2" for k in KINDS]
    h = history.assign(method=history["method"].fillna("unknown"))
    sums = h.groupby("method")[cols].sum()
    sums = sums[sums.sum(axis=1) > 0]
    shares = sums.div(sums.sum(axis=1), axis=0)
    shares.columns = list(KINDS)
    shares["released_m2"] = sums.sum(axis=1)
    shares["records"] = h.groupby("method").size().reindex(shares.index)
    return shares.reset_index()


def fit(
    history: pd.DataFrame,
    *,
    teams: pd.DataFrame | None = None,
    funding: pd.DataFrame | None = None,
    open_area: Mapping[str, float] | None = None,
    release_shares: pd.DataFrame | None = None,
    start_year: int | None = None,
) -> Fitted:
    """Fit the forecast inputs from a history and the register's other tables."""
    history = normalise(history)
    teams = (
        teams
        if teams is not None
        else pd.DataFrame(columns=["method", "productivity_m2_day", "cost"])
    )
    funding = (
        funding
        if funding is not None
        else pd.DataFrame(columns=["kind", "dated_on", "usd", "year"])
    )
    area = {"sha": 0.0, "cha": 0.0, **(open_area or {})}
    methods, notes = fit_methods(history, teams)
    cancel, reduce = fit_shares(release_shares, history)
    capacity, cost_m2 = fit_throughput(history)
    if start_year is None:
        start_year = dt.date.today().year + 1
    inputs = ForecastInputs(
        start_year=start_year,
        sha_m2=float(area["sha"]),
        cha_m2=float(area["cha"]),
        nts_cancel_share=cancel,
        ts_reduce_share=reduce,
        working_days=fit_working_days(history),
        methods=methods,
        budget_usd_per_year=fit_budget(funding, history),
        cost_per_m2_usd=cost_m2,
        historical_capacity_m2_per_year=capacity,
        notes=tuple(notes),
    )
    records = {
        "activities": len(history),
        "technical_activities": int(history["activity_type"].isin(TECHNICAL).sum()),
        "teams": len(teams),
        "funding": len(funding),
    }
    return Fitted(inputs, method_shares(history), records, notes, capacity)
