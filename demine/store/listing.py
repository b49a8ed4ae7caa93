# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading records for the API: who sees what, filters, paging, sorting.

Visibility: anonymous readers and viewers see approved records only; a clerk
also sees every record reported by their own organisation (drafts included);
reviewers and administrators see everything. Records naming a person
(:data:`demine.store.personal.PERSONAL`) are read only by administrators and
the person's organisation.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry
from sqlalchemy import ColumnElement, Table, and_, func, or_, select, true
from sqlalchemy.orm import Session

from demine.domain.labels import kind_word
from demine.domain.vocab import ReviewState, Role
from demine.errors import NotFoundError, RecordError
from demine.i18n import _
from demine.store.backends import backend_of
from demine.store.database import Database
from demine.store.personal import PERSONAL, personal_clause
from demine.store.schema import (
    Accident,
    Accreditation,
    AccreditationSuspension,
    Activity,
    Attendance,
    Base,
    Certificate,
    Course,
    EOItem,
    EORESession,
    Funding,
    Hazard,
    Inspection,
    MonitoringVisit,
    NonConformity,
    Organisation,
    Person,
    Place,
    QMFinding,
    Release,
    SampleUnit,
    Team,
    TrainingSession,
    Victim,
)
from demine.store.users import Principal

MODELS: dict[str, type[Base]] = {
    m.__tablename__: m
    for m in (
        Hazard,
        Activity,
        Release,
        EOItem,
        Accident,
        Victim,
        Organisation,
        Team,
        Place,
        EORESession,
        QMFinding,
        Funding,
        Inspection,
        SampleUnit,
        NonConformity,
        MonitoringVisit,
        Accreditation,
        AccreditationSuspension,
        Course,
        TrainingSession,
        Person,
        Attendance,
        Certificate,
    )
}
# The date a record is "of", for from/to filters; others use created_at.
DATE_COLUMNS = {
    "hazard": "recorded_on",
    "activity": "start_date",
    "release": "released_on",
    "eo_item": "found_on",
    "accident": "occurred_on",
    "inspection": "inspected_on",
    "non_conformity": "raised_on",
    "monitoring_visit": "visited_on",
    "training_session": "starts_on",
    "certificate": "issued_on",
}
GEOMETRY_COLUMNS = {
    "hazard": "geom",
    "release": "geom",
    "eo_item": "geom",
    "accident": "geom",
    "eore_session": "geom",
    "place": "location",
    "team": "base",
    "inspection": "geom",
    "sample_unit": "geom",
}


@dataclass(frozen=True)
class Filters:
    """What a list request asks for; every field is optional."""

    bbox: tuple[float, float, float, float] | None = None
    admin_area_id: int | None = None
    organisation_id: int | None = None
    status: str | None = None
    review_state: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def model_for(kind: str) -> type[Base]:
    if kind not in MODELS:
        raise NotFoundError(_("no such kind of record: %(kind)r", kind=kind_word(kind)))
    return MODELS[kind]


def visible(source: type[Base] | Table, who: Principal | None) -> ColumnElement[bool]:
    """The rows of ``source`` (a model or its table) that ``who`` may read.

    The one visibility rule: the API, the OGC API, tiles, the web pages and
    filtered exports all read through it. Rows naming a person also pass
    :func:`demine.store.personal.personal_clause`.
    """
    name = source.name if isinstance(source, Table) else source.__tablename__
    reviewed = _reviewed(source, who)
    if name in PERSONAL:
        return and_(reviewed, personal_clause(MODELS[name], who))
    return reviewed


def _reviewed(source: type[Base] | Table, who: Principal | None) -> ColumnElement[bool]:
    """Approved rows, and a clerk's own organisation's; everything for reviewers."""
    cols: Any = source.c if isinstance(source, Table) else source
    approved = cols.review_state == ReviewState.APPROVED
    if who is None or who.reads_approved_only:
        return approved
    if who.role is Role.CLERK:
        if who.organisation_id is None:
            return approved
        return or_(approved, cols.reported_by_id == who.organisation_id)
    return true()


def visible_rows(table: Table, who: Principal | None) -> ColumnElement[bool] | None:
    """:func:`visible` for any table: None (no filter) for a table without
    review states (catalogues such as the EO models)."""
    return visible(table, who) if "review_state" in table.c else None


def visibility_class(who: Principal | None) -> str:
    """Readers who see exactly the same records share a class.

    Mirrors :func:`visible`: approved only for anonymous
    readers and viewers (and clerks without an organisation), approved plus
    their own organisation's records for clerks, everything for reviewers and
    administrators. Personal records, which split readers further by
    organisation, are in no layer that is cached by class.
    """
    if who is None or who.reads_approved_only:
        return "approved"
    if who.role is Role.CLERK:
        if who.organisation_id is None:
            return "approved"
        return f"org{who.organisation_id}"
    return "all"


