# SPDX-License-Identifier: GPL-3.0-or-later
"""Forecast parameters fitted from the demo register and from Colombia's operations."""

from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd
import pytest

from demine.analysis.forecast.history import fit, fit_register, history_from_table
from demine.analysis.forecast.register import run_scenarios
from demine.analysis.forecast.scenario import parse_scenario
from demine.analysis.forecast.simulation import ForecastInputs, Parameter, simulate
from demine.demo import generate
from demine.store.bulk import read_frame
from demine.store.database import Database
from demine.store.loading import load_register
from tests.conftest import shared_data


@pytest.fixture
def demo(db: Database) -> Database:
    load_register(db, generate("small", 1))
    return db


def test_register_fit_matches_a_hand_count(demo: Database) -> None:
    with demo.transaction() as conn:
        fitted = fit_register(conn, start_year=2027)
        acts = read_frame(
            conn,
            "activity",
            ["id", "activity_type", "method", "team_days", "cost_usd", "review_state"],
        )
        rel = read_frame(
            conn, "release", ["activity_id", "kind", "effective_m2", "review_state"]
        )
        teams = read_frame(conn, "team", ["method", "active", "review_state"])
        hazards = read_frame(
            conn,
            "hazard",
            ["hazard_class", "status", "remaining_m2", "review_state"],
        )
    acts = acts[acts["review_state"] == "approved"]
    rel = rel[rel["review_state"] == "approved"]
    area = rel.groupby("activity_id")["effective_m2"].sum()
    manual = acts[
        (acts["method"] == "manual")
        & acts["activity_type"].isin(["ts", "clearance", "bac"])
        & (acts["team_days"] > 0)
    ]
    released = manual["id"].map(area).fillna(0.0)
    m = fitted.inputs.methods["manual"]
    assert m.productivity_m2_day.mean == pytest.approx(
        released.sum() / manual["team_days"].sum()
    )
    assert m.productivity_m2_day.n == len(manual)
    assert m.productivity_m2_day.sd > 0
    paid = manual[manual["cost_usd"] > 0]
    assert m.cost_per_day_usd.mean == pytest.approx(
        paid["cost_usd"].sum() / paid["team_days"].sum()
    )
    active = teams[(teams["review_state"] == "approved") & teams["active"].astype(bool)]
    assert m.teams == (active["method"] == "manual").sum()
    open_ = hazards[
        (hazards["review_state"] == "approved") & (hazards["status"] != "closed")
    ]
    assert fitted.inputs.sha_m2 == pytest.approx(
        open_.loc[open_["hazard_class"] == "sha", "remaining_m2"].sum()
    )
    # A survey-only method (drone NTS) releases no technical area: left out, said so.
    assert "drone" not in fitted.inputs.methods
    assert any("Drone" in n for n in fitted.notes)  # the method, as labelled
    kinds = rel.groupby("kind")["effective_m2"].sum()
    reduce = fitted.inputs.ts_reduce_share
    assert reduce.mean == pytest.approx(
        kinds["reduced"] / (kinds["reduced"] + kinds["cleared"])
    )
    assert 0 < fitted.inputs.nts_cancel_share.mean < 1
    assert fitted.inputs.budget_usd_per_year is not None
    assert fitted.records["activities"] == len(acts)


def test_working_days_and_budget_match_a_hand_count(demo: Database) -> None:
    with demo.transaction() as conn:
        fitted = fit_register(conn, start_year=2027)
        acts = read_frame(
            conn,
            "activity",
            [
                "team_id",
                "team_days",
                "cost_usd",
                "start_date",
                "end_date",
                "review_state",
            ],
        )
        money = read_frame(conn, "funding", ["kind", "dated_on", "amount_usd"])
    acts = acts[acts["review_state"] == "approved"]
    year = pd.to_datetime(acts["end_date"].fillna(acts["start_date"])).dt.year
    acts = acts.assign(year=year)
    first, last = acts["year"].min(), acts["year"].max()
    full = acts[(acts["year"] > first) & (acts["year"] < last)]
    worked = full[full["team_id"].notna() & (full["team_days"] > 0)]
    per_team_year = worked.groupby(["year", "team_id"])["team_days"].sum()
    assert fitted.inputs.working_days.mean == pytest.approx(per_team_year.median())
    spent = acts[acts["cost_usd"] > 0].groupby("year")["cost_usd"].sum()
    money["year"] = pd.to_datetime(money["dated_on"]).dt.year
    paid = money[money["kind"].isin(["disbursement", "expenditure"])]
    funded = paid.groupby(["year", "kind"])["amount_usd"].sum().unstack().max(axis=1)
    both = pd.DataFrame({"spent": spent, "funded": funded}).fillna(0.0)
    years = both.index.to_series()
    inner = both[(years > years.min()) & (years < years.max())].max(axis=1)
    budget = fitted.inputs.budget_usd_per_year
    assert budget is not None
    assert budget.mean == pytest.approx(inner.mean())
    assert budget.sd == pytest.approx(inner.std())


def test_empty_history_fits_nothing_but_says_so() -> None:
    fitted = fit(pd.DataFrame(), start_year=2027)
    assert fitted.inputs.methods == {}
    assert fitted.inputs.budget_usd_per_year is None
    assert fitted.inputs.working_days.n == 0
    assert "assumed" in fitted.inputs.working_days.source
    assert fitted.throughput is None


