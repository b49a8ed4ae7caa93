# SPDX-License-Identifier: GPL-3.0-or-later
"""IMAS 07.11 life cycle of a hazardous area: status and classification rules.

Status transitions (any status may also be "changed" to itself, a no-op):

============  ==========================================================
from          to
============  ==========================================================
open          worked_on; closed (only when nothing remains)
worked_on     suspended; closed (only when nothing remains)
suspended     worked_on; closed (only when nothing remains)
closed        nothing: closure is final
============  ==========================================================

A closed hazard is never reopened: contamination that turns up in released
land is new evidence, recorded as a new hazard (and, for cleared land, a
quality non-conformity), so that land released stays released in the national
figures and the ledger of the old hazard stays true. ``open -> suspended`` is
not allowed: a suspension stops work, and on an open hazard none has started.

Releases (:func:`check_release`): a closed hazard takes none; a suspended
hazard takes no release that needs assets on the ground (reduction by
technical survey, clearance), because that is exactly what the suspension
stops; cancellation by non-technical survey still may.

Classification: a suspected hazard (SHA) becomes confirmed (CHA) on direct
evidence of explosive ordnance (IMAS 04.10), here an accident or a device
seen. A CHA is never
downgraded to SHA except on the strength of a technical survey.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from demine.domain.labels import in_sentence
from demine.domain.records import parse_enum
from demine.domain.vocab import Evidence, HazardClass, HazardStatus, ReleaseKind
from demine.errors import TransitionError
from demine.i18n import N_, _

__all__ = [
    "DIRECT_EVIDENCE",
    "TRANSITIONS",
    "check_classification",
    "check_release",
    "check_transition",
    "classification_after_evidence",
    "status_after_release",
]

S = HazardStatus

#: Allowed status changes; a change to ``closed`` also needs nothing remaining.
TRANSITIONS: Mapping[HazardStatus, frozenset[HazardStatus]] = MappingProxyType(
    {
        S.OPEN: frozenset({S.WORKED_ON, S.CLOSED}),
        S.WORKED_ON: frozenset({S.SUSPENDED, S.CLOSED}),
        S.SUSPENDED: frozenset({S.WORKED_ON, S.CLOSED}),
        S.CLOSED: frozenset(),
    }
)

#: Evidence that confirms contamination (IMAS 04.10 "direct evidence").
DIRECT_EVIDENCE: frozenset[Evidence] = frozenset(
    {Evidence.ACCIDENT, Evidence.DEVICE_SEEN}
)

# Releases a hazard in each status can take.
_RELEASES: Mapping[HazardStatus, frozenset[ReleaseKind]] = MappingProxyType(
    {
        S.OPEN: frozenset(ReleaseKind),
        S.WORKED_ON: frozenset(ReleaseKind),
        S.SUSPENDED: frozenset({ReleaseKind.CANCELLED}),
        S.CLOSED: frozenset(),
    }
)


def _status(value: HazardStatus | str, hazard_id: str | int | None) -> HazardStatus:
    return parse_enum(
        HazardStatus, value, entity="hazard", record=hazard_id, field="status"
    )


def check_transition(
    current: HazardStatus | str,
    new: HazardStatus | str,
    *,
    remaining_m2: float,
    total_m2: float,
    hazard_id: str | int | None = None,
    tolerance_m2: float = 1.0,
) -> HazardStatus:
    """Check that a hazard may go from ``current`` to ``new``; return ``new``.

    Closing needs ``remaining_m2 <= tolerance_m2``: a hazard is closed by
    releasing its land, not by typing a status.

    Raises
    ------
    TransitionError
        Naming the hazard and field ``status``.
    RecordError
        If a status is not a :class:`HazardStatus` value.
    """
    old, to = _status(current, hazard_id), _status(new, hazard_id)
    if old == to:
        return to
    if to not in TRANSITIONS[old]:
        allowed = ", ".join(sorted(in_sentence(s) for s in TRANSITIONS[old]))
        text = (
            N_(
                "cannot change status from %(old)s to %(new)s; from %(old)s "
                "allowed: %(allowed)s (closure is final: record new evidence as "
                "a new hazard)"
            )
            if old is S.CLOSED
            else N_(
                "cannot change status from %(old)s to %(new)s; from %(old)s "
                "allowed: %(allowed)s"
            )
        )
        raise TransitionError(
            _(
                text,
                old=in_sentence(old),
                new=in_sentence(to),
                allowed=allowed or _("none"),
            ),
            entity="hazard",
            record=hazard_id,
            field="status",
        )
    if to is S.CLOSED and remaining_m2 > tolerance_m2:
        raise TransitionError(
            _(
                "cannot close: %(remaining_m2).1f m² of %(total_m2).1f m² have not "
                "been released",
                remaining_m2=remaining_m2,
                total_m2=total_m2,
            ),
            entity="hazard",
            record=hazard_id,
            field="status",
        )
    return to


def check_release(
    hazard_id: str | int | None,
    status: HazardStatus | str,
    kind: ReleaseKind | str,
) -> None:
    """Check that a hazard in ``status`` may receive a release of ``kind``.

    Raises
    ------
    TransitionError
        For any release on a closed hazard, and for reduction or clearance on a
        suspended one.
    """
    st = _status(status, hazard_id)
    rk = parse_enum(ReleaseKind, kind, entity="release", field="kind")
    if rk not in _RELEASES[st]:
        reason = (
            _("a closed hazard takes no further release")
            if st is S.CLOSED
            else _(
                "work on a suspended hazard is stopped; only cancellation by "
                "non-technical survey is allowed"
            )
        )
        raise TransitionError(
            _(
                "cannot record %(release)s land on a %(status)s hazard: %(reason)s",
                release=in_sentence(rk),
                status=in_sentence(st),
                reason=reason,
            ),
            entity="hazard",
            record=hazard_id,
            field="status",
        )


def status_after_release(
    current: HazardStatus | str,
    remaining_m2: float,
    total_m2: float,
    *,
    tolerance_m2: float = 1.0,
    hazard_id: str | int | None = None,
) -> HazardStatus:
    """Status a hazard takes once the ledger says ``remaining_m2`` is left.

    Closed when at most ``tolerance_m2`` remains; worked on when part has been
    released (more than ``tolerance_m2``); otherwise unchanged. A suspended
    hazard stays suspended until work resumes: a cancellation does not resume
    work.

    Raises
    ------
    TransitionError
        If a closed hazard has land remaining (the ledger and the register
        disagree).

    Examples
    --------
    >>> status_after_release("open", remaining_m2=6_000.0, total_m2=10_000.0)
    <HazardStatus.WORKED_ON: 'worked_on'>
    >>> status_after_release("worked_on", remaining_m2=0.4, total_m2=10_000.0)
    <HazardStatus.CLOSED: 'closed'>
    """
    st = _status(current, hazard_id)
    if remaining_m2 <= tolerance_m2:
        return S.CLOSED
    if st is S.CLOSED:
        raise TransitionError(
            _(
                "hazard is closed but %(remaining_m2).1f m² of %(total_m2).1f m² "
                "remain unreleased",
                remaining_m2=remaining_m2,
                total_m2=total_m2,
            ),
            entity="hazard",
            record=hazard_id,
            field="status",
        )
    if st is S.OPEN and remaining_m2 < total_m2 - tolerance_m2:
        return S.WORKED_ON
    return st


def _class(value: HazardClass | str, hazard_id: str | int | None) -> HazardClass:
    return parse_enum(
        HazardClass, value, entity="hazard", record=hazard_id, field="hazard_class"
    )


def classification_after_evidence(
    current: HazardClass | str, evidence: Evidence | str
) -> HazardClass:
    """Class after new ``evidence``: SHA becomes CHA on direct evidence.

    Evidence never lowers a class.
    """
    cls = _class(current, None)
    found = parse_enum(Evidence, evidence, entity="hazard", field="evidence")
    if cls is HazardClass.SHA and found in DIRECT_EVIDENCE:
        return HazardClass.CHA
    return cls


def check_classification(
    current: HazardClass | str,
    new: HazardClass | str,
    *,
    hazard_id: str | int | None = None,
    technical_survey: bool = False,
) -> HazardClass:
    """Check a change of class; return the new class.

    SHA -> CHA is always allowed. CHA -> SHA only when ``technical_survey`` is
    true, i.e. a technical survey of the hazard found the direct evidence
    wrong; a desk review cannot downgrade confirmed contamination.
    """
    old, to = _class(current, hazard_id), _class(new, hazard_id)
    if old is HazardClass.CHA and to is HazardClass.SHA and not technical_survey:
        raise TransitionError(
            _(
                "a confirmed hazard (cha) can only become suspected (sha) after a "
                "technical survey"
            ),
            entity="hazard",
            record=hazard_id,
            field="hazard_class",
        )
    return to
