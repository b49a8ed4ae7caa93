# SPDX-License-Identifier: GPL-3.0-or-later
"""Rules for one incoming record: what makes it impossible to register.

One rule set for every entry path: the web forms, the API, ``demine add``
and field forms check records here; imports check whole columns with the
same rules (:mod:`demine.exchange.checks` calls :func:`text_problem` and
:func:`coordinate_masks`, and its tests hold the two to agreement).

Each ``check_*`` function takes one record as a plain mapping of field to value
(as the CLI, an import or the API hands it over), checks it, and returns a
normalised copy: enum fields as enum members, dates as :class:`datetime.date`,
numbers as ``float`` or ``int``, text stripped, missing values (``None``,
NaN, blank text: a name of only spaces is no name) dropped. Fields it does
not know are passed through untouched, but no text holds control characters
(NUL ...) or more than its column's length (``limits``, else
:data:`MAX_TEXT`), and no coordinate lies beyond ±180°/±90° or is not a
number. Every broken rule is collected: one
:class:`~demine.errors.RecordError` names the entity, the record (its
``external_id``, else the ``ref`` the caller gives, such as a row number)
and lists each field with its problem.

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
from demine.domain.identity import normalise_uid
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
from demine.errors import FieldProblem, RecordError
from demine.i18n import N_, _
from demine.i18n.numbers import either, number

__all__ = [
    "check_accident",
    "check_activity",
    "check_eo_item",
    "check_hazard",
    "check_release",
    "check_victim",
    "coordinate_masks",
    "parse_enum",
    "text_problem",
]

E = TypeVar("E", bound=StrEnum)
# Longest text of each field (the register's column lengths); others MAX_TEXT.
Limits = Mapping[str, int | None] | None

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


# Longest free text a record takes where its column sets no length (notes,
# descriptions): ten thousand characters is pages of text.
MAX_TEXT = 10_000
# Control characters no text field holds (PostgreSQL refuses NUL outright);
# tab, line feed and carriage return are ordinary text.
CONTROL_CHARACTERS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_CONTROL = re.compile(CONTROL_CHARACTERS)


def text_problem(text: str, max_length: int | None = None) -> str | None:
    """Why ``text`` cannot be stored in a text field, or None.

    The same rule for one record (:class:`_Check`) and a column of an import
    (:mod:`demine.exchange.checks`).
    """
    if _CONTROL.search(text):
        return _("contains control characters (such as NUL); remove them")
    limit = MAX_TEXT if max_length is None else max_length
    if len(text) > limit:
        return _(
            "is longer than %(limit)s characters (%(length)s)",
            limit=number(limit),
            length=number(len(text)),
        )
    return None


def coordinate_masks(
    geoms: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """``(not_finite, out_of_range)`` of each geometry's coordinates.

    Longitude must lie within ±180° and latitude within ±90°; NaN or
    infinite coordinates are not numbers at all. Missing geometries are
    neither.
    """
    present = ~shapely.is_missing(geoms)
    bounds = shapely.bounds(geoms)
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(bounds).all(axis=1)
        # An empty geometry has NaN bounds but no coordinates to be wrong.
        coords_nan = present & ~finite & ~shapely.is_empty(geoms)
        outside = (
            present
            & finite
            & (
                (bounds[:, 0] < -180)
                | (bounds[:, 2] > 180)
                | (bounds[:, 1] < -90)
                | (bounds[:, 3] > 90)
            )
        )
    return np.asarray(coords_nan, bool), np.asarray(outside, bool)


NOT_NUMBERS = N_("has coordinates that are not numbers (NaN or infinite)")


def range_reason(geom: shapely.Geometry) -> str:
    """The message for a geometry whose coordinates lie beyond ±180°/±90°."""
    x0, y0, x1, y1 = shapely.bounds(geom)
    where = (
        f"lon {x0:.10g}, lat {y0:.10g}"
        if (x0, y0) == (x1, y1)
        else f"lon {x0:.10g} to {x1:.10g}, lat {y0:.10g} to {y1:.10g}"
    )
    return _(
        "coordinates out of range (%(where)s): longitude must be within ±180 and "
        "latitude within ±90 (projected coordinates need their CRS given; "
        "swapped columns, the mapping corrected)",
        where=where,
    )


class _Check:
    """Checks the fields of one record and collects their normalised values.

    Every broken rule is collected (:meth:`problem`); :meth:`result` raises
    one :class:`RecordError` listing them all, so a person fixes every field
    in one go.
    """

    def __init__(
        self,
        entity: str,
        record: Mapping[str, Any],
        ref: str | int | None,
        limits: Mapping[str, int | None] | None = None,
    ) -> None:
        self.entity = entity
        external_id = record.get("external_id")
        self.ref = ref if _missing(external_id) else external_id
        self.limits = limits or {}
        self.problems: list[FieldProblem] = []
        self.out = {
            k: v.strip() if type(v) is str else v
            for k, v in record.items()
            if not _missing(v)
        }

    def problem(self, field: str, message: str) -> None:
        """Note a broken rule; the field's value is dropped from the result."""
        self.problems.append(FieldProblem(field, message))
        self.out.pop(field, None)

    def failed(self, field: str) -> bool:
        return any(p.field == field for p in self.problems)

    def result(self) -> dict[str, Any]:
        """The normalised record, or every problem found as one RecordError."""
        self._texts()
        self._uid()
        if self.problems:
            raise RecordError(
                self.problems[0].reason,
                entity=self.entity,
                record=self.ref,
                problems=self.problems,
            )
        return self.out

    def _texts(self) -> None:
        for name, value in list(self.out.items()):
            if type(value) is str and name != "uid":
                reason = text_problem(value, self.limits.get(name))
                if reason is not None:
                    self.problem(name, reason)

    def _uid(self) -> None:
        if not self.has("uid"):
            return
        uid = normalise_uid(self.out["uid"])
        if uid is None:
            self.problem("uid", _("is not a record uid (a UUID)"))
        else:
            self.out["uid"] = uid

    def has(self, field: str) -> bool:
        return field in self.out

    def require(self, *fields: str) -> None:
        for name in fields:
            if not self.has(name) and not self.failed(name):
                self.problem(name, _("is required"))

    def enum(self, field: str, enum_type: type[E]) -> E | None:
        if not self.has(field):
            return None
        try:
            value = parse_enum(
                enum_type,
                self.out[field],
                entity=self.entity,
                record=self.ref,
                field=field,
            )
        except RecordError as exc:
            self.problem(field, exc.reason)
            return None
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
            self.problem(field, _("must be a list, got %(raw)r", raw=raw))
            return
        try:
            values = [
                parse_enum(
                    enum_type, v, entity=self.entity, record=self.ref, field=field
                )
                for v in items
            ]
        except RecordError as exc:
            self.problem(field, exc.reason)
            return
        self.out[field] = list(dict.fromkeys(values))  # drop repeats, keep order

    def date(self, field: str, *, today: date | None) -> date | None:
        """A date, not after ``today`` unless ``today`` is None."""
        if not self.has(field):
            return None
        value = _to_date(self.out[field])
        if value is None:
            self.problem(field, _("is not a date: %(value)r", value=self.out[field]))
            return None
        if isinstance(today, datetime):
            today = today.date()
        if today is not None and value > today:
            self.problem(field, _("%(day)s is in the future", day=value.isoformat()))
            return None
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
            self.problem(field, _("is not a number: %(raw)r", raw=raw))
        elif integer and not value.is_integer():
            self.problem(field, _("must be a whole number, got %(raw)r", raw=raw))
        elif value < minimum:
            self.problem(
                field,
                _(
                    "must be at least %(minimum)g, got %(raw)r",
                    minimum=minimum,
                    raw=raw,
                ),
            )
        elif maximum is not None and value > maximum:
            self.problem(
                field,
                _("must be at most %(maximum)g, got %(raw)r", maximum=maximum, raw=raw),
            )
        else:
            self.out[field] = int(value) if integer else value
            return value
        return None

    def geom(self, field: str, kinds: tuple[str, ...]) -> None:
        if not self.has(field):
            return
        value = self.out[field]
        wanted = either(kinds)
        if not isinstance(value, shapely.Geometry):
            self.problem(
                field,
                _(
                    "must be a %(wanted)s geometry, got %(value)s",
                    wanted=wanted,
                    value=repr(value)[:60],
                ),
            )
        elif value.geom_type not in kinds:
            self.problem(
                field,
                _(
                    "must be a %(wanted)s, got %(geom_type)s",
                    wanted=wanted,
                    geom_type=value.geom_type,
                ),
            )
        elif value.is_empty:
            self.problem(
                field, _("is an empty %(geom_type)s", geom_type=value.geom_type)
            )
        else:
            not_numbers, outside = coordinate_masks(np.array([value], dtype=object))
            if not_numbers[0]:
                self.problem(field, _(NOT_NUMBERS))
            elif outside[0]:
                self.problem(field, range_reason(value))


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
    record: Mapping[str, Any],
    *,
    today: date,
    ref: str | int | None = None,
    limits: Limits = None,
) -> dict[str, Any]:
    """Check a hazardous area record; return it normalised."""
    c = _Check("hazard", record, ref, limits)
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
    return c.result()


