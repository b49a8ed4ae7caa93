# SPDX-License-Identifier: GPL-3.0-or-later
"""Rules for one incoming record: what makes it impossible to register.

Each ``check_*`` function takes one record as a plain mapping of field to value
(as the CLI, an import or the API hands it over), checks it, and returns a
normalised copy: enum fields as enum members, dates as :class:`datetime.date`,
numbers as ``float`` or ``int``, missing values (``None``, NaN, blank text)
dropped. Fields it does not know are passed through untouched. The first
broken rule raises :class:`~demine.errors.RecordError` naming the entity, the
record (its ``external_id``, else the ``ref`` the caller gives, such as a row
number) and the field.

These are rules about one record alone. Geometry validity (self-intersections,
overlaps) is checked by :mod:`demine.geo`; rules that need the register
(status transitions, the ledger) live in :mod:`demine.domain.status` and
:mod:`demine.domain.ledger`.

Required fields: hazard ``hazard_class``, ``status``, ``geom``; activity
``activity_type``, ``status`` (and ``hazard_id`` for technical survey and
clearance); release ``kind``, ``released_on``, ``geom`` (and ``depth_cm`` when
cleared); EO item ``category``; accident ``accident_type``, ``occurred_on``,
``geom``; victim ``outcome``. An EO item may come without its own point (it
is then located by its activity).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import shapely

from demine.domain.ages import fits_group, normalise_age_group
from demine.domain.vocab import (
    AccidentType,
    ActivityStatus,
    ActivityType,
    Blockage,
    ContaminationType,
    DisposalMethod,
    EOCategory,
    EOCondition,
    Evidence,
    HazardClass,
    HazardStatus,
    LandUse,
    Method,
    Outcome,
    ReleaseKind,
    Reliability,
    Sex,
    VictimActivity,
    VictimStatus,
)
from demine.errors import RecordError
from demine.i18n import _
from demine.i18n.numbers import either

__all__ = [
    "check_accident",
    "check_activity",
    "check_eo_item",
    "check_hazard",
    "check_release",
    "check_victim",
    "parse_enum",
]

E = TypeVar("E", bound=StrEnum)

POLYGONAL = ("Polygon", "MultiPolygon")
POINT = ("Point",)
MAX_AGE = 120


def parse_enum(
    enum_type: type[E],
    value: object,
    *,
    entity: str | None = None,
    record: str | int | None = None,
    field: str | None = None,
) -> E:
    """The member of ``enum_type`` that ``value`` names.

    Accepts a member or its value in any case, with spaces or hyphens for
    underscores ("Worked on", "AP-mine"); raises :class:`RecordError` listing
    the allowed values otherwise.
    """
    if isinstance(value, enum_type):
        return value
    if isinstance(value, str):
        key = re.sub(r"[\s\-]+", "_", value.strip().lower())
        try:
            return enum_type(key)
        except ValueError:
            pass
    allowed = ", ".join(m.value for m in enum_type)
    raise RecordError(
        _(
            "unknown value %(value)r; allowed: %(allowed)s",
            value=value,
            allowed=allowed,
        ),
        entity=entity,
        record=record,
        field=field,
    )


def _missing(value: object) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


class _Check:
    """Checks the fields of one record and collects their normalised values."""

    def __init__(
        self, entity: str, record: Mapping[str, Any], ref: str | int | None
    ) -> None:
        self.entity = entity
        external_id = record.get("external_id")
        self.ref = ref if _missing(external_id) else external_id
        self.out = {k: v for k, v in record.items() if not _missing(v)}

    def fail(self, field: str, message: str) -> RecordError:
        return RecordError(message, entity=self.entity, record=self.ref, field=field)

    def has(self, field: str) -> bool:
        return field in self.out

    def require(self, *fields: str) -> None:
        for name in fields:
            if not self.has(name):
                raise self.fail(name, _("is required"))

    def enum(self, field: str, enum_type: type[E]) -> E | None:
        if not self.has(field):
            return None
        value = parse_enum(
            enum_type, self.out[field], entity=self.entity, record=self.ref, field=field
        )
        self.out[field] = value
        return value

    def enums(self, field: str, enum_type: type[E]) -> None:
        """A list of enum values; text is split on commas, semicolons, bars."""
        if not self.has(field):
            return
        raw = self.out[field]
        items: Iterable[object]
        if isinstance(raw, str):
            items = [p for p in re.split(r"[,;|]", raw) if p.strip()]
        elif isinstance(raw, Iterable):
            items = raw
        else:
            raise self.fail(field, _("must be a list, got %(raw)r", raw=raw))
        values = [
            parse_enum(enum_type, v, entity=self.entity, record=self.ref, field=field)
            for v in items
        ]
        self.out[field] = list(dict.fromkeys(values))  # drop repeats, keep order

    def date(self, field: str, *, today: date | None) -> date | None:
        """A date, not after ``today`` unless ``today`` is None."""
        if not self.has(field):
            return None
        value = _to_date(self.out[field])
        if value is None:
            raise self.fail(field, _("is not a date: %(value)r", value=self.out[field]))
        if isinstance(today, datetime):
            today = today.date()
        if today is not None and value > today:
            raise self.fail(field, _("%(day)s is in the future", day=value.isoformat()))
        self.out[field] = value
        return value

    def number(
        self,
        field: str,
        *,
        minimum: float = 0.0,
        maximum: float | None = None,
        integer: bool = False,
    ) -> float | None:
        if not self.has(field):
            return None
        raw = self.out[field]
        value = _to_float(raw)
        if value is None or not math.isfinite(value):
            raise self.fail(field, _("is not a number: %(raw)r", raw=raw))
        if integer and not value.is_integer():
            raise self.fail(field, _("must be a whole number, got %(raw)r", raw=raw))
        if value < minimum:
            raise self.fail(
                field,
                _(
                    "must be at least %(minimum)g, got %(raw)r",
                    minimum=minimum,
                    raw=raw,
                ),
            )
        if maximum is not None and value > maximum:
            raise self.fail(
                field,
                _("must be at most %(maximum)g, got %(raw)r", maximum=maximum, raw=raw),
            )
        self.out[field] = int(value) if integer else value
        return value

    def geom(self, field: str, kinds: tuple[str, ...]) -> None:
        if not self.has(field):
            return
        value = self.out[field]
        wanted = either(kinds)
        if not isinstance(value, shapely.Geometry):
            raise self.fail(
                field,
                _(
                    "must be a %(wanted)s geometry, got %(value)s",
                    wanted=wanted,
                    value=repr(value)[:60],
                ),
            )
        if value.geom_type not in kinds:
            raise self.fail(
                field,
                _(
                    "must be a %(wanted)s, got %(geom_type)s",
                    wanted=wanted,
                    geom_type=value.geom_type,
                ),
            )
        if value.is_empty:
            raise self.fail(
                field, _("is an empty %(geom_type)s", geom_type=value.geom_type)
            )


def _to_date(value: object) -> date | None:
    if isinstance(value, datetime):  # pandas Timestamp is one too
        return None if pd.isna(value) else value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else _to_date(pd.Timestamp(value))
    if isinstance(value, str):
        text = value.strip()
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        try:
            return datetime.fromisoformat(text).date()
        except ValueError:
            return None
    return None


def _to_float(value: object) -> float | None:
    if isinstance(value, bool | np.bool_):
        return None  # True is not a quantity
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def check_hazard(
    record: Mapping[str, Any], *, today: date, ref: str | int | None = None
) -> dict[str, Any]:
    """Check a hazardous area record; return it normalised."""
    c = _Check("hazard", record, ref)
    c.require("hazard_class", "status", "geom")
    c.enum("hazard_class", HazardClass)
    c.enum("status", HazardStatus)
    c.enums("contamination", ContaminationType)
    c.enum("evidence", Evidence)
    c.enum("reliability", Reliability)
    c.enum("land_use", LandUse)
    c.enums("blockages", Blockage)
    c.number("estimated_devices", integer=True)
    c.number("reported_area_m2")
    c.date("recorded_on", today=today)
    c.geom("geom", POLYGONAL)
    return c.out


def check_activity(
    record: Mapping[str, Any], *, today: date, ref: str | int | None = None
) -> dict[str, Any]:
    """Check an activity record; return it normalised.

    A planned activity may start in the future; one under way or done may
    not. A completed activity cannot end in the future, and no activity ends
    before it starts. Technical survey and clearance need a ``hazard_id``.
    """
    c = _Check("activity", record, ref)
    c.require("activity_type", "status")
    kind = c.enum("activity_type", ActivityType)
    status = c.enum("status", ActivityStatus)
    c.enum("method", Method)
    start = c.date(
        "start_date", today=None if status is ActivityStatus.PLANNED else today
    )
    done = status is ActivityStatus.COMPLETED
    end = c.date("end_date", today=today if done else None)
    if start is not None and end is not None and end < start:
        raise c.fail(
            "end_date",
            _(
                "ends %(end)s, before it starts %(start)s",
                end=end.isoformat(),
                start=start.isoformat(),
            ),
        )
    if kind in (ActivityType.TS, ActivityType.CLEARANCE):
        c.require("hazard_id")
    return c.out


def check_release(
    record: Mapping[str, Any], *, today: date, ref: str | int | None = None
) -> dict[str, Any]:
    """Check a land release product; return it normalised.

    Cleared land needs the clearance depth ``depth_cm`` (≥ 0); cancelled land
    was never searched, so it has no depth. Reduced land may give the depth a
    technical survey searched to.
    """
    c = _Check("release", record, ref)
    c.require("kind", "released_on", "geom")
    kind = c.enum("kind", ReleaseKind)
    if kind is ReleaseKind.CLEARED:
        c.require("depth_cm")
    if kind is ReleaseKind.CANCELLED and c.has("depth_cm"):
        raise c.fail(
            "depth_cm", _("cancelled land was not searched, so it has no depth")
        )
    c.number("depth_cm")
    c.number("area_m2")
    c.date("released_on", today=today)
    c.geom("geom", POLYGONAL)
    return c.out


def check_eo_item(
    record: Mapping[str, Any], *, today: date, ref: str | int | None = None
) -> dict[str, Any]:
    """Check an explosive ordnance find; return it normalised."""
    c = _Check("eo_item", record, ref)
    c.require("category")
    c.enum("category", EOCategory)
    c.number("quantity", minimum=1, integer=True)
    c.number("depth_cm")
    c.enum("condition", EOCondition)
    c.enum("disposal", DisposalMethod)
    c.date("found_on", today=today)
    c.geom("geom", POINT)
    return c.out


def check_accident(
    record: Mapping[str, Any], *, today: date, ref: str | int | None = None
) -> dict[str, Any]:
    """Check an accident record; return it normalised."""
    c = _Check("accident", record, ref)
    c.require("accident_type", "occurred_on", "geom")
    c.enum("accident_type", AccidentType)
    c.date("occurred_on", today=today)
    c.geom("geom", POINT)
    return c.out


def check_victim(
    record: Mapping[str, Any], *, ref: str | int | None = None
) -> dict[str, Any]:
    """Check a victim record; return it normalised. ``age`` is 0–120 years."""
    c = _Check("victim", record, ref)
    c.require("outcome")
    c.enum("sex", Sex)
    c.number("age", maximum=MAX_AGE, integer=True)
    if c.has("age_group"):
        try:
            c.out["age_group"] = normalise_age_group(str(c.out["age_group"]))
        except ValueError as exc:
            raise c.fail("age_group", str(exc)) from None
        if c.has("age") and not fits_group(c.out["age"], c.out["age_group"]):
            raise c.fail("age_group", _("does not hold the victim's age"))
    c.enum("outcome", Outcome)
    c.enum("status", VictimStatus)
    c.enum("activity", VictimActivity)
    return c.out
