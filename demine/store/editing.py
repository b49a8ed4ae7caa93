# SPDX-License-Identifier: GPL-3.0-or-later
"""Adding records one by one, under the register's rules, all or nothing.

Each call checks every record with :mod:`demine.domain.records` and the
status rules of :mod:`demine.domain.status`, writes them in one transaction
and keeps the land-release ledger of every touched hazard current. The first
bad record raises a :class:`~demine.errors.RecordError` naming it and the
field; nothing of the batch is written.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.orm import Session

from demine.domain import records, status
from demine.domain.labels import kind_word
from demine.domain.vocab import HazardStatus, ReviewState, Role
from demine.errors import RecordError
from demine.geo.area import geodesic_area
from demine.i18n import _
from demine.store.accreditation import check_activity_scope
from demine.store.database import Database
from demine.store.derived import BBOX, run_ledger
from demine.store.listing import visible
from demine.store.schema import (
    Accident,
    Activity,
    Base,
    EOItem,
    Hazard,
    Inspection,
    MonitoringVisit,
    Organisation,
    Release,
    Team,
    Victim,
)
from demine.store.users import Principal

GEOMETRY_FIELDS = ("geom", "benchmark")
Checker = Callable[..., dict[str, Any]]

# kind -> (model, record check, does the check take `today`)
KINDS: dict[str, tuple[type[Base], Checker, bool]] = {
    "hazard": (Hazard, records.check_hazard, True),
    "activity": (Activity, records.check_activity, True),
    "release": (Release, records.check_release, True),
    "eo_item": (EOItem, records.check_eo_item, True),
    "accident": (Accident, records.check_accident, True),
    "victim": (Victim, records.check_victim, False),
}

# Which foreign keys each kind may carry, and the model they must exist in.
REFERENCES: dict[str, Mapping[str, type[Base]]] = {
    "activity": {"hazard_id": Hazard, "organisation_id": Organisation},
    "release": {"hazard_id": Hazard, "activity_id": Activity},
    "eo_item": {"hazard_id": Hazard, "activity_id": Activity},
    "accident": {"hazard_id": Hazard},
    "victim": {"accident_id": Accident},
    "non_conformity": {
        "organisation_id": Organisation,
        "team_id": Team,
        "inspection_id": Inspection,
        "visit_id": MonitoringVisit,
    },
}


def parse_geometry(value: Any) -> Any:
    """GeoJSON mappings and WKT text become Shapely geometries; others pass."""
    try:
        if isinstance(value, Mapping):
            return shapely.from_geojson(json.dumps(value))
        if isinstance(value, str) and value.strip():
            text = value.strip()
            if text.startswith("{"):
                return shapely.from_geojson(text)
            return shapely.from_wkt(text)
    except shapely.errors.GEOSException as exc:
        raise ValueError(_("unreadable geometry: %(reason)s", reason=exc)) from exc
    return value


def add_records(
    db: Database,
    kind: str,
    rows: Iterable[Mapping[str, Any]],
    *,
    today: dt.date | None = None,
    reported_by_id: int | None = None,
    review_state: ReviewState = ReviewState.APPROVED,
) -> list[int]:
    """Check and add ``rows`` of ``kind`` in one transaction; return their ids."""
    with db.session() as session:
        return insert_records(
            session,
            kind,
            rows,
            today=today,
            reported_by_id=reported_by_id,
            review_state=review_state,
        )


def insert_records(
    session: Session,
    kind: str,
    rows: Iterable[Mapping[str, Any]],
    *,
    today: dt.date | None = None,
    reported_by_id: int | None = None,
    review_state: ReviewState = ReviewState.APPROVED,
    who: Principal | None = None,
) -> list[int]:
    """:func:`add_records` inside the caller's session (and transaction).

    ``who`` (a person writing through the API or a form) may reference only
    records they can see.
    """
    if kind not in KINDS:
        raise RecordError(
            _(
                "unknown kind %(kind)r; use one of %(values)s",
                kind=kind,
                values=", ".join(KINDS),
            ),
            field="kind",
        )
    model, check, dated = KINDS[kind]
    today = today or dt.date.today()
    ids: list[int] = []
    touched: set[int] = set()
    for index, row in enumerate(rows, start=1):
        clean = checked_row(kind, check, dated, row, index, today)
        check_references(session, kind, clean, index, who)
        if kind == "activity":
            check_activity_scope(session.connection(), clean, today=today, ref=index)
        if kind == "release":
            check_release_allowed(session, clean)
            touched.add(int(clean["hazard_id"]))
        obj: Any = model(**model_columns(model, kind, clean))
        obj.review_state = review_state
        if reported_by_id is not None and getattr(obj, "reported_by_id", None) is None:
            obj.reported_by_id = reported_by_id
        derive_fields(obj)
        session.add(obj)
        session.flush()
        ids.append(obj.id)
    for hazard_id in sorted(touched):
        update_hazard_ledger(session, hazard_id)
    return ids


def checked_row(
    kind: str,
    check: Checker,
    dated: bool,
    row: Mapping[str, Any],
    index: int,
    today: dt.date,
) -> dict[str, Any]:
    """``row`` checked by the record rules of ``kind``, geometry parsed."""
    data = dict(row)
    ref = data.get("external_id") or f"#{index}"
    for name in GEOMETRY_FIELDS:
        if name in data:
            try:
                data[name] = parse_geometry(data[name])
            except ValueError as exc:
                raise RecordError(
                    str(exc), entity=kind, record=ref, field=name
                ) from None
    if kind == "release" and "reported_area_m2" in data and "area_m2" not in data:
        data["area_m2"] = data.pop("reported_area_m2")
    return check(data, today=today, ref=index) if dated else check(data, ref=index)


def model_columns(
    model: type[Base], kind: str, clean: Mapping[str, Any]
) -> dict[str, Any]:
    """A checked row as the model's column values; unknown fields refused."""
    data = dict(clean)
    if kind == "release" and "area_m2" in data:
        data["reported_area_m2"] = data.pop("area_m2")
    columns = set(model.__table__.c.keys())
    unknown = sorted(set(data) - columns)
    if unknown:
        raise RecordError(
            _("unknown field(s) %(values)s", values=", ".join(unknown)),
            entity=kind,
            record=data.get("external_id"),
            field=unknown[0],
        )
    for name in GEOMETRY_FIELDS:
        geom = data.get(name)
        if isinstance(geom, shapely.Polygon):
            data[name] = shapely.MultiPolygon([geom])
    for name in ("contamination", "blockages"):
        if name in data:
            data[name] = [getattr(v, "value", v) for v in data[name]]
    return data


