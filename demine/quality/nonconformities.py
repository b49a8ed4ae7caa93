# SPDX-License-Identifier: GPL-3.0-or-later
"""Non-conformities: root cause, corrective action, land reopened, closure.

The life of a non-conformity::

    open --(root cause and corrective action recorded, action taken)--> action
    action --(verified by QA; reopened land closed)--> closed
    closed --(reopened by QA, with the reason)--> open

The inspected organisation's own staff record the root cause, the
corrective action, its owner and due date, and when the action was taken;
only the national authority's quality staff (reviewers, administrators)
raise, close and reopen. A rejected lot's ground is **reopened** as a new
hazard through the register's record rules (:func:`reopen_land`): closure of
the old hazard is final (IMAS 07.11, :mod:`demine.domain.status`), so the
land released stays in the national figures and the new hazard carries the
work still to do. The non-conformity closes only once that hazard is closed
again, i.e. the ground has been re-cleared.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from demine.domain.labels import label_of
from demine.domain.records import parse_enum
from demine.domain.vocab import (
    Evidence,
    HazardClass,
    HazardStatus,
    Method,
    NonConformityStatus,
    RootCause,
    Severity,
)
from demine.errors import ConflictError, RecordError
from demine.i18n import N_, _
from demine.i18n.numbers import number
from demine.quality.access import (
    require_own_or_admin,
    require_quality_staff,
    user_id,
)
from demine.store import quality as store
from demine.store.audit import record_event
from demine.store.database import Database
from demine.store.editing import check_references, insert_records
from demine.store.listing import to_dict
from demine.store.schema import Hazard, Inspection, NonConformity
from demine.store.users import Principal

S = NonConformityStatus
#: Fields the inspected organisation's staff may set.
OWN_FIELDS = frozenset(
    {"root_cause", "root_cause_detail", "corrective_action", "owner", "due_on"}
)
#: Fields only quality staff set.
QA_FIELDS = frozenset({"severity", "description"})


def _date(value: Any, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise RecordError(
            _("is not a date: %(value)r", value=value), field=field
        ) from None


def _text(value: Any, field: str, limit: int | None = None) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if limit is not None and len(text) > limit:
        raise RecordError(
            _("is longer than %(limit)s characters", limit=limit), field=field
        )
    return text or None


def _clean(changes: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(changes) - OWN_FIELDS - QA_FIELDS)
    if unknown:
        raise RecordError(
            _(
                "field(s) %(fields)s cannot be changed here",
                fields=", ".join(unknown),
            ),
            entity="non_conformity",
            field=unknown[0],
        )
    out: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "root_cause":
            out[name] = (
                parse_enum(RootCause, value, entity="non_conformity", field=name)
                if value
                else None
            )
        elif name == "severity":
            out[name] = parse_enum(Severity, value, entity="non_conformity", field=name)
        elif name == "due_on":
            out[name] = _date(value, name)
        elif name == "owner":
            out[name] = _text(value, name, 200)
        else:
            out[name] = _text(value, name)
    if "description" in out and not out["description"]:
        raise RecordError(
            _("is required"), entity="non_conformity", field="description"
        )
    return out


def raise_non_conformity(
    db: Database,
    fields: Mapping[str, Any],
    who: Principal | None = None,
    *,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Raise a non-conformity by hand (a rejected lot raises its own)."""
    require_quality_staff(who, N_("raise non-conformities"))
    today = today or dt.date.today()
    data = dict(fields)
    org = data.pop("organisation_id", None)
    if org is None:
        raise RecordError(
            _("is required"), entity="non_conformity", field="organisation_id"
        )
    raised = _date(data.pop("raised_on", None), "raised_on") or today
    if raised > today:
        raise RecordError(
            _("%(day)s is in the future", day=raised.isoformat()), field="raised_on"
        )
    links = {k: data.pop(k, None) for k in ("inspection_id", "visit_id", "team_id")}
    method = data.pop("method", None)
    values = _clean({"severity": "major", **data})
    if not values.get("description"):
        raise RecordError(
            _("is required"), entity="non_conformity", field="description"
        )
    with db.session(write=True) as session:
        named = {"organisation_id": int(org)}
        named |= {k: int(v) for k, v in links.items() if v is not None}
        check_references(session, "non_conformity", named, 0)
        nc = NonConformity(
            organisation_id=int(org),
            raised_on=raised,
            status=S.OPEN,
            method=parse_enum(Method, method, field="method") if method else None,
            **{k: int(v) for k, v in links.items() if v is not None},
            **values,
        )
        return store.add_with_event(session, nc, user_id(who))


