# SPDX-License-Identifier: GPL-3.0-or-later
"""The reporting period: a year, a month, or a range of them, inclusive."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from demine.i18n import _
from demine.reports.errors import PeriodError

_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# Mine action records start in the 20th century; a year outside this range is
# a typing slip, and would make year-by-year charts absurdly long.
FIRST_YEAR, LAST_YEAR = 1900, 2200


@dataclass(frozen=True)
class Period:
    """First and last day of a reporting period, both included."""

    start: dt.date
    end: dt.date

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read ``2024``, ``2024-03``, ``2024-01..2024-06`` or ``DAY..DAY``.

        Each side of ``..`` is a year, a month or a day; a range runs from the
        first day of its left side to the last day of its right side.
        """
        raw = (text or "").strip()
        if not raw:
            raise PeriodError(
                _("give a reporting period, e.g. 2024 or 2024-01..2024-06")
            )
        left, sep, right = raw.partition("..")
        start, _unused = _bounds(left.strip(), raw)
        _unused, end = (
            _bounds(right.strip(), raw) if sep else _bounds(left.strip(), raw)
        )
        if end < start:
            raise PeriodError(_("period %(raw)r ends before it starts", raw=raw))
        if start.year < FIRST_YEAR or end.year > LAST_YEAR:
            raise PeriodError(
                _(
                    "period %(raw)r lies outside %(first_year)s–%(last_year)s; give "
                    "the years the register covers",
                    raw=raw,
                    first_year=FIRST_YEAR,
                    last_year=LAST_YEAR,
                )
            )
        return cls(start, end)

    @property
    def label(self) -> str:
        """``2024``, ``2024-03``, ``2024-01 to 2024-06`` or the two days."""
        s, e = self.start, self.end
        if s == dt.date(s.year, 1, 1) and e == dt.date(e.year, 12, 31):
            return str(s.year) if s.year == e.year else f"{s.year} to {e.year}"
        if s.day == 1 and e.day == calendar.monthrange(e.year, e.month)[1]:
            first, last = f"{s:%Y-%m}", f"{e:%Y-%m}"
            return first if first == last else f"{first} to {last}"
        return f"{s.isoformat()} to {e.isoformat()}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _bounds(part: str, whole: str) -> tuple[dt.date, dt.date]:
    """First and last day of one side of a period."""
    try:
        if m := _YEAR.match(part):
            year = int(m[1])
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if m := _MONTH.match(part):
            year, month = int(m[1]), int(m[2])
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, 1), dt.date(year, month, last)
        if m := _DAY.match(part):
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
            return day, day
    except ValueError as exc:
        raise PeriodError(
            _(
                "period %(whole)r: %(part)r is not a date (%(reason)s)",
                whole=whole,
                part=part,
                reason=exc,
            )
        ) from None
    raise PeriodError(
        _(
            "period %(whole)r is not understood: use YYYY, YYYY-MM, YYYY-MM-DD or two "
            "of them joined by '..' (e.g. 2024-01..2024-06)",
            whole=whole,
        )
    )