def check_references(
    session: Session,
    kind: str,
    clean: Mapping[str, Any],
    index: int,
    who: Principal | None = None,
) -> None:
    """Refuse a row naming a record (hazard, activity...) that does not exist.

    With ``who``, a record ``who`` may not see counts as missing, with the
    same answer (the register's one visibility rule,
    :func:`demine.store.listing.visible`), so a hidden id cannot be told from
    a free one; and a clerk reports activities for their own organisation.
    """
    for field, model in REFERENCES.get(kind, {}).items():
        value = clean.get(field)
        if value is None:
            continue
        ref = clean.get("external_id") or f"#{index}"
        if not _reference_visible(session, model, value, who):
            raise RecordError(
                _(
                    "no %(kind)s with id %(id)r",
                    kind=kind_word(model.__tablename__),
                    id=value,
                ),
                entity=kind,
                record=ref,
                field=field,
            )
        if (
            model is Organisation
            and who is not None
            and who.role is Role.CLERK
            and value != who.organisation_id
        ):
            raise RecordError(
                _("a clerk reports for their own organisation only"),
                entity=kind,
                record=ref,
                field=field,
            )


def _reference_visible(
    session: Session, model: type[Base], value: Any, who: Principal | None
) -> bool:
    stmt = select(model.id).where(model.id == value)  # type: ignore[attr-defined]
    if who is not None and "review_state" in model.__table__.c:
        stmt = stmt.where(visible(model, who))
    return session.scalar(stmt) is not None


