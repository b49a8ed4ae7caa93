# SPDX-License-Identifier: GPL-3.0-or-later
"""Counts expanded into records: registers that count victims instead of listing them.

Many casualty registers keep one row per incident with columns of numbers
(killed, injured, amputations, or men / women / boys / girls killed and
injured). A target with ``counts`` makes one record per unit of each count::

    - kind: victim
      fields:
        accident: "inc-{ID}"          # the incident's own record
        status: {value: civilian}
      counts:
        total: VICTIMS                # optional: must equal the blocks' sum
        blocks:
          killed:  {column: KILLED,  set: {outcome: killed}}
          injured: {column: INJURED, set: {outcome: injured}}
          amputated:
            column: AMPUTATIONS
            set: {outcome: injured, amputation: true}

Each record's external id is ``{base}-{block}-{n}``: ``base`` is the
target's ``external_id`` (or, without one, the value of its first reference
field, the incident's id), ``block`` the block's name and ``n`` counts from
1. Importing the file again matches the same records; a count that went
down leaves records ``n`` above it, which the importer withdraws (the
*family* ``{base}-{block}-`` tells which stored records belong to the row).

``within: BLOCK`` says a count is part of another block's (amputees among
the injured): its ``set`` values go to the first records of that block
instead of making records of their own. ``total`` is a column (the sum of
every block not ``within`` another), or a list of ``{column, blocks}``.

A count that is blank is 0; one that is negative, not a whole number or not
a number is a bad row, and so is a total that the counts contradict.
"""

from __future__ import annotations

import re
from collections.abc import Mapping as MappingType
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from demine.errors import SourceError
from demine.exchange.checks import Problems
from demine.exchange.parsing import NumberFormat
from demine.i18n import _
from demine.i18n.numbers import number

#: The longest count a row may expand to: a typing slip (4000 for 40)
#: should not make thousands of records.
MAX_COUNT = 10_000
BLOCK_NAME = r"^[A-Za-z0-9_]+$"


@dataclass(frozen=True)
class CountBlock:
    """One count column and the values its records take."""

    name: str
    column: str
    values: dict[str, Any] = field(default_factory=dict)
    within: str | None = None


@dataclass(frozen=True)
class CountTotal:
    """A column that must equal the sum of some blocks."""

    column: str
    blocks: tuple[str, ...]


@dataclass(frozen=True)
class Counts:
    """A target's ``counts``: its blocks, totals and number format."""

    blocks: tuple[CountBlock, ...]
    totals: tuple[CountTotal, ...] = ()
    number: NumberFormat = field(default_factory=NumberFormat)

    def columns(self) -> list[str]:
        """The source columns the counts read."""
        return [b.column for b in self.blocks] + [t.column for t in self.totals]


@dataclass
class Expansion:
    """What counts make of a target's rows.

    ``take`` gives, for each record, the position of the source row it comes
    from; ``values`` the fields the blocks set; ``external_id`` each record's
    id; ``families`` the id prefix of every row and block (also where the
    count is 0, so a count that fell to 0 withdraws what was there).
    """

    take: NDArray[np.intp]
    values: dict[str, NDArray[np.object_]]
    external_id: NDArray[np.object_]
    families: NDArray[np.object_]


def parse_counts(data: Any, kind: str, fields: set[str], where: str) -> Counts:
    """The ``counts`` of a target from its YAML; errors name the mapping."""
    if not isinstance(data, dict) or not isinstance(data.get("blocks"), dict):
        raise SourceError(
            _(
                "%(kind)s: 'counts' needs 'blocks', a mapping of names to "
                "{column, set}",
                kind=kind,
            ),
            file=where,
        )
    unknown = set(data) - {"blocks", "total", "number"}
    if unknown:
        raise SourceError(
            _(
                "%(kind)s: unknown key(s) under counts: %(values)s",
                kind=kind,
                values=", ".join(sorted(unknown)),
            ),
            file=where,
        )
    blocks = tuple(
        _block(str(name), raw, kind, fields, where)
        for name, raw in data["blocks"].items()
    )
    if not blocks:
        raise SourceError(_("%(kind)s: 'counts' has no blocks", kind=kind), file=where)
    names = {b.name for b in blocks}
    for block in blocks:
        if block.within is not None and (
            block.within not in names or block.within == block.name
        ):
            raise SourceError(
                _(
                    "%(kind)s: counts block %(name)r is within %(within)r, which "
                    "is not another block (%(blocks)s)",
                    kind=kind,
                    name=block.name,
                    within=block.within,
                    blocks=", ".join(sorted(names)),
                ),
                file=where,
            )
    totals = _totals(data.get("total"), blocks, kind, where)
    number = data.get("number") or {}
    if not isinstance(number, dict):
        raise SourceError(
            _("%(kind)s: counts 'number' must be a mapping", kind=kind), file=where
        )
    fmt = NumberFormat(
        decimal=str(number.get("decimal", ".")), thousands=number.get("thousands")
    )
    return Counts(blocks, totals, fmt)


