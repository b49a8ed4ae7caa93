# SPDX-License-Identifier: GPL-3.0-or-later
"""Column mappings: a small YAML file says how a source becomes register records.

A mapping names, for each register field, where its value comes from::

    name: Bosnia and Herzegovina suspected hazardous areas (BHMAC)
    source:
      crs: EPSG:4326          # when the file does not say (and for CSV x/y)
      encoding: utf-8         # CSV only; latin-1, cp1252 ...
    records:                  # records the rows refer to, upserted with them
      organisation:
        - {external_id: bhmac, name: BHMAC, org_type: national_authority}
    kind: hazard              # or a list of `targets`, each with its own kind
    optional: [recorded_on]   # required fields this source does not have
    fields:
      external_id: "bhmac-sha-{fileId}-{_row}"   # text with {column} is a template
      hazard_class: {value: sha}                 # a constant
      name: fileId                               # plain text is a column
      status: {column: ESTADO, values: {Abierto: open, Cerrada: closed}}
      recorded_on: {column: FECHA, date: "%d/%m/%Y"}
      reported_area_m2: {column: AREA_HA, number: {decimal: ",", scale: 10000}}
      reported_by: {value: bhmac}
      geom: {geometry: true}                     # the file's own geometry

Geometry may also come from ``{lon: X, lat: Y}`` columns, a ``{wkt: WKT}``
column, or ``{place: MUNICIPIO}``: the location of the register's place of
that name. ``targets`` (a list of ``{kind, when, fields ...}``) makes several
kinds of record from one file, or several records from one row; ``when:
{column: TIPO_EVENTO, in: [1, 2]}`` picks the rows a target takes, and a row
that no target takes is an error unless ``unmatched: skip``. A target with
``distinct: true`` makes one record of all rows with the same external id
(the hazard of many monthly reports, say); those rows must agree on it.

A target with ``counts`` makes one record per unit of each count column
(victims of a register that counts them per incident); see
:mod:`demine.exchange.counts`.

Template placeholders are column names, ``_row`` (the row number), ``_file``
(the file name) and ``_stem`` (the file name without extension).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping as MappingType
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
import yaml
from numpy.typing import NDArray
from pyproj import CRS, Transformer

from demine.errors import SourceError
from demine.exchange.checks import Problems, to_geometries
from demine.exchange.counts import Counts, expand, parse_counts
from demine.exchange.entities import EntitySpec, entity, resolve_kind
from demine.exchange.formats import ReadOptions, SourceTable, source_crs
from demine.exchange.keys import (
    GEOMETRY,
    PLACEHOLDER,
    fill,
    tell_apart,
    template_columns,
    uses_hash,
)
from demine.exchange.parsing import (
    DateFormat,
    NumberFormat,
    as_text,
    blank,
    date_from_parts,
    fold,
    map_distinct,
)
from demine.i18n import _, ngettext
from demine.i18n.kinds import kind_word
from demine.i18n.numbers import number

RULE_KEYS = {
    "column",
    "value",
    "template",
    "values",
    "default",
    "date",
    "number",
    "split",
    "geometry",
    "lon",
    "lat",
    "wkt",
    "place",
    "place_type",
    "crs",
    "year",
    "month",
    "day",
}
SOURCES = ("column", "value", "template", "geometry", "lon", "wkt", "place", "year")


@dataclass(frozen=True)
class FieldRule:
    """Where one register field's values come from, and how to read them."""

    field: str
    column: str | None = None
    value: Any = None
    constant: bool = False
    template: str | None = None
    values: dict[str, Any] | None = None
    default: Any = None
    date: tuple[str, ...] | None = None
    number: NumberFormat | None = None
    split: str | None = None
    geometry: bool = False
    lon: str | None = None
    lat: str | None = None
    wkt: str | None = None
    place: str | None = None
    place_type: str | None = None
    crs: str | None = None
    date_parts: tuple[str, str | None, str | None] | None = None

    def columns(self) -> list[str]:
        """The source columns this rule reads."""
        names = [self.column, self.lon, self.lat, self.wkt, self.place]
        if self.template:
            names += template_columns(self.template)
        if self.date_parts:
            year, month, day = self.date_parts
            names += [year, month, None if fixed_day(day) else day]
        return [n for n in names if n]


