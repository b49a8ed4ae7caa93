# SPDX-License-Identifier: GPL-3.0-or-later
"""Forecast scenarios: YAML files of changes to the fitted parameters.

A file holds one scenario (a mapping with ``name``) or several (a mapping
with a ``scenarios`` list). Every field is optional; see docs/forecast.md::

    name: +20 mechanical teams
    teams: {mechanical: {add: 20}}
    budget_usd_per_year: {add: 100_000_000}
    nts_cancel_share: {scale: 1.3}

A value is a number (sets the mean) or a mapping with one of ``value``,
``add`` or ``scale``, optionally with ``sd`` (absolute) or ``cv`` (relative).
Mistakes raise :class:`ScenarioError` naming the file, scenario and field.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from demine.analysis.forecast.simulation import (
    MAX_CV,
    MAX_HORIZON,
    ForecastInputs,
    InputError,
    MethodInputs,
    Parameter,
    check_inputs,
)
from demine.domain.vocab import Method
from demine.errors import DemineError
from demine.i18n import N_, _

METHODS = tuple(m.value for m in Method)
PER_METHOD = ("teams", "productivity_m2_day", "cost_per_day_usd")
SHARES = ("nts_cancel_share", "ts_reduce_share")
SINGLE = (
    *SHARES,
    "working_days",
    "budget_usd_per_year",
    "capacity_m2_per_year",
    "cost_per_m2_usd",
)
SCALARS = ("start_year", "horizon_years", "sha_m2", "cha_m2")
FIELDS = ("name", "description", *SCALARS, *PER_METHOD, *SINGLE, "uncertainty")
SPEC_KEYS = ("value", "add", "scale", "sd", "cv")
UNCERTAINTY = ("deterministic", "productivity", "cost", "working_days", "budget")


class ScenarioError(DemineError):
    """A scenario that cannot be run: names the file, scenario and field."""

    http_status = 422
    default_message = N_("the scenario is not valid")

    def __init__(
        self,
        reason: str,
        *,
        source: str | None = None,
        scenario: str | None = None,
        field: str | None = None,
    ) -> None:
        self.reason = reason
        self.source = source
        self.scenario = scenario
        self.field = field
        where = [source] if source else []
        if scenario:
            where.append(f"scenario {scenario!r}")
        if field:
            where.append(f"field '{field}'")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {reason}" if prefix else reason)


@dataclass(frozen=True)
class Scenario:
    """Validated changes to the fitted inputs; ``source`` names where from."""

    name: str
    description: str = ""
    source: str = ""
    changes: Mapping[str, Any] = field(default_factory=dict)

    def error(self, reason: str, field: str | None = None) -> ScenarioError:
        return ScenarioError(
            reason, source=self.source or None, scenario=self.name, field=field
        )

    def apply(self, inputs: ForecastInputs) -> ForecastInputs:
        """The inputs with this scenario's changes; checked for sense."""
        ch = self.changes
        out = inputs
        for key in SCALARS:
            if key in ch:
                value = (
                    int(ch[key]) if key in ("start_year", "horizon_years") else ch[key]
                )
                out = _with(out, key, value)
        methods = dict(out.methods)
        for key in PER_METHOD:
            for method, spec in (ch.get(key) or {}).items():
                methods[method] = self._method(methods.get(method), key, method, spec)
        out = replace(out, methods=methods)
        for key in SINGLE:
            if key in ch:
                out = _with(out, key, self._single(out, key))
        out = self._uncertainty(out)
        try:
            check_inputs(out)
        except InputError as exc:
            raise self.error(str(exc), exc.field) from None
        return out

    def _method(
        self, current: MethodInputs | None, key: str, method: str, spec: Any
    ) -> MethodInputs:
        where = f"{key}.{method}"
        if current is None:
            nan = Parameter(math.nan, 0.0, 0, "not in the register")
            current = MethodInputs(0.0, nan, nan)
        if key == "teams":
            teams = _apply(Parameter(current.teams), spec).mean
            if teams < 0:
                raise self.error(_("the number of teams cannot be negative"), where)
            new = replace(current, teams=teams)
        else:
            param = _apply(getattr(current, key), spec, f"scenario {self.name}")
            if not math.isfinite(param.mean) or param.mean < 0:
                raise self.error(
                    _(
                        "needs a value: the register has none for %(method)s",
                        method=method,
                    ),
                    where,
                )
            new = _with(current, key, param)
        if key == "teams" and new.teams > 0:
            for need in ("productivity_m2_day", "cost_per_day_usd"):
                known = math.isfinite(getattr(new, need).mean)
                if not known and not _has(self.changes, need, method):
                    raise self.error(
                        _(
                            "%(method)s teams need %(need)s.%(method)s: the register "
                            "has no history for them",
                            method=method,
                            need=need,
                        ),
                        where,
                    )
        return new

    def _single(self, inputs: ForecastInputs, key: str) -> Parameter | None:
        spec = self.changes[key]
        current: Parameter | None = getattr(inputs, key)
        if spec is None or spec == "unlimited":
            if key != "budget_usd_per_year":
                raise self.error(_("needs a number"), key)
            return None
        if current is None and key == "capacity_m2_per_year":
            # Scaling the capacity starts from what the history released a year.
            current = inputs.historical_capacity_m2_per_year
        if current is None:
            if key == "budget_usd_per_year" and _is_relative(spec):
                # Adding money to a budget that does not limit changes nothing.
                return None
            kind = "share" if key in SHARES else "positive"
            current = Parameter(math.nan, 0.0, 0, "", kind)  # type: ignore[arg-type]
        new = _apply(current, spec, f"scenario {self.name}")
        if not math.isfinite(new.mean):
            raise self.error(_("needs a value: the register has none"), key)
        if new.mean < 0:
            raise self.error(_("cannot be negative (got %(mean)g)", mean=new.mean), key)
        if key in SHARES:
            new = replace(new, mean=min(new.mean, 1.0), kind="share")
        if key == "working_days" and new.mean > 366:
            raise self.error(_("a year has at most 366 days"), key)
        return new

    def _uncertainty(self, inputs: ForecastInputs) -> ForecastInputs:
        spec = self.changes.get("uncertainty") or {}
        if spec.get("deterministic"):
            return _without_spread(inputs)
        out = inputs
        if "productivity" in spec or "cost" in spec:
            methods = {}
            for name, m in out.methods.items():
                p, c = m.productivity_m2_day, m.cost_per_day_usd
                if "productivity" in spec:
                    p = p.with_sd(spec["productivity"] * p.mean)
                if "cost" in spec:
                    c = c.with_sd(spec["cost"] * c.mean)
                methods[name] = replace(m, productivity_m2_day=p, cost_per_day_usd=c)
            out = replace(out, methods=methods)
        if "working_days" in spec:
            wd = out.working_days
            out = replace(out, working_days=wd.with_sd(spec["working_days"] * wd.mean))
        if "budget" in spec and out.budget_usd_per_year is not None:
            b = out.budget_usd_per_year
            out = replace(out, budget_usd_per_year=b.with_sd(spec["budget"] * b.mean))
        return out


