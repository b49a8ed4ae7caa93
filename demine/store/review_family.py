# SPDX-License-Identifier: GPL-3.0-or-later
"""Review a record together with the records submitted with it.

An accident is reported with its victims, an activity with its releases and
finds; a reviewer approves or rejects them as one report. Every record
changes in one transaction: if any of them cannot (changed since the page
opened, added since, not in a state the action starts from), nothing
changes and every problem is named at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from demine.domain.labels import kind_label
from demine.errors import ConflictError, DemineError, NotFoundError
from demine.errors import PermissionDeniedError as Denied
from demine.i18n import _
from demine.store.database import Database
from demine.store.listing import MODELS, visible
from demine.store.review import TRANSITIONS, change_state, check_action
from demine.store.users import Principal

#: The kinds reviewed with a record of each kind: (kind, the field naming it).
CHILDREN: dict[str, tuple[tuple[str, str], ...]] = {
    "accident": (("victim", "accident_id"),),
    "activity": (("release", "activity_id"), ("eo_item", "activity_id")),
}


@dataclass(frozen=True)
class Reviewed:
    """What one action changed: the record and its children, as stored after."""

    kind: str
    record: dict[str, Any]
    children: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def waiting_children(
    session: Session, kind: str, record_id: int, action: str, who: Principal
) -> list[tuple[str, int, int]]:
    """(kind, id, version) of the children ``action`` would change with the record."""
    sources, _target = TRANSITIONS[action]
    out: list[tuple[str, int, int]] = []
    for child, link in CHILDREN.get(kind, ()):
        model: Any = MODELS[child]
        rows = session.execute(
            select(model.id, model.version)
            .where(
                getattr(model, link) == record_id,
                model.review_state.in_(sorted(sources)),
                visible(model, who),
            )
            .order_by(model.id)
        )
        out.extend((child, int(i), int(v)) for i, v in rows)
    return out


def review_family(
    db: Database,
    kind: str,
    record_id: int,
    action: str,
    who: Principal,
    *,
    reason: str | None = None,
    version: int | None = None,
    seen: Mapping[tuple[str, int], int] | None = None,
) -> Reviewed:
    """Take ``action`` on a record and its waiting children in one transaction.

    ``seen``: the children (kind, id) -> version the reviewer was shown; a
    child changed or added since is refused, as the record itself is when
    ``version`` is not the stored one. Without ``seen`` the children are
    taken as they are stored.
    """
    check_action(kind, action, who, reason=reason, version=version)

    def write() -> Reviewed:
        with db.session(write=True) as session:
            return _write(session, kind, record_id, action, who, reason, version, seen)

    return db.retrying(write)


def _write(
    session: Session,
    kind: str,
    record_id: int,
    action: str,
    who: Principal,
    reason: str | None,
    version: int | None,
    seen: Mapping[tuple[str, int], int] | None,
) -> Reviewed:
    problems: list[str] = []
    children = waiting_children(session, kind, record_id, action, who)
    try:
        record = change_state(
            session, kind, record_id, action, who, reason=reason, version=version
        )
    except (NotFoundError, Denied):
        raise
    except DemineError as exc:
        if not children:
            raise
        problems.append(_named(kind, None, exc))
        record = {}
    done: list[tuple[str, dict[str, Any]]] = []
    for child, child_id, stored in children:
        wanted = stored if seen is None else seen.get((child, child_id))
        if wanted is None:
            problems.append(
                _(
                    "%(record)s: it was added since you opened the page;"
                    " look at it first",
                    record=_("%(kind)s %(id)s", kind=kind_label(child), id=child_id),
                )
            )
            continue
        try:
            done.append(
                (
                    child,
                    change_state(
                        session,
                        child,
                        child_id,
                        action,
                        who,
                        reason=reason,
                        version=wanted,
                    ),
                )
            )
        except DemineError as exc:
            problems.append(_named(child, child_id, exc))
    if problems:
        # Raised inside the session: the transaction rolls back, nothing changes.
        raise ConflictError(
            _(
                "Nothing was changed: %(problems)s",
                problems="; ".join(problems),
            ),
            submitted={"action": action, "version": version},
        )
    return Reviewed(kind, record, done)


def _named(kind: str, record_id: int | None, exc: DemineError) -> str:
    if record_id is None:
        return exc.user_message
    name = _("%(kind)s %(id)s", kind=kind_label(kind), id=record_id)
    return f"{name}: {exc.user_message}"
