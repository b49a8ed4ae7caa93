# SPDX-License-Identifier: GPL-3.0-or-later
"""Cost efficiency: USD per m² released and per item found, with coverage.

Costs are what operators report per activity (``activity.cost_usd``);
ground is what the ledger credits the activity's approved releases
(``effective_m2``, so ground released twice counts once); items are the
approved EO items its teams found. Many registers record cost for some
activities only, so each figure is computed over the activities that have a
cost, and the **coverage** says how much of the work that is: the share of
activities with a cost, and the share of released ground and of items
found by them. A figure over 20 % coverage describes that 20 %, not the
whole.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.engine import Connection

from demine.errors import RecordError
from demine.store import quality as store

GROUPINGS = ("organisation", "method", "year")


def cost_efficiency(
    conn: Connection,
    by: Sequence[str] = GROUPINGS,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict[str, Any]:
    """Cost per m² and per item, grouped ``by`` organisation, method and/or year.

    Only activities that ended (or, without an end, started) from ``start``
    to ``end`` count, when those are given.

    Returns ``{"by": [...], "rows": [...], "total": {...}}``; each row has
    ``activities``, ``costed``, ``cost_usd``, ``released_m2``,
    ``costed_m2``, ``items``, ``costed_items``, ``usd_per_m2``,
    ``usd_per_item``, ``coverage_activities``, ``coverage_m2`` and
    ``coverage_items`` (shares 0–1; None where there is nothing to share).
    """
    unknown = [b for b in by if b not in GROUPINGS]
    if unknown:
        raise RecordError(
            f"cannot group by {', '.join(unknown)}; use {', '.join(GROUPINGS)}",
            field="by",
        )
    frame = store.activity_cost_frame(conn)
    when = frame["end_date"].where(frame["end_date"].notna(), frame["start_date"])
    if start is not None:
        frame = frame[when.notna() & (when >= start)]
        when = when[frame.index]
    if end is not None:
        frame = frame[when.notna() & (when <= end)]
    frame = frame.reset_index(drop=True)
    names = store.organisation_names(conn)
    frame["organisation"] = frame["organisation_id"].map(names).fillna("—")
    frame["method"] = frame["method"].fillna("—")
    day = pd.to_datetime(frame["end_date"].fillna(frame["start_date"]))
    frame["year"] = day.dt.year.astype("Int64").astype(object).where(day.notna(), "—")
    costed = pd.to_numeric(frame["cost_usd"], errors="coerce")
    frame["costed"] = costed.notna() & (costed > 0)
    frame["cost_usd"] = costed.where(frame["costed"], 0.0)
    frame["released_m2"] = pd.to_numeric(frame["released_m2"]).fillna(0.0)
    frame["items"] = pd.to_numeric(frame["items"]).fillna(0).astype(int)
    frame["costed_m2"] = frame["released_m2"].where(frame["costed"], 0.0)
    frame["costed_items"] = frame["items"].where(frame["costed"], 0)
    keys = list(by)
    rows = (
        [
            _figures(
                group,
                dict(zip(keys, key if isinstance(key, tuple) else (key,), strict=True)),
            )
            for key, group in frame.groupby(keys, sort=True)
        ]
        if keys
        else []
    )
    return {"by": keys, "rows": rows, "total": _figures(frame, {})}


def _share(part: float, whole: float) -> float | None:
    return float(part / whole) if whole else None


def _ratio(num: float, den: float) -> float | None:
    return float(num / den) if den else None


def _figures(group: pd.DataFrame, key: dict[str, Any]) -> dict[str, Any]:
    cost = float(group["cost_usd"].sum())
    released = float(group["released_m2"].sum())
    costed_m2 = float(group["costed_m2"].sum())
    items = int(group["items"].sum())
    costed_items = int(group["costed_items"].sum())
    activities = len(group)
    costed = int(np.count_nonzero(group["costed"].to_numpy(dtype=bool)))
    return {
        **{k: (v.item() if hasattr(v, "item") else v) for k, v in key.items()},
        "activities": activities,
        "costed": costed,
        "cost_usd": cost,
        "released_m2": released,
        "costed_m2": costed_m2,
        "items": items,
        "costed_items": costed_items,
        "usd_per_m2": _ratio(cost, costed_m2),
        "usd_per_item": _ratio(cost, costed_items),
        "coverage_activities": _share(costed, activities),
        "coverage_m2": _share(costed_m2, released),
        "coverage_items": _share(costed_items, items),
    }
