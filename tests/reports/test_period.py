# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading reporting periods."""

from __future__ import annotations

import datetime as dt

import pytest

from demine.reports import Period, PeriodError

D = dt.date


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2024", D(2024, 1, 1), D(2024, 12, 31), "2024"),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29), "2024-02"),
        ("2024-01..2024-06", D(2024, 1, 1), D(2024, 6, 30), "2024-01 to 2024-06"),
        ("2021..2023", D(2021, 1, 1), D(2023, 12, 31), "2021 to 2023"),
        (" 2024-03-05..2024-04-01 ", D(2024, 3, 5), D(2024, 4, 1), None),
        ("2023-11..2024", D(2023, 11, 1), D(2024, 12, 31), "2023-11 to 2024-12"),
    ],
)
def test_periods_read_as_inclusive_day_ranges(
    text: str, start: dt.date, end: dt.date, label: str | None
) -> None:
    period = Period.parse(text)
    assert (period.start, period.end) == (start, end)
    assert period.label == (label or f"{start} to {end}")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "give a reporting period"),
        ("24", "is not understood"),
        ("2024-13", "'2024-13' is not a date"),
        ("2023-02-29", "is not a date"),
        ("2024..", "is not understood"),
        ("2024-06..2024-01", "ends before it starts"),
        ("last year", "is not understood"),
        ("0001..2024", "lies outside 1900–2200"),
    ],
)
def test_malformed_periods_say_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(PeriodError, match=says):
        Period.parse(text)