@dataclass(frozen=True)
class Condition:
    """Which rows a target takes: ``column`` value in ``values`` (or not)."""

    column: str
    values: frozenset[str] = frozenset()
    negate: bool = False
    greater_than: float | None = None

    def select(self, table: SourceTable, file: str) -> NDArray[np.bool_]:
        series = _column(table, self.column, "when", file)
        if self.greater_than is not None:
            numbers, _unused = NumberFormat().parse(series)
            return np.nan_to_num(numbers, nan=-np.inf) > self.greater_than
        text = as_text(series).fillna("")
        hit = text.isin(self.values).to_numpy(dtype=bool)
        return np.asarray(~hit if self.negate else hit, dtype=bool)


@dataclass(frozen=True)
class Target:
    """One kind of record made from (some of) the rows."""

    kind: str
    fields: dict[str, FieldRule]
    when: Condition | None = None
    optional: frozenset[str] = frozenset()
    review_state: str | None = None
    distinct: bool = False
    counts: Counts | None = None


@dataclass(frozen=True)
class Mapping:
    """A whole column mapping (see the module docstring for the YAML)."""

    targets: tuple[Target, ...]
    read: ReadOptions = field(default_factory=ReadOptions)
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    name: str | None = None
    unmatched: str = "error"
    path: str | None = None

    def kinds(self) -> list[str]:
        return list(dict.fromkeys(t.kind for t in self.targets))


@dataclass
class Staged:
    """Rows on their way to one register table: raw field values, row numbers."""

    kind: str
    file: str
    frame: pd.DataFrame
    rows: NDArray[np.int64]
    optional: frozenset[str] = frozenset()
    review_state: str | None = None
    places: dict[str, tuple[pd.Series, str | None]] = field(default_factory=dict)
    #: external-id prefixes of records made from counts (see
    #: :mod:`demine.exchange.counts`): stored records of these families that
    #: the import does not make again are withdrawn.
    families: NDArray[np.object_] | None = None


