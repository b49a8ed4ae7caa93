# SPDX-License-Identifier: GPL-3.0-or-later
"""Prioritisation over HTTP: the ranked open hazards and the weight sensitivity.

Every logged-in role may read them. The shipped default profile is used
(a profile file is a server-side choice, never a path a client sends).
A ranking is kept in memory until any record it reads from changes, so the
page and the API do not recompute a national ranking on every request.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import func, inspect, select

from demine.analysis.prioritisation import Ranking, prioritise, sensitivity_dict
from demine.api.deps import DbDep, User
from demine.store.bulk import table
from demine.store.database import Database
from demine.store.schema import Base

router = APIRouter(prefix="/api/v1", tags=["priorities"])

# Tables whose changes can change a ranking (the published risk included).
SOURCES = (
    "hazard",
    "place",
    "accident",
    "victim",
    "reference_feature",
    "team",
    "hazard_risk",
)
# Per open register (weakly held, so a closed one takes its rankings along).
_CACHE: weakref.WeakKeyDictionary[Database, dict[tuple[Any, ...], Ranking]] = (
    weakref.WeakKeyDictionary()
)
_LOCK = threading.Lock()
_KEPT = 4


class MethodName(StrEnum):
    weighted = "weighted"
    promethee = "promethee"


MethodQuery = Annotated[
    MethodName | None,
    Query(description="weighted or promethee (default: the profile's)"),
]
TopQuery = Annotated[int, Query(ge=1, le=10_000, description="Hazards returned")]


def _fingerprint(db: Database) -> tuple[Any, ...]:
    """Row counts and last changes of the source tables: cheap, changes on edit."""
    parts: list[Any] = []
    with db.transaction() as conn:
        present = set(inspect(conn).get_table_names())
        for name in SOURCES:
            if name not in present or name not in Base.metadata.tables:
                continue
            t = table(name)
            stamp = next(
                (t.c[c] for c in ("updated_at", "scored_at") if c in t.c),
                t.c[t.primary_key.columns.keys()[0]],
            )
            count, last = conn.execute(
                select(func.count(), func.max(stamp)).select_from(t)
            ).one()
            parts += [name, int(count), str(last)]
    return tuple(parts)


def cached_ranking(db: Database, method: str | None) -> Ranking:
    """The default profile's ranking, recomputed only when the register changed."""
    today = dt.date.today()
    key = (method, today, _fingerprint(db))
    with _LOCK:
        hit = _CACHE.get(db, {}).get(key)
    if hit is not None:
        return hit
    ranking = prioritise(db, method=method, today=today)
    with _LOCK:
        kept = _CACHE.setdefault(db, {})
        if len(kept) >= _KEPT:
            kept.pop(next(iter(kept)))
        kept[key] = ranking
    return ranking


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
