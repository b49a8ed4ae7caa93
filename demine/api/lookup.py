# SPDX-License-Identifier: GPL-3.0-or-later
"""``GET /api/v1/search/{kind}?q=``: records found by a few letters of
their name, external id or number, for the pickers of the entry forms.

Only records the caller may see are offered (the one visibility rule).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query

from demine.serving.deps import DbDep, User
from demine.store.record_links import SEARCHABLE, search

router = APIRouter(prefix="/api/v1", tags=["records"])

SearchKind = StrEnum("SearchKind", {k: k for k in sorted(SEARCHABLE)})  # type: ignore[misc]


@router.get("/search/{kind}")
def search_records(
    kind: SearchKind,
    db: DbDep,
    who: User,
    q: Annotated[str, Query(max_length=100, description="Letters of the name")] = "",
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> list[dict[str, Any]]:
    """Records of ``kind`` whose name, external id or number matches ``q``
    (``{"id", "name"}``, shortest names first)."""
    return search(db, kind.value, q, who, limit)
