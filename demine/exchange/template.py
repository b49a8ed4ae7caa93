# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine mapping template``: a first draft of a mapping, from the file itself.

The draft decides what the rows are when not told (``--kind``): victims
(one row each, their accidents made once per event with ``distinct``),
incidents whose victims are counted (:mod:`demine.exchange.template_counts`),
or one kind of record; then for every field of each kind the column that
says it (names in English, Spanish, French, Portuguese, Russian, Ukrainian
and Azerbaijani, see :mod:`demine.exchange.template_columns`), the format
its values use (dates, years such as ``2,006``, decimal commas), coordinates
by name or by range, and ``values`` tables filled from the vocabularies'
synonyms (blank where nothing fits, so the import stops there until someone
decides). Without an id column, ids come from the rows' content
(``{_hash:...}``), which a new edition of the file keeps. Columns left over
are listed with sample values at the end.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from demine.exchange.entities import EntitySpec, FieldSpec, entity
from demine.exchange.formats import ReadOptions, SourceTable, read_source
from demine.exchange.parsing import as_text
from demine.exchange.template_columns import (
    MONTH,
    VOCABULARIES,
    YEAR,
    age_group_guess,
    coordinates,
    date_format,
    field_words,
    is_month,
    is_year,
    name_score,
    norm,
    number_format,
    numbers,
    vocab_guess,
)
from demine.exchange.template_counts import ProposedCounts, count_blocks

SAMPLES = 5
MAX_VALUES = 30
OPTIONAL = "optional: []  # required fields the source lacks"
# Fields a draft leaves to the person: bookkeeping, or a second geometry.
SKIPPED = {"review_state", "reported_by"}
# Victim fields whose columns say a file lists victims (one row each).
VICTIM_SIGNS = ("outcome", "sex", "age", "age_group")
# The accident fields that tell one event from another.
EVENT_FIELDS = ("occurred_on", "admin_area", "geom", "settlement", "description")
EVENT_IDS = (
    "id_evento",
    "event_id",
    "incident_id",
    "accident_id",
    "id_incidente",
    "id_accidente",
    "evento",
    "incident",
    "код_события",
    "id_події",
    "hadisə",
)
INCIDENT_WORDS = (
    "incident",
    "incidents",
    "accident",
    "accidents",
    "accidente",
    "accidentes",
    "victim",
    "victims",
    "victimas",
    "casualties",
    "происшествие",
    "нещасний",
    "qeza",
    "qəza",
)
SITE = (
    "sitio",
    "site",
    "lugar",
    "place",
    "location",
    "vereda",
    "место",
    "місце",
    "yer",
)


def mapping_template(path: Path, kind: str | None, read: ReadOptions) -> str:
    """YAML text of a draft mapping of ``path`` (to ``kind``, or guessed)."""
    table = read_source(path, read)
    draft = Draft(path, table)
    lines = draft.head()
    counts = None
    if kind in (None, "accident", "victim"):
        counts = count_blocks(table, set())
    if counts is not None:
        lines += draft.counted_victims(counts)
    elif kind in (None, "accident", "victim") and draft.lists_victims():
        lines += draft.victims()
    else:
        lines += draft.single(kind or draft.guess_kind())
    lines += draft.leftovers()
    return "\n".join(lines) + "\n"