def _with(obj: Any, key: str, value: Any) -> Any:
    """A copy of a frozen dataclass with one field changed (named at run time)."""
    changes: dict[str, Any] = {key: value}
    return replace(obj, **changes)


def _has(changes: Mapping[str, Any], key: str, method: str) -> bool:
    return method in (changes.get(key) or {})


def _is_relative(spec: Any) -> bool:
    return isinstance(spec, Mapping) and ("add" in spec or "scale" in spec)


def _apply(current: Parameter, spec: Any, source: str = "") -> Parameter:
    """A value spec applied to a parameter (validated beforehand)."""
    if not isinstance(spec, Mapping):
        spec = {"value": spec}
    mean, sd = current.mean, current.sd
    if "value" in spec:
        mean, sd = float(spec["value"]), (sd / mean if mean else 0.0) * spec["value"]
    elif "add" in spec:
        mean = mean + float(spec["add"])
    elif "scale" in spec:
        mean, sd = mean * float(spec["scale"]), sd * float(spec["scale"])
    if "sd" in spec:
        sd = float(spec["sd"])
    if "cv" in spec:
        sd = float(spec["cv"]) * mean
    if not math.isfinite(sd):
        sd = 0.0
    return replace(current, mean=mean, sd=max(sd, 0.0), source=source or current.source)