def _load(session: Any, nc_id: int, version: int | None) -> NonConformity:
    nc = store.load(session, NonConformity, nc_id)
    if version is not None and nc.version != version:
        raise ConflictError(current=to_dict(nc), submitted={"version": version})
    return nc


def update_non_conformity(
    db: Database,
    nc_id: int,
    changes: Mapping[str, Any],
    *,
    version: int | None = None,
    who: Principal | None = None,
) -> dict[str, Any]:
    """Record the root cause, corrective action, owner and due date."""
    values = _clean(changes)
    with db.session(write=True) as session:
        nc = _load(session, nc_id, version)
        if set(values) & QA_FIELDS:
            require_quality_staff(who, N_("change a non-conformity's severity or text"))
        else:
            _own_or_quality(who, nc.organisation_id, N_("record corrective action"))
        if nc.status is S.CLOSED:
            raise ConflictError(
                _("non-conformity %(id)s is closed; reopen it to change it", id=nc_id),
                current=to_dict(nc),
                submitted=dict(changes),
            )
        due = values.get("due_on")
        if due is not None and due < nc.raised_on:
            raise RecordError(_("is before the day it was raised"), field="due_on")
        return store.change_with_event(session, nc, values, user_id(who), "update")


def _own_or_quality(who: Principal | None, organisation_id: int, what: str) -> None:
    if who is not None and who.can_review:
        return
    require_own_or_admin(who, organisation_id, what)