def check_activity(
    record: Mapping[str, Any],
    *,
    today: date,
    ref: str | int | None = None,
    limits: Limits = None,
) -> dict[str, Any]:
    """Check an activity record; return it normalised.

    A planned activity may start in the future; one under way or done may
    not. A completed activity cannot end in the future, and no activity ends
    before it starts. Technical survey and clearance need a ``hazard_id``.
    """
    c = _Check("activity", record, ref, limits)
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
        c.problem(
            "end_date",
            _(
                "ends %(end)s, before it starts %(start)s",
                end=end.isoformat(),
                start=start.isoformat(),
            ),
        )
    if kind in (ActivityType.TS, ActivityType.CLEARANCE):
        c.require("hazard_id")
    return c.result()


def check_release(
    record: Mapping[str, Any],
    *,
    today: date,
    ref: str | int | None = None,
    limits: Limits = None,
) -> dict[str, Any]:
    """Check a land release product; return it normalised.

    Cleared land needs the clearance depth ``depth_cm`` (≥ 0); cancelled land
    was never searched, so it has no depth. Reduced land may give the depth a
    technical survey searched to.
    """
    c = _Check("release", record, ref, limits)
    c.require("kind", "released_on", "geom")
    kind = c.enum("kind", ReleaseKind)
    if kind is ReleaseKind.CLEARED:
        c.require("depth_cm")
    if kind is ReleaseKind.CANCELLED and c.has("depth_cm"):
        c.problem("depth_cm", _("cancelled land was not searched, so it has no depth"))
    c.number("depth_cm")
    c.number("area_m2")
    c.date("released_on", today=today)
    c.geom("geom", POLYGONAL)
    return c.result()


