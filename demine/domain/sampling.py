# SPDX-License-Identifier: GPL-3.0-or-later
"""Sampling plans for inspecting released land (ISO 2859-1, IMAS 09.20).

A **lot** is released ground submitted for post-clearance inspection: one
release or several of the same organisation and method. IMAS 09.20 samples
land by area: the lot is divided into **sampling units** of equal area
(boxes, or lanes of a given width), the number of units is the lot size
``N``, and ISO 2859-1 single sampling says how many units to inspect
(``n``) and how many nonconforming units may be found: the lot is accepted
with at most ``Ac`` nonconforming units and rejected with ``Re`` (= Ac + 1)
or more. A unit is nonconforming when an item is found in it within the
clearance depth, or the clearance requirement was not met there.

The tables (ISO 2859-1:1999):

* Table 1, sample size code letters by lot size and inspection level
  (general levels I, II, III; special levels S-1 to S-4);
* Table 2-A (normal), 2-B (tightened) and 2-C (reduced) single sampling
  master tables. Each row of a master table is the row above shifted one
  AQL step, so a cell is found by its distance ``k`` from the row's
  Ac = 0 cell; an arrow sends the reader to the first plan below (↓) or
  above (↑) in the same column, whose sample size is then used.

:data:`AQLS` are the acceptance quality limits offered: 0.065 % to 6.5 %
nonconforming, the columns of the master tables in which every arrow
reaches a plan of the same table.

Switching between normal, tightened and reduced inspection follows the
team's (or organisation's) record of lots, clause 9 of ISO 2859-1:1999
(:func:`switching_state`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from demine.domain.records import parse_enum
from demine.domain.vocab import InspectionLevel, Stringency
from demine.errors import RecordError
from demine.i18n import _
from demine.i18n.numbers import number

__all__ = [
    "AQLS",
    "LETTERS",
    "AreaPlan",
    "LotRecord",
    "Plan",
    "SwitchRule",
    "SwitchingState",
    "accepts",
    "area_plan",
    "code_letter",
    "parse_aql",
    "plan_for",
    "sample_size",
    "single_sampling_plan",
    "switching_state",
]

#: Sample size code letters in table order (ISO skips I and O).
LETTERS = "ABCDEFGHJKLMNPQRS"
#: Sample size of each code letter, normal and tightened inspection.
SAMPLE_SIZES = (2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800, 1250, 2000,
                3150)  # fmt: skip
#: Sample size of each code letter A–R under reduced inspection (Table 2-C).
REDUCED_SIZES = (2, 2, 2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800)

#: Upper bound of each lot-size range of Table 1 (the last is open).
LOT_BOUNDS = (8, 15, 25, 50, 90, 150, 280, 500, 1200, 3200, 10_000, 35_000, 150_000,
              500_000)  # fmt: skip
#: Table 1: the code letter of each lot-size range, per inspection level.
TABLE_1: dict[InspectionLevel, str] = {
    InspectionLevel.S_1: "AAAABBBBCCCCDDD",
    InspectionLevel.S_2: "AAABBBCCCDDDEEE",
    InspectionLevel.S_3: "AABBCCDDEEFFGGH",
    InspectionLevel.S_4: "AABCCDEEFGGHJJK",
    InspectionLevel.I: "AABCCDEFGHJKLMN",
    InspectionLevel.II: "ABCDEFGHJKLMNPQ",
    InspectionLevel.III: "BCDEFGHJKLMNPQR",
}

#: Every AQL column of the master tables (percent nonconforming), in order.
_COLUMNS = (0.010, 0.015, 0.025, 0.040, 0.065, 0.10, 0.15, 0.25, 0.40, 0.65, 1.0,
            1.5, 2.5, 4.0, 6.5)  # fmt: skip
#: The AQLs demine offers (see the module docstring).
AQLS: tuple[float, ...] = _COLUMNS[4:]

_UP, _DOWN = "up", "down"
Cell = tuple[int, int] | str
# Cells by their distance k from a row's Ac = 0 cell (k < 0 is always ↓,
# k beyond the ladder always ↑). Normal and reduced share the acceptance
# numbers of 2-A up to 10/11, where 2-C stops; tightened uses its own.
_NORMAL: tuple[Cell, ...] = ((0, 1), _UP, _DOWN, (1, 2), (2, 3), (3, 4), (5, 6),
                             (7, 8), (10, 11), (14, 15), (21, 22))  # fmt: skip
_TIGHTENED: tuple[Cell, ...] = ((0, 1), _DOWN, _DOWN, (1, 2), (2, 3), (3, 4), (5, 6),
                                (8, 9), (12, 13), (18, 19))  # fmt: skip
_REDUCED: tuple[Cell, ...] = _NORMAL[:9]
# The column of the Ac = 0 cell of row i is ZERO_AT - i (column 0 is 0.010):
# row A of 2-A has 0/1 under 6.5; 2-B is one column to the right; each row
# of 2-C repeats the row of 2-A two letters smaller (the same sample size).
_ZERO_AT = {Stringency.NORMAL: 14, Stringency.TIGHTENED: 15, Stringency.REDUCED: 16}
_LADDER = {
    Stringency.NORMAL: _NORMAL,
    Stringency.TIGHTENED: _TIGHTENED,
    Stringency.REDUCED: _REDUCED,
}


@dataclass(frozen=True)
class Plan:
    """A single sampling plan: inspect ``n`` units, accept with ``ac`` or fewer
    nonconforming, reject with ``re`` or more.

    ``letter`` is the code letter of Table 1; ``plan_letter`` the one whose
    plan the master table's arrows led to (its sample size is ``n``).
    ``everything`` says the sample would be the whole lot (``n`` = lot).
    """

    lot_size: int
    level: InspectionLevel
    aql: float
    stringency: Stringency
    letter: str
    plan_letter: str
    n: int
    ac: int
    re: int
    everything: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "lot_size": self.lot_size,
            "level": self.level.value,
            "aql": self.aql,
            "stringency": self.stringency.value,
            "code_letter": self.letter,
            "plan_letter": self.plan_letter,
            "sample_size": self.n,
            "ac": self.ac,
            "re": self.re,
            "whole_lot": self.everything,
        }


def parse_aql(value: float | str) -> float:
    """One of :data:`AQLS`, from a number or text such as ``"1.0"`` or ``"1 %"``."""
    text = str(value).strip().rstrip("%").strip()
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    for aql in AQLS:
        if math.isclose(number, aql, rel_tol=1e-9):
            return aql
    allowed = ", ".join(f"{a:g}" for a in AQLS)
    raise RecordError(
        _(
            "AQL %(value)r is not a column of the ISO 2859-1 tables; use one of "
            "%(allowed)s",
            value=value,
            allowed=allowed,
        ),
        field="aql",
    )


def _level(value: InspectionLevel | str) -> InspectionLevel:
    return parse_enum(InspectionLevel, value, field="level")


def _stringency(value: Stringency | str) -> Stringency:
    found = parse_enum(Stringency, value, field="stringency")
    if found is Stringency.DISCONTINUED:
        raise RecordError(
            _(
                "inspection is discontinued: no plan until the organisation has "
                "corrected the cause (ISO 2859-1, 9.4)"
            ),
            field="stringency",
        )
    return found


def code_letter(lot_size: int, level: InspectionLevel | str = "ii") -> str:
    """The sample size code letter of Table 1.

    Examples
    --------
    >>> code_letter(1_000), code_letter(1_000, "i"), code_letter(40, "s_3")
    ('J', 'G', 'B')
    """
    if isinstance(lot_size, bool) or not isinstance(lot_size, int) or lot_size < 1:
        raise RecordError(
            _(
                "lot size must be a whole number of units, at least 1; got %(value)r",
                value=lot_size,
            ),
            field="lot_size",
        )
    row = sum(lot_size > bound for bound in LOT_BOUNDS)
    return TABLE_1[_level(level)][row]


def sample_size(letter: str, stringency: Stringency | str = "normal") -> int:
    """The sample size of a code letter under ``stringency``."""
    i = LETTERS.index(letter)
    if _stringency(stringency) is Stringency.REDUCED:
        return REDUCED_SIZES[i]
    return SAMPLE_SIZES[i]


def _cell(stringency: Stringency, row: int, column: int) -> Cell:
    ladder = _LADDER[stringency]
    k = column - (_ZERO_AT[stringency] - row)
    if k < 0:
        return _DOWN
    if k >= len(ladder):
        return _UP
    return ladder[k]


def _rows(stringency: Stringency) -> int:
    # 2-B goes on to S (3150); 2-A and 2-C end at R.
    return 17 if stringency is Stringency.TIGHTENED else 16


def single_sampling_plan(
    letter: str, aql: float | str, stringency: Stringency | str = "normal"
) -> tuple[str, int, int, int]:
    """``(plan_letter, n, Ac, Re)`` of a master table cell, arrows followed.

    Examples
    --------
    >>> single_sampling_plan("J", 1.0)
    ('J', 80, 2, 3)
    >>> single_sampling_plan("H", 0.65)  # ↓: the plan of J
    ('J', 80, 1, 2)
    """
    how = _stringency(stringency)
    column = _COLUMNS.index(parse_aql(aql))
    if letter not in LETTERS[: _rows(how)]:
        raise RecordError(
            _("no code letter %(letter)r", letter=letter), field="code_letter"
        )
    row = LETTERS.index(letter)
    cell = _cell(how, row, column)
    while isinstance(cell, str):
        row += 1 if cell == _DOWN else -1
        # Within AQLS every arrow reaches a plan; this guards the tables.
        assert 0 <= row < _rows(how), (letter, aql, how)
        cell = _cell(how, row, column)
    ac, re = cell
    plan_letter = LETTERS[row]
    return plan_letter, sample_size(plan_letter, how), ac, re


def plan_for(
    lot_size: int,
    aql: float | str = 1.0,
    level: InspectionLevel | str = "ii",
    stringency: Stringency | str = "normal",
) -> Plan:
    """The single sampling plan for a lot of ``lot_size`` units.

    When the plan's sample is as large as the lot or larger, every unit is
    inspected (ISO 2859-1, 10.1), with the plan's acceptance number.

    Examples
    --------
    >>> p = plan_for(1_000, aql=1.0)
    >>> p.letter, p.n, p.ac, p.re
    ('J', 80, 2, 3)
    >>> plan_for(1_000, aql=1.0, stringency="tightened").ac
    1
    """
    how = _stringency(stringency)
    lvl = _level(level)
    quality = parse_aql(aql)
    letter = code_letter(lot_size, lvl)
    plan_letter, n, ac, re = single_sampling_plan(letter, quality, how)
    everything = n >= lot_size
    return Plan(
        lot_size=lot_size,
        level=lvl,
        aql=quality,
        stringency=how,
        letter=letter,
        plan_letter=plan_letter,
        n=min(n, lot_size),
        ac=ac,
        re=re,
        everything=everything,
    )


def accepts(plan: Plan, nonconforming: int) -> bool:
    """Whether the lot is accepted with ``nonconforming`` units in its sample."""
    if nonconforming < 0:
        raise RecordError(
            _("nonconforming units cannot be negative"), field="nonconforming"
        )
    return nonconforming <= plan.ac


@dataclass(frozen=True)
class AreaPlan:
    """A plan on the ground: the lot in sampling units and the area to inspect.

    ``share`` is the inspected part of the lot's area (0–1). ``min_share``
    raises the sample to at least that share of the lot, as a national
    standard may require beside the ISO table (a larger sample with the same
    acceptance number is stricter, never looser).
    """

    plan: Plan
    lot_m2: float
    unit_m2: float
    units: int
    sample_m2: float
    share: float
    min_share: float | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            **self.plan.as_dict(),
            "lot_m2": self.lot_m2,
            "unit_m2": self.unit_m2,
            "units": self.units,
            "sample_m2": self.sample_m2,
            "share": self.share,
            "min_share": self.min_share,
        }


def area_plan(
    lot_m2: float,
    unit_m2: float = 100.0,
    aql: float | str = 1.0,
    level: InspectionLevel | str = "ii",
    stringency: Stringency | str = "normal",
    min_share: float | None = None,
) -> AreaPlan:
    """The IMAS 09.20 plan for ``lot_m2`` of released land in units of ``unit_m2``.

    The lot size is the number of whole units that fit the lot's area.

    Examples
    --------
    >>> a = area_plan(250_000, unit_m2=100, aql=1.0)
    >>> a.plan.lot_size, a.plan.letter, a.units, a.sample_m2, a.plan.ac
    (2500, 'K', 125, 12500.0, 3)
    """
    if not (math.isfinite(lot_m2) and lot_m2 > 0):
        raise RecordError(
            _("the lot's area must be positive, got %(value)r", value=lot_m2),
            field="lot",
        )
    if not (math.isfinite(unit_m2) and unit_m2 > 0):
        raise RecordError(
            _(
                "the sampling unit must have a positive area, got %(value)r",
                value=unit_m2,
            ),
            field="unit_m2",
        )
    if unit_m2 > lot_m2:
        raise RecordError(
            _(
                "a sampling unit of %(unit)s m² is larger than the lot (%(lot)s m²)",
                unit=f"{unit_m2:g}",
                lot=number(lot_m2),
            ),
            field="unit_m2",
        )
    if min_share is not None and not 0 < min_share <= 1:
        raise RecordError(
            _(
                "the minimum share must be above 0 and at most 1, got %(value)r",
                value=min_share,
            ),
            field="min_share",
        )
    lot_size = max(1, int(lot_m2 // unit_m2))
    plan = plan_for(lot_size, aql, level, stringency)
    units = plan.n
    if min_share is not None:
        units = min(lot_size, max(units, math.ceil(min_share * lot_size)))
    return AreaPlan(
        plan=plan,
        lot_m2=float(lot_m2),
        unit_m2=float(unit_m2),
        units=units,
        sample_m2=units * float(unit_m2),
        share=units * float(unit_m2) / float(lot_m2),
        min_share=min_share,
    )


# --- switching (ISO 2859-1:1999, clause 9) -----------------------------------


class SwitchRule(StrEnum):
    """Why the stringency changed after a lot (ISO 2859-1 clause)."""

    TWO_OF_FIVE_REJECTED = "two_of_five_rejected"  # 9.3.1 normal -> tightened
    FIVE_ACCEPTED = "five_accepted"  # 9.3.2 tightened -> normal
    SCORE_REACHED = "score_reached"  # 9.3.3 normal -> reduced
    REJECTED_ON_REDUCED = "rejected_on_reduced"  # 9.3.4 reduced -> normal
    FIVE_REJECTED_ON_TIGHTENED = "five_rejected_on_tightened"  # 9.4 discontinue


@dataclass(frozen=True)
class LotRecord:
    """One inspected lot of a team's record, in order of inspection.

    ``ac`` is the acceptance number of the plan used and ``aql`` its AQL
    (for the switching score's "one step tighter" test).
    """

    accepted: bool
    nonconforming: int
    letter: str
    aql: float
    ac: int
    stringency: Stringency = Stringency.NORMAL


@dataclass(frozen=True)
class Switch:
    """A change of stringency after the lot at ``after`` (0-based index)."""

    after: int
    to: Stringency
    rule: SwitchRule


@dataclass(frozen=True)
class SwitchingState:
    """Where a record of lots leaves the next inspection.

    ``score`` is the switching score (normal inspection only);
    ``recent`` the results of the lots since normal inspection began, last
    five; ``accepted_in_row`` lots accepted in a row on tightened
    inspection; ``rejected_on_tightened`` lots rejected since tightened
    inspection began.
    """

    stringency: Stringency = Stringency.NORMAL
    score: int = 0
    recent: tuple[bool, ...] = ()
    accepted_in_row: int = 0
    rejected_on_tightened: int = 0
    switches: tuple[Switch, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, object]:
        return {
            "stringency": self.stringency.value,
            "switching_score": self.score,
            "recent_accepted": list(self.recent),
            "accepted_in_row": self.accepted_in_row,
            "rejected_on_tightened": self.rejected_on_tightened,
            "switches": [
                {"after": s.after, "to": s.to.value, "rule": s.rule.value}
                for s in self.switches
            ],
        }


def _one_step_tighter(lot: LotRecord) -> int | None:
    """Ac of the same code letter's normal plan one AQL column tighter."""
    column = _COLUMNS.index(parse_aql(lot.aql))
    if column == 0:
        return None
    cell = _cell(Stringency.NORMAL, LETTERS.index(lot.letter), column - 1)
    return cell[0] if isinstance(cell, tuple) else None


def _score(score: int, lot: LotRecord) -> int:
    """The switching score after one lot on normal inspection (9.3.3)."""
    if lot.ac >= 2:
        tighter = _one_step_tighter(lot)
        ok = tighter is not None and lot.nonconforming <= tighter
        return score + 3 if ok else 0
    return score + 2 if lot.accepted else 0


REDUCED_SCORE = 30


def switching_state(
    lots: Iterable[LotRecord], *, reduced_allowed: bool = True
) -> SwitchingState:
    """The stringency for the next lot after ``lots`` (oldest first).

    Inspection starts normal. Normal → tightened when 2 of 5 or fewer
    consecutive lots were rejected; tightened → normal after 5 consecutive
    accepted lots; normal → reduced when the switching score reaches 30 and
    the national authority allows reduced inspection (``reduced_allowed``);
    reduced → normal on a rejected lot; 5 lots rejected while on tightened
    inspection discontinue inspection until the cause is corrected.

    Examples
    --------
    >>> lot = LotRecord(False, 2, "J", 1.0, 2)
    >>> switching_state([lot, lot]).stringency
    <Stringency.TIGHTENED: 'tightened'>
    """
    state = SwitchingState()
    switches: list[Switch] = []
    for index, lot in enumerate(lots):
        state = _next(state, lot, index, switches, reduced_allowed)
    return SwitchingState(
        state.stringency,
        state.score,
        state.recent,
        state.accepted_in_row,
        state.rejected_on_tightened,
        tuple(switches),
    )


def _next(
    s: SwitchingState,
    lot: LotRecord,
    index: int,
    switches: list[Switch],
    reduced_allowed: bool,
) -> SwitchingState:
    now = s.stringency

    def switch(to: Stringency, rule: SwitchRule) -> SwitchingState:
        switches.append(Switch(index, to, rule))
        return SwitchingState(stringency=to)

    if now is Stringency.DISCONTINUED:
        return s
    if now is Stringency.NORMAL:
        recent = (*s.recent, lot.accepted)[-5:]
        if recent.count(False) >= 2:
            return switch(Stringency.TIGHTENED, SwitchRule.TWO_OF_FIVE_REJECTED)
        score = _score(s.score, lot)
        if reduced_allowed and score >= REDUCED_SCORE:
            return switch(Stringency.REDUCED, SwitchRule.SCORE_REACHED)
        return SwitchingState(now, score, recent)
    if now is Stringency.TIGHTENED:
        rejected = s.rejected_on_tightened + (not lot.accepted)
        if rejected >= 5:
            return switch(
                Stringency.DISCONTINUED, SwitchRule.FIVE_REJECTED_ON_TIGHTENED
            )
        in_row = s.accepted_in_row + 1 if lot.accepted else 0
        if in_row >= 5:
            return switch(Stringency.NORMAL, SwitchRule.FIVE_ACCEPTED)
        return SwitchingState(
            now, accepted_in_row=in_row, rejected_on_tightened=rejected
        )
    # reduced
    if not lot.accepted:
        return switch(Stringency.NORMAL, SwitchRule.REJECTED_ON_REDUCED)
    return s


def lots_from(records: Sequence[dict[str, object]]) -> list[LotRecord]:
    """Lot records from plain mappings (as the store reads inspections)."""
    return [
        LotRecord(
            accepted=bool(r["accepted"]),
            nonconforming=int(r["nonconforming"]),  # type: ignore[call-overload]
            letter=str(r["letter"]),
            aql=float(r["aql"]),  # type: ignore[arg-type]
            ac=int(r["ac"]),  # type: ignore[call-overload]
            stringency=parse_enum(Stringency, r.get("stringency") or "normal"),
        )
        for r in records
    ]
