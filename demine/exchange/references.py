# SPDX-License-Identifier: GPL-3.0-or-later
"""Resolving references between records: keys in files, ids in the register.

A file names the hazard a release belongs to by the hazard's external id,
an organisation by external id, acronym or name, an EO model by its model
name, a place by external id, code or name (see
:data:`demine.exchange.entities.REF_KEYS`). The record may be in the
register already or in the same import; names are compared ignoring case
and accents, and a name that fits several records is refused rather than
guessed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import numpy as np
import pandas as pd
from sqlalchemy.engine import Connection

from demine.domain.labels import kind_word
from demine.errors import SourceError
from demine.exchange.entities import IDENTITY_KEYS, REF_KEYS, entity
from demine.exchange.parsing import fold, map_distinct
from demine.exchange.staging import Batch
from demine.i18n import _
from demine.store.lookups import column_values
from demine.store.upsert import ids_by_key

AMBIGUOUS = -1


class KeyIndex:
    """Ids of one table's records by every key a reference may use."""

    def __init__(
        self,
        conn: Connection,
        name: str,
        batch: Batch | None,
        ids: np.ndarray | None,
    ) -> None:
        self.conn = conn
        self.name = name
        self.batch = batch
        self.ids = ids
        self.keys = REF_KEYS.get(name, IDENTITY_KEYS)
        self._names: dict[str, dict[str, int]] = {}

    def lookup(self, wanted: list[str]) -> dict[str, int]:
        """``{key: id}``, ``AMBIGUOUS`` for keys naming several records."""
        found: dict[str, int] = {}
        for column in self.keys:
            todo = [k for k in wanted if k not in found]
            if not todo:
                break
            found.update(self._in_batch(column, todo))
            todo = [k for k in todo if k not in found]
            if todo:
                found.update(self._in_register(column, todo))
        return found

    def _in_batch(self, column: str, wanted: list[str]) -> dict[str, int]:
        if self.batch is None or column not in self.batch.frame or self.ids is None:
            return {}
        values = self.batch.frame[column]
        groups: dict[str, set[int]] = defaultdict(set)
        exact = column in IDENTITY_KEYS
        for value, i in zip(values.tolist(), self.ids.tolist(), strict=True):
            if value is not None and not (isinstance(value, float) and np.isnan(value)):
                groups[str(value) if exact else fold(str(value))].add(int(i))
        return _pick(wanted, groups, exact)

    def _in_register(self, column: str, wanted: list[str]) -> dict[str, int]:
        if column in IDENTITY_KEYS:
            return ids_by_key(self.conn, self.name, column, wanted)
        if column not in self._names:
            groups: dict[str, set[int]] = defaultdict(set)
            for value, i in column_values(self.conn, self.name, column):
                groups[fold(value)].add(i)
            self._names[column] = {
                k: (next(iter(v)) if len(v) == 1 else AMBIGUOUS)
                for k, v in groups.items()
            }
        names = self._names[column]
        return {k: names[fold(k)] for k in wanted if fold(k) in names}


def _pick(
    wanted: list[str], groups: dict[str, set[int]], exact: bool
) -> dict[str, int]:
    out = {}
    for key in wanted:
        hit = groups.get(key if exact else fold(key))
        if hit:
            out[key] = next(iter(hit)) if len(hit) == 1 else AMBIGUOUS
    return out


def resolve_references(
    conn: Connection, batches: dict[str, Batch], ids: dict[str, np.ndarray]
) -> list[SourceError]:
    """Fill each batch's foreign-key columns; return the unresolvable ones."""
    problems: list[SourceError] = []
    indexes: dict[str, KeyIndex] = {}
    for kind, batch in batches.items():
        for fs in entity(kind).fields:
            if fs.type != "ref" or fs.name not in batch.frame:
                continue
            assert fs.ref is not None
            index = indexes.setdefault(
                fs.ref, KeyIndex(conn, fs.ref, batches.get(fs.ref), ids.get(fs.ref))
            )
            keys = batch.frame[fs.name]
            present = keys.notna().to_numpy(dtype=bool)
            wanted = [str(k) for k in pd.unique(keys[present])]
            found = index.lookup(wanted)
            resolved = pd.Series(map_distinct(keys, _getter(found)))
            problems += _report(
                batch,
                fs.name,
                fs.ref,
                keys,
                resolved,
                index.keys,
                fs.ref in batches,
            )
            numbers = pd.to_numeric(resolved, errors="coerce")
            good = numbers.notna() & (numbers != AMBIGUOUS)
            batch.frame[fs.column] = numbers.where(good).astype("Int64")
    return problems


def _getter(found: dict[str, int]) -> Callable[[object], int | None]:
    return lambda key: found.get(str(key))


def _report(
    batch: Batch,
    name: str,
    target: str,
    keys: pd.Series,
    resolved: pd.Series,
    key_columns: tuple[str, ...],
    in_import: bool,
) -> list[SourceError]:
    problems = batch.problems()
    present = keys.notna().to_numpy(dtype=bool)
    missing = present & resolved.isna().to_numpy(dtype=bool)
    # An id longer than any record may hold: if the record it names is in
    # this import, that record's own problem is the cause, reported once.
    limit = entity(target).by_name["external_id"].max_length or 0
    lengths = keys.astype(object).map(lambda k: len(str(k)), na_action="ignore")
    long = present & (lengths.fillna(0).to_numpy(dtype=float) > limit)
    if in_import:
        missing &= ~long
    else:
        problems.add(
            missing & long,
            name,
            keys,
            _(
                "is longer than the %(limit)s characters an external id may "
                "have, so no %(kind)s has it",
                limit=limit,
                kind=kind_word(target),
            ),
        )
        missing &= ~long
    ambiguous = (resolved == AMBIGUOUS).fillna(False).to_numpy(dtype=bool)
    by = " or ".join(c.replace("_", " ") for c in key_columns)
    problems.add(
        missing,
        name,
        keys,
        _(
            "no %(target)s with this %(by)s in the register or in this import",
            target=kind_word(target),
            by=by,
        ),
    )
    problems.add(
        ambiguous,
        name,
        keys,
        _(
            "names several %(target)s records; use the external id",
            target=kind_word(target),
        ),
    )
    return problems.items