def check_release_allowed(session: Session, clean: Mapping[str, Any]) -> None:
    """Refuse a release of a missing hazard or one its status forbids."""
    hazard = session.get(Hazard, clean.get("hazard_id"))
    if hazard is None:
        raise RecordError(
            _("a release must name the hazard it releases"),
            entity="release",
            record=clean.get("external_id"),
            field="hazard_id",
        )
    status.check_release(hazard.id, hazard.status, clean["kind"])


def derive_fields(obj: Base) -> None:
    """Set a hazard's or release's bounding box and geodesic area from its geometry."""
    geom = getattr(obj, "geom", None)
    if not isinstance(obj, Hazard | Release) or not isinstance(geom, BaseGeometry):
        return
    bounds = shapely.bounds(geom)
    for name, value in zip(BBOX, bounds, strict=True):
        setattr(obj, name, float(value))
    area = float(geodesic_area(np.array([geom], dtype=object))[0])
    obj.area_m2 = area
    if isinstance(obj, Hazard):
        obj.remaining_m2 = area
        obj.cancelled_m2 = obj.reduced_m2 = obj.cleared_m2 = 0.0


def closing_tolerance_m2(total_m2: float) -> float:
    """Unreleased area below which a hazard counts as fully released.

    Release polygons digitised along a hazard's edge never match it to the
    millimetre, and an equal-area projection bends long edges slightly, so
    slivers of a few m² are noise: 1 m² or 0.1% of the hazard, whichever is
    larger.
    """
    return max(1.0, 0.001 * total_m2)


def update_hazard_ledger(session: Session, hazard_id: int) -> Hazard:
    """Recompute one hazard's ledger from its approved releases; set its status."""
    import pandas as pd

    hazard = session.get(Hazard, hazard_id)
    assert hazard is not None
    session.flush()
    approved = ReviewState.APPROVED
    rels = session.scalars(
        select(Release).where(
            Release.hazard_id == hazard_id, Release.review_state == approved
        )
    ).all()
    hazards = pd.DataFrame({"id": [hazard.id], "geom": [hazard.geom]})
    releases = pd.DataFrame(
        {
            "id": [r.id for r in rels],
            "hazard_id": [r.hazard_id for r in rels],
            "kind": [str(getattr(r.kind, "value", r.kind)) for r in rels],
            "released_on": [r.released_on for r in rels],
            "reported_area_m2": [r.reported_area_m2 for r in rels],
            "geom": [r.geom for r in rels],
        }
    )
    ledger = run_ledger(hazards, releases)
    hazard.area_m2 = float(ledger.total_m2[0])
    hazard.cancelled_m2 = float(ledger.cancelled_m2[0])
    hazard.reduced_m2 = float(ledger.reduced_m2[0])
    hazard.cleared_m2 = float(ledger.cleared_m2[0])
    hazard.remaining_m2 = float(ledger.remaining_m2[0])
    for i, rel in enumerate(rels):
        rel.area_m2 = float(ledger.geometric_m2[i])
        rel.effective_m2 = float(ledger.effective_m2[i])
        rel.outside_m2 = float(ledger.outside_m2[i])
        rel.double_m2 = float(ledger.double_m2[i])
    new_status = status.status_after_release(
        hazard.status,
        hazard.remaining_m2,
        hazard.area_m2,
        tolerance_m2=closing_tolerance_m2(hazard.area_m2),
        hazard_id=hazard.id,
    )
    if new_status is not hazard.status:
        if new_status is HazardStatus.CLOSED:
            hazard.closed_on = max(
                (r.released_on for r in rels if r.released_on), default=None
            )
        hazard.status = new_status
    return hazard