# -- reading the YAML ------------------------------------------------------


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; errors name the file and the key."""
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except FileNotFoundError:
        raise SourceError(_("no such mapping file"), file=str(path)) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SourceError(
            _("is not valid YAML: %(reason)s", reason=exc), file=str(path)
        ) from None
    if not isinstance(data, dict):
        raise SourceError(_("must be a YAML mapping of keys"), file=str(path))
    return parse_mapping(data, str(path))


def parse_mapping(data: MappingType[str, Any], where: str = "mapping") -> Mapping:
    """A :class:`Mapping` from its YAML data."""
    known = {"name", "description", "source", "records", "targets", "unmatched"}
    single = {
        "kind",
        "fields",
        "when",
        "optional",
        "review_state",
        "distinct",
        "counts",
    }
    unknown = set(data) - known - single
    if unknown:
        raise SourceError(
            _("unknown key(s): %(values)s", values=", ".join(sorted(unknown))),
            file=where,
        )
    if "targets" in data:
        raw_targets = data["targets"]
        if not isinstance(raw_targets, list) or not raw_targets:
            raise SourceError(_("'targets' must be a non-empty list"), file=where)
    elif "kind" in data:
        raw_targets = [{k: data[k] for k in single if k in data}]
    else:
        raise SourceError(
            _("needs 'kind' and 'fields', or a list of 'targets'"), file=where
        )
    targets = tuple(_target(t, where) for t in raw_targets)
    source = data.get("source") or {}
    if not isinstance(source, dict):
        raise SourceError(_("'source' must be a mapping"), file=where)
    unknown = set(source) - {"layer", "sheet", "encoding", "delimiter", "crs"}
    if unknown:
        raise SourceError(
            _("unknown source key(s): %(values)s", values=", ".join(sorted(unknown))),
            file=where,
        )
    read = ReadOptions(
        layer=source.get("layer") or source.get("sheet"),
        encoding=source.get("encoding"),
        delimiter=source.get("delimiter"),
        crs=_crs_text(source.get("crs"), where),
    )
    unmatched = str(data.get("unmatched", "error"))
    if unmatched not in ("error", "skip"):
        raise SourceError(_("'unmatched' must be 'error' or 'skip'"), file=where)
    return Mapping(
        targets=targets,
        read=read,
        records=_records(data.get("records") or {}, where),
        name=data.get("name"),
        unmatched=unmatched,
        path=where,
    )


def _crs_text(value: Any, where: str) -> str | None:
    if value is None:
        return None
    try:
        CRS.from_user_input(value)
    except Exception as exc:
        raise SourceError(
            _("unknown CRS %(value)r: %(reason)s", value=value, reason=exc), file=where
        ) from None
    return str(value)


def _records(data: Any, where: str) -> dict[str, list[dict[str, Any]]]:
    if not isinstance(data, dict):
        raise SourceError(_("'records' must map kinds to lists of records"), file=where)
    out: dict[str, list[dict[str, Any]]] = {}
    for name, rows in data.items():
        kind = resolve_kind(str(name))
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise SourceError(
                _("records.%(name)s must be a list of mappings", name=name), file=where
            )
        out[kind] = rows
    return out


def _target(data: Any, where: str) -> Target:
    if not isinstance(data, dict) or "kind" not in data:
        raise SourceError(_("each target needs a 'kind'"), file=where)
    kind = resolve_kind(str(data["kind"]))
    spec = entity(kind)
    raw_fields = data.get("fields") or {}
    if not isinstance(raw_fields, dict):
        raise SourceError(
            _("%(kind)s: 'fields' must be a mapping", kind=kind), file=where
        )
    rules = {}
    for name, raw in raw_fields.items():
        fs = spec.by_name.get(str(name))
        if fs is None or fs.derived:
            allowed = ", ".join(f.name for f in spec.importable())
            raise SourceError(
                _(
                    "%(kind)s has no field %(name)r; fields: %(allowed)s",
                    kind=kind,
                    name=name,
                    allowed=allowed,
                ),
                file=where,
            )
        rules[fs.name] = _rule(fs.name, raw, where)
    optional = frozenset(str(f) for f in data.get("optional") or [])
    for name in optional:
        if name not in spec.by_name:
            raise SourceError(
                _("optional: %(kind)s has no field %(name)r", kind=kind, name=name),
                file=where,
            )
    counts = None
    if "counts" in data:
        counts = parse_counts(data["counts"], kind, set(spec.by_name), where)
        if _count_base(spec, rules) is None:
            raise SourceError(
                _(
                    "%(kind)s: records made from counts need 'external_id' (the "
                    "incident's id) or a reference to the incident among the fields",
                    kind=kind,
                ),
                file=where,
            )
    return Target(
        kind=kind,
        fields=rules,
        when=_condition(data.get("when"), where),
        optional=optional,
        review_state=data.get("review_state"),
        distinct=bool(data.get("distinct", False)),
        counts=counts,
    )


def _count_base(spec: EntitySpec, rules: dict[str, FieldRule]) -> str | None:
    """The field whose value starts the ids of records made from counts."""
    if "external_id" in rules:
        return "external_id"
    refs = [f.name for f in spec.fields if f.type == "ref" and f.name in rules]
    return refs[0] if refs else None


def _condition(data: Any, where: str) -> Condition | None:
    if data is None:
        return None
    if not isinstance(data, dict) or "column" not in data:
        raise SourceError(_("'when' needs a 'column'"), file=where)
    if "gt" in data:
        return Condition(str(data["column"]), greater_than=float(data["gt"]))
    values = data.get("in", data.get("not_in"))
    if not isinstance(values, list):
        raise SourceError(
            _("'when' needs a list under 'in', 'not_in' or a 'gt'"), file=where
        )
    return Condition(
        str(data["column"]),
        frozenset(_key(v) for v in values),
        negate="not_in" in data,
    )


def _key(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rule(name: str, raw: Any, where: str) -> FieldRule:
    """One field rule from its YAML shorthand or full form."""
    if isinstance(raw, str):
        if PLACEHOLDER.search(raw):
            return FieldRule(name, template=raw)
        return FieldRule(name, column=raw)
    if raw is None or isinstance(raw, int | float | bool | list):
        return FieldRule(name, value=raw, constant=True)
    if not isinstance(raw, dict):
        raise SourceError(
            _("field %(name)s: cannot read %(raw)r", name=name, raw=raw), file=where
        )
    unknown = set(raw) - RULE_KEYS
    if unknown:
        raise SourceError(
            _(
                "field %(name)s: unknown key(s) %(values)s",
                name=name,
                values=", ".join(sorted(unknown)),
            ),
            file=where,
        )
    if sum(k in raw for k in SOURCES) != 1:
        raise SourceError(
            _(
                "field %(name)s: give exactly one of %(values)s",
                name=name,
                values=", ".join(SOURCES),
            ),
            file=where,
        )
    return FieldRule(
        name,
        column=raw.get("column"),
        value=raw.get("value"),
        constant="value" in raw,
        template=raw.get("template"),
        values=_value_map(raw.get("values"), name, where),
        default=raw.get("default"),
        date=_date_formats(raw.get("date")),
        number=_number_format(raw.get("number"), name, where),
        split=raw.get("split"),
        geometry=bool(raw.get("geometry", False)),
        lon=raw.get("lon"),
        lat=raw.get("lat"),
        wkt=raw.get("wkt"),
        place=raw.get("place"),
        place_type=raw.get("place_type"),
        crs=_crs_text(raw.get("crs"), where),
        date_parts=(raw["year"], raw.get("month"), _day(raw.get("day"), name, where))
        if "year" in raw
        else None,
    )


def fixed_day(day: str | None) -> bool:
    """Whether a date's ``day`` is given (a number, first, last), not a column."""
    return day is None or day in ("first", "last") or day.isdigit()


