# SPDX-License-Identifier: GPL-3.0-or-later
"""National summary of the register: what is suspected, released, found, hurt."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Literal

import pandas as pd
from sqlalchemy.engine import Connection

from demine.analysis.admin_areas import MAX_DEPTH, ancestry, roll_up
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
    if by == "admin":
        return _by_admin(conn)
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


def _by_admin(conn: Connection) -> list[dict[str, Any]]:
    """By admin area, each with everything under it (a department holds its
    municipalities' releases and finds).

    Rows carry ``place_id``, ``place_type``, ``parent_id`` and ``depth``
    (0 for a top area) and come parents first, so the top areas (and the
    row of hazards without an area, ``key`` None) add up to the nation.
    """
    own: dict[Any, dict[str, Any]] = defaultdict(_empty_row)
    for key, kind, area in queries.released_by(conn, "admin"):
        own[key][f"{kind}_m2"] += area
        own[key]["released_m2"] += area
    for key, category, n in queries.items_by(conn, "admin"):
        own[key]["items"][category] = n
        own[key]["items_total"] += n
    places = queries.place_tree(conn)
    flat = pd.DataFrame(
        [
            {k: v for k, v in row.items() if k != "items"}
            | {f"item:{c}": n for c, n in row["items"].items()}
            for row in own.values()
        ],
        index=pd.Index(list(own), dtype=object),
    ).fillna(0)
    known = flat[flat.index.notna()]
    known.index = known.index.astype("int64")
    rolled = roll_up(known, places)
    info = places.set_index(pd.to_numeric(places["id"]).astype("int64"))
    depth = ancestry(places).groupby("place_id").size() - 1
    out = []
    for place_id, values in rolled.iterrows():
        pid = int(place_id)
        row = _row_from(values)
        parent = info["parent_id"].get(pid) if pid in info.index else None
        row.update(
            key=info["name"].get(pid, str(pid)),
            place_id=pid,
            place_type=str(info["place_type"].get(pid, "")) or None,
            parent_id=None if parent is None or pd.isna(parent) else int(parent),
            depth=int(depth.get(pid, 0)),
            path=_path(pid, info),
        )
        out.append(row)
    out.sort(key=lambda r: r.pop("path"))
    if flat.index.isna().any():
        row = _row_from(flat[flat.index.isna()].iloc[0])
        row.update(key=None, place_id=None, place_type=None, parent_id=None, depth=0)
        out.append(row)
    return out


def remaining_by_area(conn: Connection) -> list[tuple[str | None, int, str, float]]:
    """``(name, depth, place type, remaining m²)`` of every place with hazards
    in it or below it, parents first; hazards without an area last (name
    None)."""
    rows = queries.remaining_by_admin(conn)
    places = queries.place_tree(conn)
    own = pd.DataFrame(
        {"remaining_m2": [r for _k, _t, r in rows]},
        index=pd.Index([k for k, _t, _r in rows], dtype=object),
    )
    known = own[own.index.notna()]
    known.index = known.index.astype("int64")
    rolled = roll_up(known, places)
    info = places.set_index(pd.to_numeric(places["id"]).astype("int64"))
    depth = ancestry(places).groupby("place_id").size() - 1
    out: list[tuple[str | None, int, str, float]] = []
    for path, place_id, value in sorted(
        (_path(int(i), info), int(i), float(v))
        for i, v in rolled["remaining_m2"].items()
    ):
        kind = str(info["place_type"].get(place_id, ""))
        name = path[-1] if path else str(place_id)
        out.append((name, int(depth.get(place_id, 0)), kind, value))
    nowhere = own[own.index.isna()]
    if len(nowhere):
        out.append((None, 0, "", float(nowhere["remaining_m2"].sum())))
    return out


def _row_from(values: pd.Series) -> dict[str, Any]:
    row = _empty_row()
    for name, value in values.items():
        name = str(name)
        if name.startswith("item:"):
            if value:
                row["items"][name.removeprefix("item:")] = int(value)
        elif name == "items_total":
            row[name] = int(value)
        else:
            row[name] = float(value)
    row["items"] = dict(sorted(row["items"].items()))
    return row


def _path(place_id: int, info: pd.DataFrame) -> tuple[str, ...]:
    """Names from the top area down to this one, to sort parents first."""
    names: list[str] = []
    current: Any = place_id
    for _ in range(MAX_DEPTH):
        if current is None or pd.isna(current) or int(current) not in info.index:
            break
        names.append(str(info["name"].get(int(current))))
        current = info["parent_id"].get(int(current))
    return tuple(reversed(names))


def _empty_row() -> dict[str, Any]:
    row: dict[str, Any] = {f"{k.value}_m2": 0.0 for k in ReleaseKind}
    row.update(released_m2=0.0, items={}, items_total=0)
    return row


def dashboard(conn: Connection) -> dict[str, Any]:
    """What the dashboard shows: the national figures, the area released per
    year and per method, and the area remaining per admin area (largest first).

    The web page and ``GET /api/v1/dashboard`` both read it.
    """
    return {
        "figures": national_summary(conn),
        "by_year": [(r["key"], r["released_m2"]) for r in summary_by(conn, "year")],
        "by_method": [(r["key"], r["released_m2"]) for r in summary_by(conn, "method")],
        "remaining": top_areas(remaining_by_area(conn)),
    }


def top_areas(
    rows: list[tuple[str | None, int, str, float]],
) -> list[tuple[str | None, float]]:
    """Of :func:`remaining_by_area`'s rows, the highest admin level below the
    country (each with all it holds; the levels below are in the reports)
    and hazards without an area, largest first."""
    named = [r for r in rows if r[0] is not None and r[2] != "country"]
    top = min((d for _n, d, _k, _v in named), default=0)
    shown = [(n, v) for n, d, _k, v in named if d == top]
    shown += [(n, v) for n, _d, _k, v in rows if n is None]
    return sorted(shown, key=lambda t: -t[1])
