# SPDX-License-Identifier: GPL-3.0-or-later
"""Prioritisation over HTTP: the ranked open hazards and the weight sensitivity.

Every logged-in role may read them. The shipped default profile is used
(a profile file is a server-side choice, never a path a client sends), through
the ranking cache (:mod:`demine.analysis.priorities.cache`) that the page and
tasking read too.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from demine.analysis.priorities.cache import cached_ranking
from demine.analysis.priorities.profile import MethodName
from demine.analysis.priorities.ranking import sensitivity_dict
from demine.serving.deps import DbDep, User

router = APIRouter(prefix="/api/v1", tags=["priorities"])

MethodQuery = Annotated[
    MethodName | None,
    Query(description="weighted or promethee (default: the profile's)"),
]
TopQuery = Annotated[int, Query(ge=1, le=10_000, description="Hazards returned")]


@router.get("/priorities")
def priorities(
    db: DbDep, who: User, method: MethodQuery = None, top: TopQuery = 50
) -> dict[str, Any]:
    """Open approved hazards ranked, with each criterion's contribution."""
    ranking = cached_ranking(db, method.value if method else None)
    return ranking.as_dict(top)


@router.get("/priorities/sensitivity")
def priorities_sensitivity(
    db: DbDep,
    who: User,
    method: MethodQuery = None,
    top: Annotated[int, Query(ge=1, le=1_000)] = 20,
) -> dict[str, Any]:
    """How the top ``top`` change when each weight moves by ±20%."""
    ranking = cached_ranking(db, method.value if method else None)
    return {"method": ranking.method, **sensitivity_dict(ranking.sensitivity(top))}