def _day(day: Any, name: str, where: str) -> str | None:
    """``day`` of a date in parts: a column name, ``first``, ``last`` or 1-31."""
    if day is None:
        return None
    text = str(day).strip()
    if isinstance(day, bool) or (text.isdigit() and not 1 <= int(text) <= 31):
        raise SourceError(
            _(
                "field %(name)s: 'day' is a column, first, last or a day 1-31",
                name=name,
            ),
            file=where,
        )
    return text


def _value_map(data: Any, name: str, where: str) -> dict[str, Any] | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        raise SourceError(
            _("field %(name)s: 'values' must be a mapping", name=name), file=where
        )
    return {_key(k): v for k, v in data.items()}


def _date_formats(data: Any) -> tuple[str, ...] | None:
    if data is None:
        return None
    return (str(data),) if isinstance(data, str) else tuple(str(d) for d in data)


def _number_format(data: Any, name: str, where: str) -> NumberFormat | None:
    if data is None:
        return None
    if data == "comma":
        return NumberFormat(decimal=",", thousands=".")
    if not isinstance(data, dict):
        raise SourceError(
            _("field %(name)s: 'number' must be a mapping", name=name), file=where
        )
    return NumberFormat(
        decimal=str(data.get("decimal", ".")),
        thousands=data.get("thousands"),
        scale=float(data.get("scale", 1.0)),
    )


# -- applying a mapping ----------------------------------------------------


def apply_mapping(
    mapping: Mapping, table: SourceTable, problems: Problems
) -> list[Staged]:
    """The rows of ``table`` as staged records, one :class:`Staged` per target."""
    taken = np.zeros(len(table), dtype=bool)
    out = []
    for target in mapping.targets:
        mask = (
            np.ones(len(table), dtype=bool)
            if target.when is None
            else target.when.select(table, table.name)
        )
        taken |= mask
        if mask.any():
            out.append(_stage(target, table, mask, problems, mapping.read))
    if mapping.unmatched == "error" and not taken.all():
        conditions = sorted({t.when.column for t in mapping.targets if t.when})
        shown = conditions[0] if conditions else None
        values = (
            table.frame[shown] if shown in table.frame else pd.Series([""] * len(table))
        )
        problems.add(
            ~taken,
            shown or "(row)",
            values.reset_index(drop=True),
            _("matches none of the mapping's targets (add one, or 'unmatched: skip')"),
        )
    return out


