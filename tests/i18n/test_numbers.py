# SPDX-License-Identifier: GPL-3.0-or-later
"""Numbers, percentages and dates as CLDR writes them in each language."""

from __future__ import annotations

import datetime as dt

import pytest

from demine.i18n import numbers, use_language


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (1166842.5, 1, "1,166,842.5"),
        (1166842.5, 0, "1,166,842"),  # half to even, as Python rounds
        (0.125, 2, "0.12"),
        (7, 2, "7.00"),
        (-1234.5, 1, "-1,234.5"),
        (None, 1, "–"),
        (float("nan"), 1, "–"),
    ],
)
def test_number_in_english(value: float | None, digits: int, expected: str) -> None:
    with use_language("en"):
        assert numbers.number(value, digits) == expected


def test_percent_and_sign_in_english() -> None:
    with use_language("en"):
        assert numbers.percent(0.253) == "25.3%"
        assert numbers.percent(0.2, 0, sign=True) == "+20%"
        assert numbers.percent(-0.2, 0, sign=True) == "-20%"
        assert numbers.signed(0.5, 2) == "+0.50"


def test_dates_in_english() -> None:
    with use_language("en"):
        assert numbers.date(dt.date(2024, 3, 5)) == "Mar 5, 2024"
        assert numbers.date(dt.date(2024, 3, 5), "long") == "March 5, 2024"
        moment = dt.datetime(2024, 3, 5, 14, 30, tzinfo=dt.UTC)
        assert "2:30" in numbers.datetime(moment)
