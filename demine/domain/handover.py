# SPDX-License-Identifier: GPL-3.0-or-later
"""Rules of completion and handover (IMAS 08.30), with no I/O.

Land is *released* when nothing of its hazard remains (the ledger says
``remaining_m2`` is zero, or the hazard is closed) and *handed over* once the
land user or local authority has received it against a signed certificate.
Between the two it waits, and how long it waits is a figure the director
watches.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from demine.i18n import N_

# Ground left on a hazard below this is rounding, not land still to release.
REMAINING_TOLERANCE_M2 = 1.0
NUMBER_PATTERN = re.compile(r"^[A-Z]{2,6}-\d{4}-\d{6}$")


@dataclass(frozen=True)
class HazardState:
    """What a handover needs to know about one hazard."""

    hazard_id: int
    status: str
    review_state: str
    area_m2: float
    remaining_m2: float
    released_m2: float
    releases_pending: int  # release products not yet approved


def refusals(state: HazardState) -> list[str]:
    """Why a certificate cannot be issued for this hazard (empty: it can).

    The reasons are marked texts (``N_``), translated where they are shown.
    """
    reasons: list[str] = []
    if state.review_state != "approved":
        reasons.append(N_("the hazard is not approved yet"))
    if state.released_m2 <= 0:
        reasons.append(N_("no land of this hazard has been released"))
    if state.status != "closed" and state.remaining_m2 > REMAINING_TOLERANCE_M2:
        reasons.append(N_("part of the hazard is still to be released"))
    if state.releases_pending:
        reasons.append(N_("some release products are still waiting for review"))
    return reasons


def certificate_number(prefix: str, year: int, sequence: int) -> str:
    """The printed number: ``HC-2026-000042`` (prefix, year, sequence in year)."""
    if not re.fullmatch(r"[A-Z]{2,6}", prefix):
        raise ValueError(f"a certificate prefix is 2 to 6 capital letters: {prefix!r}")
    if not 0 < sequence < 1_000_000:
        raise ValueError(f"certificate sequence out of range: {sequence}")
    return f"{prefix}-{year:04d}-{sequence:06d}"


def next_sequence(numbers: list[str], prefix: str, year: int) -> int:
    """One more than the highest sequence already issued with prefix and year."""
    head = f"{prefix}-{year:04d}-"
    used = [int(n[len(head) :]) for n in numbers if n.startswith(head)]
    return max(used, default=0) + 1


def verification_code() -> str:
    """An unguessable code for the public verification address (128 bits)."""
    return secrets.token_urlsafe(16)


def waiting_days(released_on: dt.date | None, today: dt.date) -> int | None:
    """Days land has waited since its last release, or None if undated."""
    if released_on is None:
        return None
    return max((today - released_on).days, 0)


AGE_BANDS: tuple[tuple[int, int | None], ...] = ((0, 90), (90, 365), (365, None))


def age_band(days: int | None) -> str:
    """The band a waiting time falls in: ``0-90``, ``90-365``, ``365+``, ``unknown``."""
    if days is None:
        return "unknown"
    for low, high in AGE_BANDS:
        if high is None:
            return f"{low}+"
        if low <= days < high:
            return f"{low}-{high}"
    raise AssertionError("the bands cover every non-negative day count")