def _stage(
    target: Target,
    table: SourceTable,
    mask: NDArray[np.bool_],
    problems: Problems,
    read: ReadOptions,
) -> Staged:
    spec = entity(target.kind)
    idx = np.flatnonzero(mask)
    sub = _subset(table, idx)
    sub_problems = Problems(problems.file, sub.rows)
    columns: dict[str, Any] = {}
    places: dict[str, tuple[pd.Series, str | None]] = {}
    rules = dict(target.fields)
    main = spec.main_geometry
    if main and main not in rules and sub.geometry is not None:
        rules[main] = FieldRule(main, geometry=True)
    for name, rule in rules.items():
        if rule.place:
            places[name] = (_column(sub, rule.place, name, sub.name), rule.place_type)
            continue
        columns[name] = _values(spec, rule, sub, sub_problems, read)
    frame = pd.DataFrame(columns, index=range(len(idx)))
    rows = sub.rows
    key = rules.get("external_id")
    if key and key.template and uses_hash(key.template) and not target.distinct:
        frame["external_id"], suffixed = tell_apart(frame["external_id"], sub)
        if suffixed:
            problems.notes.append(
                ngettext(
                    "%(table)s: %(count)s %(kind)s row shares its key columns "
                    "with another row: told apart by -2, -3 ... after the id, in "
                    "the order of their content",
                    "%(table)s: %(count)s %(kind)s rows share their key columns "
                    "with another row: told apart by -2, -3 ... after the id, in "
                    "the order of their content",
                    suffixed,
                    table=table.name,
                    count=number(suffixed),
                    kind=kind_word(target.kind),
                )
            )
    families = None
    if target.counts is not None:
        frame, rows, places, families = _expand_counts(
            target, spec, frame, sub, places, sub_problems
        )
    if target.distinct and "external_id" in frame:
        keep = _distinct(frame, rows, sub_problems)
        frame, rows = frame[keep].reset_index(drop=True), rows[keep]
        places = {
            k: (v[keep].reset_index(drop=True), t) for k, (v, t) in places.items()
        }
    problems.items.extend(sub_problems.items)
    return Staged(
        kind=target.kind,
        file=table.name,
        frame=frame,
        rows=rows,
        optional=target.optional,
        review_state=target.review_state,
        places=places,
        families=families,
    )


def _expand_counts(
    target: Target,
    spec: EntitySpec,
    frame: pd.DataFrame,
    sub: SourceTable,
    places: dict[str, tuple[pd.Series, str | None]],
    problems: Problems,
) -> tuple[
    pd.DataFrame,
    NDArray[np.int64],
    dict[str, tuple[pd.Series, str | None]],
    NDArray[np.object_],
]:
    """One record per unit of each count (:mod:`demine.exchange.counts`)."""
    assert target.counts is not None
    base_field = _count_base(spec, dict(target.fields))
    assert base_field is not None
    base = as_text(frame[base_field].reset_index(drop=True))

    def read(column: str) -> pd.Series:
        return _column(sub, column, "counts", sub.name)

    made = expand(target.counts, read, base, problems)
    out = frame.iloc[made.take].reset_index(drop=True)
    out["external_id"] = pd.Series(made.external_id, dtype=object)
    for name, values in made.values.items():
        given = pd.Series(values, dtype=object)
        if name in out:
            out[name] = given.where(given.notna(), out[name].astype(object))
        else:
            out[name] = given
    moved = {
        k: (v.iloc[made.take].reset_index(drop=True), t) for k, (v, t) in places.items()
    }
    return out, sub.rows[made.take], moved, made.families


def _distinct(
    frame: pd.DataFrame, rows: NDArray[np.int64], problems: Problems
) -> NDArray[np.bool_]:
    """First row of each external id; later rows must say the same of it."""
    keys = frame["external_id"].astype(object)
    first = ~keys.duplicated(keep="first").to_numpy(dtype=bool) | keys.isna().to_numpy()
    text = frame.astype(str)
    firsts = text[first].set_index(keys[first].astype(str))
    for column in frame.columns:
        later = text[column][~first]
        agree = (
            later.to_numpy()
            == firsts[column].reindex(keys[~first].astype(str)).to_numpy()
        )
        mask = np.zeros(len(frame), dtype=bool)
        mask[np.flatnonzero(~first)[~agree]] = True
        problems.add(
            mask,
            column,
            frame[column],
            _("differs between rows that make the same record (same external_id)"),
        )
    return np.asarray(first, dtype=bool)


