# SPDX-License-Identifier: GPL-3.0-or-later
"""Personnel: deminers, team leaders, medics, EOD operators, MDD handlers...

A person belongs to an organisation and, when deployed, to one of its
teams. Administrators and the organisation's own staff add and edit them;
only they read them (:mod:`demine.store.personal`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from demine.domain.records import parse_enum
from demine.domain.vocab import PersonRole, Sex
from demine.errors import ConflictError, NotFoundError, RecordError
from demine.i18n import N_, _
from demine.quality.access import require_own_or_admin, user_id
from demine.store import quality as store
from demine.store.database import Database
from demine.store.listing import to_dict
from demine.store.personal import may_read_people
from demine.store.schema import Organisation, Person, Team
from demine.store.users import Principal

FIELDS = frozenset(
    {
        "external_id",
        "full_name",
        "role",
        "organisation_id",
        "team_id",
        "sex",
        "birth_date",
        "national_id",
        "phone",
        "joined_on",
        "left_on",
    }
)


def _date(value: Any, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise RecordError(
            _("is not a date: %(value)r", value=value), entity="person", field=field
        ) from None


def _age(birth: dt.date, today: dt.date) -> int:
    return (
        today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    )


def _checked(row: Mapping[str, Any], today: dt.date) -> dict[str, Any]:
    unknown = sorted(set(row) - FIELDS)
    if unknown:
        raise RecordError(
            _("unknown field(s) %(fields)s", fields=", ".join(unknown)),
            entity="person",
            field=unknown[0],
        )
    out: dict[str, Any] = {}
    problems = []
    name = str(row.get("full_name") or "").strip()
    if not name:
        problems.append(
            RecordError(_("is required"), entity="person", field="full_name")
        )
    out["full_name"] = name[:200]
    for field, enum in (("role", PersonRole), ("sex", Sex)):
        value = row.get(field)
        if value in (None, ""):
            if field == "role":
                problems.append(
                    RecordError(_("is required"), entity="person", field="role")
                )
            continue
        try:
            out[field] = parse_enum(enum, value, entity="person", field=field)
        except RecordError as exc:
            problems.append(exc)
    for field in ("birth_date", "joined_on", "left_on"):
        try:
            out[field] = _date(row.get(field), field)
        except RecordError as exc:
            problems.append(exc)
    birth = out.get("birth_date")
    if birth is not None and not 16 <= _age(birth, today) <= 90:
        problems.append(
            RecordError(
                _("must make the person 16 to 90 years old"),
                entity="person",
                field="birth_date",
            )
        )
    if (
        out.get("left_on")
        and out.get("joined_on")
        and out["left_on"] < out["joined_on"]
    ):
        problems.append(
            RecordError(_("is before joined_on"), entity="person", field="left_on")
        )
    for field in ("national_id", "phone"):
        value = str(row.get(field) or "").strip()
        if len(value) > 40:
            problems.append(
                RecordError(
                    _("is longer than 40 characters"), entity="person", field=field
                )
            )
        out[field] = value or None
    for field in ("organisation_id", "team_id"):
        value = row.get(field)
        if value in (None, ""):
            out[field] = None
            continue
        try:
            out[field] = int(value)
        except (TypeError, ValueError):
            problems.append(
                RecordError(
                    _("is not an id: %(value)r", value=value),
                    entity="person",
                    field=field,
                )
            )
    if row.get("external_id"):
        out["external_id"] = str(row["external_id"]).strip()[:120]
    if problems:
        raise RecordError("; ".join(str(p) for p in problems), entity="person")
    return out


def add_person(
    db: Database,
    row: Mapping[str, Any],
    who: Principal | None = None,
    *,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Add a member of staff; the team must be one of the organisation's."""
    values = _checked(row, today or dt.date.today())
    org_id = values.get("organisation_id")
    if org_id is None:
        if who is None or who.organisation_id is None:
            raise RecordError(
                _("is required"), entity="person", field="organisation_id"
            )
        org_id = values["organisation_id"] = who.organisation_id
    require_own_or_admin(who, org_id, N_("add staff"))
    with db.session(write=True) as session:
        _check_links(session, org_id, values.get("team_id"))
        return store.add_with_event(session, Person(**values), user_id(who))


def _check_links(session: Any, org_id: int, team_id: int | None) -> None:
    if session.get(Organisation, org_id) is None:
        raise RecordError(
            _("no organisation with id %(id)s", id=org_id),
            entity="person",
            field="organisation_id",
        )
    if team_id is not None:
        team = session.get(Team, team_id)
        if team is None or team.organisation_id != org_id:
            raise RecordError(
                _("no team %(team)s of organisation %(org)s", team=team_id, org=org_id),
                entity="person",
                field="team_id",
            )


def update_person(
    db: Database,
    person_id: int,
    changes: Mapping[str, Any],
    *,
    version: int,
    who: Principal | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Change a person (moving teams, leaving...); 409 on a stale version."""
    with db.session(write=True) as session:
        obj = store.load(session, Person, person_id)
        if who is not None and not may_read_people(who, obj.organisation_id):
            raise NotFoundError(_("no person with id %(id)s", id=person_id))
        require_own_or_admin(who, obj.organisation_id, N_("change staff"))
        if obj.version != version:
            raise ConflictError(
                current=to_dict(obj), submitted={**changes, "version": version}
            )
        current = {k: v for k, v in to_dict(obj).items() if k in FIELDS}
        values = _checked({**current, **changes}, today or dt.date.today())
        if values["organisation_id"] != obj.organisation_id:
            require_own_or_admin(who, values["organisation_id"], N_("move staff"))
        _check_links(session, values["organisation_id"], values.get("team_id"))
        changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
        return store.change_with_event(session, obj, changed, user_id(who), "update")
