# SPDX-License-Identifier: GPL-3.0-or-later
"""Accreditation scope: grants, renewals, suspensions and the error they give."""

from __future__ import annotations

import datetime as dt
import doctest

import pytest

from demine.domain import accreditation
from demine.domain.accreditation import (
    Grant,
    Suspension,
    check_scope,
    scope_gaps,
    scope_on,
)
from demine.domain.vocab import ActivityType, Method
from demine.errors import RecordError

D = dt.date
CLEAR, NTS = ActivityType.CLEARANCE, ActivityType.NTS
MANUAL = Grant(1, 7, CLEAR, Method.MANUAL, D(2024, 1, 1), D(2024, 12, 31))
RENEWED = Grant(2, 7, CLEAR, Method.MANUAL, D(2025, 1, 1), D(2025, 12, 31))
ANY_NTS = Grant(3, 7, NTS, None, D(2024, 1, 1), D(2026, 12, 31))


def test_renewals_that_follow_each_other_cover_a_long_activity() -> None:
    gaps = scope_gaps(
        [MANUAL, RENEWED], [], CLEAR, Method.MANUAL, D(2024, 11, 1), D(2025, 2, 1)
    )
    assert gaps == []


def test_method_must_be_in_scope_unless_the_grant_covers_every_method() -> None:
    assert scope_gaps(
        [MANUAL], [], CLEAR, Method.MECHANICAL, D(2024, 3, 1), D(2024, 3, 2)
    )
    assert not scope_gaps(
        [ANY_NTS], [], NTS, Method.DRONE, D(2024, 3, 1), D(2024, 3, 2)
    )
    # An activity of unknown method is covered by any grant of its type.
    assert not scope_gaps([MANUAL], [], CLEAR, None, D(2024, 3, 1), D(2024, 3, 2))


def test_a_suspension_cuts_the_days_it_covers() -> None:
    stop = Suspension(1, D(2024, 6, 1), D(2024, 6, 30), "QA failure")
    gaps = scope_gaps(
        [MANUAL], [stop], CLEAR, Method.MANUAL, D(2024, 5, 20), D(2024, 7, 5)
    )
    assert gaps == [(D(2024, 6, 1), D(2024, 6, 30))]
    open_ended = Suspension(1, D(2024, 9, 1), None)
    assert scope_on([MANUAL], [open_ended], D(2024, 10, 1)) == []
    assert scope_on([MANUAL], [open_ended], D(2024, 8, 31)) == [(CLEAR, Method.MANUAL)]


def test_outside_scope_is_a_clear_error_naming_days_and_scope() -> None:
    stop = Suspension(1, D(2024, 6, 1), None, "QA failure")
    with pytest.raises(RecordError) as caught:
        check_scope(
            [MANUAL],
            [stop],
            CLEAR,
            Method.MANUAL,
            D(2024, 6, 10),
            D(2024, 6, 12),
            organisation="Araz Demining Services",
            record="ACT-9",
        )
    text = str(caught.value)
    assert caught.value.field == "organisation_id"
    assert "activity ACT-9" in text
    assert "not accredited for clearance (manual) on 2024-06-10 to 2024-06-12" in text
    assert "clearance (manual) 2024-01-01 to 2024-12-31 (suspended for part)" in text


def test_qa_visits_need_no_accreditation() -> None:
    check_scope(
        [],
        [],
        ActivityType.QA_QC,
        None,
        D(2024, 1, 1),
        D(2024, 1, 1),
        organisation="ANAMA",
    )
    with pytest.raises(RecordError, match="its accreditations: none"):
        check_scope(
            [],
            [],
            ActivityType.EOD,
            None,
            D(2024, 1, 1),
            D(2024, 1, 1),
            organisation="ANAMA",
        )


def test_docstring_examples_run() -> None:
    assert doctest.testmod(accreditation).failed == 0
