# SPDX-License-Identifier: GPL-3.0-or-later
"""Adding records one by one, under the register's rules, all or nothing.

Each call checks every record with :mod:`demine.domain.records` and the
status rules of :mod:`demine.domain.status`, writes them in one transaction
and keeps the land-release ledger of every touched hazard current. The first
bad record raises a :class:`~demine.errors.RecordError` naming it and every
field it gets wrong; nothing of the batch is written.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import String, select
from sqlalchemy.orm import Session

from demine.domain import records, status
from demine.domain.findings import Finding
from demine.domain.labels import kind_word
from demine.domain.vocab import HazardStatus, ReviewState, Role
from demine.errors import FieldProblem, RecordError
from demine.geo.area import geodesic_area
from demine.geo.validation import EntryRules, GeometryKind, entry_warnings
from demine.i18n import _
from demine.store.accreditation import check_activity_scope
from demine.store.database import Database
from demine.store.derived import (
    BBOX,
    hazard_ledger_columns,
    release_ledger_columns,
    run_ledger,
    same_figure,
)
from demine.store.gazetteer import place_record
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
    rules: EntryRules | None = None,
    warnings: list[Finding] | None = None,
) -> list[int]:
    """Check and add ``rows`` of ``kind`` in one transaction; return their ids.

    With ``rules``, a record whose geometry is doubtful is kept a draft and
    its warnings are added to ``warnings``.
    """
    with db.session(write=True) as session:
        return insert_records(
            session,
            kind,
            rows,
            today=today,
            reported_by_id=reported_by_id,
            review_state=review_state,
            rules=rules,
            warnings=warnings,
        )


def insert_records(
    session: Session,
    kind: str,
    rows: Iterable[Mapping[str, Any]],
    *,
    today: dt.date | None = None,
    reported_by_id: int | None = None,
    review_state: ReviewState = ReviewState.APPROVED,
    ref: str | None = None,
    problems: Sequence[FieldProblem] = (),
    rules: EntryRules | None = None,
    warnings: list[Finding] | None = None,
    who: Principal | None = None,
) -> list[int]:
    """:func:`add_records` inside the caller's session (and transaction).

    ``ref`` names the record in messages instead of its row number (a form's
    new record); ``problems`` found before (by the caller's own checks) are
    reported with the record rules' own. Every record without an admin area
    or settlement gets the one its geometry lies in. ``who`` (a person
    writing through the API or a form) may reference only records they can
    see.
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
        clean = checked_row(
            kind, check, dated, row, ref or index, today, problems=problems
        )
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
        place_record(session.connection(), kind, obj)
        doubts = _doubts(rules, kind, obj)
        if doubts:
            # Doubtful ground enters no national figure before a person
            # looks at it again.
            obj.review_state = ReviewState.DRAFT
            if warnings is not None:
                warnings.extend(doubts)
        session.add(obj)
        session.flush()
        ids.append(obj.id)
    for hazard_id in sorted(touched):
        update_hazard_ledger(session, hazard_id)
    return ids


def _doubts(rules: EntryRules | None, kind: str, obj: Base) -> list[Finding]:
    geom = getattr(obj, "geom", None)
    if rules is None or geom is None:
        return []
    expected: GeometryKind = "polygon" if isinstance(obj, Hazard | Release) else "point"
    return entry_warnings(rules, kind, geom, expected)


def checked_row(
    kind: str,
    check: Checker,
    dated: bool,
    row: Mapping[str, Any],
    ref: str | int,
    today: dt.date,
    *,
    problems: Sequence[FieldProblem] = (),
) -> dict[str, Any]:
    """``row`` checked by the record rules of ``kind``, geometry parsed.

    Every problem (unreadable geometry, each broken rule, unknown fields,
    and ``problems`` found before) is raised together as one RecordError.
    """
    data = dict(row)
    found = list(problems)
    for name in GEOMETRY_FIELDS:
        if name in data:
            try:
                data[name] = parse_geometry(data[name])
            except ValueError as exc:
                found.append(FieldProblem(name, str(exc)))
                data.pop(name)
    if kind == "release" and "reported_area_m2" in data and "area_m2" not in data:
        data["area_m2"] = data.pop("reported_area_m2")
    columns = set(KINDS[kind][0].__table__.c.keys()) | {"area_m2"}
    found += [
        FieldProblem(n, _("unknown field (not a field of the register)"))
        for n in sorted(set(data) - columns)
    ]
    label: str | int | None = ref
    limits = text_limits(kind)
    try:
        if dated:
            clean = check(data, today=today, ref=ref, limits=limits)
        else:
            clean = check(data, ref=ref, limits=limits)
    except RecordError as exc:
        found += exc.problems
        label = exc.record
    if found:
        raise RecordError(
            found[0].reason, entity=kind, record=label, problems=first_per_field(found)
        )
    return clean


def first_per_field(problems: Iterable[FieldProblem]) -> list[FieldProblem]:
    """One problem per field (the first found), in the order found."""
    seen: set[str] = set()
    out = []
    for problem in problems:
        if problem.field is None or problem.field not in seen:
            out.append(problem)
        if problem.field is not None:
            seen.add(problem.field)
    return out


def text_limits(kind: str) -> dict[str, int | None]:
    """The longest text each field of ``kind`` holds (its column's length)."""
    model = KINDS[kind][0]
    return {
        c.key: getattr(c.type, "length", None)
        for c in model.__table__.c
        if isinstance(c.type, String)
    }


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


def geometry_changed(obj: Base, values: Mapping[str, Any]) -> bool:
    """Whether ``values`` give ``obj`` a geometry other than the stored one."""
    for name in GEOMETRY_FIELDS:
        if name not in values or not hasattr(obj, name):
            continue
        old, new = getattr(obj, name), values[name]
        if (old is None) != (new is None):
            return True
        if old is not None and not shapely.equals_exact(old, new, tolerance=0.0):
            return True
    return False


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


def _settle(obj: Base, name: str, value: float, scale_m2: float) -> None:
    """Store a derived figure unless the stored one is the same figure.

    The same polygon measured in another equal-area frame differs in the
    last digits; keeping the stored value then keeps every recomputation
    from rewriting (and auditing) figures that did not change.
    """
    if not same_figure(getattr(obj, name), float(value), float(scale_m2)):
        setattr(obj, name, float(value))


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
    for name, values in hazard_ledger_columns(ledger).items():
        _settle(hazard, name, values[0], ledger.total_m2[0])
    for name, values in release_ledger_columns(ledger).items():
        for i, rel in enumerate(rels):
            _settle(rel, name, values[i], ledger.geometric_m2[i])
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
