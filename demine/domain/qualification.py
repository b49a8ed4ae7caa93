# SPDX-License-Identifier: GPL-3.0-or-later
"""Who may work: certificates, their expiry, and a team's qualification.

A person holds a **certificate** in a :class:`Qualification` from the day it
is issued until it expires (or is revoked). A team is **qualified** for its
method over a period when, every day of it, enough of its active members
hold a valid certificate for each role the method needs
(:data:`REQUIREMENTS`: a manual team needs a qualified team leader, a medic
and at least four deminers, and so on). The requirements are demine's
defaults, written from the composition of teams in IMAS 09.10 and operators'
standing operating procedures; a national standard may set others by
passing its own table.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from demine.domain.vocab import Method, PersonRole, Qualification

__all__ = [
    "REQUIREMENTS",
    "WARNING_DAYS",
    "Certificate",
    "Member",
    "Requirement",
    "Shortfall",
    "expiring",
    "months_qualified",
    "team_shortfalls",
    "valid_through",
]

#: Days before expiry from which a certificate is flagged.
WARNING_DAYS = 60


@dataclass(frozen=True)
class Certificate:
    person_id: int
    qualification: Qualification
    issued_on: dt.date
    expires_on: dt.date | None = None
    revoked_on: dt.date | None = None


@dataclass(frozen=True)
class Member:
    """A person of a team, active from ``joined_on`` to ``left_on``."""

    person_id: int
    role: PersonRole
    joined_on: dt.date | None = None
    left_on: dt.date | None = None

    def active_through(self, start: dt.date, end: dt.date) -> bool:
        joined = self.joined_on is None or self.joined_on <= start
        return joined and (self.left_on is None or self.left_on >= end)


@dataclass(frozen=True)
class Requirement:
    """At least ``minimum`` members in ``role`` holding ``qualification``."""

    role: PersonRole
    qualification: Qualification
    minimum: int


R, Q = PersonRole, Qualification
_LEADER = Requirement(R.TEAM_LEADER, Q.TEAM_LEADER, 1)
_MEDIC = Requirement(R.MEDIC, Q.MEDIC, 1)
#: What a team of each method needs, every day it works.
REQUIREMENTS: Mapping[Method, tuple[Requirement, ...]] = {
    Method.MANUAL: (
        _LEADER,
        _MEDIC,
        Requirement(R.DEMINER, Q.MANUAL_CLEARANCE, 4),
    ),
    Method.MECHANICAL: (
        _LEADER,
        _MEDIC,
        Requirement(R.MACHINE_OPERATOR, Q.MACHINE_OPERATOR, 1),
        Requirement(R.DEMINER, Q.MANUAL_CLEARANCE, 1),
    ),
    Method.MDD: (
        _LEADER,
        _MEDIC,
        Requirement(R.MDD_HANDLER, Q.MDD_HANDLER, 2),
    ),
    Method.DRONE: (
        _LEADER,
        Requirement(R.SURVEYOR, Q.NTS, 2),
    ),
    Method.MIXED: (
        _LEADER,
        _MEDIC,
        Requirement(R.DEMINER, Q.MANUAL_CLEARANCE, 4),
        Requirement(R.MACHINE_OPERATOR, Q.MACHINE_OPERATOR, 1),
    ),
}


def valid_through(cert: Certificate, start: dt.date, end: dt.date) -> bool:
    """Whether ``cert`` is valid every day from ``start`` to ``end``."""
    if cert.issued_on > start:
        return False
    if cert.expires_on is not None and cert.expires_on < end:
        return False
    return cert.revoked_on is None or cert.revoked_on > end


@dataclass(frozen=True)
class Shortfall:
    """A requirement a team does not meet: ``held`` of ``needed`` qualified."""

    role: PersonRole
    qualification: Qualification
    needed: int
    held: int


def team_shortfalls(
    method: Method,
    members: Iterable[Member],
    certificates: Iterable[Certificate],
    start: dt.date,
    end: dt.date,
    requirements: Mapping[Method, Sequence[Requirement]] = REQUIREMENTS,
) -> list[Shortfall]:
    """Requirements of ``method`` the team misses between ``start`` and ``end``.

    An empty list means the team is qualified for the whole period.

    Examples
    --------
    >>> day = dt.date(2026, 1, 1)
    >>> team = [Member(1, PersonRole.SURVEYOR), Member(2, PersonRole.SURVEYOR),
    ...         Member(3, PersonRole.TEAM_LEADER)]
    >>> certs = [Certificate(p, q, dt.date(2025, 1, 1), dt.date(2027, 1, 1))
    ...          for p, q in ((1, "nts"), (2, "nts"), (3, "team_leader"))]
    >>> team_shortfalls(Method.DRONE, team, certs, day, dt.date(2026, 12, 31))
    []
    >>> [s.held for s in team_shortfalls(Method.DRONE, team, certs, day,
    ...                                   dt.date(2027, 3, 31))]
    [0, 0]
    """
    valid: dict[int, set[Qualification]] = {}
    for cert in certificates:
        if valid_through(cert, start, end):
            valid.setdefault(cert.person_id, set()).add(
                Qualification(cert.qualification)
            )
    active = [m for m in members if m.active_through(start, end)]
    out = []
    for need in requirements.get(method, ()):
        held = sum(
            1
            for m in active
            if m.role is need.role and need.qualification in valid.get(m.person_id, ())
        )
        if held < need.minimum:
            out.append(Shortfall(need.role, need.qualification, need.minimum, held))
    return out


def months_qualified(
    method: Method,
    members: Sequence[Member],
    certificates: Sequence[Certificate],
    months: Sequence[dt.date],
    requirements: Mapping[Method, Sequence[Requirement]] = REQUIREMENTS,
) -> list[list[Shortfall]]:
    """Shortfalls per month; ``months`` are first days (the last one ends the
    horizon, as :func:`demine.analysis.tasking.month_starts` gives them)."""
    out = []
    for first, following in itertools.pairwise(months):
        last = following - dt.timedelta(days=1)
        out.append(
            team_shortfalls(method, members, certificates, first, last, requirements)
        )
    return out


def expiring(
    certificates: Iterable[Certificate],
    today: dt.date,
    days: int = WARNING_DAYS,
) -> list[Certificate]:
    """Certificates valid today that expire within ``days``, soonest first."""
    until = today + dt.timedelta(days=days)
    soon = [
        c
        for c in certificates
        if c.expires_on is not None
        and today <= c.expires_on <= until
        and c.issued_on <= today
        and (c.revoked_on is None or c.revoked_on > today)
    ]
    return sorted(soon, key=lambda c: (c.expires_on, c.person_id))
