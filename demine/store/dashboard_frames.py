# SPDX-License-Identifier: GPL-3.0-or-later
"""The columns the dashboard counts, read as numbers in one plain scan.

A million finds grouped by day, organisation, place, class and category in
SQL cost SQLite a sort of every row (20 s on the national register). Read as
they are, every value a number (days since 1970, vocabulary values as their
position in the vocabulary, -1 for none), the rows become one NumPy array in
one call and pandas groups them in milliseconds. The caller keeps each table's
frame until the table changes. What counts is :mod:`demine.store.counting`'s
rule: approved records; released land only on approved hazards (the caller
applies that with the hazards' ``approved`` column).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd
from sqlalchemy.engine import Connection

from demine.domain.vocab import EOCategory, HazardClass, Method, Outcome, ReleaseKind
from demine.store.queries import place_tree

NONE = -1
APPROVED = "review_state = 'approved'"
DAYS = {
    "sqlite": "coalesce(CAST(julianday({col}) - 2440587.5 AS INTEGER), -99999)",
    "postgresql": "coalesce({col} - DATE '1970-01-01', -99999)",
}
#: Days standing for "no date" (before any filter's first day).
NO_DAY = -99999
#: The vocabulary of each coded column.
CODES: dict[str, type[StrEnum]] = {
    "hazard_class": HazardClass,
    "kind": ReleaseKind,
    "method": Method,
    "category": EOCategory,
    "outcome": Outcome,
}
# (table, columns, SQL of each column, condition)
QUERIES: dict[str, tuple[str, list[str], list[str], str]] = {
    "hazards": (
        "hazard",
        ["id", "approved", "org", "place", "hazard_class", "area_m2", "remaining_m2"],
        ["id", f"CASE WHEN {APPROVED} THEN 1 ELSE 0 END", "{org}", "{place}",
         "{hazard_class}", "area_m2", "remaining_m2"],
        "",
    ),
    "releases": (
        "release",
        ["hazard_id", "activity_id", "day", "org", "kind", "effective_m2"],
        ["hazard_id", "coalesce(activity_id, -1)", "{released_on}", "{org}", "{kind}",
         "effective_m2"],
        APPROVED,
    ),
    "activities": ("activity", ["id", "method"], ["id", "{method}"], ""),
    "items": (
        "eo_item",
        ["hazard_id", "day", "org", "category", "quantity"],
        ["coalesce(hazard_id, -1)", "{found_on}", "{org}", "{category}", "quantity"],
        APPROVED,
    ),
    "accidents": (
        "accident",
        ["id", "day", "org", "place", "hazard_id"],
        ["id", "{occurred_on}", "{org}", "{place}", "coalesce(hazard_id, -1)"],
        APPROVED,
    ),
    "victims": ("victim", ["accident_id", "outcome"], ["accident_id", "{outcome}"],
                APPROVED),
}  # fmt: skip
#: The table each frame is read from (its changes change the frame).
TABLES = {name: q[0] for name, q in QUERIES.items()} | {"organisations": "organisation"}


@dataclass(frozen=True)
class DashboardFrames:
    """The register's rows the dashboard counts (columns as in
    :data:`QUERIES`), the organisations' names and the approved place tree."""

    hazards: pd.DataFrame
    releases: pd.DataFrame
    activities: pd.DataFrame
    items: pd.DataFrame
    accidents: pd.DataFrame
    victims: pd.DataFrame
    organisations: pd.DataFrame
    places: pd.DataFrame


def _code(column: str, vocabulary: type[StrEnum]) -> str:
    cases = " ".join(f"WHEN '{m.value}' THEN {i}" for i, m in enumerate(vocabulary))
    return f"CASE {column} {cases} ELSE {NONE} END"


def _sql(name: str, dialect: str) -> str:
    table, _names, exprs, where = QUERIES[name]
    days = DAYS[dialect]
    parts = {
        "org": f"coalesce(reported_by_id, {NONE})",
        "place": f"coalesce(admin_area_id, {NONE})",
        **{c: days.format(col=c) for c in ("released_on", "found_on", "occurred_on")},
        **{c: _code(c, v) for c, v in CODES.items()},
    }
    select = ", ".join(e.format(**parts) for e in exprs)
    return f'SELECT {select} FROM "{table}"' + (f" WHERE {where}" if where else "")


def read_frame(conn: Connection, name: str) -> pd.DataFrame:
    """The rows of frame ``name`` as numbers; coded columns hold the
    position of the value in :data:`CODES` (see :func:`decode`)."""
    if name == "organisations":
        rows = conn.exec_driver_sql(
            'SELECT id, coalesce(acronym, name) FROM "organisation"'
        ).all()
        return pd.DataFrame([tuple(r) for r in rows], columns=["id", "name"])
    names = QUERIES[name][1]
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(_sql(name, conn.dialect.name))
        rows = cursor.fetchall()
    finally:
        cursor.close()
    values = np.array(rows, dtype=np.float64).reshape(len(rows), len(names))
    return pd.DataFrame(values, columns=names)


def code(column: str, value: str) -> int:
    """The code of a vocabulary value in a coded column (-1: not in it)."""
    values = [m.value for m in CODES[column]]
    return values.index(value) if value in values else NONE


def decode(column: str, codes: np.ndarray) -> np.ndarray:
    """Vocabulary values of ``codes`` (None where there is none)."""
    values = np.array([m.value for m in CODES[column]] + [None], dtype=object)
    index = codes.astype(np.int64)
    return values[np.where(index < 0, len(values) - 1, index)]


def read_places(conn: Connection) -> pd.DataFrame:
    """The approved place tree (small: read every time)."""
    return place_tree(conn)