@dataclass
class Draft:
    """A draft being written: the file, and the columns used so far."""

    path: Path
    table: SourceTable
    used: set[str] = field(default_factory=set)

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.table.frame.columns]

    @property
    def prefix(self) -> str:
        """The ids' leading text, naming the source (``--edition`` needs one)."""
        return re.sub(r"[^a-z0-9]+", "-", norm(self.path.stem)).strip("-")[:24]

    # -- the parts of the draft ---------------------------------------------

    def head(self) -> list[str]:
        table, path = self.table, self.path
        lines = [
            f"# Mapping draft for {path.name}: {len(table):,} rows, "
            f"{table.format}, columns: {', '.join(self.columns)}",
            "# Written by `demine mapping template`. Check every line, then run",
            f"#   demine import register {path.name} --mapping THIS.yaml --dry-run",
            '# Blank values ("") stop the import until you fill them in.',
            f"name: {_q(path.stem)}",
            "source:",
        ]
        coords = coordinates(table.frame, set())
        if table.crs:
            lines.append(f"  crs: {_q(table.crs)}  # as the file declares")
        elif coords and coords[2]:
            lines.append(
                '  crs: ""  # the coordinates are projected (metres): give the '
                "EPSG code"
            )
        else:
            lines.append("  crs: EPSG:4326  # longitude / latitude in degrees")
        if table.layer:
            lines.append(f"  layer: {_q(table.layer)}")
        if table.format == "csv":
            lines.append("  encoding: utf-8  # latin-1 or cp1252 for older exports")
        return lines

    def single(self, kind: str) -> list[str]:
        spec = entity(kind)
        lines = [f"kind: {spec.kind}", OPTIONAL, "fields:"]
        return lines + self.fields(spec, key=self._content_key(spec))

    def _event_key(self) -> str | None:
        """A column naming each row's event (it repeats over its victims)."""
        words = [norm(w) for w in EVENT_IDS]
        for column in self.columns:
            if column not in self.used and name_score(column, words) >= 0.85:
                return column
        return None

    def victims(self) -> list[str]:
        """Accidents once per event (``distinct``), one victim per row."""
        accident, victim = entity("accident"), entity("victim")
        id_column = self._event_key()
        event = self._event_columns(accident)
        if id_column is not None:
            key = f"{self.prefix}-acc-{{{id_column}}}"
        else:
            key = f"{self.prefix}-acc-{{_hash:{','.join(event)}}}"
        if id_column is not None:
            self.used.add(id_column)
        accident_lines = self.fields(accident, key=key)
        victim_key = f"{self.prefix}-{{_hash:{','.join(self.columns)}}}"
        self.used.update(event)
        lines = [
            "# One row per victim; a victim's accident is made once from all",
            "# rows of the same event (distinct: true).",
            "targets:",
            "  - kind: accident",
            "    distinct: true",
            "    " + OPTIONAL,
            "    fields:",
            *["    " + line for line in accident_lines],
            "  - kind: victim",
            "    fields:",
        ]
        victim_lines = self.fields(victim, key=victim_key, ref=("accident", key))
        return lines + ["    " + line for line in victim_lines]

    def counted_victims(self, counts: ProposedCounts) -> list[str]:
        """Two targets: the incidents, and one victim per unit of their counts."""
        self.used.update(counts.columns())
        accident = entity("accident")
        id_column = self._match("external_id", "accident") or self._event_key()
        key = (
            f"{self.prefix}-{{{id_column}}}"
            if id_column
            else f"{self.prefix}-{{_hash:{','.join(self._event_columns(accident))}}}"
        )
        lines = [
            "# One row per incident, its victims counted: each count makes that",
            "# many victims (see 'counts' in docs/exchange.md).",
            "targets:",
            "  - kind: accident",
            "    " + OPTIONAL,
            "    fields:",
            *["    " + line for line in self.fields(accident, key=key)],
            "  - kind: victim",
            "    fields:",
            f"      accident: {_q(key)}",
            "      # status: {value: civilian}",
            *counts.lines("    "),
        ]
        return lines

    def leftovers(self) -> list[str]:
        rest = [c for c in self.columns if c not in self.used]
        if not rest:
            return []
        lines = ["", "# Columns not used above, with their values:"]
        for column in rest:
            values = as_text(self.table.frame[column]).dropna()
            distinct = pd.unique(values)
            shown = ", ".join(str(v) for v in distinct[:10])
            more = f" ... ({len(distinct):,} distinct)" if len(distinct) > 10 else ""
            lines.append(f"#   {column}: {shown}{more}")
        return lines

    # -- what the rows are ----------------------------------------------------

    def lists_victims(self) -> bool:
        """Whether columns say how each row's person came out (one per row)."""
        victim = entity("victim")
        hits = 0
        for name in VICTIM_SIGNS:
            column = self._match(name, "victim")
            fs = victim.by_name[name]
            if column is None:
                continue
            if fs.enum is None or self._vocab_hits(fs, column) > 0.5:
                hits += 1
        return hits >= 2

    def guess_kind(self) -> str:
        """Polygons are hazards; points of incidents are accidents; rows of
        found items are EO items; else hazards (say --kind to choose)."""
        geoms = self.table.geometry
        if geoms is not None:
            present = geoms[~shapely.is_missing(geoms)]
            kinds = {g.geom_type for g in present[:1000]}
            if kinds and kinds <= {"Polygon", "MultiPolygon"}:
                return "hazard"
        words = [norm(self.path.stem), *(norm(c) for c in self.columns)]
        if any(name_score(w, [norm(x) for x in INCIDENT_WORDS]) >= 0.85 for w in words):
            return "accident"
        if self._match("quantity", "eo_item") and self._match("category", "eo_item"):
            return "eo_item"
        return "hazard"

    # -- fields ---------------------------------------------------------------

    def fields(
        self,
        spec: EntitySpec,
        *,
        key: str | None = None,
        ref: tuple[str, str] | None = None,
    ) -> list[str]:
        lines: list[str] = []
        for fs in spec.importable():
            if fs.name in SKIPPED:
                continue
            if ref is not None and fs.name == ref[0]:
                value = _q(ref[1])
                lines.append(f"  {fs.name}: {value}  # the accident's id, as above")
                continue
            if fs.name == "external_id" and key is not None:
                lines += self._key_line(spec, key)
                continue
            lines += self._field_lines(fs, spec)
        return lines

    def _key_line(self, spec: EntitySpec, key: str) -> list[str]:
        id_column = self._match("external_id", spec.kind)
        if id_column is not None and "_hash:" in key:
            self.used.add(id_column)
            return [f"  external_id: {{column: {_q(id_column)}}}"]
        note = "ids from the rows' content: a new edition keeps them"
        if "_hash:" not in key:
            note = "the source's id, with a prefix naming the source"
            self.used.update(c for c in self.columns if f"{{{c}}}" in key)
        return [f"  external_id: {_q(key)}  # {note}"]

    def _content_key(self, spec: EntitySpec) -> str:
        id_column = self._match("external_id", spec.kind)
        if id_column is not None:
            return f"{self.prefix}-{{{id_column}}}"
        shape = ["_geometry"] if self.table.geometry is not None else []
        return f"{self.prefix}-{{_hash:{','.join([*self.columns, *shape])}}}"

    def _field_lines(self, fs: FieldSpec, spec: EntitySpec) -> list[str]:
        need = "required" if fs.required else "optional"
        if fs.type == "geometry":
            return self._geometry_lines(fs, spec)
        if fs.type == "date":
            found = self._date_lines(fs, need, spec.kind)
            if found is not None:
                return found
        column = self._match(fs.name, spec.kind)
        if column is None:
            hint = _allowed(fs)
            prefix = "" if fs.required else "# "
            return [
                f'  {prefix}{fs.name}: {{value: ""}}  # {need}; no column found{hint}'
            ]
        self.used.add(column)
        values = self.table.frame[column]
        if fs.type == "vocab" and fs.enum is not None:
            return self._vocab_lines(fs, column, values, need)
        if fs.name == "age_group":
            return self._age_group_lines(fs, column, values, need)
        extra = ""
        if fs.type in ("int", "float"):
            extra = number_format(values)
        if fs.type == "ref":
            need += "; names a record in the register or this import"
        return [
            f"  {fs.name}: {{column: {_q(column)}{extra}}}"
            f"  # {need}; {_samples(values)}"
        ]

    def _date_lines(self, fs: FieldSpec, need: str, kind: str) -> list[str] | None:
        """A date column in its format, a year column, or year and month."""
        column = self._match(fs.name, kind)
        frame = self.table.frame
        if column is not None:
            fmt = date_format(frame[column])
            if fmt is not None:
                self.used.add(column)
                extra = "" if fmt == "iso" else f", date: {_q(fmt)}"
                return [
                    f"  {fs.name}: {{column: {_q(column)}{extra}}}"
                    f"  # {need}; {_samples(frame[column])}"
                ]
        year = self._named(YEAR, is_year)
        if year is None:
            return None
        self.used.add(year)
        month = self._named(MONTH, is_month)
        if month is None:
            return [
                f"  {fs.name}: {{column: {_q(year)}, date: year}}"
                f"  # {need}; only the year is known: 1 January"
            ]
        self.used.add(month)
        return [
            f"  {fs.name}: {{year: {_q(year)}, month: {_q(month)}, "
            f"day: 1}}  # {need}; year and month only: the first of the month"
        ]

    def _named(self, words: tuple[str, ...], test: object) -> str | None:
        for column in self.columns:
            if column in self.used:
                continue
            if name_score(column, [norm(w) for w in words]) >= 0.85 and test(  # type: ignore[operator]
                self.table.frame[column]
            ):
                return column
        return None

    def _vocab_lines(
        self, fs: FieldSpec, column: str, values: pd.Series, need: str
    ) -> list[str]:
        assert fs.enum is not None
        allowed = [m.value for m in fs.enum]
        vocabulary = VOCABULARIES.get(fs.enum.__name__, fs.name)
        distinct = [str(v) for v in pd.unique(as_text(values).dropna())][:MAX_VALUES]
        lines = [
            f"  {fs.name}:  # {need}; one of {', '.join(allowed)}",
            f"    column: {_q(column)}",
            "    values:",
        ]
        for value in distinct:
            guess = vocab_guess(value, vocabulary, allowed)
            lines.append(f"      {_q(value)}: {_q(guess)}")
        return lines

    def _age_group_lines(
        self, fs: FieldSpec, column: str, values: pd.Series, need: str
    ) -> list[str]:
        distinct = [str(v) for v in pd.unique(as_text(values).dropna())][:MAX_VALUES]
        lines = [
            f"  {fs.name}:  # {need}; years, as 0-17 or 18- (null: unknown)",
            f"    column: {_q(column)}",
            "    values:",
        ]
        for value in distinct:
            guess = age_group_guess(value)
            shown = "null" if guess is None else _q(guess)
            lines.append(f"      {_q(value)}: {shown}")
        return lines

    def _vocab_hits(self, fs: FieldSpec, column: str) -> float:
        assert fs.enum is not None
        allowed = [m.value for m in fs.enum]
        vocabulary = VOCABULARIES.get(fs.enum.__name__, fs.name)
        distinct = [
            str(v) for v in pd.unique(as_text(self.table.frame[column]).dropna())
        ]
        if not distinct:
            return 0.0
        return sum(bool(vocab_guess(v, vocabulary, allowed)) for v in distinct) / len(
            distinct
        )

    def _geometry_lines(self, fs: FieldSpec, spec: EntitySpec) -> list[str]:
        table = self.table
        if fs.name != spec.main_geometry:
            return []
        if table.geometry is not None:
            return [
                f"  {fs.name}: {{geometry: true}}"
                f"  # the file's {_kinds(table.geometry)}"
            ]
        found = coordinates(table.frame, self.used)
        if found is not None:
            lon, lat, projected = found
            self.used.update((lon, lat))
            extra = number_format(table.frame[lon])
            note = "projected: give source.crs" if projected else "degrees, WGS84"
            return [f"  {fs.name}: {{lon: {_q(lon)}, lat: {_q(lat)}{extra}}}  # {note}"]
        wkt = _wkt_column(table, self.columns, self.used)
        if wkt:
            self.used.add(wkt)
            return [f"  {fs.name}: {{wkt: {_q(wkt)}}}"]
        place = self._match("admin_area", spec.kind)
        if place is not None:
            return [
                f"  # {fs.name}: {{place: {_q(place)}}}  # no coordinates: "
                "the location of the register's place of that name"
            ]
        return [f"  # {fs.name}: {{lon: X, lat: Y}}  # or {{wkt: COLUMN}}"]

    # -- matching -------------------------------------------------------------

    def _match(self, name: str, kind: str) -> str | None:
        """The free column whose name best says field ``name`` and whose
        values fit it (or None)."""
        words = field_words(name, kind)
        fs = entity(kind).by_name.get(name)
        scored = sorted(
            ((name_score(c, words), c) for c in self.columns if c not in self.used),
            key=lambda t: -t[0],
        )
        for score, column in scored:
            if score < 0.7:
                break
            if self._fits(fs, column):
                return column
        return None

    def _fits(self, fs: FieldSpec | None, column: str) -> bool:
        """Whether a column's values can be the field's."""
        values = self.table.frame[column]
        if fs is None:
            return True
        if fs.name == "external_id":
            # A record's id is unique in the file (an event's repeats over
            # its victims, and is named as an event's: see _event_key).
            present = as_text(values).dropna()
            return bool(len(present)) and not present.duplicated().any()
        if fs.type in ("int", "float"):
            return numbers(values) is not None
        return True

    def _event_columns(self, accident: EntitySpec) -> list[str]:
        """The columns that tell events apart: when, where, what."""
        chosen: list[str] = []
        for name in EVENT_FIELDS:
            column = self._match(name, "accident")
            if column is not None and column not in chosen:
                chosen.append(column)
        year = self._named(YEAR, is_year)
        month = self._named(MONTH, is_month)
        chosen += [c for c in (year, month) if c and c not in chosen]
        coords = coordinates(self.table.frame, set(chosen))
        if coords:
            chosen += [c for c in coords[:2] if c not in chosen]
        sites = [norm(w) for w in SITE]
        chosen += [
            c for c in self.columns if c not in chosen and name_score(c, sites) >= 0.85
        ]
        return chosen or self.columns


def _q(value: object) -> str:
    """A YAML scalar, in the file's own script (no \\u escapes)."""
    return json.dumps(value, ensure_ascii=False)


def _allowed(fs: FieldSpec) -> str:
    if fs.enum is None:
        return ""
    return "; one of " + ", ".join(m.value for m in fs.enum)


def _samples(values: pd.Series) -> str:
    shown = [str(v) for v in pd.unique(as_text(values).dropna())[:SAMPLES]]
    return "e.g. " + ", ".join(shown) if shown else "always empty"


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


def _kinds(geoms: np.ndarray) -> str:
    present = geoms[~shapely.is_missing(geoms)]
    names = sorted({g.geom_type for g in present[:5000]})
    missing = int(shapely.is_missing(geoms).sum())
    text = "/".join(names) or "no geometry"
    return f"{text} ({missing:,} features without geometry)" if missing else text
