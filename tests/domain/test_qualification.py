# SPDX-License-Identifier: GPL-3.0-or-later
"""Certificates, their expiry warnings and a team's qualification by month."""

from __future__ import annotations

import datetime as dt
import doctest

from demine.domain import qualification
from demine.domain.qualification import (
    Certificate,
    Member,
    expiring,
    months_qualified,
    team_shortfalls,
    valid_through,
)
from demine.domain.vocab import Method, PersonRole, Qualification

D = dt.date
R, Q = PersonRole, Qualification


def manual_team(deminer_expiry: dt.date) -> tuple[list[Member], list[Certificate]]:
    members = [Member(1, R.TEAM_LEADER), Member(2, R.MEDIC)]
    members += [Member(10 + i, R.DEMINER) for i in range(5)]
    far = D(2030, 1, 1)
    certs = [
        Certificate(1, Q.TEAM_LEADER, D(2024, 1, 1), far),
        Certificate(2, Q.MEDIC, D(2024, 1, 1), far),
    ]
    certs += [
        Certificate(10 + i, Q.MANUAL_CLEARANCE, D(2024, 1, 1), far) for i in range(3)
    ]
    certs += [
        Certificate(13, Q.MANUAL_CLEARANCE, D(2024, 1, 1), deminer_expiry),
        Certificate(14, Q.MANUAL_CLEARANCE, D(2024, 1, 1), deminer_expiry),
    ]
    return members, certs


def test_validity_needs_every_day_of_the_period() -> None:
    cert = Certificate(1, Q.MEDIC, D(2025, 1, 10), D(2026, 1, 9))
    assert valid_through(cert, D(2025, 2, 1), D(2025, 12, 31))
    assert not valid_through(cert, D(2025, 1, 1), D(2025, 1, 31))  # issued mid-month
    assert not valid_through(cert, D(2026, 1, 1), D(2026, 1, 31))  # expires mid-month
    revoked = Certificate(1, Q.MEDIC, D(2025, 1, 10), None, revoked_on=D(2025, 6, 1))
    assert not valid_through(revoked, D(2025, 6, 1), D(2025, 6, 30))


def test_team_loses_qualification_in_the_month_certificates_lapse() -> None:
    members, certs = manual_team(deminer_expiry=D(2026, 3, 15))
    months = [D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1), D(2026, 4, 1)]
    by_month = months_qualified(Method.MANUAL, members, certs, months)
    assert [len(s) for s in by_month] == [0, 0, 1]
    [short] = by_month[2]
    assert (short.role, short.qualification, short.needed, short.held) == (
        R.DEMINER,
        Q.MANUAL_CLEARANCE,
        4,
        3,
    )


def test_members_who_left_do_not_count() -> None:
    members, certs = manual_team(deminer_expiry=D(2030, 1, 1))
    members[0] = Member(1, R.TEAM_LEADER, left_on=D(2026, 1, 31))
    shortfalls = team_shortfalls(
        Method.MANUAL, members, certs, D(2026, 2, 1), D(2026, 2, 28)
    )
    assert [s.role for s in shortfalls] == [R.TEAM_LEADER]


def test_expiring_warns_sixty_days_ahead() -> None:
    today = D(2026, 12, 7)
    certs = [
        Certificate(1, Q.MEDIC, D(2024, 1, 1), D(2027, 2, 5)),  # 60 days: warned
        Certificate(2, Q.MEDIC, D(2024, 1, 1), D(2027, 2, 6)),  # 61 days: not yet
        Certificate(3, Q.MEDIC, D(2024, 1, 1), D(2026, 12, 6)),  # expired already
        Certificate(4, Q.MEDIC, D(2024, 1, 1), D(2026, 12, 20)),
    ]
    assert [c.person_id for c in expiring(certs, today)] == [4, 1]


def test_docstring_examples_run() -> None:
    assert doctest.testmod(qualification).attempted >= 3
    assert doctest.testmod(qualification).failed == 0
