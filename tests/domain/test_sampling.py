# SPDX-License-Identifier: GPL-3.0-or-later
"""Sampling plans against the published ISO 2859-1 tables, and switching.

The expected values below are typed from the tables of ISO 2859-1:1999
"Sampling procedures for inspection by attributes - Part 1: Sampling schemes
indexed by acceptance quality limit (AQL) for lot-by-lot inspection" (the
same tables as ANSI/ASQ Z1.4 and MIL-STD-105E for Table 1, 2-A and 2-B):

* Table 1 - Sample size code letters;
* Table 2-A - Single sampling plans for normal inspection (Master table);
* Table 2-B - Single sampling plans for tightened inspection (Master table);
* Table 2-C - Single sampling plans for reduced inspection (Master table).

Where the table shows an arrow the expectation is the plan the arrow leads
to, with that plan's sample size, as clause 10.1 of the standard says.
"""

from __future__ import annotations

import doctest

import pytest

from demine.domain import sampling
from demine.domain.sampling import (
    LotRecord,
    SwitchRule,
    accepts,
    area_plan,
    code_letter,
    plan_for,
    switching_state,
)
from demine.domain.vocab import Stringency
from demine.errors import RecordError

# ISO 2859-1:1999 Table 1: lot size -> code letter at S-1, S-2, S-3, S-4, I, II, III.
TABLE_1 = [
    (2, "AAAAAAB"),
    (8, "AAAAAAB"),
    (9, "AAAAABC"),
    (16, "AABBBCD"),
    (40, "ABBCCDE"),
    (51, "BBCCCEF"),
    (100, "BBCDDFG"),
    (280, "BCDEEGH"),
    (281, "BCDEFHJ"),
    (1_000, "CCEFGJK"),
    (2_500, "CDEGHKL"),
    (10_000, "CDFGJLM"),
    (10_001, "CDFHKMN"),
    (100_000, "DEGJLNP"),
    (500_000, "DEGJMPQ"),
    (500_001, "DEHKNQR"),
]
LEVELS = ("s_1", "s_2", "s_3", "s_4", "i", "ii", "iii")


@pytest.mark.parametrize(("lot", "letters"), TABLE_1)
def test_code_letters_are_those_of_table_1(lot: int, letters: str) -> None:
    found = "".join(code_letter(lot, level) for level in LEVELS)
    assert found == letters


# Table 2-A, inspection level II: (lot size, AQL) -> (plan letter, n, Ac, Re).
NORMAL = [
    (5, 6.5, ("A", 2, 0, 1)),
    (10, 4.0, ("B", 3, 0, 1)),
    (20, 6.5, ("D", 8, 1, 2)),  # C: arrow down to D
    (40, 1.5, ("D", 8, 0, 1)),
    (80, 4.0, ("E", 13, 1, 2)),
    (120, 1.0, ("E", 13, 0, 1)),  # F: arrow up to E
    (200, 2.5, ("G", 32, 2, 3)),
    (400, 1.0, ("H", 50, 1, 2)),
    (1_000, 0.65, ("J", 80, 1, 2)),
    (1_000, 1.0, ("J", 80, 2, 3)),
    (1_000, 2.5, ("J", 80, 5, 6)),
    (2_000, 1.0, ("K", 125, 3, 4)),
    (5_000, 0.65, ("L", 200, 3, 4)),
    (5_000, 4.0, ("L", 200, 14, 15)),
    (5_000, 6.5, ("L", 200, 21, 22)),
    (20_000, 0.65, ("M", 315, 5, 6)),
    (100_000, 0.65, ("N", 500, 7, 8)),
    (300_000, 0.65, ("P", 800, 10, 11)),
    (600_000, 0.65, ("Q", 1250, 14, 15)),
    (600_000, 1.0, ("Q", 1250, 21, 22)),
]

