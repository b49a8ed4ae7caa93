# SPDX-License-Identifier: GPL-3.0-or-later
"""What each register entity looks like in a file: fields, types and rules.

The specs are read off the SQLAlchemy schema (types, lengths, foreign keys,
vocabularies) and completed with the rules of :mod:`demine.domain.records`
that the schema cannot express (required dates, ranges, dates that cannot be
in the future). Imports check against them column by column; exports name
their columns after them.

Field names in files are the register's own, except that a foreign key
``hazard_id`` appears as ``hazard`` holding the other record's external id
(an organisation may also be named by acronym or name, an EO model by its
model name, a place by code or name). Shapefiles, limited to ten characters,
use the ``short`` names.
"""

from __future__ import annotations

import builtins
import re
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cache
from typing import Literal

from sqlalchemy import JSON, Boolean, Column, Date, Enum, Float, Integer, String, Table

from demine.domain.vocab import Blockage, ContaminationType
from demine.errors import SourceError
from demine.i18n import _
from demine.store.schema import Base
from demine.store.types import Geometry

FieldType = Literal[
    "text", "int", "float", "bool", "date", "vocab", "vocabs", "geometry", "json", "ref"
]
GeometryKind = Literal["polygon", "point", "any"]

# Bookkeeping every table has; never imported or exported as content.
BOOKKEEPING = frozenset({"id", "created_at", "updated_at", "version"})
BBOX = ("min_lon", "min_lat", "max_lon", "max_lat")

# Columns the register computes; exported for reading, ignored on import.
DERIVED: dict[str, tuple[str, ...]] = {
    "hazard": (
        "area_m2",
        "cancelled_m2",
        "reduced_m2",
        "cleared_m2",
        "remaining_m2",
        *BBOX,
    ),
    "release": ("area_m2", "effective_m2", "outside_m2", "double_m2", *BBOX),
    "place": BBOX,
    "reference_feature": BBOX,
}

# Rules of demine.domain.records the schema does not state.
REQUIRED_EXTRA: dict[str, tuple[str, ...]] = {
    "hazard": ("status",),
    "activity": ("status",),
    "release": ("released_on",),
    "accident": ("occurred_on",),
}
AT_LEAST_ONE = {("eo_item", "quantity"), ("team", "size")}
MAXIMUM = {("victim", "age"): 120.0}
# Dates that may lie in the future; every other date is of something done.
FUTURE_ALLOWED = {
    ("organisation", "accredited_until"),
    ("place", "planned_return_on"),
    ("funding", "dated_on"),
    # checked against the activity's status in demine.exchange.checks
    ("activity", "start_date"),
    ("activity", "end_date"),
}
VOCAB_LISTS: dict[tuple[str, str], type[StrEnum]] = {
    ("hazard", "contamination"): ContaminationType,
    ("hazard", "blockages"): Blockage,
}
# How a reference names the other record, in the order tried (any other
# record: by uid, then external id).
REF_KEYS: dict[str, tuple[str, ...]] = {
    "organisation": ("uid", "external_id", "acronym", "name"),
    "eo_model": ("model", "uid", "external_id"),
    "place": ("uid", "external_id", "code", "name"),
}
IDENTITY_KEYS = ("uid", "external_id")
# Shapefile (dBase) field names hold at most ten characters.
SHORT: dict[str, str] = {
    "external_id": "ext_id",
    "review_state": "review",
    "reported_by": "rep_by",
    "hazard_class": "class",
    "contamination": "contam",
    "reliability": "reliabilty",
    "estimated_devices": "est_device",
    "recorded_on": "recorded",
    "reported_area_m2": "rep_area",
    "cancelled_m2": "cancel_m2",
    "remaining_m2": "remain_m2",
    "activity_type": "act_type",
    "organisation": "org",
    "start_date": "start",
    "released_on": "released",
    "effective_m2": "effect_m2",
    "accident_type": "acc_type",
    "occurred_on": "occurred",
    "description": "descriptn",
    "subcategory": "subcat",
    "accreditation": "accredit",
    "accredited_until": "accr_until",
    "productivity_m2_day": "prod_m2day",
    "cost_per_day_usd": "cost_day",
    "displaced_population": "displaced",
    "planned_return_on": "return_on",
    "inspected_on": "inspected",
    "non_conformity": "nonconform",
    "corrective_action": "corrective",
    "attributes": "attribs",
}

# Layer (file) names, one per entity, in the order a whole register loads.
LAYERS: dict[str, str] = {
    "organisation": "organisations",
    "place": "places",
    "team": "teams",
    "eo_model": "eo_models",
    "hazard": "hazards",
    "activity": "activities",
    "release": "releases",
    "eo_item": "eo_items",
    "accident": "accidents",
    "victim": "victims",
    "eore_session": "eore_sessions",
    "qm_finding": "qm_findings",
    "funding": "funding",
    "reference_feature": "reference_features",
}
# Which geometry column is the layer's geometry; other geometry columns
# travel as WKT text.
MAIN_GEOMETRY: dict[str, str] = {
    "place": "location",
    "team": "base",
    "hazard": "geom",
    "release": "geom",
    "eo_item": "geom",
    "accident": "geom",
    "eore_session": "geom",
    "reference_feature": "geom",
}


