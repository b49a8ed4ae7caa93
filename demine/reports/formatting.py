# SPDX-License-Identifier: GPL-3.0-or-later
"""Showing report values: m² as hectares or km², USD, counts and shares,
written as the report's language writes numbers."""

from __future__ import annotations

from typing import Any

import pandas as pd

from demine.i18n.numbers import number, percent

M2_PER_HA = 10_000.0
M2_PER_KM2 = 1_000_000.0


def show(value: Any, fmt: str) -> str:
    """``value`` (in its base unit) as text for a reader; ``–`` when missing."""
    if _missing(value):
        return "–"
    if fmt == "text":
        return str(value)
    if fmt == "year":
        return str(int(value))
    amount = float(value)
    if fmt in ("int", "m2", "usd", "usd_ha"):
        return number(amount, 0)
    if fmt == "ha":
        return number(amount / M2_PER_HA, 1)
    if fmt == "km2":
        return number(amount / M2_PER_KM2, 2)
    if fmt == "rate":
        return number(amount, 2)
    if fmt == "pct":
        return percent(amount, 1)
    raise ValueError(f"unknown format {fmt!r}")


def raw(value: Any) -> str:
    """The exact value for a ``data-value`` attribute ('' when missing)."""
    if _missing(value):
        return ""
    if hasattr(value, "item"):  # numpy scalars print as np.float64(...)
        value = value.item()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _missing(value: Any) -> bool:
    """None, NaN, NaT or pandas NA (never raises on lists or text)."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
