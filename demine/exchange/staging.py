# SPDX-License-Identifier: GPL-3.0-or-later
"""From files to checked batches: read, map, locate by place name, check.

Nothing here writes. :func:`stage` reads every file, applies the mapping
(or the native one), looks place names up in the register, checks every
row against the register's rules, and returns one :class:`Batch` per kind
with every problem found in any file.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from demine.domain.labels import label_of
from demine.domain.vocab import PlaceType
from demine.errors import SourceError
from demine.exchange.checks import CheckOptions, Problems, check_table
from demine.exchange.entities import KINDS, LAYERS, entity
from demine.exchange.formats import ReadOptions, list_layers, read_source
from demine.exchange.mapping import Mapping, Staged, apply_mapping
from demine.exchange.native import native_mapping
from demine.exchange.parsing import as_text, fold
from demine.i18n import _
from demine.store.bulk import read_frame
from demine.store.database import Database

log = logging.getLogger(__name__)

REGISTER = "register"  # the kind that means "every layer of the file"


@dataclass
class Batch:
    """Checked rows of one kind, from any number of files."""

    kind: str
    frame: pd.DataFrame
    rows: NDArray[np.int64]
    files: NDArray[np.object_]
    review: NDArray[np.object_]
    #: external-id prefixes whose stored records this import replaces
    #: (records made from counts; see :mod:`demine.exchange.counts`)
    families: NDArray[np.object_] | None = None

    def __len__(self) -> int:
        return len(self.frame)

    def problems(self) -> Problems:
        """A collector that names each of this batch's rows."""
        return Problems("", self.rows, files=self.files)