@dataclass(frozen=True)
class FieldSpec:
    """One field of an entity as it appears in a file."""

    name: str
    column: str
    type: FieldType
    required: bool = False
    enum: builtins.type[StrEnum] | None = None
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    past_only: bool = False
    geometry: GeometryKind | None = None
    ref: str | None = None
    derived: bool = False

    @property
    def short(self) -> str:
        """The name in a Shapefile (ten characters at most)."""
        return SHORT.get(self.name, self.name)


@dataclass(frozen=True)
class EntitySpec:
    """One register entity: its table, layer name and fields in file order."""

    kind: str
    layer: str
    fields: tuple[FieldSpec, ...]
    main_geometry: str | None = None
    by_name: dict[str, FieldSpec] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        self.by_name.update({f.name: f for f in self.fields})

    @property
    def table(self) -> Table:
        return Base.metadata.tables[self.kind]

    def importable(self) -> tuple[FieldSpec, ...]:
        """Fields an import may set (everything not derived)."""
        return tuple(f for f in self.fields if not f.derived)

    def geometry_fields(self) -> tuple[FieldSpec, ...]:
        return tuple(f for f in self.fields if f.type == "geometry")


def _geometry_kind(col: Column[object]) -> GeometryKind:
    name = col.type.geometry_type  # type: ignore[attr-defined]
    if "POLYGON" in name:
        return "polygon"
    if "POINT" in name:
        return "point"
    return "any"


def _field(kind: str, col: Column[object]) -> FieldSpec:
    """The file field of one table column."""
    name = col.name
    has_default = col.default is not None or col.server_default is not None
    required = (not col.nullable and not has_default) or name in REQUIRED_EXTRA.get(
        kind, ()
    )
    derived = name in DERIVED.get(kind, ())
    base = FieldSpec(name, name, "text", required=required and not derived)
    base = replace(base, derived=derived)
    fks = list(col.foreign_keys)
    if fks:
        target = fks[0].column.table.name
        return replace(base, name=name.removesuffix("_id"), type="ref", ref=target)
    t = col.type
    if isinstance(t, Geometry):
        return FieldSpec(name, name, "geometry", geometry=_geometry_kind(col))
    if isinstance(t, Enum):
        return replace(base, type="vocab", enum=t.enum_class)  # type: ignore[arg-type]
    if isinstance(t, JSON):
        enum = VOCAB_LISTS.get((kind, name))
        if enum is not None:
            return replace(base, type="vocabs", enum=enum)
        return replace(base, type="json")
    if isinstance(t, Date):
        return replace(base, type="date", past_only=(kind, name) not in FUTURE_ALLOWED)
    if isinstance(t, Boolean):
        return replace(base, type="bool")
    if isinstance(t, Integer | Float):
        return replace(
            base,
            type="int" if isinstance(t, Integer) else "float",
            minimum=1.0 if (kind, name) in AT_LEAST_ONE else 0.0,
            maximum=MAXIMUM.get((kind, name)),
        )
    length = t.length if isinstance(t, String) else None
    return replace(base, max_length=length)


def _order(kind: str, fields: list[FieldSpec]) -> tuple[FieldSpec, ...]:
    """uid and external_id first, then content, then review state and reporter."""
    head = [f for f in fields if f.name == "uid"]
    head += [f for f in fields if f.name == "external_id"]
    tail = [f for f in fields if f.name in ("review_state", "reported_by")]
    body = [f for f in fields if f not in head and f not in tail]
    return tuple(head + body + tail)


@cache
def entity(kind: str) -> EntitySpec:
    """The spec of register entity ``kind`` (a table name such as ``hazard``)."""
    if kind not in LAYERS:
        raise SourceError(
            _(
                "unknown kind %(kind)r; use one of %(values)s",
                kind=kind,
                values=", ".join(KINDS),
            )
        )
    table = Base.metadata.tables[kind]
    fields = [_field(kind, c) for c in table.c if c.name not in BOOKKEEPING]
    return EntitySpec(kind, LAYERS[kind], _order(kind, fields), MAIN_GEOMETRY.get(kind))


KINDS: tuple[str, ...] = tuple(LAYERS)


def resolve_kind(name: str) -> str:
    """The entity a user means by ``name``: ``hazards``, ``eo-items``, ``EO item``."""
    key = re.sub(r"[\s\-]+", "_", name.strip().lower())
    for kind, layer in LAYERS.items():
        if key in (kind, layer):
            return kind
    aliases = {"reference": "reference_feature", "references": "reference_feature"}
    if key in aliases:
        return aliases[key]
    names = ", ".join(LAYERS.values())
    raise SourceError(
        _("unknown kind %(name)r; use one of: %(names)s", name=name, names=names)
    )
