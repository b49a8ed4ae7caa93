# SPDX-License-Identifier: GPL-3.0-or-later
"""Records taken back by their source: read by key prefix, withdrawn, reinstated.

A withdrawn record keeps its row, its id and its audit trail, and counts in
no figure (figures read approved records only); reinstating it makes it
approved again. Both happen inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy.engine import Connection

from demine.domain.vocab import ReviewState
from demine.store.bulk import read_frame, table
from demine.store.upsert import update_frame


def records_by_prefix(conn: Connection, kind: str, prefix: str) -> pd.DataFrame:
    """``id``, ``external_id`` and ``review_state`` of the records of ``kind``
    whose external id starts with ``prefix`` (every keyed record for "")."""
    tbl = table(kind)
    column = tbl.c.external_id
    where = (
        column.startswith(prefix, autoescape=True) if prefix else column.is_not(None)
    )
    return read_frame(conn, kind, ("id", "external_id", "review_state"), where)


def set_review_state(
    conn: Connection, kind: str, ids: Sequence[int], state: ReviewState
) -> int:
    """Put the records ``ids`` of ``kind`` in ``state`` (a new version each)."""
    if not len(ids):
        return 0
    frame = pd.DataFrame(
        {"id": [int(i) for i in ids], "review_state": [state.value] * len(ids)}
    )
    return update_frame(conn, kind, frame)