def _block(name: str, raw: Any, kind: str, fields: set[str], where: str) -> CountBlock:
    if not re.match(BLOCK_NAME, name):
        raise SourceError(
            _(
                "%(kind)s: counts block name %(name)r may hold only letters, "
                "digits and '_' (it becomes part of each record's external id)",
                kind=kind,
                name=name,
            ),
            file=where,
        )
    if isinstance(raw, str):
        return CountBlock(name, raw)
    if not isinstance(raw, dict) or "column" not in raw:
        raise SourceError(
            _("%(kind)s: counts block %(name)r needs a 'column'", kind=kind, name=name),
            file=where,
        )
    unknown = set(raw) - {"column", "set", "within"}
    if unknown:
        raise SourceError(
            _(
                "%(kind)s: counts block %(name)r: unknown key(s) %(values)s",
                kind=kind,
                name=name,
                values=", ".join(sorted(unknown)),
            ),
            file=where,
        )
    values = raw.get("set") or {}
    if not isinstance(values, MappingType):
        raise SourceError(
            _(
                "%(kind)s: counts block %(name)r: 'set' must map fields to values",
                kind=kind,
                name=name,
            ),
            file=where,
        )
    bad = sorted(str(k) for k in values if str(k) not in fields)
    if bad:
        raise SourceError(
            _(
                "%(kind)s: counts block %(name)r sets unknown field(s) %(values)s",
                kind=kind,
                name=name,
                values=", ".join(bad),
            ),
            file=where,
        )
    within = raw.get("within")
    return CountBlock(
        name,
        str(raw["column"]),
        {str(k): v for k, v in values.items()},
        None if within is None else str(within),
    )


def _totals(
    data: Any, blocks: tuple[CountBlock, ...], kind: str, where: str
) -> tuple[CountTotal, ...]:
    if data is None:
        return ()
    own = tuple(b.name for b in blocks if b.within is None)
    if isinstance(data, str):
        return (CountTotal(data, own),)
    if not isinstance(data, list):
        raise SourceError(
            _(
                "%(kind)s: counts 'total' is a column, or a list of {column, blocks}",
                kind=kind,
            ),
            file=where,
        )
    out = []
    names = {b.name for b in blocks}
    for item in data:
        if not isinstance(item, dict) or "column" not in item:
            raise SourceError(
                _("%(kind)s: each counts total needs a 'column'", kind=kind),
                file=where,
            )
        parts = tuple(str(b) for b in item.get("blocks") or own)
        unknown = [p for p in parts if p not in names]
        if unknown:
            raise SourceError(
                _(
                    "%(kind)s: counts total %(column)r names unknown block(s) "
                    "%(values)s",
                    kind=kind,
                    column=item["column"],
                    values=", ".join(unknown),
                ),
                file=where,
            )
        out.append(CountTotal(str(item["column"]), parts))
    return tuple(out)


def expand(
    counts: Counts,
    read: Any,
    base: pd.Series,
    problems: Problems,
) -> Expansion:
    """Records for every unit of every count of the rows.

    ``read(column)`` gives a source column (as the mapping finds columns);
    ``base`` is each row's external-id base. Bad counts and contradicted
    totals go to ``problems``; their rows make no records.
    """
    n = len(base)
    numbers: dict[str, NDArray[np.int64]] = {}
    good = np.ones(n, dtype=bool)
    for block in counts.blocks:
        raw = read(block.column).reset_index(drop=True)
        values, ok = _count(raw, block.column, counts.number, problems)
        numbers[block.name] = values
        good &= ok
    # A row whose counts cannot be read has no sum to check.
    good &= _check_within(counts, numbers, read, problems, good)
    good &= _check_totals(counts, numbers, read, problems, good)
    present = base.notna().to_numpy(dtype=bool)
    problems.add(
        ~present & good,
        "external_id",
        base,
        _("is empty: records made from counts need the incident's id"),
    )
    good &= present
    return _records(counts, numbers, base, good)


