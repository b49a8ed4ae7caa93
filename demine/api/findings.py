# SPDX-License-Identifier: GPL-3.0-or-later
"""Validation over HTTP: ``POST /api/v1/findings`` runs every geometry rule and
the land-release ledger, as ``demine validate`` and the findings page do.

Reviewers and administrators only: a national check reads every geometry
and rewrites the ledger columns (hence a POST), so it is a planner's tool,
not a reader's.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from demine.analysis.checks import CheckOptions, validate_database
from demine.serving.deps import DbDep, Reviewer, SettingsDep

router = APIRouter(prefix="/api/v1", tags=["validation"])

Limit = Annotated[
    int, Query(ge=0, le=100_000, description="Findings listed (counts cover all)")
]


@router.post("/findings")
def findings(
    db: DbDep, settings: SettingsDep, who: Reviewer, limit: Limit = 1000
) -> dict[str, Any]:
    """Every finding of every rule: the total, the count per rule and the first
    ``limit`` findings (rule, entity, id, message and where)."""
    result = validate_database(db, CheckOptions.from_settings(settings))
    return {
        "total": len(result.findings),
        "counts": result.counts(),
        "findings": [f.as_dict() for f in result.findings[:limit]],
    }