def check_eo_item(
    record: Mapping[str, Any],
    *,
    today: date,
    ref: str | int | None = None,
    limits: Limits = None,
) -> dict[str, Any]:
    """Check an explosive ordnance find; return it normalised."""
    c = _Check("eo_item", record, ref, limits)
    c.require("category")
    c.enum("category", EOCategory)
    c.number("quantity", minimum=1, integer=True)
    c.number("depth_cm")
    c.enum("condition", EOCondition)
    c.enum("disposal", DisposalMethod)
    c.date("found_on", today=today)
    c.geom("geom", POINT)
    return c.result()


def check_accident(
    record: Mapping[str, Any],
    *,
    today: date,
    ref: str | int | None = None,
    limits: Limits = None,
) -> dict[str, Any]:
    """Check an accident record; return it normalised."""
    c = _Check("accident", record, ref, limits)
    c.require("accident_type", "occurred_on", "geom")
    c.enum("accident_type", AccidentType)
    c.date("occurred_on", today=today)
    c.geom("geom", POINT)
    return c.result()


def check_victim(
    record: Mapping[str, Any],
    *,
    ref: str | int | None = None,
    limits: Limits = None,
) -> dict[str, Any]:
    """Check a victim record; return it normalised. ``age`` is 0–120 years."""
    c = _Check("victim", record, ref, limits)
    c.require("outcome")
    c.enum("sex", Sex)
    c.number("age", maximum=MAX_AGE, integer=True)
    if c.has("age_group"):
        try:
            c.out["age_group"] = normalise_age_group(str(c.out["age_group"]))
        except ValueError as exc:
            c.problem("age_group", str(exc))
        if (
            c.has("age")
            and c.has("age_group")
            and not fits_group(float(c.out["age"]), str(c.out["age_group"]))
        ):
            c.problem("age_group", _("does not hold the victim's age"))
    c.enum("outcome", Outcome)
    c.enum("status", VictimStatus)
    c.enum("activity", VictimActivity)
    return c.result()
