# SPDX-License-Identifier: GPL-3.0-or-later
"""Rules of victim assistance (IMAS 13.10), with no I/O.

Figures about survivors are published only as counts by need, sex and age
group, and counts below :data:`SMALL_CELL` are suppressed so no survivor can
be picked out of a small district's table.
"""

from __future__ import annotations

import datetime as dt
import secrets

# Counts of fewer survivors than this are shown as "<5" in any figure.
SMALL_CELL = 5
AGE_GROUPS: tuple[tuple[str, int, int | None], ...] = (
    ("0-17", 0, 18),
    ("18-59", 18, 60),
    ("60+", 60, None),
)
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def age_group(age: int | None) -> str:
    """Children, adults and older people, as IMAS SADD tables split them."""
    if age is None:
        return "unknown"
    for name, low, high in AGE_GROUPS:
        if age >= low and (high is None or age < high):
            return name
    return "unknown"


def survivor_code() -> str:
    """A random pseudonym such as ``S-7KQ2MX9A`` that reveals nothing."""
    return "S-" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))


def days_to_first_service(
    accident_on: dt.date | None, services: list[dt.date]
) -> int | None:
    """Days from the accident to the first service delivered, if both known."""
    if accident_on is None or not services:
        return None
    return (min(services) - accident_on).days


def suppress(count: int) -> int | str:
    """A count fit to publish: small cells become ``"<5"`` (0 stays 0)."""
    if 0 < count < SMALL_CELL:
        return f"<{SMALL_CELL}"
    return count
