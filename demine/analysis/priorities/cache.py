# SPDX-License-Identifier: GPL-3.0-or-later
"""The default profile's ranking, kept until a record it reads from changes.

The API, the priorities page and tasking's weights read the ranking through
:func:`cached_ranking`, so a national ranking is not recomputed on every
request. Rankings are kept per open register (weakly held, so a closed one
takes its rankings along), at most :data:`KEPT` each.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from typing import Any

from demine.analysis.priorities.ranking import Ranking, prioritise
from demine.analysis.version_cache import cached
from demine.i18n import current_language
from demine.store.database import Database
from demine.store.fingerprint import tables_fingerprint

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
KEPT = 4
_CACHE: weakref.WeakKeyDictionary[Database, dict[tuple[Any, ...], Ranking]] = (
    weakref.WeakKeyDictionary()
)
_LOCK = threading.Lock()


def cached_ranking(db: Database, method: str | None) -> Ranking:
    """The default profile's ranking, recomputed only when the register changed."""
    today = dt.date.today()
    # The ranking's notes are written in the reader's language, so each
    # language keeps its own.
    sources = cached(db, "priorities:sources", lambda: _sources(db))
    key = (method, today, current_language(), sources)
    with _LOCK:
        hit = _CACHE.get(db, {}).get(key)
    if hit is not None:
        return hit
    ranking = prioritise(db, method=method, today=today)
    with _LOCK:
        kept = _CACHE.setdefault(db, {})
        if len(kept) >= KEPT:
            kept.pop(next(iter(kept)))
        kept[key] = ranking
    return ranking


def _sources(db: Database) -> tuple[Any, ...]:
    """The fingerprint of the ranking's tables (read once per register
    version: it counts rows of the whole hazard table)."""
    with db.transaction() as conn:
        return tables_fingerprint(conn, SOURCES)