def record_action(
    db: Database,
    nc_id: int,
    *,
    taken_on: dt.date,
    note: str | None = None,
    version: int | None = None,
    who: Principal | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """The corrective action was taken: the NC awaits verification."""
    today = today or dt.date.today()
    with db.session(write=True) as session:
        nc = _load(session, nc_id, version)
        _own_or_quality(who, nc.organisation_id, N_("record corrective action"))
        if nc.status is not S.OPEN:
            raise ConflictError(
                _(
                    "non-conformity %(id)s is %(status)s, not open",
                    id=nc_id,
                    status=label_of(NonConformityStatus, nc.status.value),
                ),
                current=to_dict(nc),
                submitted={"taken_on": taken_on.isoformat()},
            )
        missing = [f for f in ("root_cause", "corrective_action") if not getattr(nc, f)]
        if missing:
            raise RecordError(
                _("record the root cause and the corrective action first"),
                entity="non_conformity",
                record=nc_id,
                field=missing[0],
            )
        if not nc.raised_on <= taken_on <= today:
            raise RecordError(
                _("must be between the day it was raised and today"), field="taken_on"
            )
        values: dict[str, Any] = {"status": S.ACTION, "action_taken_on": taken_on}
        if note:
            values["closure_note"] = _text(note, "note")
        return store.change_with_event(session, nc, values, user_id(who), "action")


def close(
    db: Database,
    nc_id: int,
    *,
    closed_on: dt.date,
    note: str | None = None,
    version: int | None = None,
    who: Principal | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Close after verification; reopened land must be closed (re-cleared)."""
    require_quality_staff(who, N_("close non-conformities"))
    today = today or dt.date.today()
    with db.session(write=True) as session:
        nc = _load(session, nc_id, version)
        if nc.status is not S.ACTION:
            raise ConflictError(
                _(
                    "non-conformity %(id)s is %(status)s: record the corrective "
                    "action as taken before closing it",
                    id=nc_id,
                    status=label_of(NonConformityStatus, nc.status.value),
                ),
                current=to_dict(nc),
                submitted={"closed_on": closed_on.isoformat()},
            )
        if nc.reopened_hazard_id is not None:
            hazard = session.get(Hazard, nc.reopened_hazard_id)
            assert hazard is not None
            if hazard.status is not HazardStatus.CLOSED:
                raise RecordError(
                    _(
                        "the reopened land (hazard %(id)s) is %(status)s with "
                        "%(area)s m² to release; re-clear it first",
                        id=hazard.id,
                        status=label_of(HazardStatus, hazard.status.value),
                        area=number(hazard.remaining_m2),
                    ),
                    entity="non_conformity",
                    record=nc_id,
                    field="reopened_hazard_id",
                )
        if not (nc.action_taken_on or nc.raised_on) <= closed_on <= today:
            raise RecordError(
                _("must be between the day the action was taken and today"),
                field="closed_on",
            )
        values: dict[str, Any] = {"status": S.CLOSED, "closed_on": closed_on}
        if note:
            values["closure_note"] = _text(note, "note")
        return store.change_with_event(session, nc, values, user_id(who), "close")


def reopen(
    db: Database,
    nc_id: int,
    *,
    reason: str,
    version: int | None = None,
    who: Principal | None = None,
) -> dict[str, Any]:
    """Reopen a closed non-conformity (the corrective action did not hold)."""
    require_quality_staff(who, N_("reopen non-conformities"))
    if not (reason and reason.strip()):
        raise RecordError(_("give the reason for reopening"), field="reason")
    with db.session(write=True) as session:
        nc = _load(session, nc_id, version)
        if nc.status is not S.CLOSED:
            raise ConflictError(
                _(
                    "non-conformity %(id)s is %(status)s, not closed",
                    id=nc_id,
                    status=label_of(NonConformityStatus, nc.status.value),
                ),
                current=to_dict(nc),
                submitted={"reason": reason},
            )
        values = {
            "status": S.OPEN,
            "closed_on": None,
            "action_taken_on": None,
            "closure_note": reason.strip(),
        }
        return store.change_with_event(session, nc, values, user_id(who), "reopen")


def reopen_land(
    db: Database,
    nc_id: int,
    *,
    who: Principal | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Record the rejected lot's ground as a new hazard; link it to the NC.

    The hazard passes the register's record rules and is audited like any
    other; a find in the sample makes it confirmed (CHA), else suspected.
    """
    require_quality_staff(who, N_("reopen land"))
    today = today or dt.date.today()
    with db.session(write=True) as session:
        nc = _load(session, nc_id, None)
        if nc.reopened_hazard_id is not None:
            raise ConflictError(
                _(
                    "non-conformity %(id)s reopened its land already "
                    "(hazard %(hazard)s)",
                    id=nc_id,
                    hazard=nc.reopened_hazard_id,
                ),
                current=to_dict(nc),
                submitted={},
            )
        if nc.status is S.CLOSED:
            raise ConflictError(
                _("non-conformity %(id)s is closed", id=nc_id),
                current=to_dict(nc),
                submitted={},
            )
        if nc.inspection_id is None:
            raise RecordError(
                _("only a non-conformity from an inspection has a lot to reopen"),
                entity="non_conformity",
                record=nc_id,
                field="inspection_id",
            )
        inspection = session.get(Inspection, nc.inspection_id)
        assert inspection is not None
        assert inspection.lot_geom is not None
        row = _hazard_row(session, nc, inspection, today)
        [hazard_id] = insert_records(session, "hazard", [row], today=today)
        hazard = session.get(Hazard, hazard_id)
        assert hazard is not None
        record_event(
            session,
            user_id=user_id(who),
            action="create",
            entity="hazard",
            record_id=hazard_id,
            before=None,
            after=to_dict(hazard),
        )
        after = store.change_with_event(
            session, nc, {"reopened_hazard_id": hazard_id}, user_id(who), "reopen_land"
        )
        return {"non_conformity": after, "hazard": to_dict(hazard)}


def _hazard_row(
    session: Any, nc: NonConformity, inspection: Inspection, today: dt.date
) -> dict[str, Any]:
    old = session.get(Hazard, inspection.hazard_id) if inspection.hazard_id else None
    found = int(inspection.items_found or 0)
    row: dict[str, Any] = {
        "name": f"Reopened after QA: {old.name if old else inspection.name}"[:200],
        "hazard_class": HazardClass.CHA if found else HazardClass.SHA,
        "status": HazardStatus.OPEN,
        "evidence": Evidence.DEVICE_SEEN if found else Evidence.NONE,
        "recorded_on": today,
        "notes": (
            f"Released ground reopened by non-conformity {nc.id}: inspection "
            f"{inspection.id} rejected the lot ({inspection.nonconforming_units} "
            f"nonconforming of {inspection.units_inspected} units, {found} item(s))."
        ),
        "geom": inspection.lot_geom,
    }
    if old is not None:
        for name in ("contamination", "land_use", "admin_area_id", "settlement_id"):
            value = getattr(old, name)
            if value not in (None, []):
                row[name] = value
    return row
