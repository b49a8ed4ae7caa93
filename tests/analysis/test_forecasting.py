# SPDX-License-Identifier: GPL-3.0-or-later
"""run_forecast on a register: the contract, and refitting when records change."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import update

from demine.analysis.forecast.register import run_forecast
from demine.analysis.forecast.simulation import Forecast
from demine.demo import generate
from demine.domain.vocab import Method
from demine.store.database import Database
from demine.store.loading import load_register
from demine.store.schema import Team


def test_contract_and_refit_after_a_change(db: Database) -> None:
    load_register(db, generate("small", 1))
    first = run_forecast(db, draws=1000, seed=0)
    assert isinstance(first, Forecast)
    assert set(first.completion_year) == set(first.total_cost) == {"p10", "p50", "p90"}
    assert isinstance(first.remaining, pd.DataFrame)
    assert list(first.remaining.columns) == ["year", "p10", "p50", "p90"]
    assert first.to_dict()["completion_year"] == first.completion_year
    mechanical = first.parameters["methods"]["mechanical"]["teams"]
    assert mechanical > 0
    with db.transaction(write=True) as conn:
        conn.execute(
            update(Team).where(Team.method == Method.MECHANICAL).values(active=False)
        )
    second = run_forecast(db, draws=1000, seed=0)
    assert second.parameters["methods"]["mechanical"]["teams"] == 0
    assert second.years["p50"] > first.years["p50"]
