# SPDX-License-Identifier: GPL-3.0-or-later
"""Numbers, percentages, dates and lists as the current language writes them (CLDR).

``1166842.5`` hectares read ``1,166,842.5`` in English, ``1 166 842,5`` in
Russian (a no-break space groups the digits) and ``1.166.842,5`` in
Azerbaijani, as Babel's CLDR data says.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from decimal import Decimal

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent

from demine.i18n.language import current_language

MISSING = "–"


def _pattern(digits: int) -> str:
    return "#,##0" + ("." + "0" * digits if digits > 0 else "")


def number(value: float | int | Decimal | None, digits: int = 0) -> str:
    """``value`` with digit grouping and exactly ``digits`` decimals."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return MISSING
    return format_decimal(
        value,
        format=_pattern(digits),
        locale=current_language(),
        decimal_quantization=True,
    )


def signed(value: float | int | None, digits: int = 0) -> str:
    """:func:`number` with a sign always shown (``+3``, ``−2``)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return MISSING
    text = number(abs(value), digits)
    symbols = Locale.parse(current_language()).number_symbols["latn"]
    sign = symbols["plusSign"] if value >= 0 else symbols["minusSign"]
    return sign + text


def percent(share: float | None, digits: int = 1, sign: bool = False) -> str:
    """A share (0.253) as a percentage (``25.3%``, ``25,3 %``); ``sign``: ``+25.3%``."""
    if share is None or not math.isfinite(share):
        return MISSING
    locale = Locale.parse(current_language())
    pattern = locale.percent_formats[None].pattern
    digits_part = "." + "0" * digits if digits > 0 else ""
    # Keep the language's placement of the percent sign and space, our digits.
    custom = pattern.replace("#,##0", "#,##0" + digits_part, 1)
    text = format_percent(abs(share) if sign else share, format=custom, locale=locale)
    if sign:
        symbols = locale.number_symbols["latn"]
        return (symbols["plusSign"] if share >= 0 else symbols["minusSign"]) + text
    return text


def date(value: dt.date | None, style: str = "medium") -> str:
    """A day as the language writes it (``medium``: 5 Mar 2024, 5 мар. 2024 г.)."""
    if value is None:
        return MISSING
    return _babel_date(value, format=style, locale=current_language())


def datetime(value: dt.datetime | str | None, style: str = "medium") -> str:
    """A moment (or its ISO 8601 text) as the language writes it, in its zone."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    zone = value.tzinfo or dt.UTC
    return _babel_datetime(value, format=style, tzinfo=zone, locale=current_language())


def either(items: Iterable[object]) -> str:
    """Alternatives as the language lists them (``a or b``, ``a və ya b``)."""
    texts = [str(item) for item in items]
    return format_list(texts, style="or", locale=current_language()) if texts else ""


def both(items: Iterable[object]) -> str:
    """Items as the language lists them all (``a, b and c``, ``a, b və c``)."""
    texts = [str(item) for item in items]
    return format_list(texts, locale=current_language()) if texts else ""
