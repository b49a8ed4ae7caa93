# SPDX-License-Identifier: GPL-3.0-or-later
"""Prioritisation profiles: which criteria, how much each weighs, which method.

A profile is a YAML file (the shipped one is ``profiles/default.yaml``, which
documents every key). Loading checks everything a planner can get wrong and
names the file and the field: unknown or misspelt criteria and keys,
negative or all-zero weights, unknown directions and preference functions,
thresholds that make no sense.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from demine.analysis.priorities.criteria import CATALOGUE
from demine.analysis.priorities.mcda import PREFERENCE_KINDS, Preference
from demine.domain.vocab import HazardStatus
from demine.errors import SourceError
from demine.i18n import N_, _
from demine.i18n.numbers import either

PROFILES = Path(__file__).parent / "profiles"
DEFAULT_PROFILE = PROFILES / "default.yaml"
METHODS = ("weighted", "promethee")


class MethodName(StrEnum):
    """A ranking method a person may ask for (the profile's otherwise)."""

    weighted = "weighted"
    promethee = "promethee"


NORMALISATIONS = ("minmax", "rank")
DIRECTIONS = ("benefit", "cost")
_TOP_KEYS = {"method", "normalisation", "statuses", "criteria", "description"}
_CRITERION_KEYS = {"weight", "direction", "preference", "q", "p"}


class ProfileError(SourceError):
    """A prioritisation profile that cannot be used: names file and field."""

    default_message = N_("the prioritisation profile is not valid")


@dataclass(frozen=True)
class CriterionSetting:
    """One criterion as the profile sets it; ``params`` are its own options."""

    name: str
    weight: float
    direction: str
    preference: Preference
    params: Mapping[str, float] = field(default_factory=dict)

    @property
    def benefit(self) -> bool:
        return self.direction == "benefit"


@dataclass(frozen=True)
class Profile:
    """A validated profile. ``source`` names it in messages."""

    source: str
    method: str
    normalisation: str
    statuses: tuple[str, ...]
    criteria: tuple[CriterionSetting, ...]
    description: str = ""

    def criterion(self, name: str) -> CriterionSetting:
        for c in self.criteria:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def active(self) -> tuple[CriterionSetting, ...]:
        """Criteria with a weight above zero: the only ones computed."""
        return tuple(c for c in self.criteria if c.weight > 0)

    def with_method(self, method: str | None) -> Profile:
        if method is None:
            return self
        if method not in METHODS:
            raise ProfileError(
                _(
                    "unknown method %(method)r: use %(values)s",
                    method=method,
                    values=either(METHODS),
                ),
                field="method",
            )
        return replace(self, method=method)


def load_profile(path: str | Path | None = None) -> Profile:
    """Read and validate a profile file (the shipped default if ``path`` is None)."""
    path = Path(path) if path is not None else DEFAULT_PROFILE
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProfileError(
            _("cannot read the profile: %(strerror)s", strerror=exc.strerror),
            file=source,
        ) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ProfileError(
            _("not valid YAML: %(reason)s", reason=exc), file=source
        ) from None
    return parse_profile(data, source)


def parse_profile(data: Any, source: str = "<profile>") -> Profile:
    """Validate a profile given as a mapping (as YAML reads it)."""

    def fail(reason: str, where: str | None = None, value: Any = None) -> ProfileError:
        return ProfileError(reason, file=source, field=where, value=value)

    if not isinstance(data, dict):
        raise fail(_("expected a mapping with 'criteria' (and 'method')"))
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise fail(
            _(
                "unknown key(s) %(keys)s; allowed: %(allowed)s",
                keys=", ".join(sorted(map(str, unknown))),
                allowed=", ".join(sorted(_TOP_KEYS)),
            )
        )
    method = data.get("method", "promethee")
    if method not in METHODS:
        raise fail(_("use %(values)s", values=either(METHODS)), "method", method)
    normalisation = data.get("normalisation", "minmax")
    if normalisation not in NORMALISATIONS:
        raise fail(
            _("use %(values)s", values=either(NORMALISATIONS)),
            "normalisation",
            normalisation,
        )
    statuses = data.get("statuses", [HazardStatus.OPEN.value, "worked_on"])
    allowed_status = [s.value for s in HazardStatus]
    if (
        not isinstance(statuses, list)
        or not statuses
        or any(s not in allowed_status for s in statuses)
    ):
        raise fail(
            _(
                "a list of hazard statuses from %(values)s",
                values=", ".join(allowed_status),
            ),
            "statuses",
            statuses,
        )
    raw = data.get("criteria")
    if not isinstance(raw, dict) or not raw:
        raise fail(_("give at least one criterion as a mapping"), "criteria")
    criteria = tuple(_criterion(str(name), spec, fail) for name, spec in raw.items())
    if not any(c.weight > 0 for c in criteria):
        raise fail(
            _("all weights are zero: at least one must be above zero"), "criteria"
        )
    description = data.get("description", "")
    return Profile(
        source=source,
        method=method,
        normalisation=normalisation,
        statuses=tuple(statuses),
        criteria=criteria,
        description=str(description or ""),
    )


def _criterion(name: str, spec: Any, fail: Any) -> CriterionSetting:
    where = f"criteria.{name}"
    if name not in CATALOGUE:
        raise fail(
            _("unknown criterion; known: %(values)s", values=", ".join(CATALOGUE)),
            where,
            name,
        )
    info = CATALOGUE[name]
    if not isinstance(spec, dict):
        raise fail(_("expected a mapping with 'weight'"), where)
    allowed = _CRITERION_KEYS | set(info.params)
    unknown = set(spec) - allowed
    if unknown:
        raise fail(
            _(
                "unknown key(s) %(values)s; allowed: %(values2)s",
                values=", ".join(sorted(map(str, unknown))),
                values2=", ".join(sorted(allowed)),
            ),
            where,
        )
    if "weight" not in spec:
        raise fail(_("every criterion needs a weight"), f"{where}.weight")
    weight = _number(spec["weight"], f"{where}.weight", fail)
    if weight < 0:
        raise fail(_("a weight must not be negative"), f"{where}.weight", weight)
    direction = spec.get("direction", info.direction)
    if direction not in DIRECTIONS:
        raise fail(
            _("use %(values)s", values=either(DIRECTIONS)),
            f"{where}.direction",
            direction,
        )
    kind = spec.get("preference", "usual")
    if kind not in PREFERENCE_KINDS:
        raise fail(
            _("use one of %(values)s", values=", ".join(PREFERENCE_KINDS)),
            f"{where}.preference",
            kind,
        )
    q = _number(spec.get("q", 0.0), f"{where}.q", fail)
    p = _number(spec.get("p", 0.0), f"{where}.p", fail)
    for key, value in (("q", q), ("p", p)):
        if value < 0:
            raise fail(_("a threshold must not be negative"), f"{where}.{key}", value)
    if kind == "linear" and p <= q:
        raise fail(
            _("a linear preference needs p above q (q = %(q)g)", q=q), f"{where}.p", p
        )
    if kind == "v_shape" and p <= 0:
        raise fail(_("a v_shape preference needs p above 0"), f"{where}.p", p)
    if kind == "u_shape" and q <= 0:
        raise fail(_("a u_shape preference needs q above 0"), f"{where}.q", q)
    params = dict(info.params)
    for key in info.params:
        if key in spec:
            value = _number(spec[key], f"{where}.{key}", fail)
            if value < 0:
                raise fail(_("must not be negative"), f"{where}.{key}", value)
            params[key] = value
    return CriterionSetting(name, weight, direction, Preference(kind, q, p), params)


def _number(value: Any, where: str, fail: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise fail(_("expected a number"), where, value)
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        raise fail(_("expected a finite number"), where, value)
    return number
