# SPDX-License-Identifier: GPL-3.0-or-later
"""What a record points at and what points at it, by name, for people.

A record page names its hazard, organisation or team instead of showing
their ids, lists the records that belong to it (a hazard's activities,
releases, finds and accidents; an accident's victims), and a form's picker
finds a record by a few letters of its name. All three read through
:func:`demine.store.listing.visible`: a record a reader may not see is
neither named, listed nor offered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Table, cast, func, or_, select
from sqlalchemy.types import String

from demine.store.database import Database
from demine.store.listing import MODELS, to_dict, visible_rows
from demine.store.schema import Base
from demine.store.users import Principal

#: Which kind of record each reference field points at.
REFERENCES: dict[str, str] = {
    "hazard_id": "hazard",
    "activity_id": "activity",
    "accident_id": "accident",
    "organisation_id": "organisation",
    "reported_by_id": "organisation",
    "provider_id": "organisation",
    "donor_id": "organisation",
    "recipient_id": "organisation",
    "team_id": "team",
    "admin_area_id": "place",
    "settlement_id": "place",
    "place_id": "place",
    "parent_id": "place",
    "eo_model_id": "eo_model",
    "inspection_id": "inspection",
    "reopened_hazard_id": "hazard",
    "person_id": "person",
    "course_id": "course",
}
# The column that names a record of each kind, where it is not "name".
NAME_COLUMNS: dict[str, str] = {
    "eo_model": "model",
    "person": "full_name",
    "course": "title",
}
#: The records listed on a record's page: (kind, the field that links them).
LINKED: dict[str, tuple[tuple[str, str], ...]] = {
    "hazard": (
        ("activity", "hazard_id"),
        ("release", "hazard_id"),
        ("eo_item", "hazard_id"),
        ("accident", "hazard_id"),
    ),
    "activity": (("release", "activity_id"), ("eo_item", "activity_id")),
    "accident": (("victim", "accident_id"),),
    "organisation": (("team", "organisation_id"),),
    "place": (("place", "parent_id"),),
}
#: Kinds a form's picker can search.
SEARCHABLE = frozenset(
    {"hazard", "activity", "accident", "organisation", "team", "place", "eo_model"}
)


@dataclass(frozen=True)
class Linked:
    """The records of ``kind`` whose ``link`` names the record shown."""

    kind: str
    link: str
    rows: list[dict[str, Any]]
    total: int


def _table(kind: str) -> Table:
    return Base.metadata.tables[kind]


def _name_column(table: Table) -> Any:
    column = NAME_COLUMNS.get(table.name, "name")
    return table.c.get(column)


def names(
    db: Database, wanted: Mapping[str, Iterable[int]], who: Principal | None
) -> dict[tuple[str, int], str]:
    """``(kind, id)`` -> the record's name, for the records ``who`` may see.

    A record without a name is named by its external id if it has one;
    records ``who`` may not see are left out (shown as a plain number).
    """
    out: dict[tuple[str, int], str] = {}
    with db.session() as session:
        for kind, ids in wanted.items():
            table = _table(kind)
            wanted_ids = sorted({int(i) for i in ids})
            if not wanted_ids:
                continue
            name = _name_column(table)
            columns = [table.c.id, table.c.external_id]
            if name is not None:
                columns.append(name)
            query = select(*columns).where(table.c.id.in_(wanted_ids))
            where = visible_rows(table, who)
            if where is not None:
                query = query.where(where)
            for row in session.execute(query):
                label = row[2] if name is not None and row[2] else row[1]
                out[(kind, int(row[0]))] = str(label) if label else ""
    return out


def linked(
    db: Database, kind: str, record_id: int, who: Principal | None, limit: int = 20
) -> list[Linked]:
    """The records that belong to this one (``LINKED``), newest first, with
    how many there are in all."""
    out: list[Linked] = []
    with db.session() as session:
        for child, link in LINKED.get(kind, ()):
            model = MODELS[child]
            table = _table(child)
            where: list[ColumnElement[bool]] = [table.c[link] == record_id]
            seen = visible_rows(table, who)
            if seen is not None:
                where.append(seen)
            total = (
                session.scalar(select(func.count()).select_from(table).where(*where))
                or 0
            )
            if not total:
                continue
            rows = session.scalars(
                select(model).where(*where).order_by(table.c.id.desc()).limit(limit)
            ).all()
            out.append(Linked(child, link, [to_dict(r) for r in rows], int(total)))
    return out


def search(
    db: Database, kind: str, text: str, who: Principal | None, limit: int = 20
) -> list[dict[str, Any]]:
    """Records of ``kind`` ``who`` may see whose name, external id or number
    matches ``text``: ``{"id", "name"}``, best (shortest name) first."""
    table = _table(kind)
    name = _name_column(table)
    label = name if name is not None else table.c.external_id
    query = select(table.c.id, label, table.c.external_id)
    where = visible_rows(table, who)
    if where is not None:
        query = query.where(where)
    text = text.strip()
    if text:
        pattern = f"%{text.lower()}%"
        matches: list[ColumnElement[bool]] = [
            func.lower(label).like(pattern),
            func.lower(table.c.external_id).like(pattern),
        ]
        if text.isdigit():
            matches.append(cast(table.c.id, String) == text)
        query = query.where(or_(*matches))
    query = query.order_by(func.length(label), label, table.c.id).limit(limit)
    with db.session() as session:
        return [
            {"id": int(i), "name": str(n or ext or "")}
            for i, n, ext in session.execute(query)
        ]
