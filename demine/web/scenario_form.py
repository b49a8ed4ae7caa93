# SPDX-License-Identifier: GPL-3.0-or-later
"""The scenario editor's fields, and a scenario to and from its form.

Each field of a scenario file (docs/forecast.md) is one row of the form: a
number and what to do with it (set the value, add to it, multiply it), so a
planner never types YAML. A field left empty keeps the register's fitted
value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from demine.analysis.forecast.scenario import METHODS
from demine.i18n import N_, _

SET, ADD, SCALE, UNLIMITED = "value", "add", "scale", "unlimited"
RELATIVE = (SET, ADD, SCALE)


@dataclass(frozen=True)
class Field:
    """One number of the form: the scenario field it fills, how it reads."""

    key: str  # the scenario's field path: "teams.manual", "working_days"
    label: str  # a message id
    ops: tuple[str, ...] = RELATIVE  # what may be done with the number
    whole: bool = False  # a count of years

    @property
    def id(self) -> str:
        return "f-" + self.key.replace(".", "-").replace("_", "-")


@dataclass(frozen=True)
class Group:
    """A fieldset of the form."""

    legend: str  # a message id
    fields: tuple[Field, ...]
    method: str | None = None


ONLY_SET = (SET,)
GROUPS: tuple[Group, ...] = (
    Group(
        N_("Open area and period"),
        (
            Field("start_year", N_("First year of work"), ONLY_SET, whole=True),
            Field("horizon_years", N_("Years to look ahead"), ONLY_SET, whole=True),
            Field("sha_m2", N_("Suspected (SHA) area, m²"), ONLY_SET),
            Field("cha_m2", N_("Confirmed (CHA) area, m²"), ONLY_SET),
        ),
    ),
    *(
        Group(
            N_("Teams by method"),
            (
                Field(f"teams.{m}", N_("Teams")),
                Field(f"productivity_m2_day.{m}", N_("m² released per team-day")),
                Field(f"cost_per_day_usd.{m}", N_("Cost per team-day, USD")),
            ),
            method=m,
        )
        for m in METHODS
    ),
    Group(
        N_("Survey, time and money"),
        (
            Field(
                "nts_cancel_share", N_("Share of SHA area cancelled by NTS (0 to 1)")
            ),
            Field(
                "ts_reduce_share", N_("Share of technical area reduced by TS (0 to 1)")
            ),
            Field("working_days", N_("Working days per team and year")),
            Field(
                "budget_usd_per_year",
                N_("Budget per year, USD"),
                (*RELATIVE, UNLIMITED),
            ),
            Field(
                "capacity_m2_per_year",
                N_("Technical area released per year, m² (historical rate)"),
            ),
            Field("cost_per_m2_usd", N_("Cost per m², USD (historical rate)")),
        ),
    ),
)
FIELDS = {f.key: f for g in GROUPS for f in g.fields}
OP_LABELS = {
    SET: N_("set to"),
    ADD: N_("add"),
    SCALE: N_("multiply by"),
    UNLIMITED: N_("not limiting"),
}
DETERMINISTIC = "deterministic"


@dataclass
class Entered:
    """What the form holds: the text of each field and its operation."""

    name: str = ""
    description: str = ""
    values: dict[str, str] | None = None
    ops: dict[str, str] | None = None
    deterministic: bool = False

    def value(self, key: str) -> str:
        return (self.values or {}).get(key, "")

    def op(self, key: str) -> str:
        return (self.ops or {}).get(key, SET)


def read_form(form: Mapping[str, Any]) -> Entered:
    """The form's fields as typed (nothing checked yet)."""
    values, ops = {}, {}
    for key, f in FIELDS.items():
        values[key] = str(form.get(f"v.{key}") or "").strip()
        op = str(form.get(f"op.{key}") or SET)
        ops[key] = op if op in f.ops else SET
    return Entered(
        name=str(form.get("name") or "").strip(),
        description=str(form.get("description") or "").strip(),
        values=values,
        ops=ops,
        deterministic=bool(form.get(DETERMINISTIC)),
    )


_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def _number(text: str) -> float | None:
    """A typed number: spaces, underscores and thin spaces group digits; a
    comma or a point is the decimal mark."""
    compact = re.sub(r"[\s_\u00a0\u202f']", "", text)
    if not _NUMBER.match(compact):
        return None
    value = float(compact.replace(",", "."))
    return value if math.isfinite(value) else None


def to_definition(entered: Entered) -> tuple[dict[str, Any], dict[str, str]]:
    """The scenario fields the form names, and the fields that are not numbers."""
    out: dict[str, Any] = {"name": entered.name}
    if entered.description:
        out["description"] = entered.description
    errors: dict[str, str] = {}
    for key, f in FIELDS.items():
        op, text = entered.op(key), entered.value(key)
        if op == UNLIMITED:
            spec: Any = UNLIMITED
        elif not text:
            continue
        else:
            number = _number(text)
            if number is None:
                errors[key] = _("expected a number, got %(value)r", value=text)
                continue
            if f.whole and number.is_integer():
                number = int(number)
            spec = number if op == SET else {op: number}
        if "." in key:
            field, method = key.split(".", 1)
            out.setdefault(field, {})[method] = spec
        else:
            out[key] = spec
    if entered.deterministic:
        out["uncertainty"] = {DETERMINISTIC: True}
    return out, errors


def from_definition(definition: Mapping[str, Any]) -> Entered:
    """The form filled from a saved scenario."""
    values: dict[str, str] = {}
    ops: dict[str, str] = {}
    for key in FIELDS:
        field, _dot, method = key.partition(".")
        spec = definition.get(field)
        if method:
            spec = spec.get(method) if isinstance(spec, Mapping) else None
        if spec is None:
            continue
        if spec == UNLIMITED:
            ops[key] = UNLIMITED
            continue
        if isinstance(spec, Mapping):
            op = next((k for k in RELATIVE if k in spec), SET)
            ops[key], spec = op, spec.get(op)
        values[key] = _plain(spec)
    uncertainty = definition.get("uncertainty")
    return Entered(
        name=str(definition.get("name") or ""),
        description=str(definition.get("description") or ""),
        values=values,
        ops=ops,
        deterministic=bool(
            isinstance(uncertainty, Mapping) and uncertainty.get(DETERMINISTIC)
        ),
    )


def _plain(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def field_of(path: str) -> str:
    """The form field a mistake names (``teams.manual.add``: ``teams.manual``)."""
    while path and path not in FIELDS and path not in ("name", "description"):
        path = path.rpartition(".")[0]
    return path