def _count(
    raw: pd.Series, column: str, fmt: NumberFormat, problems: Problems
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Whole numbers ≥ 0 (0 where blank) and the mask of rows that are fine."""
    values, unreadable = fmt.parse(raw)
    problems.add(unreadable, column, raw, _("is not a number (a count is expected)"))
    known = ~np.isnan(values)
    negative = known & (values < 0)
    fraction = known & ~negative & (values != np.round(values))
    huge = known & (values > MAX_COUNT)
    problems.add(negative, column, raw, _("is negative: a count cannot be"))
    problems.add(fraction, column, raw, _("is not a whole number: a count must be"))
    problems.add(
        huge & ~fraction,
        column,
        raw,
        _(
            "is more than %(max)s records from one row: check the count",
            max=number(MAX_COUNT),
        ),
    )
    ok = ~(unreadable | negative | fraction | huge)
    out = np.where(known & ok, values, 0).astype(np.int64)
    return out, ok


def _check_within(
    counts: Counts,
    numbers: dict[str, NDArray[np.int64]],
    read: Any,
    problems: Problems,
    readable: NDArray[np.bool_],
) -> NDArray[np.bool_]:
    ok = np.ones(len(readable), dtype=bool)
    for block in counts.blocks:
        if block.within is None:
            continue
        over = readable & (numbers[block.name] > numbers[block.within])
        parent = next(b for b in counts.blocks if b.name == block.within)
        problems.add(
            over,
            block.column,
            read(block.column).reset_index(drop=True),
            _(
                "is more than %(column)s on the same row, and counts some of them",
                column=parent.column,
            ),
        )
        ok &= ~over
    return ok


def _check_totals(
    counts: Counts,
    numbers: dict[str, NDArray[np.int64]],
    read: Any,
    problems: Problems,
    readable: NDArray[np.bool_],
) -> NDArray[np.bool_]:
    ok = np.ones(len(readable), dtype=bool)
    columns = {b.name: b.column for b in counts.blocks}
    for total in counts.totals:
        raw = read(total.column).reset_index(drop=True)
        given, unreadable = counts.number.parse(raw)
        problems.add(unreadable, total.column, raw, _("is not a number (a total)"))
        summed = np.sum([numbers[b] for b in total.blocks], axis=0)
        mask = readable & ~np.isnan(given) & (given != summed) & ~unreadable
        for pos in np.flatnonzero(mask):
            terms = " + ".join(
                f"{columns[b]} {number(int(numbers[b][pos]))}" for b in total.blocks
            )
            problems.add(
                _one(len(mask), int(pos)),
                total.column,
                raw,
                _(
                    "is not the sum of the counts on its row: %(terms)s = %(sum)s",
                    terms=terms,
                    sum=number(int(summed[pos])),
                ),
            )
        ok &= ~(mask | unreadable)
    return ok


def _one(n: int, pos: int) -> NDArray[np.bool_]:
    mask = np.zeros(n, dtype=bool)
    mask[pos] = True
    return mask


def _records(
    counts: Counts,
    numbers: dict[str, NDArray[np.int64]],
    base: pd.Series,
    good: NDArray[np.bool_],
) -> Expansion:
    prefix = base.astype(object).where(base.notna(), "").astype(str).to_numpy()
    takes, ids, families = [], [], []
    values: dict[str, list[NDArray[np.object_]]] = {}
    fields = sorted({k for b in counts.blocks for k in b.values})
    for block in counts.blocks:
        family = np.char.add(prefix.astype(str), f"-{block.name}-").astype(object)
        families.append(family[good])
        if block.within is not None:
            continue
        count = np.where(good, numbers[block.name], 0)
        take = np.repeat(np.arange(len(base)), count)
        ordinal = _ordinals(count)
        ids.append(
            np.char.add(family[take].astype(str), ordinal.astype(str)).astype(object)
        )
        takes.append(take)
        for name in fields:
            column = np.full(len(take), None, dtype=object)
            if name in block.values:
                column[:] = [block.values[name]] * len(take)
            for inner in counts.blocks:
                if inner.within == block.name and name in inner.values:
                    hit = ordinal <= np.where(good, numbers[inner.name], 0)[take]
                    column[hit] = inner.values[name]
            values.setdefault(name, []).append(column)
    take = np.concatenate(takes) if takes else np.zeros(0, dtype=np.intp)
    return Expansion(
        take=take.astype(np.intp),
        values={k: np.concatenate(v) for k, v in values.items()},
        external_id=np.concatenate(ids) if ids else np.zeros(0, dtype=object),
        families=np.concatenate(families) if families else np.zeros(0, object),
    )


def _ordinals(count: NDArray[np.int64]) -> NDArray[np.int64]:
    """1, 2, ... count for each row, laid end to end (as ``np.repeat`` does)."""
    total = int(count.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.cumsum(count) - count
    return np.arange(total, dtype=np.int64) - np.repeat(starts, count) + 1
