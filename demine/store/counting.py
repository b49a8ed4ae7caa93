# SPDX-License-Identifier: GPL-3.0-or-later
"""What counts in the national figures, written once.

A record counts once it is approved: a submitted record enters the figures
after review. Released land counts when the release is approved **and** its
hazard is approved, as the ledger credits it (:func:`demine.store.loading.
read_ledger_input` reads approved releases of approved hazards only): a
release on a hazard that is not approved is credited to no hazard's totals,
so counting it in a breakdown would make the breakdown disagree with them.

The summary (CLI, API, dashboard) and the reports read released area
through :func:`counted_release`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, select

from demine.domain.vocab import ReviewState
from demine.store.schema import Hazard, Release

APPROVED = ReviewState.APPROVED.value


def approved(model: Any) -> ColumnElement[bool]:
    """The records of ``model`` (a model or table) that count: approved ones."""
    cols = getattr(model, "c", model)
    return cols.review_state == APPROVED


def counted_release() -> ColumnElement[bool]:
    """The releases whose area counts: approved, on an approved hazard."""
    approved_hazards = select(Hazard.id).where(approved(Hazard))
    return and_(approved(Release), Release.hazard_id.in_(approved_hazards))
