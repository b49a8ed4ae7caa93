# SPDX-License-Identifier: GPL-3.0-or-later
"""Count columns in a file about to be mapped: killed, injured, amputations.

Registers that count victims instead of listing them (one row per incident)
name their count columns in many languages: ``KILLED``, ``muertos``,
``убито``, ``MEN_INJURED``, ``niñas heridas``. :func:`count_blocks` finds
them (by name, and only where the values are whole numbers) and proposes
the ``counts`` of a victim target (:mod:`demine.exchange.counts`): one
block per column, with the outcome, sex and age group its name says, and
the total column checked against them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from demine.exchange.formats import SourceTable
from demine.exchange.parsing import NumberFormat, fold

# Word stems (folded: lower case, no accents) that name what a column counts.
OUTCOME_STEMS: dict[str, tuple[str, ...]] = {
    "killed": (
        "kill",
        "dead",
        "death",
        "fatal",
        "muert",
        "fallec",
        "tue",
        "mort",
        "убит",
        "погиб",
        "загин",
        "смерт",
        "olu",
        "olen",
        "helak",
    ),
    "injured": (
        "injur",
        "wound",
        "herid",
        "lesion",
        "bless",
        "ferid",
        "ранен",
        "поранен",
        "травм",
        "yaral",
    ),
    "amputated": ("amput", "ампут"),
}
TOTAL_STEMS = (
    "victim",
    "casualt",
    "total",
    "пострад",
    "жертв",
    "qurban",
    "vitima",
    "victime",
    "afectad",
)
PERSON_STEMS: dict[str, tuple[str, ...]] = {
    "men": ("men", "man", "male", "hombre", "homme", "homem", "мужч", "чолов", "kisi"),
    "women": (
        "women",
        "woman",
        "female",
        "mujer",
        "femme",
        "mulher",
        "женщ",
        "жінк",
        "жінок",
        "qadin",
    ),
    "boys": ("boy", "nino", "garcon", "menino", "мальч", "хлопч", "oglan"),
    "girls": ("girl", "nina", "fille", "menina", "девоч", "дівч", "qiz"),
    "children": ("child", "menor", "enfant", "crianc", "дет", "діт", "usaq"),
    "adults": ("adult", "взросл", "доросл", "boyuk"),
}
# What each kind of person sets on the victims counted: sex, age group.
PERSON_VALUES: dict[str, dict[str, str]] = {
    "men": {"sex": "male", "age_group": "18-"},
    "women": {"sex": "female", "age_group": "18-"},
    "boys": {"sex": "male", "age_group": "0-17"},
    "girls": {"sex": "female", "age_group": "0-17"},
    "children": {"age_group": "0-17"},
    "adults": {"age_group": "18-"},
}
OUTCOME_VALUES: dict[str, dict[str, object]] = {
    "killed": {"outcome": "killed"},
    "injured": {"outcome": "injured"},
    "amputated": {"outcome": "injured", "amputation": True},
}


@dataclass
class ProposedBlock:
    name: str
    column: str
    values: dict[str, object]
    outcome: str
    person: str | None = None
    within: str | None = None


@dataclass
class ProposedCounts:
    """The ``counts`` a draft proposes, and the columns they use."""

    blocks: list[ProposedBlock] = field(default_factory=list)
    totals: list[tuple[str, list[str]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def columns(self) -> list[str]:
        return [b.column for b in self.blocks] + [c for c, _ in self.totals]

    def lines(self, indent: str) -> list[str]:
        """YAML lines of ``counts:`` at ``indent``."""
        out = [f"{indent}counts:"]
        own = [b.name for b in self.blocks if b.within is None]
        for column, parts in self.totals:
            if parts == own:
                out.append(f"{indent}  total: {_quote(column)}")
                break
        else:
            if self.totals:
                out.append(f"{indent}  total:")
                for column, parts in self.totals:
                    out.append(
                        f"{indent}    - {{column: {_quote(column)}, "
                        f"blocks: [{', '.join(parts)}]}}"
                    )
        out.append(f"{indent}  blocks:")
        for block in self.blocks:
            sets = ", ".join(f"{k}: {_scalar(v)}" for k, v in block.values.items())
            within = f", within: {block.within}" if block.within else ""
            out.append(
                f"{indent}    {block.name}: {{column: {_quote(block.column)}"
                f"{within}, set: {{{sets}}}}}"
            )
        out += [f"{indent}# {note}" for note in self.notes]
        return out


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _quote(str(value))


def tokens(name: str) -> list[str]:
    """The words of a column name, folded: ``MEN_KILLED`` -> men, killed."""
    spaced = re.sub(r"([a-zа-яё])([A-ZА-ЯЁ])", r"\1 \2", name)
    return [t for t in re.split(r"[\W_]+", fold(spaced)) if t]


def _has(words: list[str], stems: tuple[str, ...]) -> bool:
    return any(w.startswith(fold(s)) for w in words for s in stems)


def _which(words: list[str], table: dict[str, tuple[str, ...]]) -> str | None:
    for key, stems in table.items():
        if _has(words, stems):
            return key
    return None


def _whole_numbers(values: pd.Series) -> NDArray[np.float64] | None:
    numbers, bad = NumberFormat(thousands=",").parse(values)
    present = ~np.isnan(numbers)
    if not present.any() or bad.mean() > 0.05:
        return None
    whole = numbers[present] == np.round(numbers[present])
    if not whole.all() or (numbers[present] < 0).any():
        return None
    return np.where(present, numbers, 0)


def count_blocks(table: SourceTable, used: set[str]) -> ProposedCounts | None:
    """The count columns of ``table`` as proposed blocks, or None."""
    counts = ProposedCounts()
    numbers: dict[str, NDArray[np.float64]] = {}
    totals: list[str] = []
    by_outcome_total: dict[str, str] = {}
    for column in (str(c) for c in table.frame.columns):
        if column in used:
            continue
        words = tokens(column)
        outcome = _which(words, OUTCOME_STEMS)
        is_total = outcome is None and _has(words, TOTAL_STEMS)
        if outcome is None and not is_total:
            continue
        values = _whole_numbers(table.frame[column])
        if values is None:
            continue
        numbers[column] = values
        if is_total:
            totals.append(column)
            continue
        assert outcome is not None  # not a total, so it named an outcome
        person = _which(words, PERSON_STEMS)
        if person is None and outcome not in by_outcome_total:
            by_outcome_total[outcome] = column
            counts.blocks.append(
                ProposedBlock(outcome, column, dict(OUTCOME_VALUES[outcome]), outcome)
            )
            continue
        name = f"{person or 'other'}_{outcome}"
        if any(b.name == name for b in counts.blocks):
            name = f"{name}_{len(counts.blocks) + 1}"
        values_set = dict(OUTCOME_VALUES[outcome])
        values_set.update(PERSON_VALUES.get(person or "", {}))
        counts.blocks.append(ProposedBlock(name, column, values_set, outcome, person))
    if not counts.blocks:
        return None
    _split_outcome_totals(counts, numbers)
    _place_amputations(counts, numbers, totals)
    _totals(counts, numbers, totals)
    return counts


def _split_outcome_totals(
    counts: ProposedCounts, numbers: dict[str, NDArray[np.float64]]
) -> None:
    """``KILLED`` beside ``MEN_KILLED`` ... is their total, not a block."""
    for outcome in OUTCOME_STEMS:
        plain = [b for b in counts.blocks if b.outcome == outcome and not b.person]
        parts = [b for b in counts.blocks if b.outcome == outcome and b.person]
        if plain and parts:
            counts.blocks.remove(plain[0])
            counts.totals.append((plain[0].column, [b.name for b in parts]))


def _place_amputations(
    counts: ProposedCounts, numbers: dict[str, NDArray[np.float64]], totals: list[str]
) -> None:
    """Amputees are a part of the injured when the totals say so."""
    amputated = [b for b in counts.blocks if b.outcome == "amputated" and not b.person]
    injured = [b for b in counts.blocks if b.name == "injured"]
    if not amputated or not injured:
        return
    block = amputated[0]
    others = sum(numbers[b.column] for b in counts.blocks if b is not block)
    for total in totals:
        if np.array_equal(numbers[total], others):
            block.within = "injured"
            block.values = {"amputation": True}
            return
    counts.notes.append(
        "if the injured already include the amputees, add `within: injured` "
        f"to {block.name}"
    )


def _totals(
    counts: ProposedCounts, numbers: dict[str, NDArray[np.float64]], totals: list[str]
) -> None:
    own = [b.name for b in counts.blocks if b.within is None]
    summed = sum(numbers[b.column] for b in counts.blocks if b.within is None)
    for column in totals:
        counts.totals.insert(0, (column, own))
        if not np.array_equal(numbers[column], summed):
            rows = int((numbers[column] != summed).sum())
            counts.notes.append(
                f"{column} differs from the sum of the blocks on {rows:,} row(s): "
                "check which counts it adds up"
            )
        return