def children_of(
    db: Database, kind: str, link: str, parent_id: int, who: Principal, limit: int
) -> list[dict[str, Any]]:
    """The records of ``kind`` whose ``link`` column names ``parent_id`` (the
    items typed on a parent's form), those ``who`` may see, by id."""
    model = MODELS[kind]
    column = model.__table__.c[link]
    with db.session() as session:
        found = session.scalars(
            select(model)
            .where(column == parent_id, visible(model, who))
            .order_by(model.__table__.c.id)
            .limit(limit)
        ).all()
        return [to_dict(obj) for obj in found]


def to_dict(obj: Base) -> dict[str, Any]:
    """A record as JSON-ready values: enums as text, dates ISO, geometry GeoJSON."""
    out: dict[str, Any] = {}
    for col in obj.__table__.columns:
        out[col.key] = json_value(getattr(obj, col.key))
    return out


_PLAIN = frozenset({int, float, str, bool, list, dict, type(None)})


def json_value(value: Any) -> Any:
    if type(value) in _PLAIN:
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, BaseGeometry):
        return _lists(mapping(value))
    return value


def _lists(value: Any) -> Any:
    # shapely's mapping() nests tuples; JSON columns and clients want lists.
    if isinstance(value, tuple | list):
        return [_lists(v) for v in value]
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    return value


def _where(
    session: Session, kind: str, model: type[Base], f: Filters
) -> list[ColumnElement[bool]]:
    cols = model.__table__.c
    clauses: list[ColumnElement[bool]] = []
    if f.bbox is not None:
        clauses.append(bbox_clause(session, kind, model, f.bbox))
    if f.admin_area_id is not None:
        if "admin_area_id" not in cols:
            raise RecordError(
                _("%(kind)s has no admin area", kind=kind_word(kind)),
                field="admin_area_id",
            )
        clauses.append(cols.admin_area_id == f.admin_area_id)
    if f.organisation_id is not None:
        col = cols.organisation_id if "organisation_id" in cols else cols.reported_by_id
        clauses.append(col == f.organisation_id)
    if f.status is not None:
        if "status" not in cols:
            raise RecordError(
                _("%(kind)s has no status", kind=kind_word(kind)), field="status"
            )
        clauses.append(cols.status == _vocab_value(cols.status, f.status))
    if f.review_state is not None:
        value = _vocab_value(cols.review_state, f.review_state)
        clauses.append(cols.review_state == value)
    date_col = cols[DATE_COLUMNS.get(kind, "created_at")]
    if f.date_from is not None:
        clauses.append(date_col >= f.date_from)
    if f.date_to is not None:
        clauses.append(date_col <= f.date_to)
    return clauses


def _vocab_value(column: Any, value: str) -> str:
    allowed = list(getattr(column.type, "enums", []))
    if allowed and value not in allowed:
        raise RecordError(
            _(
                "%(value)r is not one of %(values)s",
                value=value,
                values=", ".join(allowed),
            ),
            field=column.key,
        )
    return value


def bbox_clause(
    session: Session,
    kind: str,
    model: type[Base],
    bbox: tuple[float, float, float, float],
) -> ColumnElement[bool]:
    cols = model.__table__.c
    west, south, east, north = bbox
    if "min_lon" in cols:
        overlap = and_(
            cols.max_lon >= west,
            cols.min_lon <= east,
            cols.max_lat >= south,
            cols.min_lat <= north,
        )
        if "geom" in cols and backend_of(session).spatial_sql:
            # The GiST index finds the rows and gives the planner a true row
            # estimate (with the columns alone it walked the primary key for
            # ORDER BY id, filtering 100,000 hazards); its float4 boxes are
            # rounded outwards, so the columns still decide the edges.
            envelope = func.ST_MakeEnvelope(*bbox, 4326)
            return and_(cols.geom.op("&&")(envelope), overlap)
        return overlap
    name = GEOMETRY_COLUMNS.get(kind)
    if name is None:
        raise RecordError(
            _("%(kind)s has no location", kind=kind_word(kind)), field="bbox"
        )
    geom = cols[name]
    if backend_of(session).spatial_sql:
        return func.ST_Intersects(geom, func.ST_MakeEnvelope(*bbox, 4326))
    # SQLite keeps points as WKB without bbox columns: test them in Shapely,
    # vectorised, and filter by the matching ids.
    rows = session.execute(select(cols.id, geom).where(geom.is_not(None))).all()
    if not rows:
        return cols.id.in_([])
    ids = np.array([r[0] for r in rows])
    geoms = np.array([r[1] for r in rows], dtype=object)
    hit = shapely.intersects(geoms, shapely.box(*bbox))
    return cols.id.in_(ids[hit].tolist())


