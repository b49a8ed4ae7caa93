# SPDX-License-Identifier: GPL-3.0-or-later
"""Accreditation scope: may an organisation do this activity on these days?

The national authority accredits an organisation (IMAS 07.30) for a
**scope**: an activity type and, optionally, a method (none means every
method), valid from one date to another. A suspension stops a grant for a
period (open-ended until lifted). An activity is within scope when every
day from its start to its end is covered by a valid, unsuspended grant of
its type and method; renewals that follow each other cover a long
activity together.

Quality assurance visits are the authority's own work and need no
accreditation (:data:`NEEDS_ACCREDITATION`). The register checks scope
only for organisations it holds accreditation records for (see
``docs/quality.md``): this module just answers for the grants it is given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from demine.domain.vocab import ActivityType, Method
from demine.errors import RecordError
from demine.i18n import _

__all__ = [
    "NEEDS_ACCREDITATION",
    "TASKED_ACTIVITY",
    "Grant",
    "Suspension",
    "check_scope",
    "covers",
    "scope_gaps",
    "scope_on",
]

#: Activity types an organisation must be accredited for.
NEEDS_ACCREDITATION: frozenset[ActivityType] = frozenset(ActivityType) - {
    ActivityType.QA_QC
}
#: The activity a team of each method does when tasking sends it to a hazard:
#: drones fly non-technical survey; every other asset releases land by
#: clearance. Its accreditation must cover this activity and the method.
TASKED_ACTIVITY: dict[Method, ActivityType] = {
    Method.DRONE: ActivityType.NTS,
    Method.MANUAL: ActivityType.CLEARANCE,
    Method.MECHANICAL: ActivityType.CLEARANCE,
    Method.MDD: ActivityType.CLEARANCE,
    Method.MIXED: ActivityType.CLEARANCE,
}
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Grant:
    """An accreditation: one organisation, one scope, a validity period."""

    id: int
    organisation_id: int
    activity_type: ActivityType
    method: Method | None
    valid_from: dt.date
    valid_until: dt.date


@dataclass(frozen=True)
class Suspension:
    """A grant suspended from ``starts_on`` to ``ends_on`` (None: not lifted)."""

    accreditation_id: int
    starts_on: dt.date
    ends_on: dt.date | None
    reason: str = ""


Interval = tuple[dt.date, dt.date]


def covers(grant: Grant, activity_type: ActivityType, method: Method | None) -> bool:
    """Whether the grant's scope includes the activity type and method.

    A grant for every method covers any method; an activity of unknown
    method is covered by any grant of its type.
    """
    if grant.activity_type is not activity_type:
        return False
    return grant.method is None or method is None or grant.method is method


def _minus(spans: list[Interval], cut: Interval) -> list[Interval]:
    """``spans`` without the days of ``cut`` (all bounds inclusive)."""
    out: list[Interval] = []
    for start, end in spans:
        if cut[1] < start or cut[0] > end:
            out.append((start, end))
            continue
        if cut[0] > start:
            out.append((start, cut[0] - ONE_DAY))
        if cut[1] < end:
            out.append((cut[1] + ONE_DAY, end))
    return out


def _valid_spans(
    grants: Iterable[Grant],
    suspensions: Iterable[Suspension],
    activity_type: ActivityType,
    method: Method | None,
) -> list[Interval]:
    """Days each covering grant is valid and not suspended, grant by grant."""
    stopped: dict[int, list[Interval]] = {}
    for s in suspensions:
        end = s.ends_on or dt.date.max
        stopped.setdefault(s.accreditation_id, []).append((s.starts_on, end))
    spans: list[Interval] = []
    for g in grants:
        if not covers(g, activity_type, method) or g.valid_until < g.valid_from:
            continue
        own = [(g.valid_from, g.valid_until)]
        for cut in stopped.get(g.id, []):
            own = _minus(own, cut)
        spans.extend(own)
    return spans


def scope_gaps(
    grants: Iterable[Grant],
    suspensions: Iterable[Suspension],
    activity_type: ActivityType,
    method: Method | None,
    start: dt.date,
    end: dt.date,
) -> list[Interval]:
    """The days of ``start``–``end`` no valid grant covers, as intervals.

    Examples
    --------
    >>> g = Grant(1, 5, ActivityType.CLEARANCE, None, dt.date(2024, 1, 1),
    ...           dt.date(2024, 12, 31))
    >>> scope_gaps([g], [], ActivityType.CLEARANCE, Method.MANUAL,
    ...            dt.date(2024, 12, 1), dt.date(2025, 1, 15))
    [(datetime.date(2025, 1, 1), datetime.date(2025, 1, 15))]
    """
    gaps = [(start, end)]
    for span in _valid_spans(grants, suspensions, activity_type, method):
        gaps = _minus(gaps, span)
        if not gaps:
            break
    return gaps


def scope_on(
    grants: Iterable[Grant], suspensions: Iterable[Suspension], day: dt.date
) -> list[tuple[ActivityType, Method | None]]:
    """Every (activity type, method) the grants allow on ``day``."""
    grants = list(grants)
    suspensions = list(suspensions)
    out = []
    for g in grants:
        if not g.valid_from <= day <= g.valid_until:
            continue
        if any(
            s.accreditation_id == g.id and s.starts_on <= day <= (s.ends_on or day)
            for s in suspensions
        ):
            continue
        out.append((g.activity_type, g.method))
    return sorted(set(out), key=lambda s: (s[0].value, s[1].value if s[1] else ""))


def _span_text(first: dt.date, last: dt.date) -> str:
    if first == last:
        return first.isoformat()
    return _("%(first)s to %(last)s", first=first.isoformat(), last=last.isoformat())


def _scope_text(grant: Grant) -> str:
    method = grant.method.value if grant.method else _("any method")
    return _(
        "%(activity)s (%(method)s) %(span)s",
        activity=grant.activity_type.value,
        method=method,
        span=_span_text(grant.valid_from, grant.valid_until),
    )


def check_scope(
    grants: Sequence[Grant],
    suspensions: Sequence[Suspension],
    activity_type: ActivityType,
    method: Method | None,
    start: dt.date,
    end: dt.date,
    *,
    organisation: str,
    record: str | int | None = None,
) -> None:
    """Refuse an activity outside the organisation's valid scope.

    Raises
    ------
    RecordError
        Naming the activity, the days not covered and the scope the
        organisation holds (field ``organisation_id``).
    """
    if activity_type not in NEEDS_ACCREDITATION:
        return
    gaps = scope_gaps(grants, suspensions, activity_type, method, start, end)
    if not gaps:
        return
    what = activity_type.value + (f" ({method.value})" if method else "")
    days = "; ".join(_span_text(a, b) for a, b in gaps)
    stopped = {s.accreditation_id for s in suspensions}
    held = [
        _scope_text(g) + (" " + _("(suspended for part)") if g.id in stopped else "")
        for g in grants
    ]
    scope = "; ".join(held) if held else _("none")
    raise RecordError(
        _(
            "%(organisation)s is not accredited for %(what)s on %(days)s; its "
            "accreditations: %(scope)s",
            organisation=organisation,
            what=what,
            days=days,
            scope=scope,
        ),
        entity="activity",
        record=record,
        field="organisation_id",
    )
