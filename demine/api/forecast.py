# SPDX-License-Identifier: GPL-3.0-or-later
"""The completion forecast over the API: the register's own, or under scenarios."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query

from demine.analysis.forecast.register import run_forecast, run_scenarios
from demine.analysis.forecast.scenario import parse_scenarios
from demine.serving.deps import DbDep, User

router = APIRouter(prefix="/api/v1", tags=["planning"])

# The API runs on a shared server: cap the work one request may ask for.
API_MAX_DRAWS = 10_000
Draws = Annotated[int, Query(ge=1, le=API_MAX_DRAWS, description="Monte Carlo draws")]
Seed = Annotated[int, Query(ge=0, le=2**32 - 1, description="Random seed")]

EXAMPLE = {
    "scenarios": [
        {"name": "+20 mechanical teams", "teams": {"mechanical": {"add": 20}}},
        {"name": "+USD 100 M a year", "budget_usd_per_year": {"add": 100_000_000}},
    ]
}


@router.get("/forecast")
def forecast(db: DbDep, who: User, draws: Draws = 1000, seed: Seed = 0) -> Any:
    """P10/P50/P90 completion year, total cost and remaining area, fitted from
    the register's history (approved records)."""
    return run_forecast(db, None, draws=draws, seed=seed).to_dict()


@router.post("/forecast")
def forecast_scenarios(
    db: DbDep,
    who: User,
    body: Annotated[dict[str, Any], Body(examples=[EXAMPLE])],
    draws: Draws = 1000,
    seed: Seed = 0,
) -> dict[str, Any]:
    """The register's forecast (when it can run) and each scenario's, side by
    side. The body is one scenario or ``{"scenarios": [...]}`` (as the YAML
    files); a bad scenario is a 422 naming the field."""
    scenarios = parse_scenarios(body, "request body")
    results = run_scenarios(db, scenarios, draws=draws, seed=seed)
    return {"scenarios": [r.to_dict() for r in results]}
