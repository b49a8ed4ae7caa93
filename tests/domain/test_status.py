# SPDX-License-Identifier: GPL-3.0-or-later
"""IMAS 07.11 status transitions, releases by status, classification."""

from __future__ import annotations

import doctest
import itertools

import pytest

from demine.domain import status as status_module
from demine.domain.status import (
    check_classification,
    check_release,
    check_transition,
    classification_after_evidence,
    status_after_release,
)
from demine.domain.vocab import Evidence, HazardClass, HazardStatus, ReleaseKind
from demine.errors import RecordError, TransitionError

S = HazardStatus

# The whole table, written out independently of TRANSITIONS in the module.
ALLOWED = {
    (S.OPEN, S.WORKED_ON),
    (S.OPEN, S.CLOSED),
    (S.WORKED_ON, S.SUSPENDED),
    (S.WORKED_ON, S.CLOSED),
    (S.SUSPENDED, S.WORKED_ON),
    (S.SUSPENDED, S.CLOSED),
}


@pytest.mark.parametrize(("old", "new"), list(itertools.product(S, S)))
def test_transition_table(old: HazardStatus, new: HazardStatus) -> None:
    # Nothing remains, so closing is not what blocks any change here.
    def change() -> HazardStatus:
        return check_transition(
            old, new, remaining_m2=0.0, total_m2=100.0, hazard_id="H-7"
        )

    if old == new or (old, new) in ALLOWED:
        assert change() is new
    else:
        with pytest.raises(TransitionError) as err:
            change()
        assert (err.value.entity, err.value.record) == ("hazard", "H-7")
        assert err.value.field == "status"
        # Statuses as a sentence names them: "from worked on to open".
        was, now = (s.value.replace("_", " ") for s in (old, new))
        assert f"from {was} to {now}" in str(err.value)
        assert str(err.value).startswith("hazard H-7, field 'status'")


@pytest.mark.parametrize("old", [S.OPEN, S.WORKED_ON, S.SUSPENDED])
def test_cannot_close_while_land_remains(old: HazardStatus) -> None:
    with pytest.raises(TransitionError, match=r"2500\.0 m² of 10000\.0 m²") as err:
        check_transition(
            old, S.CLOSED, remaining_m2=2_500.0, total_m2=10_000.0, hazard_id=3
        )
    assert (err.value.record, err.value.field) == (3, "status")


def test_close_within_tolerance() -> None:
    assert (
        check_transition("worked_on", "closed", remaining_m2=0.8, total_m2=10_000.0)
        is S.CLOSED
    )
    with pytest.raises(TransitionError):
        check_transition(
            "worked_on", "closed", remaining_m2=0.8, total_m2=1e4, tolerance_m2=0.5
        )


def test_closed_is_final_and_says_why() -> None:
    with pytest.raises(TransitionError, match="new hazard"):
        check_transition("closed", "open", remaining_m2=0.0, total_m2=1.0)


def test_unknown_status_is_a_record_error() -> None:
    with pytest.raises(RecordError, match="allowed: open, worked_on") as err:
        check_transition("open", "finished", remaining_m2=0, total_m2=1, hazard_id=9)
    assert not isinstance(err.value, TransitionError)
    assert (err.value.record, err.value.field) == (9, "status")


def test_statuses_accepted_as_text_in_any_case() -> None:
    assert (
        check_transition("Open", "Worked on", remaining_m2=5, total_m2=10)
        is S.WORKED_ON
    )


