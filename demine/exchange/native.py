# SPDX-License-Identifier: GPL-3.0-or-later
"""The mapping a file needs when its columns already bear the register's names.

Files that demine exported, and files written to its field names, import
without a YAML mapping: each column named after a field (or its Shapefile
short name, in any case) maps to it, the layer's geometry to the entity's
geometry, and a CSV's ``geometry``/``wkt`` column or ``lon``/``lat`` pair
to it as well.
"""

from __future__ import annotations

from demine.exchange.entities import EntitySpec, FieldSpec, entity
from demine.exchange.formats import ReadOptions, SourceTable
from demine.exchange.mapping import FieldRule, Mapping, Target

WKT_NAMES = ("geometry", "wkt", "geom", "the_geom", "shape")
LON_LAT = (("lon", "lat"), ("longitude", "latitude"), ("lng", "lat"), ("x", "y"))


def native_mapping(
    kind: str, table: SourceTable, read: ReadOptions | None = None
) -> tuple[Mapping, list[str]]:
    """The mapping of ``table`` by field names, and the columns it leaves out."""
    spec = entity(kind)
    columns = {str(c).lower(): str(c) for c in table.frame.columns}
    used: set[str] = set()
    rules: dict[str, FieldRule] = {}
    for fs in spec.importable():
        if fs.type == "geometry":
            rule = _geometry_rule(spec, fs, table, columns, used)
        else:
            rule = _column_rule(fs, columns, used)
        if rule is not None:
            rules[fs.name] = rule
    # Derived columns (areas, bounding boxes) come back from our own exports;
    # the register recomputes them, so they are expected, not unknown.
    derived = {f.name.lower() for f in spec.fields if f.derived}
    derived |= {f.short.lower() for f in spec.fields if f.derived}
    unused = [c for k, c in columns.items() if c not in used and k not in derived]
    target = Target(kind=kind, fields=rules)
    return Mapping(targets=(target,), read=read or ReadOptions()), unused


def _column_rule(
    fs: FieldSpec, columns: dict[str, str], used: set[str]
) -> FieldRule | None:
    for name in dict.fromkeys((fs.name, fs.short, fs.column)):
        column = columns.get(name.lower())
        if column is not None and column not in used:
            used.add(column)
            return FieldRule(fs.name, column=column)
    return None


def _geometry_rule(
    spec: EntitySpec,
    fs: FieldSpec,
    table: SourceTable,
    columns: dict[str, str],
    used: set[str],
) -> FieldRule | None:
    main = fs.name == spec.main_geometry
    if main and table.geometry is not None:
        return FieldRule(fs.name, geometry=True)
    names = (fs.name, fs.short, *WKT_NAMES) if main else (fs.name, fs.short)
    for name in names:
        column = columns.get(name.lower())
        if column is not None and column not in used:
            used.add(column)
            return FieldRule(fs.name, wkt=column)
    if not main:
        return None
    for lon, lat in LON_LAT:
        if lon in columns and lat in columns:
            used.update((columns[lon], columns[lat]))
            return FieldRule(fs.name, lon=columns[lon], lat=columns[lat])
    return None