def _subset(table: SourceTable, idx: NDArray[np.intp]) -> SourceTable:
    if len(idx) == len(table):
        frame = table.frame.reset_index(drop=True)
        return SourceTable(
            table.path, table.format, frame, table.rows, table.geometry, table.layer
        )
    geoms = None if table.geometry is None else table.geometry[idx]
    frame = table.frame.iloc[idx].reset_index(drop=True)
    return SourceTable(
        table.path, table.format, frame, table.rows[idx], geoms, table.layer
    )


def _column(table: SourceTable, name: str, field_name: str, file: str) -> pd.Series:
    if name in table.frame.columns:
        return table.frame[name]
    lower = {str(c).lower(): c for c in table.frame.columns}
    if name.lower() in lower:
        return table.frame[lower[name.lower()]]
    columns = [str(c) for c in table.frame.columns]
    close = difflib.get_close_matches(name, columns, n=1)
    hint = _(" (did you mean %(column)r?)", column=close[0]) if close else ""
    raise SourceError(
        _(
            "the mapping reads column %(name)r for %(field_name)s, and the file has "
            "no such column%(hint)s; columns: %(values)s",
            name=name,
            field_name=field_name,
            hint=hint,
            values=", ".join(columns),
        ),
        file=file,
        field=field_name,
    )


def _values(
    spec: EntitySpec,
    rule: FieldRule,
    table: SourceTable,
    problems: Problems,
    read: ReadOptions,
) -> Any:
    n = len(table)
    if rule.constant:
        return pd.Series([rule.value] * n, dtype=object)
    if rule.geometry:
        if table.geometry is None:
            raise SourceError(
                _(
                    "%(field)s: the mapping takes the file's geometry, and the file "
                    "has none (give lon/lat or wkt columns)",
                    field=rule.field,
                ),
                file=table.name,
                field=rule.field,
            )
        return pd.Series(table.geometry, dtype=object)
    if rule.lon or rule.wkt:
        return _geometry(rule, table, problems, read)
    if rule.template:
        raw = _template(rule.template, table, rule.field)
    elif rule.date_parts:
        return _date_parts(rule, table, problems)
    else:
        assert rule.column is not None
        raw = _column(table, rule.column, rule.field, table.name)
    return _convert(spec, rule, raw.reset_index(drop=True), problems)


def _template(template: str, table: SourceTable, field_name: str) -> pd.Series:
    """Fill ``{column}``, ``{_row}``, ``{_hash:...}`` ... (:mod:`keys`)."""

    def column(name: str) -> pd.Series:
        if name == GEOMETRY and table.geometry is not None:
            # The shape itself, for content ids of features with few fields.
            return pd.Series(shapely.to_wkb(table.geometry, hex=True), dtype=object)
        return _column(table, name, field_name, table.name).reset_index(drop=True)

    return fill(template, table, column)


def _convert(
    spec: EntitySpec, rule: FieldRule, raw: pd.Series, problems: Problems
) -> Any:
    values: pd.Series = raw
    if rule.values is not None:
        values = _map_values(raw, rule.values)
    if rule.default is not None:
        values = values.where(~blank(values), rule.default)
    if rule.date is not None:
        dates, bad = DateFormat(rule.date).parse(values)
        problems.add(
            bad,
            rule.field,
            raw,
            _(
                "is not a date in the mapping's format (%(values)s)",
                values=", ".join(rule.date),
            ),
        )
        return pd.Series(dates)
    if rule.number is not None:
        numbers, bad = rule.number.parse(values)
        fmt = rule.number
        problems.add(
            bad,
            rule.field,
            raw,
            _(
                "is not a number in the mapping's format (decimal %(decimal)r, "
                "thousands %(thousands)r)",
                decimal=fmt.decimal,
                thousands=fmt.thousands,
            )
            if fmt.thousands
            else _(
                "is not a number in the mapping's format (decimal %(decimal)r)",
                decimal=fmt.decimal,
            ),
        )
        return pd.Series(numbers)
    if rule.split is not None:
        sep = rule.split
        return values.map(
            lambda v: (
                [p.strip() for p in str(v).split(sep) if p.strip()]
                if isinstance(v, str)
                else v
            )
        )
    return values