def _order(model: type[Base], sort: str | None) -> list[Any]:
    cols = model.__table__.c
    if not sort:
        return [cols.id]
    name = sort.lstrip("-")
    if name not in cols or name in GEOMETRY_COLUMNS.values():
        raise RecordError(_("cannot sort by %(name)r", name=name), field="sort")
    col = cols[name]
    return [col.desc() if sort.startswith("-") else col.asc(), cols.id]


def list_records(
    db: Database,
    kind: str,
    who: Principal | None,
    filters: Filters | None = None,
    *,
    limit: int = 100,
    offset: int = 0,
    sort: str | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """One page of the records ``who`` may see, and how many match in all."""
    model = model_for(kind)
    filters = filters or Filters()
    columns = list(model.__table__.columns)
    with db.session() as session:
        where = [visible(model, who), *_where(session, kind, model, filters)]
        total = session.scalar(select(func.count()).select_from(model).where(*where))
        # Plain rows, not ORM objects: the same values at a third of the cost.
        rows = session.execute(
            select(*columns)
            .where(*where)
            .order_by(*_order(model, sort))
            .limit(limit)
            .offset(offset)
        ).all()
    names = [c.key for c in columns]
    return [
        {n: json_value(v) for n, v in zip(names, row, strict=True)} for row in rows
    ], int(total or 0)


def feature_page(
    db: Database,
    kind: str,
    who: Principal | None,
    filters: Filters | None = None,
    *,
    limit: int = 100,
    offset: int = 0,
    exclude: Sequence[str] = ("benchmark",),
    total: int | None = None,
) -> tuple[list[str], int]:
    """One page of records as GeoJSON Feature texts, and how many match in all.

    The same records and values as :func:`list_records`, serialised without
    ORM objects: rows come back as tuples and geometry is written by GEOS for
    the whole page at once, which is what makes feature queries cheap.
    Columns in ``exclude`` are left out of the properties; a ``total`` known
    already (from an earlier page) saves counting again.
    """
    model = model_for(kind)
    filters = filters or Filters()
    geom_name = GEOMETRY_COLUMNS.get(kind)
    columns = [c for c in model.__table__.columns if c.key not in (geom_name, *exclude)]
    selected = [*columns]
    if geom_name is not None:
        selected.append(model.__table__.c[geom_name])
    with db.session() as session:
        where = [visible(model, who), *_where(session, kind, model, filters)]
        if total is None:
            counted = select(func.count()).select_from(model).where(*where)
            total = int(session.scalar(counted) or 0)
        rows = session.execute(
            select(*selected)
            .where(*where)
            .order_by(*_order(model, None))
            .limit(limit)
            .offset(offset)
        ).all()
    if geom_name is not None:
        geoms = np.empty(len(rows), dtype=object)
        geoms[:] = [row[-1] for row in rows]
        texts = shapely.to_geojson(geoms).tolist() if len(rows) else []
    else:
        texts = [None] * len(rows)
    names = [c.key for c in columns]
    features = []
    for row, geometry in zip(rows, texts, strict=True):
        props = {n: json_value(v) for n, v in zip(names, row, strict=False)}
        ident, body = json.dumps(props["id"]), json.dumps(props)
        features.append(
            f'{{"type": "Feature", "id": {ident}, "geometry": {geometry or "null"},'
            f' "properties": {body}}}'
        )
    return features, total


def get_record(
    db: Database, kind: str, record_id: int, who: Principal | None
) -> dict[str, Any]:
    """One record ``who`` may see; a hidden record is as absent as a missing one."""
    model = model_for(kind)
    with db.session() as session:
        obj = session.scalars(
            select(model).where(model.id == record_id, visible(model, who))  # type: ignore[attr-defined]
        ).first()
        if obj is None:
            raise NotFoundError(
                _(
                    "no %(kind)s with id %(record_id)s",
                    kind=kind_word(kind),
                    record_id=record_id,
                )
            )
        return to_dict(obj)


def count_visible_rows(db: Database, kinds: Sequence[str], who: Principal) -> int:
    """How many rows of the tables ``kinds`` ``who`` may read, in all: the
    size of an export, known before it is written."""
    total = 0
    with db.session() as session:
        for kind in kinds:
            table = Base.metadata.tables[kind]
            query = select(func.count()).select_from(table)
            where = visible_rows(table, who)
            if where is not None:
                query = query.where(where)
            total += int(session.scalar(query) or 0)
    return total
