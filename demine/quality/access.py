# SPDX-License-Identifier: GPL-3.0-or-later
"""Who may change quality and people records.

``who`` is None for the command line, run by whoever holds the register
itself; over the web and the API it is the logged-in user.
"""

from __future__ import annotations

from demine.domain.vocab import Role
from demine.errors import PermissionDeniedError
from demine.i18n import _
from demine.store.users import Principal

#: The command line reads as the register's holder: everything, personal
#: data included (whoever runs it can open the database itself).
OPERATOR = Principal(
    id=0, username="command line", role=Role.ADMIN, organisation_id=None
)


def user_id(who: Principal | None) -> int | None:
    """The audit trail's user: None for the command line."""
    return who.id if who is not None and who.id > 0 else None


def require_quality_staff(who: Principal | None, what: str) -> None:
    """Reviewers and administrators: the national authority's QA staff.

    ``what`` is the action in words, marked with ``N_`` by the caller (the
    refusal translates it).
    """
    if who is not None and not who.can_review:
        raise PermissionDeniedError(
            _("only reviewers and administrators may %(what)s", what=_(what))
        )


def require_admin(who: Principal | None, what: str) -> None:
    if who is not None and who.role is not Role.ADMIN:
        raise PermissionDeniedError(_("only administrators may %(what)s", what=_(what)))


def require_own_or_admin(
    who: Principal | None, organisation_id: int | None, what: str
) -> None:
    """Administrators, or a writer of the organisation the record belongs to."""
    if who is None or who.role is Role.ADMIN:
        return
    if who.can_write and who.organisation_id == organisation_id:
        return
    raise PermissionDeniedError(
        _(
            "only administrators and the organisation's own staff may %(what)s",
            what=_(what),
        )
    )