def _without_spread(inputs: ForecastInputs) -> ForecastInputs:
    methods = {
        n: replace(
            m,
            productivity_m2_day=m.productivity_m2_day.with_sd(0),
            cost_per_day_usd=m.cost_per_day_usd.with_sd(0),
        )
        for n, m in inputs.methods.items()
    }
    opt: dict[str, Any] = {
        k: (getattr(inputs, k).with_sd(0) if getattr(inputs, k) is not None else None)
        for k in ("budget_usd_per_year", "capacity_m2_per_year", "cost_per_m2_usd")
    }
    return replace(
        inputs,
        methods=methods,
        nts_cancel_share=inputs.nts_cancel_share.with_sd(0),
        ts_reduce_share=inputs.ts_reduce_share.with_sd(0),
        working_days=inputs.working_days.with_sd(0),
        **opt,
    )


# -- parsing ---------------------------------------------------------------


# Larger than any country's area in m² or any budget in USD: a typing mistake.
MAX_NUMBER = 1e15


def _number(value: Any, err: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise err(_("expected a number, got %(value)r", value=value), where)
    if not math.isfinite(float(value)):
        raise err(_("expected a finite number, got %(value)r", value=value), where)
    if abs(float(value)) > MAX_NUMBER:
        raise err(
            _(
                "%(value)g is implausibly large (at most %(max_number)g)",
                value=value,
                max_number=MAX_NUMBER,
            ),
            where,
        )
    return float(value)


def _check_spec(spec: Any, err: Any, where: str) -> None:
    if not isinstance(spec, Mapping):
        if _number(spec, err, where) < 0:
            raise err(_("cannot be negative (got %(spec)r)", spec=spec), where)
        return
    unknown = sorted(set(map(str, spec)) - set(SPEC_KEYS))
    if unknown:
        raise err(
            _(
                "unknown key(s) %(values)s: use value, add or scale, with sd or cv",
                values=", ".join(unknown),
            ),
            where,
        )
    ops = [k for k in ("value", "add", "scale") if k in spec]
    if len(ops) > 1:
        raise err(
            _("give one of value, add, scale (got %(values)s)", values=", ".join(ops)),
            where,
        )
    for key in spec:
        number = _number(spec[key], err, f"{where}.{key}")
        if key != "add" and number < 0:
            raise err(
                _("cannot be negative (got %(number)g)", number=number),
                f"{where}.{key}",
            )
        if key == "cv" and number > MAX_CV:
            raise err(
                _("a coefficient of variation is 0 to %(max_cv)g", max_cv=MAX_CV),
                f"{where}.cv",
            )


def parse_scenario(data: Any, source: str = "", index: int | None = None) -> Scenario:
    """One scenario from parsed YAML/JSON; every field checked and named."""
    label = f"#{index + 1}" if index is not None else None
    if not isinstance(data, Mapping):
        raise ScenarioError(
            _("a scenario is a mapping of fields"), source=source or None
        )
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ScenarioError(
            _("every scenario needs a name"),
            source=source or None,
            scenario=label,
            field="name",
        )

    def err(reason: str, where: str) -> ScenarioError:
        return ScenarioError(reason, source=source or None, scenario=name, field=where)

    unknown = sorted(set(map(str, data)) - set(FIELDS))
    if unknown:
        raise err(
            _("unknown field: use %(values)s", values=", ".join(FIELDS)), unknown[0]
        )
    for key in SCALARS:
        if key in data:
            value = _number(data[key], err, key)
            if value < 0:
                raise err(_("cannot be negative (got %(value)g)", value=value), key)
    if "start_year" in data and not 1900 <= data["start_year"] <= 2200:
        raise err(_("expected a year between 1900 and 2200"), "start_year")
    if "horizon_years" in data and not 1 <= data["horizon_years"] <= MAX_HORIZON:
        raise err(
            _("expected 1 to %(max_horizon)s years", max_horizon=MAX_HORIZON),
            "horizon_years",
        )
    for key in PER_METHOD:
        if key not in data:
            continue
        block = data[key]
        if not isinstance(block, Mapping):
            raise err(_("expected a mapping of method: value"), key)
        for method, spec in block.items():
            if method not in METHODS:
                raise err(
                    _("unknown method: use %(values)s", values=", ".join(METHODS)),
                    f"{key}.{method}",
                )
            _check_spec(spec, err, f"{key}.{method}")
    for key in SINGLE:
        if key in data and not (
            key == "budget_usd_per_year" and data[key] in (None, "unlimited")
        ):
            _check_spec(data[key], err, key)
    _check_uncertainty(data.get("uncertainty"), err)
    changes = {k: v for k, v in data.items() if k not in ("name", "description")}
    return Scenario(name.strip(), str(data.get("description") or ""), source, changes)


def _check_uncertainty(spec: Any, err: Any) -> None:
    if spec is None:
        return
    if not isinstance(spec, Mapping):
        raise err(_("expected a mapping"), "uncertainty")
    for key, value in spec.items():
        where = f"uncertainty.{key}"
        if key not in UNCERTAINTY:
            raise err(
                _("unknown key: use %(values)s", values=", ".join(UNCERTAINTY)), where
            )
        if key == "deterministic":
            if not isinstance(value, bool):
                raise err(_("expected true or false"), where)
        elif not 0 <= _number(value, err, where) <= MAX_CV:
            raise err(
                _("a coefficient of variation is 0 to %(max_cv)g", max_cv=MAX_CV), where
            )


def parse_scenarios(data: Any, source: str = "") -> list[Scenario]:
    """One or several scenarios (a ``scenarios`` list) from parsed data."""
    if isinstance(data, Mapping) and "scenarios" in data:
        extra = sorted(set(map(str, data)) - {"scenarios"})
        if extra:
            raise ScenarioError(
                _("next to 'scenarios' nothing else is allowed"),
                source=source or None,
                field=extra[0],
            )
        items = data["scenarios"]
        if not isinstance(items, list) or not items:
            raise ScenarioError(
                _("expected a non-empty list"), source=source or None, field="scenarios"
            )
        found = [parse_scenario(item, source, i) for i, item in enumerate(items)]
    else:
        found = [parse_scenario(data, source)]
    names = [s.name for s in found]
    doubles = sorted({n for n in names if names.count(n) > 1})
    if doubles:
        raise ScenarioError(
            _(
                "scenario names must differ: %(values)s appears twice",
                values=", ".join(doubles),
            ),
            source=source or None,
        )
    return found


def load_scenarios(paths: list[Path] | list[str]) -> list[Scenario]:
    """Every scenario of every file, in order; names unique across files."""
    found: list[Scenario] = []
    for path in map(Path, paths):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ScenarioError(
                _("cannot read: %(strerror)s", strerror=exc.strerror), source=str(path)
            ) from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = _(" (line %(line)s)", line=mark.line + 1) if mark else ""
            raise ScenarioError(
                _("not valid YAML%(line)s", line=line), source=str(path)
            ) from None
        found.extend(parse_scenarios(data, str(path)))
    names = [s.name for s in found]
    doubles = sorted({n for n in names if names.count(n) > 1})
    if doubles:
        raise ScenarioError(
            _("scenario names must differ: %(values)s", values=", ".join(doubles))
        )
    return found
