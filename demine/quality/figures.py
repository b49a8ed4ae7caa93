# SPDX-License-Identifier: GPL-3.0-or-later
"""Quality figures: inspection effort against items found, non-conformities
by organisation, method and team, time to close, monitoring scores.

The same figures feed the dashboard, the national report and the API.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy.engine import Connection

from demine.domain.vocab import InspectionResult, NonConformityStatus
from demine.store import quality as store


def _none(value: Any) -> Any:
    return (
        None
        if value is None or (isinstance(value, float) and pd.isna(value))
        else value
    )


def qa_figures(
    conn: Connection,
    start: dt.date | None = None,
    end: dt.date | None = None,
    *,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Every QA figure over inspections, NCs and visits dated in the period."""
    today = today or dt.date.today()
    insp = store.inspection_frame(conn, start, end)
    ncs = store.non_conformity_frame(conn, start, end)
    visits = store.visit_frame(conn, start, end)
    orgs = store.organisation_names(conn)
    teams = store.team_names(conn)
    return {
        "period": {
            "from": start.isoformat() if start else None,
            "to": end.isoformat() if end else None,
        },
        "inspections": _inspections(insp),
        "effort_by_year": _effort_by_year(insp),
        "non_conformities": _ncs(ncs, today),
        "by_organisation": _by(insp, ncs, "organisation_id", orgs),
        "by_method": _by(insp, ncs, "method", None),
        "by_team": _by(insp, ncs, "team_id", teams),
        "visits": _visits(visits),
    }


def _inspections(insp: pd.DataFrame) -> dict[str, Any]:
    rejected = int((insp["result"] == InspectionResult.REJECTED.value).sum())
    total = len(insp)
    inspected = float(insp["inspected_m2"].sum()) if total else 0.0
    items = int(insp["items_found"].fillna(0).sum()) if total else 0
    cost = (
        pd.to_numeric(insp.get("cost_usd"), errors="coerce") if total else pd.Series()
    )
    return {
        "lots": total,
        "accepted": total - rejected,
        "rejected": rejected,
        "rejection_rate": rejected / total if total else None,
        "lot_m2": float(insp["lot_m2"].sum()) if total else 0.0,
        "inspected_m2": inspected,
        "units_inspected": int(insp["units_inspected"].fillna(0).sum()) if total else 0,
        "items_found": items,
        "m2_per_item": inspected / items if items else None,
        "cost_usd": float(cost.sum()) if total else 0.0,
        "cost_coverage": float(cost.notna().mean()) if total else None,
    }


def _effort_by_year(insp: pd.DataFrame) -> list[dict[str, Any]]:
    if insp.empty:
        return []
    year = pd.to_datetime(insp["inspected_on"]).dt.year
    out = []
    for y, group in insp.groupby(year, sort=True):
        items = int(group["items_found"].fillna(0).sum())
        inspected = float(group["inspected_m2"].sum())
        out.append(
            {
                "year": int(y),
                "lots": len(group),
                "rejected": int((group["result"] == "rejected").sum()),
                "inspected_m2": inspected,
                "items_found": items,
                "m2_per_item": inspected / items if items else None,
            }
        )
    return out


def _ncs(ncs: pd.DataFrame, today: dt.date) -> dict[str, Any]:
    if ncs.empty:
        return {
            "raised": 0,
            "open": 0,
            "overdue": 0,
            "closed": 0,
            "days_to_close_median": None,
            "days_to_close_mean": None,
            "by_severity": {},
            "by_root_cause": {},
        }
    closed = ncs[ncs["status"] == NonConformityStatus.CLOSED.value]
    days = (
        pd.to_datetime(closed["closed_on"]) - pd.to_datetime(closed["raised_on"])
    ).dt.days
    not_closed = ncs[ncs["status"] != NonConformityStatus.CLOSED.value]
    due = pd.to_datetime(not_closed["due_on"])
    overdue = int((due.notna() & (due < pd.Timestamp(today))).sum())
    return {
        "raised": len(ncs),
        "open": len(not_closed),
        "overdue": overdue,
        "closed": len(closed),
        "days_to_close_median": _none(float(days.median())) if len(days) else None,
        "days_to_close_mean": _none(float(days.mean())) if len(days) else None,
        "by_severity": {
            str(k): int(v) for k, v in ncs["severity"].value_counts().items()
        },
        "by_root_cause": {
            str(k): int(v) for k, v in ncs["root_cause"].dropna().value_counts().items()
        },
    }


def _by(
    insp: pd.DataFrame,
    ncs: pd.DataFrame,
    column: str,
    names: dict[int, str] | None,
) -> list[dict[str, Any]]:
    keys = set(insp[column].dropna().tolist()) | set(ncs[column].dropna().tolist())
    out = []
    for key in sorted(keys, key=str):
        i = insp[insp[column] == key]
        n = ncs[ncs[column] == key]
        closed = n[n["status"] == NonConformityStatus.CLOSED.value]
        days = (
            pd.to_datetime(closed["closed_on"]) - pd.to_datetime(closed["raised_on"])
        ).dt.days
        label = names.get(int(key), str(key)) if names is not None else str(key)
        out.append(
            {
                "key": key.item() if hasattr(key, "item") else key,
                "label": label,
                "lots": len(i),
                "rejected": int((i["result"] == "rejected").sum()),
                "items_found": int(i["items_found"].fillna(0).sum()),
                "non_conformities": len(n),
                "open": int((n["status"] != NonConformityStatus.CLOSED.value).sum()),
                "days_to_close_median": _none(float(days.median()))
                if len(days)
                else None,
            }
        )
    return out


def _visits(visits: pd.DataFrame) -> dict[str, Any]:
    if visits.empty:
        return {"visits": 0, "mean_score": None, "by_outcome": {}}
    return {
        "visits": len(visits),
        "mean_score": float(visits["score"].mean()),
        "by_outcome": {
            str(k): int(v) for k, v in visits["outcome"].value_counts().items()
        },
    }
