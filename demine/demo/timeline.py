# SPDX-License-Identifier: GPL-3.0-or-later
"""The demo's calendar: days counted from the ceasefire, turned into dates last.

Generators work on integer day numbers (vectorised arithmetic, no date objects)
and convert whole columns with :func:`to_dates` when a table is assembled.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

# The trilateral ceasefire statement of 10 November 2020 opened the liberated
# districts to survey; the demo's five years of work end on 30 November 2025.
START = dt.date(2020, 11, 10)
END = dt.date(2025, 11, 30)
# Nothing in the demo is dated after this day (planned work included).
HORIZON = dt.date(2025, 12, 31)

_EPOCH = np.datetime64(START, "D")


def day(date: dt.date) -> int:
    """The day number of ``date`` (0 is the ceasefire)."""
    return (date - START).days


def day_of(year: int, month: int, dom: int) -> int:
    """The day number of a calendar date."""
    return day(dt.date(year, month, dom))


PERIOD_DAYS = day(END)
HORIZON_DAYS = day(HORIZON)


def to_dates(days: np.ndarray, present: np.ndarray | None = None) -> np.ndarray:
    """Day numbers as an object array of ``datetime.date`` (None where absent)."""
    days = np.asarray(days)
    keep = np.ones(days.shape, bool) if present is None else np.asarray(present)
    safe = np.where(keep, days, 0).astype(np.int64)
    out = (_EPOCH + safe.astype("timedelta64[D]")).astype(object)
    out[~keep] = None
    return out


def ramp_days(
    u: np.ndarray,
    lo: np.ndarray | float,
    hi: np.ndarray | float,
    slope: float = 2.5,
) -> np.ndarray:
    """Map uniform ``u`` in [0, 1] to days in [lo, hi] with a rising rate.

    The density grows linearly from 1 at ``lo`` to ``1 + slope`` at ``hi``,
    because mine action capacity in Azerbaijan grew every year after 2020.
    """
    u = np.clip(np.asarray(u, float), 0.0, 1.0)
    # Inverse of the CDF (t + slope t²/2) / (1 + slope/2) on [0, 1].
    root = np.sqrt(1.0 + slope * (2.0 + slope) * u)
    t = u if slope == 0 else (root - 1.0) / slope
    return np.asarray(lo, float) + t * (np.asarray(hi, float) - np.asarray(lo, float))
