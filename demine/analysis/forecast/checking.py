# SPDX-License-Identifier: GPL-3.0-or-later
"""Every mistake in a scenario at once, by field, for a form to show.

:func:`~demine.analysis.forecast.scenario.parse_scenario` stops at the first
mistake, which suits a file; a form shows each field's mistake beside it.
So each field is checked on its own by the same parser, then the whole
scenario against the register's fitted parameters (where mistakes that
involve several fields show: teams of a method with no history).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from demine.analysis.forecast.scenario import (
    FIELDS,
    METHODS,
    PER_METHOD,
    Scenario,
    ScenarioError,
    parse_scenario,
)
from demine.analysis.forecast.simulation import ForecastInputs
from demine.i18n import _

# A placeholder name while the name itself is checked apart.
_NAMED = "scenario"


def check_definition(
    definition: Mapping[str, Any], inputs: ForecastInputs | None = None
) -> tuple[Scenario | None, dict[str, str]]:
    """The scenario and no mistakes, or None and each field's mistake.

    Keys of the mistakes are the scenario's field paths (``teams.manual``,
    ``budget_usd_per_year``, ``name``); ``""`` holds one about the whole.
    ``inputs``: the register's fitted parameters, to check the scenario
    against (skipped when the register cannot be fitted).
    """
    errors: dict[str, str] = {}
    name = definition.get("name")
    if not isinstance(name, str) or not name.strip():
        errors["name"] = _("every scenario needs a name")
    rest: dict[str, Any] = {"name": _NAMED}
    for key, value in definition.items():
        if key in ("name", "description"):
            continue
        if key in PER_METHOD and isinstance(value, Mapping):
            for method, spec in value.items():
                if _parses(errors, {key: {method: spec}}, f"{key}.{method}"):
                    rest.setdefault(key, {})[method] = spec
        elif _parses(errors, {key: value}, key):
            rest[key] = value
    if inputs is not None:
        _apply_all(errors, rest, inputs)
    if errors:
        return None, errors
    return parse_scenario(dict(definition)), {}


def _parses(errors: dict[str, str], fields: dict[str, Any], where: str) -> bool:
    """Whether the field reads as a scenario field; if not, its mistake."""
    try:
        parse_scenario({"name": _NAMED, **fields})
    except ScenarioError as exc:
        errors[exc.field or where] = exc.reason
        return False
    return True


def _apply_all(
    errors: dict[str, str], fields: dict[str, Any], inputs: ForecastInputs
) -> None:
    """The mistakes of the fields applied to the fitted values: each one
    found is noted and its field left out, until the rest applies."""
    for _round in range(len(FIELDS) * len(METHODS)):
        try:
            parse_scenario(fields).apply(inputs)
            return
        except ScenarioError as exc:
            where = exc.field or ""
            errors.setdefault(where, exc.reason)
            if not _drop(fields, where):
                return


def _drop(fields: dict[str, Any], where: str) -> bool:
    """Leave out the field a mistake names; False if it names none."""
    key, _dot, method = where.partition(".")
    method = method.partition(".")[0]
    if key in PER_METHOD and isinstance(fields.get(key), dict) and method:
        block = fields[key]
        if method in block:
            del block[method]
            if not block:
                del fields[key]
            return True
    if key in fields and key != "name":
        del fields[key]
        return True
    return False