_UNMAPPED = object()


def _map_values(raw: pd.Series, table: dict[str, Any]) -> pd.Series:
    """Source values through the mapping's ``values`` table; others unchanged.

    Keys match the text exactly, else ignoring case and accents; each
    distinct value is looked up once.
    """
    folded = {fold(k): v for k, v in table.items()}

    def look(value: object) -> Any:
        key = str(value)
        if key in table:
            return table[key]
        return folded.get(fold(key), _UNMAPPED)

    mapped = map_distinct(as_text(raw), look)
    # Missing values come back as None, which is what they were.
    hit = np.array([m is not _UNMAPPED for m in mapped], dtype=bool)
    values = np.array(raw.astype(object).to_numpy(dtype=object), dtype=object)
    values[hit] = mapped[hit]
    return pd.Series(values, index=raw.index, dtype=object)


def _date_parts(rule: FieldRule, table: SourceTable, problems: Problems) -> pd.Series:
    assert rule.date_parts is not None
    year_col, month_col, day = rule.date_parts
    year = _column(table, year_col, rule.field, table.name).reset_index(drop=True)
    month = (
        _column(table, month_col, rule.field, table.name).reset_index(drop=True)
        if month_col
        else None
    )
    day_values: pd.Series | str | None = day
    if day == "first":
        day_values = None
    elif day is not None and day.isdigit():
        day_values = pd.Series([int(day)] * len(table), dtype=float)
    elif day not in (None, "last"):
        day_values = _column(table, str(day), rule.field, table.name).reset_index(
            drop=True
        )
    dates, bad = date_from_parts(year, month, day_values)
    problems.add(
        bad, rule.field, year, _("does not make a date with the month and day")
    )
    return pd.Series(dates)


def _geometry(
    rule: FieldRule, table: SourceTable, problems: Problems, read: ReadOptions
) -> pd.Series:
    """Points from lon/lat columns or shapes from WKT, reprojected to WGS84."""
    if rule.wkt:
        raw = _column(table, rule.wkt, rule.field, table.name).reset_index(drop=True)
        geoms, bad = to_geometries(raw)
        problems.add(bad, rule.field, raw, _("is not readable WKT or GeoJSON"))
    else:
        geoms = _points(rule, table, problems)
    crs = rule.crs or read.crs
    if crs is not None:
        source = source_crs(table.path, crs, None)
        if not source.equals(CRS.from_epsg(4326)):
            move = Transformer.from_crs(source, 4326, always_xy=True)
            present = ~shapely.is_missing(geoms)
            geoms[present] = shapely.transform(
                geoms[present], lambda xy: np.column_stack(move.transform(*xy.T))
            )
    return pd.Series(geoms, dtype=object)


def _points(
    rule: FieldRule, table: SourceTable, problems: Problems
) -> NDArray[np.object_]:
    if not rule.lat:
        raise SourceError(
            _("field %(field)s: 'lon' needs 'lat'", field=rule.field), file=table.name
        )
    fmt = rule.number or NumberFormat()
    xs = _column(table, str(rule.lon), rule.field, table.name).reset_index(drop=True)
    ys = _column(table, rule.lat, rule.field, table.name).reset_index(drop=True)
    x, bad_x = fmt.parse(xs)
    y, bad_y = fmt.parse(ys)
    problems.add(bad_x, rule.lon or "lon", xs, _("is not a coordinate"))
    problems.add(bad_y, rule.lat, ys, _("is not a coordinate"))
    geoms = np.full(len(x), None, dtype=object)
    both = ~np.isnan(x) & ~np.isnan(y)
    geoms[both] = shapely.points(x[both], y[both])
    half = np.isnan(x) ^ np.isnan(y)
    problems.add(
        half & ~bad_x & ~bad_y,
        rule.field,
        xs.where(~np.isnan(x), ys),
        _("has only one of longitude and latitude"),
    )
    return geoms
