# SPDX-License-Identifier: GPL-3.0-or-later
"""National summary of the register: what is suspected, released, found, hurt."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Literal

from sqlalchemy.engine import Connection

from demine.domain.vocab import ReleaseKind
from demine.store import queries

Grouping = Literal["admin", "org", "method", "year"]
GROUPINGS: tuple[str, ...] = ("admin", "org", "method", "year")


def national_summary(conn: Connection) -> dict[str, Any]:
    """The national figures in m² (and counts), from approved records only.

    Returns
    -------
    dict
        ``hazards`` (count), ``hazards_by_status``, ``area_m2`` with ``total``,
        ``cancelled``, ``reduced``, ``cleared``, ``released`` and
        ``remaining``; ``items`` by category and ``items_total``;
        ``casualties`` with ``killed``, ``injured`` and ``accidents``.

    Examples
    --------
    >>> from demine.store.database import Database
    >>> db = Database("sqlite://"); db.upgrade()
    >>> with db.transaction() as conn:
    ...     national_summary(conn)["area_m2"]["total"]
    0.0
    """
    totals = queries.hazard_totals(conn)
    released = totals["cancelled"] + totals["reduced"] + totals["cleared"]
    items = queries.items_by_category(conn)
    victims = queries.casualties(conn)
    return {
        "hazards": int(totals["hazards"]),
        "hazards_by_status": queries.hazards_by_status(conn),
        "area_m2": {
            "total": float(totals["total"]),
            "cancelled": float(totals["cancelled"]),
            "reduced": float(totals["reduced"]),
            "cleared": float(totals["cleared"]),
            "released": float(released),
            "remaining": float(totals["remaining"]),
        },
        "items": dict(sorted(items.items())),
        "items_total": sum(items.values()),
        "casualties": {
            "killed": victims.get("killed", 0),
            "injured": victims.get("injured", 0),
            "accidents": queries.accidents_count(conn),
        },
    }


def summary_by(conn: Connection, by: Grouping) -> list[dict[str, Any]]:
    """Area released by kind and items found by category, per group.

    ``by`` is ``admin``, ``org``, ``method`` or ``year``. Rows are sorted by
    group; a group with no value (say, a release with no activity) is
    reported under ``None`` rather than dropped, so the rows add up to the
    national total.
    """
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}: use one of {', '.join(GROUPINGS)}")
    rows: dict[Any, dict[str, Any]] = defaultdict(_empty_row)
    for key, kind, area in queries.released_by(conn, by):
        rows[key][f"{kind}_m2"] += area
        rows[key]["released_m2"] += area
    for key, category, n in queries.items_by(conn, by):
        rows[key]["items"][category] = n
        rows[key]["items_total"] += n
    return [
        {"key": key, **rows[key]}
        for key in sorted(rows, key=lambda k: (k is None, str(k)))
    ]


def _empty_row() -> dict[str, Any]:
    row: dict[str, Any] = {f"{k.value}_m2": 0.0 for k in ReleaseKind}
    row.update(released_m2=0.0, items={}, items_total=0)
    return row


def dashboard(conn: Connection) -> dict[str, Any]:
    """What the dashboard shows: the national figures, the area released per
    year and per method, and the area remaining per admin area (largest first).

    The web page and ``GET /api/v1/dashboard`` both read it.
    """
    remaining = sorted(queries.remaining_by_admin(conn), key=lambda t: -t[2])
    return {
        "figures": national_summary(conn),
        "by_year": [(r["key"], r["released_m2"]) for r in summary_by(conn, "year")],
        "by_method": [(r["key"], r["released_m2"]) for r in summary_by(conn, "method")],
        "remaining": [(key, left) for key, _total, left in remaining],
    }