# Table 2-B, level II.
TIGHTENED = [
    (10, 6.5, ("B", 3, 0, 1)),
    (20, 4.0, ("C", 5, 0, 1)),
    (40, 2.5, ("D", 8, 0, 1)),
    (80, 6.5, ("E", 13, 1, 2)),
    (120, 1.0, ("F", 20, 0, 1)),
    (200, 2.5, ("G", 32, 1, 2)),
    (200, 1.0, ("J", 80, 1, 2)),  # G and H: arrows down to J
    (400, 6.5, ("H", 50, 5, 6)),
    (1_000, 1.0, ("J", 80, 1, 2)),
    (1_000, 2.5, ("J", 80, 3, 4)),
    (2_000, 1.0, ("K", 125, 2, 3)),
    (2_000, 6.5, ("K", 125, 12, 13)),
    (5_000, 0.65, ("L", 200, 2, 3)),
    (5_000, 6.5, ("L", 200, 18, 19)),
    (20_000, 0.65, ("M", 315, 3, 4)),
    (100_000, 0.65, ("N", 500, 5, 6)),
]

# Table 2-C, level II (reduced sample sizes: J 32, K 50, L 80 ...).
REDUCED = [
    (120, 6.5, ("F", 8, 1, 2)),
    (200, 4.0, ("G", 13, 1, 2)),
    (400, 6.5, ("H", 20, 3, 4)),
    (1_000, 2.5, ("J", 32, 2, 3)),
    (2_000, 1.0, ("K", 50, 1, 2)),
    (5_000, 1.0, ("L", 80, 2, 3)),
    (20_000, 1.0, ("M", 125, 3, 4)),
    (100_000, 0.65, ("N", 200, 3, 4)),
    (300_000, 1.0, ("P", 315, 7, 8)),
    (600_000, 1.0, ("Q", 500, 10, 11)),
]


def _plan(lot: int, aql: float, how: str) -> tuple[str, int, int, int]:
    p = plan_for(lot, aql, "ii", how)
    return p.plan_letter, p.n, p.ac, p.re


@pytest.mark.parametrize(("lot", "aql", "expected"), NORMAL)
def test_normal_plans_are_those_of_table_2a(lot, aql, expected) -> None:
    assert _plan(lot, aql, "normal") == expected


@pytest.mark.parametrize(("lot", "aql", "expected"), TIGHTENED)
def test_tightened_plans_are_those_of_table_2b(lot, aql, expected) -> None:
    assert _plan(lot, aql, "tightened") == expected


@pytest.mark.parametrize(("lot", "aql", "expected"), REDUCED)
def test_reduced_plans_are_those_of_table_2c(lot, aql, expected) -> None:
    assert _plan(lot, aql, "reduced") == expected


def test_a_sample_as_large_as_the_lot_means_every_unit() -> None:
    # Lot of 5 at AQL 0.65: A's column arrows down to F (n = 20).
    p = plan_for(5, 0.65)
    assert (p.letter, p.plan_letter, p.n, p.ac, p.everything) == ("A", "F", 5, 0, True)
    assert plan_for(1, 1.0).n == 1


def test_tightened_is_never_looser_than_normal() -> None:
    for lot in (10, 50, 300, 1_000, 5_000, 40_000, 700_000):
        for aql in sampling.AQLS:
            normal = plan_for(lot, aql)
            tight = plan_for(lot, aql, stringency="tightened")
            assert tight.n >= normal.n or tight.ac <= normal.ac
            assert tight.ac <= normal.ac or tight.n > normal.n


def test_bad_input_is_refused_with_the_field() -> None:
    with pytest.raises(RecordError, match=r"aql.*0\.065"):
        plan_for(100, 0.3)
    with pytest.raises(RecordError, match="lot_size"):
        plan_for(0, 1.0)
    with pytest.raises(RecordError, match="level"):
        plan_for(100, 1.0, level="iv")
    with pytest.raises(RecordError, match="discontinued"):
        plan_for(100, 1.0, stringency="discontinued")
    with pytest.raises(RecordError, match="unit_m2"):
        area_plan(50.0, unit_m2=100.0)


