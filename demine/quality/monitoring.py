# SPDX-License-Identifier: GPL-3.0-or-later
"""Monitoring visits: QA of teams at work, scored by checklist.

An unsatisfactory visit raises a non-conformity naming the items failed
(critical when a safety-critical item failed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from demine.domain.monitoring import score_visit
from demine.domain.vocab import MonitoringOutcome, NonConformityStatus, Severity
from demine.errors import RecordError
from demine.i18n import N_, _
from demine.quality.access import require_quality_staff, user_id
from demine.store import quality as store
from demine.store.database import Database
from demine.store.schema import MonitoringVisit, NonConformity, Team
from demine.store.users import Principal


def record_visit(
    db: Database,
    *,
    organisation_id: int,
    visited_on: dt.date,
    answers: Mapping[str, str],
    team_id: int | None = None,
    activity_id: int | None = None,
    hazard_id: int | None = None,
    inspector: str | None = None,
    notes: str | None = None,
    who: Principal | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Record a visit and its checklist; return it (and any NC raised)."""
    require_quality_staff(who, N_("record monitoring visits"))
    today = today or dt.date.today()
    if visited_on > today:
        raise RecordError(
            _("%(day)s is in the future", day=visited_on.isoformat()),
            field="visited_on",
        )
    scored = score_visit(answers)
    with db.session(write=True) as session:
        team = session.get(Team, team_id) if team_id is not None else None
        if team_id is not None and (
            team is None or team.organisation_id != organisation_id
        ):
            raise RecordError(
                _(
                    "no team %(team)s of organisation %(org)s",
                    team=team_id,
                    org=organisation_id,
                ),
                field="team_id",
            )
        visit = MonitoringVisit(
            organisation_id=organisation_id,
            team_id=team_id,
            activity_id=activity_id,
            hazard_id=hazard_id,
            visited_on=visited_on,
            inspector=(inspector or "").strip()[:200] or None,
            checklist={k: str(v).strip().lower() for k, v in answers.items()},
            score=scored.score,
            outcome=scored.outcome,
            notes=notes,
        )
        after = store.add_with_event(session, visit, user_id(who))
        raised = None
        if scored.outcome is MonitoringOutcome.UNSATISFACTORY:
            nc = NonConformity(
                visit_id=visit.id,
                organisation_id=organisation_id,
                team_id=team_id,
                method=team.method if team is not None else None,
                raised_on=visited_on,
                severity=Severity.CRITICAL
                if scored.critical_failed
                else Severity.MAJOR,
                description=(
                    f"Monitoring visit {visit.id} unsatisfactory (score "
                    f"{scored.score:g}); items failed: {', '.join(scored.failed)}"
                ),
                status=NonConformityStatus.OPEN,
            )
            raised = store.add_with_event(session, nc, user_id(who))
        return {"visit": after, "non_conformity": raised}
