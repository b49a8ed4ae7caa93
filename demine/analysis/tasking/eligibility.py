# SPDX-License-Identifier: GPL-3.0-or-later
"""Which months each team may be tasked, read from the register.

A team may be sent to work in a month when, every day of that month,

- its organisation holds a valid, unsuspended accreditation for the
  activity its method does (:data:`~demine.domain.accreditation.TASKED_ACTIVITY`:
  drones non-technical survey, other assets clearance) and for its method
  (:func:`demine.domain.accreditation.scope_gaps`), and
- its active members hold the certificates its method needs
  (:func:`demine.domain.qualification.months_qualified`).

The rules apply as the register's record rules do (``docs/quality.md``): an
organisation the register holds no accreditation for is not under the
accreditation rule, and a team with no member recorded is not under the
qualification rule, so a register kept before people and accreditation
were recorded plans as it did. :class:`Checked` says how many teams each
rule covered. The plan itself (:mod:`~demine.analysis.tasking.problem`)
takes the result as plain tables.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import pandas as pd
from sqlalchemy.engine import Connection

from demine.analysis.tasking.problem import Eligibility
from demine.domain.accreditation import TASKED_ACTIVITY, scope_gaps
from demine.domain.qualification import Certificate, months_qualified
from demine.domain.vocab import Method
from demine.store.accreditation import scopes_of
from demine.store.people import certificates_of, members_of


@dataclass(frozen=True)
class Checked:
    """How many of the planned teams each rule applied to."""

    accreditation: int
    qualification: int


def read_eligibility(
    conn: Connection, teams: pd.DataFrame, months: list[dt.date]
) -> tuple[Eligibility, Checked]:
    """Accredited and qualified months of ``teams`` (indexed by id, with
    ``method`` and ``organisation_id``) over ``months`` (first days, plus the
    first day after the horizon)."""
    spans = [(a, b - dt.timedelta(days=1)) for a, b in itertools.pairwise(months)]
    orgs = pd.to_numeric(teams["organisation_id"], errors="coerce")
    scopes = scopes_of(conn, orgs.dropna().astype(int).tolist())
    members = members_of(conn, teams.index.astype(int).tolist())
    people = [m.person_id for group in members.values() for m in group]
    by_person: dict[int, list[Certificate]] = {}
    for cert in certificates_of(conn, people):
        by_person.setdefault(cert.person_id, []).append(cert)
    accredited, qualified = {}, {}
    under_scope = under_staff = 0
    for team_id, method_value, org in zip(
        teams.index, teams["method"], orgs, strict=True
    ):
        method = Method(str(method_value))
        held = None if pd.isna(org) else scopes.get(int(org))
        if held is None:
            accredited[team_id] = [True] * len(spans)
        else:
            under_scope += 1
            grants, suspensions = held
            kind = TASKED_ACTIVITY[method]
            accredited[team_id] = [
                not scope_gaps(grants, suspensions, kind, method, first, last)
                for first, last in spans
            ]
        own = members.get(int(team_id), [])
        if not own:
            qualified[team_id] = [True] * len(spans)
        else:
            under_staff += 1
            certs = [c for m in own for c in by_person.get(m.person_id, [])]
            shortfalls = months_qualified(method, own, certs, months)
            qualified[team_id] = [not short for short in shortfalls]
    frame = {
        name: pd.DataFrame.from_dict(data, orient="index", columns=range(len(spans)))
        for name, data in (("accredited", accredited), ("qualified", qualified))
    }
    return (
        Eligibility(accredited=frame["accredited"], qualified=frame["qualified"]),
        Checked(accreditation=under_scope, qualification=under_staff),
    )