def test_acceptance_follows_ac_and_re() -> None:
    p = plan_for(1_000, 1.0)  # J: 80 units, Ac 2, Re 3
    assert accepts(p, 0)
    assert accepts(p, 2)
    assert not accepts(p, 3)


def test_area_plan_counts_units_and_applies_a_minimum_share() -> None:
    a = area_plan(48_250.0, unit_m2=100.0, aql=1.0)
    assert a.plan.lot_size == 482  # whole units only
    assert (a.plan.letter, a.units, a.plan.ac) == ("H", 50, 1)
    assert a.sample_m2 == 5_000.0
    raised = area_plan(48_250.0, unit_m2=100.0, aql=1.0, min_share=0.2)
    assert raised.units == 97
    assert raised.plan.ac == 1
    assert raised.share == pytest.approx(9_700 / 48_250)


def lot(accepted: bool, nc: int = 0, letter: str = "J", ac: int = 2) -> LotRecord:
    return LotRecord(accepted, nc, letter, 1.0, ac)


def test_two_rejections_in_five_lots_tighten() -> None:
    record = [lot(True), lot(False, 3), lot(True), lot(True), lot(False, 4)]
    state = switching_state(record)
    assert state.stringency is Stringency.TIGHTENED
    assert state.switches[-1].rule is SwitchRule.TWO_OF_FIVE_REJECTED
    assert state.switches[-1].after == 4
    # Rejections six lots apart do not.
    spaced = [lot(False, 3), *[lot(True)] * 5, lot(False, 3)]
    assert switching_state(spaced).stringency is Stringency.NORMAL


def test_five_accepted_lots_on_tightened_return_to_normal() -> None:
    record = [lot(False, 3), lot(False, 3), *[lot(True, 0, "J", 1)] * 4]
    assert switching_state(record).stringency is Stringency.TIGHTENED
    record.append(lot(True, 0, "J", 1))
    state = switching_state(record)
    assert state.stringency is Stringency.NORMAL
    assert state.switches[-1].rule is SwitchRule.FIVE_ACCEPTED


def test_five_rejections_on_tightened_discontinue() -> None:
    record = [lot(False, 3), lot(False, 3)] + [lot(False, 2, "J", 1)] * 5
    state = switching_state(record)
    assert state.stringency is Stringency.DISCONTINUED
    assert state.switches[-1].rule is SwitchRule.FIVE_REJECTED_ON_TIGHTENED


def test_switching_score_leads_to_reduced_and_a_rejection_back() -> None:
    # Ac = 2 (J at AQL 1.0): +3 when the lot passes one AQL step tighter
    # (J at 0.65: Ac 1), so ten clean lots reach 30.
    clean = [lot(True, 1)] * 10
    state = switching_state(clean)
    assert state.stringency is Stringency.REDUCED
    assert state.switches[-1].rule is SwitchRule.SCORE_REACHED
    # A lot with 2 nonconforming units is accepted but resets the score.
    assert switching_state([*clean[:9], lot(True, 2)]).score == 0
    assert switching_state(clean, reduced_allowed=False).stringency is Stringency.NORMAL
    back = switching_state([*clean, lot(False, 2, "G", 1)])
    assert back.stringency is Stringency.NORMAL
    assert back.switches[-1].rule is SwitchRule.REJECTED_ON_REDUCED


def test_score_with_acceptance_number_zero_or_one_adds_two() -> None:
    small = [lot(True, 0, "F", 0)] * 14
    assert switching_state(small).score == 28
    assert switching_state([*small, lot(True, 0, "F", 0)]).stringency is (
        Stringency.REDUCED
    )


def test_docstring_examples_run() -> None:
    result = doctest.testmod(sampling)
    assert result.attempted > 5
    assert result.failed == 0
