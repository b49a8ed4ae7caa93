# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine mapping template``: a first draft of a mapping, from the file itself.

The draft lists every register field of the chosen kind, with the source
column that looks like it (by name, in English, Spanish, French or
Russian/Azerbaijani transliteration), the date or number format its values
seem to use, and for vocabulary fields a ``values`` table of the source's
distinct values with the register value each seems to mean (blank where
nothing fits, so an import stops there until someone decides). Columns left
over are listed with sample values at the end.
"""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from demine.exchange.entities import EntitySpec, FieldSpec, entity
from demine.exchange.formats import ReadOptions, SourceTable, read_source
from demine.exchange.parsing import DateFormat, NumberFormat, as_text, fold, vocab_key
from demine.exchange.template_counts import ProposedCounts, count_blocks

# Words that name a field in other people's column headers.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "external_id": ("id", "code", "codigo", "code_id", "ref", "reference", "uid"),
    "name": ("nombre", "nom", "title", "titulo", "label"),
    "hazard_class": ("class", "classification", "clase", "tipo_area"),
    "status": ("estado", "state", "statut"),
    "recorded_on": ("date", "fecha", "recorded", "fecha_registro"),
    "occurred_on": ("date", "fecha", "fecha_evento", "date_accident"),
    "found_on": ("date", "fecha", "date_found"),
    "released_on": ("date", "fecha", "date_released"),
    "held_on": ("date", "fecha"),
    "category": ("categoria", "type", "tipo", "device_type"),
    "quantity": ("qty", "cantidad", "count", "number", "nombre"),
    "sex": ("sexo", "gender", "genero", "sexe"),
    "age": ("edad", "age_years", "vozrast"),
    "outcome": ("condicion", "estado", "result"),
    "depth_cm": ("depth", "profundidad", "profondeur"),
    "notes": ("comments", "observaciones", "remarks", "description"),
    "description": ("descripcion", "comments", "observaciones"),
    "reported_area_m2": ("area", "area_m2", "area_despejada", "areadespejada"),
}
LON = ("lon", "long", "longitude", "longitud", "x", "lng", "coord_x", "este")
LAT = ("lat", "latitude", "latitud", "y", "coord_y", "norte")
DATE_FORMATS = ("iso", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "year")
SAMPLES = 5
MAX_VALUES = 30


def mapping_template(path: Path, kind: str, read: ReadOptions) -> str:
    """YAML text of a draft mapping of ``path`` to ``kind``.

    For accidents or victims in a file that counts its victims (killed,
    injured ... columns), the draft has two targets: the accidents, and the
    victims their counts make (:mod:`demine.exchange.template_counts`).
    """
    table = read_source(path, read)
    spec = entity(kind)
    columns = [str(c) for c in table.frame.columns]
    used: set[str] = set()
    lines = _head(path, table, spec)
    counts = None
    if kind in ("accident", "victim"):
        counts = count_blocks(table, used)
    if counts is None:
        lines += [f"kind: {spec.kind}", OPTIONAL, "fields:"]
        lines += _fields(spec, table, columns, used)
    else:
        used.update(counts.columns())
        lines += _counted_victims(table, columns, used, counts)
    lines += _leftovers(table, columns, used)
    return "\n".join(lines) + "\n"


OPTIONAL = "optional: []  # required fields the source lacks"


def _fields(
    spec: EntitySpec, table: SourceTable, columns: list[str], used: set[str]
) -> list[str]:
    lines: list[str] = []
    for fs in spec.importable():
        lines += _field_lines(fs, spec, table, columns, used)
    return lines


def _counted_victims(
    table: SourceTable, columns: list[str], used: set[str], counts: ProposedCounts
) -> list[str]:
    """Two targets: the incidents, and one victim per unit of their counts."""
    accident = entity("accident")
    key = guess_column("external_id", columns, set(used))
    ref = json.dumps(key, ensure_ascii=False) if key else '"acc-{_row}"'
    lines = [
        "# One row per incident, its victims counted: each count makes that",
        "# many victims (see 'counts' in docs/exchange.md).",
        "targets:",
        "  - kind: accident",
        "    " + OPTIONAL,
        "    fields:",
    ]
    fields = _fields(accident, table, columns, used)
    if key is None:
        fields = [
            '  external_id: "acc-{_row}"  # no id column found: ids from row numbers'
            if f.lstrip().startswith("external_id:")
            else f
            for f in fields
        ]
    lines += ["    " + f for f in fields]
    lines += [
        "  - kind: victim",
        "    fields:",
        f"      accident: {ref}  # the incident's id, as above",
        "      # status: {value: civilian}",
        *counts.lines("    "),
    ]
    return lines


def _head(path: Path, table: SourceTable, spec: EntitySpec) -> list[str]:
    lines = [
        f"# Mapping template for {path.name}: {len(table):,} rows, "
        f"{table.format}, columns: {', '.join(map(str, table.frame.columns))}",
        "# Generated by `demine mapping template`. Check every line, then run",
        f"#   demine import {spec.layer} {path.name} --mapping THIS.yaml --dry-run",
        '# Blank values ("") stop the import until you fill them in.',
        f"name: {json.dumps(path.stem)}",
        "source:",
    ]
    if table.crs:
        lines.append(f"  crs: {json.dumps(table.crs)}  # as the file declares")
    else:
        lines.append("  crs: EPSG:4326  # the CRS of the coordinates: check it")
    if table.layer:
        lines.append(f"  layer: {json.dumps(table.layer)}")
    if table.format == "csv":
        lines.append("  encoding: utf-8  # latin-1 or cp1252 for older exports")
    return lines


def _field_lines(
    fs: FieldSpec,
    spec: EntitySpec,
    table: SourceTable,
    columns: list[str],
    used: set[str],
) -> list[str]:
    need = "required" if fs.required else "optional"
    if fs.type == "geometry":
        return _geometry_lines(fs, spec, table, columns, used)
    column = guess_column(fs.name, columns, used)
    if column is None:
        hint = _allowed(fs)
        prefix = "" if fs.required else "# "
        return [f'  {prefix}{fs.name}: {{value: ""}}  # {need}; no column found{hint}']
    used.add(column)
    values = table.frame[column]
    if fs.type == "vocab" and fs.enum is not None:
        return _vocab_lines(fs, column, values, need)
    extra = ""
    if fs.type == "date":
        extra = _date_format(values)
    elif fs.type in ("int", "float"):
        extra = _number_format(values)
    samples = _samples(values)
    return [
        f"  {fs.name}: {{column: {json.dumps(column)}{extra}}}  # {need}; {samples}"
    ]


def _allowed(fs: FieldSpec) -> str:
    if fs.enum is None:
        return ""
    return "; one of " + ", ".join(m.value for m in fs.enum)


def guess_column(field: str, columns: list[str], used: set[str]) -> str | None:
    """The column whose name most looks like ``field`` (None below 0.8)."""
    free = [c for c in columns if c not in used]
    keys = {_norm(c): c for c in free}
    for name in (field, *SYNONYMS.get(field, ())):
        if _norm(name) in keys:
            return keys[_norm(name)]
    close = difflib.get_close_matches(_norm(field), list(keys), n=1, cutoff=0.8)
    return keys[close[0]] if close else None


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", fold(name)).strip("_")


def _vocab_lines(fs: FieldSpec, column: str, values: pd.Series, need: str) -> list[str]:
    assert fs.enum is not None
    allowed = [m.value for m in fs.enum]
    distinct = [str(v) for v in pd.unique(as_text(values).dropna())][:MAX_VALUES]
    lines = [
        f"  {fs.name}:  # {need}; one of {', '.join(allowed)}",
        f"    column: {json.dumps(column)}",
        "    values:",
    ]
    for value in distinct:
        guess = vocab_key(value)
        if guess not in allowed:
            close = difflib.get_close_matches(guess, allowed, n=1, cutoff=0.75)
            guess = close[0] if close else ""
        lines.append(f"      {json.dumps(value)}: {json.dumps(guess)}")
    return lines


def _date_format(values: pd.Series) -> str:
    sample = as_text(values).dropna().head(200)
    if sample.empty:
        return ""
    fits = [f for f in DATE_FORMATS if not DateFormat((f,)).parse(sample)[1].any()]
    if not fits or fits[0] == "iso":
        return ""
    return f", date: {json.dumps(fits[0])}"


def _number_format(values: pd.Series) -> str:
    sample = as_text(values).dropna().head(200).astype(str)
    if sample.empty or not NumberFormat().parse(sample)[1].any():
        return ""
    if NumberFormat(decimal=",", thousands=".").parse(sample)[1].any():
        return ""
    return ', number: {decimal: ",", thousands: "."}'


def _samples(values: pd.Series) -> str:
    shown = [str(v) for v in pd.unique(as_text(values).dropna())[:SAMPLES]]
    return "e.g. " + ", ".join(shown) if shown else "always empty"


def _geometry_lines(
    fs: FieldSpec,
    spec: EntitySpec,
    table: SourceTable,
    columns: list[str],
    used: set[str],
) -> list[str]:
    if fs.name == spec.main_geometry and table.geometry is not None:
        kinds = _geometry_types(table.geometry)
        return [f"  {fs.name}: {{geometry: true}}  # the file's {kinds}"]
    lon = guess_column_from(LON, columns, used)
    lat = guess_column_from(LAT, columns, used)
    if fs.name == spec.main_geometry and lon and lat:
        used.update((lon, lat))
        extra = _number_format(table.frame[lon])
        return [
            f"  {fs.name}: {{lon: {json.dumps(lon)}, lat: {json.dumps(lat)}{extra}}}"
            "  # check the CRS under source"
        ]
    wkt = _wkt_column(table, columns, used)
    if fs.name == spec.main_geometry and wkt:
        used.add(wkt)
        return [f"  {fs.name}: {{wkt: {json.dumps(wkt)}}}"]
    return [
        f"  # {fs.name}: {{lon: X, lat: Y}}  # or {{wkt: COLUMN}} or {{place: COLUMN}}"
    ]


def guess_column_from(
    names: tuple[str, ...], columns: list[str], used: set[str]
) -> str | None:
    keys = {_norm(c): c for c in columns if c not in used}
    for name in names:
        if name in keys:
            return keys[name]
    return None


def _wkt_column(table: SourceTable, columns: list[str], used: set[str]) -> str | None:
    for column in columns:
        if column in used:
            continue
        sample = as_text(table.frame[column]).dropna().head(20).astype(str)
        if (
            len(sample)
            and sample.str.match(
                r"^\s*(MULTI)?(POINT|POLYGON|LINESTRING)", case=False
            ).all()
        ):
            return column
    return None


def _geometry_types(geoms: np.ndarray) -> str:
    present = geoms[~shapely.is_missing(geoms)]
    names = sorted({g.geom_type for g in present[:5000]})
    missing = int(shapely.is_missing(geoms).sum())
    text = "/".join(names) or "no geometry"
    return f"{text} ({missing:,} features without geometry)" if missing else text


def _leftovers(table: SourceTable, columns: list[str], used: set[str]) -> list[str]:
    rest = [c for c in columns if c not in used]
    if not rest:
        return []
    lines = ["", "# Columns not used above, with their values:"]
    for column in rest:
        values = as_text(table.frame[column]).dropna()
        distinct = pd.unique(values)
        shown = ", ".join(str(v) for v in distinct[:10])
        more = f" ... ({len(distinct):,} distinct)" if len(distinct) > 10 else ""
        lines.append(f"#   {column}: {shown}{more}")
    return lines
