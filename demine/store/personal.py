# SPDX-License-Identifier: GPL-3.0-or-later
"""Personal data: who may read people, their training and their certificates.

Rows of :data:`PERSONAL` kinds name a person. Only administrators and users
of the person's own organisation read them; nobody else does, whatever their
role, and never anonymously (no public layer, no default export: see
:mod:`demine.store.public` and :mod:`demine.exchange.entities`). This is the
one place the rule is written; :func:`demine.store.listing.visible` applies
it on every read.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, select, true

from demine.domain.vocab import Role
from demine.store.schema import Attendance, Base, Certificate, Person
from demine.store.users import Principal

#: Record kinds that hold personal data.
PERSONAL: frozenset[str] = frozenset({"person", "attendance", "certificate"})


def may_read_people(who: Principal | None, organisation_id: int | None) -> bool:
    """Whether ``who`` may read the people of ``organisation_id``."""
    if who is None:
        return False
    if who.role is Role.ADMIN:
        return True
    return who.organisation_id is not None and who.organisation_id == organisation_id


def personal_clause(model: type[Base], who: Principal | None) -> ColumnElement[bool]:
    """The rows of a personal ``model`` that ``who`` may read."""
    if who is None:
        return false()
    if who.role is Role.ADMIN:
        return true()
    if who.organisation_id is None:
        return false()
    if model is Person:
        return Person.organisation_id == who.organisation_id
    assert model in (Attendance, Certificate), model
    own = select(Person.id).where(Person.organisation_id == who.organisation_id)
    column = Attendance.person_id if model is Attendance else Certificate.person_id
    return column.in_(own)
