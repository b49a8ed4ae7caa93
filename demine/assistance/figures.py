# SPDX-License-Identifier: GPL-3.0-or-later
"""Aggregated figures of victim assistance: safe to show beyond the programme.

Counts only, by need, sex and age group, with small cells suppressed
(:func:`demine.domain.assistance.suppress`); no code, name or date of a
survivor leaves this module.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from typing import Any

from demine.domain.assistance import age_group, days_to_first_service, suppress
from demine.domain.vocab import NeedKind
from demine.store import assistance as queries
from demine.store.database import Database


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def assistance_figures(db: Database) -> dict[str, Any]:
    """Survivors by need met/unmet; days from accident to first service.

    Returns ``needs`` (per need: identified, met, unmet), ``first_service``
    (median days and survivors served, overall and by sex and age group) and
    ``survivors`` by sex and age group.
    """
    with db.transaction() as conn:
        people = queries.people(conn)
        needs = queries.need_states(conn)
        first = queries.first_services(conn)
    by_need: dict[str, Counter[str]] = {k.value: Counter() for k in NeedKind}
    for need, met_on in needs:
        by_need[str(need)]["identified"] += 1
        by_need[str(need)]["met" if met_on else "unmet"] += 1
    groups: Counter[tuple[str, str]] = Counter()
    days: dict[str, list[int]] = defaultdict(list)
    for sid, sex_of, age, occurred_on in people:
        sex, group = str(sex_of), age_group(age)
        groups[(sex, group)] += 1
        d = days_to_first_service(occurred_on, [first[sid]] if sid in first else [])
        if d is not None:
            for key in ("all", f"sex:{sex}", f"age:{group}"):
                days[key].append(d)
    return {
        "survivors": suppress(len(people)),
        "needs": {
            need: {k: suppress(c[k]) for k in ("identified", "met", "unmet")}
            for need, c in by_need.items()
        },
        "by_sex_age": [
            {"sex": s, "age_group": g, "survivors": suppress(n)}
            for (s, g), n in sorted(groups.items())
        ],
        "first_service": {
            key: {
                "served": suppress(len(values)),
                # A median of fewer than five people could identify one.
                "median_days": _median(values) if len(values) >= 5 else None,
            }
            for key, values in sorted(days.items())
        },
    }