@pytest.mark.parametrize(
    ("status", "kind", "allowed"),
    [
        (S.OPEN, ReleaseKind.CANCELLED, True),
        (S.OPEN, ReleaseKind.REDUCED, True),
        (S.OPEN, ReleaseKind.CLEARED, True),
        (S.WORKED_ON, ReleaseKind.CANCELLED, True),
        (S.WORKED_ON, ReleaseKind.REDUCED, True),
        (S.WORKED_ON, ReleaseKind.CLEARED, True),
        (S.SUSPENDED, ReleaseKind.CANCELLED, True),
        (S.SUSPENDED, ReleaseKind.REDUCED, False),
        (S.SUSPENDED, ReleaseKind.CLEARED, False),
        (S.CLOSED, ReleaseKind.CANCELLED, False),
        (S.CLOSED, ReleaseKind.REDUCED, False),
        (S.CLOSED, ReleaseKind.CLEARED, False),
    ],
)
def test_release_by_status(
    status: HazardStatus, kind: ReleaseKind, allowed: bool
) -> None:
    if allowed:
        check_release("H-1", status, kind)
        return
    with pytest.raises(TransitionError) as err:
        check_release("H-1", status, kind)
    assert (err.value.entity, err.value.record, err.value.field) == (
        "hazard",
        "H-1",
        "status",
    )
    assert f"{kind.value} land on a {status.value} hazard" in str(err.value)


def test_release_of_unknown_kind() -> None:
    with pytest.raises(RecordError) as err:
        check_release("H-1", "open", "demined")
    assert err.value.field == "kind"


@pytest.mark.parametrize(
    ("current", "remaining", "expected"),
    [
        (S.OPEN, 10_000.0, S.OPEN),  # nothing released yet
        (S.OPEN, 9_999.5, S.OPEN),  # less than the tolerance released
        (S.OPEN, 6_000.0, S.WORKED_ON),
        (S.WORKED_ON, 6_000.0, S.WORKED_ON),
        (S.SUSPENDED, 6_000.0, S.SUSPENDED),  # a cancellation resumes no work
        (S.OPEN, 0.0, S.CLOSED),  # all cancelled at once
        (S.WORKED_ON, 1.0, S.CLOSED),
        (S.SUSPENDED, 0.0, S.CLOSED),
        (S.CLOSED, 0.3, S.CLOSED),
    ],
)
def test_status_after_release(
    current: HazardStatus, remaining: float, expected: HazardStatus
) -> None:
    assert status_after_release(current, remaining, 10_000.0) is expected


def test_status_after_release_agrees_with_the_table() -> None:
    for current in (S.OPEN, S.WORKED_ON, S.SUSPENDED):
        for remaining in (0.0, 5_000.0, 10_000.0):
            new = status_after_release(current, remaining, 10_000.0)
            check_transition(current, new, remaining_m2=remaining, total_m2=1e4)


def test_closed_hazard_with_land_left_is_inconsistent() -> None:
    with pytest.raises(TransitionError, match=r"500\.0 m²") as err:
        status_after_release("closed", 500.0, 10_000.0, hazard_id="H-2")
    assert err.value.record == "H-2"


@pytest.mark.parametrize(
    ("current", "evidence", "expected"),
    [
        (HazardClass.SHA, Evidence.ACCIDENT, HazardClass.CHA),
        (HazardClass.SHA, Evidence.DEVICE_SEEN, HazardClass.CHA),
        (HazardClass.SHA, Evidence.INFORMANT, HazardClass.SHA),
        (HazardClass.SHA, Evidence.FRONT_LINE, HazardClass.SHA),
        (HazardClass.CHA, Evidence.NONE, HazardClass.CHA),
        (HazardClass.CHA, Evidence.INFORMANT, HazardClass.CHA),
    ],
)
def test_classification_after_evidence(
    current: HazardClass, evidence: Evidence, expected: HazardClass
) -> None:
    assert classification_after_evidence(current, evidence) is expected


def test_classification_changes() -> None:
    assert check_classification("sha", "cha") is HazardClass.CHA
    assert check_classification("cha", "cha") is HazardClass.CHA
    with pytest.raises(TransitionError) as err:
        check_classification("cha", "sha", hazard_id="H-3")
    assert (err.value.record, err.value.field) == ("H-3", "hazard_class")
    assert check_classification("cha", "sha", technical_survey=True) is HazardClass.SHA


def test_docstring_examples() -> None:
    result = doctest.testmod(status_module)
    assert result.failed == 0
    assert result.attempted > 0