@dataclass
class Staging:
    batches: dict[str, Batch] = field(default_factory=dict)
    problems: list[SourceError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


class PlaceIndex:
    """The register's places by name, for geometry given as a place name."""

    def __init__(self, db: Database | None) -> None:
        self._db = db
        self._frame: pd.DataFrame | None = None

    def frame(self) -> pd.DataFrame:
        if self._frame is None:
            if self._db is None:
                self._frame = pd.DataFrame(
                    {"id": [], "name": [], "code": [], "place_type": [], "location": []}
                )
            else:
                with self._db.transaction() as conn:
                    self._frame = read_frame(
                        conn, "place", ["id", "name", "code", "place_type", "location"]
                    )
                self._frame["key"] = self._frame["name"].map(fold)
        return self._frame

    def locate(
        self, names: pd.Series, place_type: str | None, problems: Problems, name: str
    ) -> pd.Series:
        """Locations of the places named; unknown or ambiguous names are problems."""
        places = self.frame()
        if place_type is not None and len(places):
            places = places[places["place_type"] == place_type]
        text = as_text(names.reset_index(drop=True))
        keys = text.map(fold, na_action="ignore")
        groups = places.groupby("key")["location"].agg(list) if len(places) else {}
        out = np.full(len(text), None, dtype=object)
        for i, key in enumerate(keys.tolist()):
            if key is None or (isinstance(key, float) and np.isnan(key)):
                continue
            found = groups.get(key, []) if len(places) else []
            if len(found) == 1:
                out[i] = found[0]
        counts = keys.map(lambda k: len(groups.get(k, [])) if len(places) else 0)
        present = text.notna().to_numpy()
        problems.add(
            present & (counts.to_numpy() == 0),
            name,
            text,
            _(
                "names no place of type %(type)s in the register (import places first)",
                type=label_of(PlaceType, place_type),
            )
            if place_type
            else _("names no place in the register (import places first)"),
        )
        problems.add(
            present & (counts.to_numpy() > 1),
            name,
            text,
            _(
                "names several places of type %(type)s; use the place's code",
                type=label_of(PlaceType, place_type),
            )
            if place_type
            else _("names several places; use the place's code or type"),
        )
        return pd.Series(out, dtype=object)


Progress = Callable[[str], None]


def stage(
    kind: str,
    paths: Sequence[Path],
    *,
    mapping: Mapping | None,
    read: ReadOptions,
    today: dt.date,
    places: PlaceIndex,
    review_state: str | None = None,
) -> Staging:
    """Read, map and check every file; ``kind`` may be :data:`REGISTER`."""
    result = Staging(files=[str(p) for p in paths])
    staged: list[Staged] = []
    for path in paths:
        for table_kind, options in _layers_to_read(kind, path, mapping, read):
            staged.extend(
                _stage_table(path, table_kind, options, mapping, result, kind)
            )
    if mapping is not None:
        staged = _mapping_records(mapping) + staged
    check_staged(staged, places, today, review_state, result)
    return result


def _layers_to_read(
    kind: str, path: Path, mapping: Mapping | None, read: ReadOptions
) -> list[tuple[str, ReadOptions]]:
    options = _merge(mapping.read if mapping else ReadOptions(), read)
    if mapping is not None:
        return [(mapping.kinds()[0], options)]
    if kind != REGISTER:
        return [(kind, options)]
    # A file of one entity (CSV, GeoJSON, Shapefile ...) says which by its
    # name, as `demine export` names them: hazards.csv, releases.geojson.
    layers = list_layers(path, options.limits) or [path.stem]
    if len(layers) == 1 and path.stem in LAYERS.values():
        layers = [path.stem]
    wanted = [k for k in KINDS if LAYERS[k] in layers]
    if not wanted:
        raise SourceError(
            _(
                "holds no register layers (expected some of: %(expected)s); layers: "
                "%(layers)s",
                expected=", ".join(LAYERS.values()),
                layers=", ".join(layers),
            ),
            file=str(path),
        )
    if len(list_layers(path, options.limits)) <= 1:
        return [(wanted[0], options)]
    return [(k, replace(options, layer=LAYERS[k])) for k in wanted]


def _merge(base: ReadOptions, override: ReadOptions) -> ReadOptions:
    return ReadOptions(
        layer=override.layer or base.layer,
        encoding=override.encoding or base.encoding,
        delimiter=override.delimiter or base.delimiter,
        crs=override.crs or base.crs,
        limits=override.limits,
    )


def _stage_table(
    path: Path,
    kind: str,
    options: ReadOptions,
    mapping: Mapping | None,
    result: Staging,
    asked: str,
) -> list[Staged]:
    prefer = LAYERS.get(mapping.kinds()[0] if mapping else kind)
    table = read_source(path, options, prefer_layer=prefer)
    problems = Problems(table.name, table.rows)
    if mapping is None:
        used, unused = native_mapping(kind, table, options)
        if unused:
            result.warnings.append(
                _(
                    "%(table)s: columns not imported (no %(kind)s field of that name; "
                    "write a mapping to use them): %(values)s",
                    table=table.name,
                    kind=kind,
                    values=", ".join(unused),
                )
            )
        if "external_id" not in used.targets[0].fields and asked != REGISTER:
            result.warnings.append(
                _(
                    "%(table)s: no external_id column, so importing the file again "
                    "will add its rows again",
                    table=table.name,
                )
            )
    else:
        used = mapping
    staged = apply_mapping(used, table, problems)
    result.problems.extend(problems.items)
    result.warnings.extend(problems.notes)
    log.info("%s: %d rows read", table.name, len(table))
    return staged


def _mapping_records(mapping: Mapping) -> list[Staged]:
    """The mapping's own ``records`` (an organisation its rows refer to ...)."""
    out = []
    for kind, records in mapping.records.items():
        frame = pd.DataFrame(records, dtype=object).reset_index(drop=True)
        spec = entity(kind)
        unknown = [c for c in frame.columns if c not in spec.by_name]
        if unknown:
            raise SourceError(
                _(
                    "records.%(kind)s: unknown field(s) %(values)s",
                    kind=kind,
                    values=", ".join(map(str, unknown)),
                ),
                file=mapping.path,
            )
        rows = np.arange(1, len(frame) + 1, dtype=np.int64)
        out.append(Staged(kind, f"{mapping.path} records.{kind}", frame, rows))
    return out


def check_staged(
    staged: list[Staged],
    places: PlaceIndex,
    today: dt.date,
    review_state: str | None,
    result: Staging,
) -> None:
    """Check every staged table; gather them into ``result`` by kind."""
    parts: dict[str, list[tuple[pd.DataFrame, Staged]]] = {}
    for item in staged:
        problems = Problems(item.file, item.rows)
        frame = item.frame
        for name, (names, place_type) in item.places.items():
            frame[name] = places.locate(names, place_type, problems, name)
        options = CheckOptions(today=today, optional=item.optional)
        clean = check_table(entity(item.kind), frame, problems, options)
        result.problems.extend(problems.items)
        parts.setdefault(item.kind, []).append((clean, item))
    for kind, items in parts.items():
        frames = [clean for clean, _unused in items]
        frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        rows = np.concatenate([s.rows for _unused, s in items])
        files = np.concatenate(
            [np.full(len(s.rows), s.file, dtype=object) for _unused, s in items]
        )
        review = np.concatenate(
            [
                np.full(len(s.rows), s.review_state or review_state, dtype=object)
                for _unused, s in items
            ]
        )
        family_parts = [s.families for _, s in items if s.families is not None]
        families = np.concatenate(family_parts) if family_parts else None
        result.batches[kind] = Batch(
            kind, frame.reset_index(drop=True), rows, files, review, families
        )