def test_plain_table_columns_are_checked() -> None:
    frame = pd.DataFrame({"yr": [2020], "m2": [5.0]})
    with pytest.raises(ValueError, match="unknown history column"):
        history_from_table(frame, {"yr": "year"})
    with pytest.raises(ValueError, match="no column"):
        history_from_table(frame, {"year": "ano"})
    with pytest.raises(ValueError, match="needs a year"):
        history_from_table(frame, {"cleared_m2": "m2"})


def test_unknown_costs_stay_unknown_and_json_strict() -> None:
    table = pd.DataFrame(
        {"y": [2020, 2021, 2022], "area": [1000.0, 2000.0, 1500.0], "days": [10.0] * 3}
    )
    history = history_from_table(
        table, {"year": "y", "cleared_m2": "area", "team_days": "days"}, method="mdd"
    )
    fitted = fit(history, start_year=2027)
    assert any("no cost per team-day" in n for n in fitted.notes)
    inputs = ForecastInputs(
        **{
            **fitted.inputs.__dict__,
            "cha_m2": 10_000.0,
            "methods": {"mdd": replace(fitted.inputs.methods["mdd"], teams=1)},
        }
    )
    result = simulate(inputs, draws=100)
    assert result.total_cost == {"p10": None, "p50": None, "p90": None}
    text = json.dumps(result.to_dict(), allow_nan=False)
    assert (
        json.loads(text)["parameters"]["methods"]["mdd"]["cost_per_day_usd"]["mean"]
        is None
    )


def test_plain_table_fits_productivity_per_year() -> None:
    table = pd.DataFrame(
        {
            "y": [2020, 2021, 2021, 2022],
            "area": [1000.0, 3000.0, 1000.0, 2000.0],
            "days": [10.0, 20.0, 20.0, 10.0],
        }
    )
    history = history_from_table(
        table, {"year": "y", "cleared_m2": "area", "team_days": "days"}, method="manual"
    )
    fitted = fit(history, start_year=2027)
    prod = fitted.inputs.methods["manual"].productivity_m2_day
    assert prod.mean == pytest.approx(7000 / 60)
    by_year = pd.Series([100.0, 100.0, 200.0])
    assert prod.sd == pytest.approx(by_year.std())
    assert prod.n == 4


@pytest.mark.shared_data
def test_colombia_operations_as_a_history() -> None:
    path = shared_data("colombia", "operations", "anti-personnel-mines.csv")
    source = pd.read_csv(path)
    history = history_from_table(
        source,
        {"year": "ano", "cleared_m2": "areadespejada", "method": "tipodesminado"},
    )
    fitted = fit(history, start_year=2015)
    assert fitted.records["activities"] == len(source) == 333
    # No team-days or costs were published: nothing per team-day is invented.
    assert fitted.inputs.methods == {}
    throughput = fitted.throughput
    assert throughput is not None
    per_year = source.groupby("ano")["areadespejada"].sum()
    inner = per_year[
        (per_year.index > per_year.index.min())
        & (per_year.index < per_year.index.max())
    ]
    assert throughput.mean == pytest.approx(inner.mean())
    assert throughput.sd == pytest.approx(inner.std())
    shares = fitted.method_shares.set_index("method")
    assert shares["cleared"].eq(1.0).all()
    assert shares["released_m2"].sum() == pytest.approx(source["areadespejada"].sum())
    # At the historical rate, ten times the 2005-2014 work takes, without
    # spread, ten times the work over the mean year, and spreads around it.
    work = 10 * float(source["areadespejada"].sum())
    model = ForecastInputs(
        start_year=2015,
        sha_m2=0.0,
        cha_m2=work,
        nts_cancel_share=Parameter(0.0, kind="share"),
        ts_reduce_share=Parameter(0.0, kind="share"),
        working_days=Parameter(0.0),
        capacity_m2_per_year=Parameter(throughput.mean),
    )
    exact = simulate(model, draws=1000)
    assert exact.years["p50"] == pytest.approx(work / throughput.mean)
    assert exact.total_cost["p50"] is None
    spread = simulate(
        ForecastInputs(**{**model.__dict__, "capacity_m2_per_year": throughput}),
        draws=5000,
    )
    assert spread.years["p10"] < work / throughput.mean < spread.years["p90"]


@pytest.mark.shared_data
def test_colombia_operations_imported_then_read_back_as_history(db: Database) -> None:
    from demine.exchange.importer import import_files
    from demine.exchange.mapping import load_mapping
    from tests.exchange.conftest import MAPPINGS

    path = shared_data("colombia", "operations", "anti-personnel-mines.csv")
    source = pd.read_csv(path)
    import_files(
        db,
        "register",
        [path],
        mapping=load_mapping(MAPPINGS / "colombia_operations.yaml"),
    )
    with db.transaction() as conn:
        fitted = fit_register(conn, start_year=2015)
    # Releases without polygons count their reported area in the history.
    assert fitted.throughput is not None
    shares = fitted.method_shares
    assert shares["released_m2"].sum() == pytest.approx(source["areadespejada"].sum())
    assert fitted.records["activities"] == 333
    # "At Colombia's historical rate": a scenario scales the fitted capacity.
    work = 10 * float(source["areadespejada"].sum())
    scenario = parse_scenario(
        {
            "name": "twice the historical rate",
            "cha_m2": work,
            "capacity_m2_per_year": {"scale": 2},
            "uncertainty": {"deterministic": True},
        }
    )
    [result] = run_scenarios(db, [scenario], draws=100)
    assert result.years["p50"] == pytest.approx(work / (2 * fitted.throughput.mean))
    assert result.total_cost["p50"] is None  # no costs were published
