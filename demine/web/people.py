# SPDX-License-Identifier: GPL-3.0-or-later
"""Staff, training and accreditation pages.

Names and certificates appear only for the readers the store allows
(administrators, the person's own organisation); team qualification and
accreditation name nobody, so every logged-in user sees them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from demine.domain.qualification import WARNING_DAYS
from demine.domain.vocab import (
    ActivityType,
    AttendanceResult,
    Method,
    PersonRole,
    Qualification,
    Sex,
)
from demine.errors import DemineError, RecordError
from demine.i18n import _
from demine.quality import accreditations, people, training
from demine.serving.deps import DbDep, RecordId, User, check_csrf
from demine.store import people as people_store
from demine.store.quality import organisation_names
from demine.store.quality import team_names as team_names_of
from demine.store.users import Principal
from demine.web.pages import render

router = APIRouter(include_in_schema=False)
Short = Annotated[str, Form(max_length=200)]
#: People listed on one page at most (an administrator picks an organisation).
SHOWN = 500


def _badge(cert: dict[str, Any], today: dt.date) -> str:
    expires = cert.get("expires_on")
    if cert.get("revoked_on") or (expires and expires < today):
        return "expired"
    if expires and expires <= today + dt.timedelta(days=WARNING_DAYS):
        return "expiring"
    return "valid"


def _teams(db: Any, who: Principal, today: dt.date) -> list[dict[str, Any]]:
    """Each active team's qualification today and over the next six months."""
    with db.transaction() as conn:
        teams = people_store.active_teams(conn)
    first = today.replace(day=1)
    months = [first]
    for _month in range(7):
        months.append((months[-1] + dt.timedelta(days=32)).replace(day=1))
    by_month = training.qualification_by_month(db, teams, months)
    out = []
    for t in teams:
        shortfalls = by_month[int(t["id"])]
        out.append(
            {
                **t,
                "months": [
                    (m.strftime("%Y-%m"), not s)
                    for m, s in zip(months, shortfalls, strict=False)
                ],
                "now": shortfalls[0],
            }
        )
    return out


@router.get("/people")
def people_page(
    request: Request,
    db: DbDep,
    who: User,
    organisation_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    return _people(request, db, who, organisation_id)


def _people(
    request: Request,
    db: Any,
    who: Principal,
    organisation_id: int | None,
    error: str | None = None,
    status: int = 200,
    form: dict[str, str] | None = None,
) -> Response:
    today = dt.date.today()
    org = organisation_id or who.organisation_id
    with db.transaction() as conn:
        names = organisation_names(conn)
        team_names = team_names_of(conn)
        staff = people_store.people_of(conn, who, organisation_id=org)[:SHOWN]
        certs = people_store.certificates_for(conn, who, [p["id"] for p in staff])
    by_person: dict[int, list[dict[str, Any]]] = {}
    for c in certs:
        c["badge"] = _badge(c, today)
        by_person.setdefault(c["person_id"], []).append(c)
    for p in staff:
        latest: dict[str, dict[str, Any]] = {}
        for c in by_person.get(p["id"], []):
            if c["qualification"] not in latest or (
                (c["expires_on"] or dt.date.max)
                > (latest[c["qualification"]]["expires_on"] or dt.date.max)
            ):
                latest[c["qualification"]] = c
        p["certificates"] = sorted(latest.values(), key=lambda c: c["qualification"])
    return render(
        request,
        "people.html",
        who,
        status_code=status,
        staff=staff,
        organisation_id=org,
        organisations=sorted(names.items(), key=lambda kv: kv[1]),
        names=names,
        team_names=team_names,
        expiring=training.expiring(db, who, today=today),
        teams=_teams(db, who, today),
        roles=[r.value for r in PersonRole],
        sexes=[s.value for s in Sex if s is not Sex.UNKNOWN],
        may_add=who.role.value == "admin" or (who.can_write and who.organisation_id),
        error=error,
        form=form or {},
        warning_days=WARNING_DAYS,
    )


@router.post("/people")
def add_person_post(
    request: Request,
    db: DbDep,
    who: User,
    csrf_token: Annotated[str, Form()] = "",
    full_name: Short = "",
    role: Annotated[str, Form(max_length=32)] = "",
    organisation_id: Annotated[str, Form(max_length=12)] = "",
    team_id: Annotated[str, Form(max_length=12)] = "",
    sex: Annotated[str, Form(max_length=16)] = "",
    joined_on: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Add a member of staff from the page's form."""
    check_csrf(request, csrf_token)
    form = {
        "full_name": full_name,
        "role": role,
        "organisation_id": organisation_id,
        "team_id": team_id,
        "sex": sex,
        "joined_on": joined_on,
    }
    try:
        people.add_person(db, {k: v for k, v in form.items() if v.strip()}, who)
    except DemineError as exc:
        org = int(organisation_id) if organisation_id.isdigit() else None
        return _people(request, db, who, org, exc.user_message, exc.http_status, form)
    target = f"?organisation_id={organisation_id}" if organisation_id.isdigit() else ""
    return RedirectResponse(f"/people{target}", status_code=303)


@router.get("/training")
def training_page(request: Request, db: DbDep, who: User) -> Response:
    return _training(request, db, who)


def _training(
    request: Request,
    db: Any,
    who: Principal,
    error: str | None = None,
    status: int = 200,
) -> Response:
    today = dt.date.today()
    with db.transaction() as conn:
        courses = people_store.courses(conn)
        sessions = people_store.sessions(conn)
        staff = people_store.people_of(conn, who)[:SHOWN]
    return render(
        request,
        "training.html",
        who,
        status_code=status,
        courses=courses,
        recent=[s for s in sessions if s["ends_on"] <= today][:30],
        upcoming=[s for s in sessions if s["ends_on"] > today][:30],
        staff=staff,
        results=[r.value for r in AttendanceResult],
        qualifications=[q.value for q in Qualification],
        error=error,
    )


@router.post("/training/results")
def training_result_post(
    request: Request,
    db: DbDep,
    who: User,
    csrf_token: Annotated[str, Form()] = "",
    session_id: Annotated[str, Form(max_length=12)] = "",
    person_id: Annotated[str, Form(max_length=12)] = "",
    result: Annotated[str, Form(max_length=16)] = "",
    score: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """A person's result on a session; a pass issues the certificate."""
    check_csrf(request, csrf_token)
    try:
        if not (session_id.isdigit() and person_id.isdigit()):
            raise RecordError(_("choose a session and a person"), field="session_id")
        training.record_attendance(
            db,
            int(session_id),
            int(person_id),
            result=result,
            score=float(score) if score.strip() else None,
            who=who,
        )
    except (DemineError, ValueError) as exc:
        message = exc.user_message if isinstance(exc, DemineError) else str(exc)
        status = exc.http_status if isinstance(exc, DemineError) else 422
        return _training(request, db, who, message, status)
    return RedirectResponse("/training", status_code=303)


@router.get("/accreditation")
def accreditation_page(request: Request, db: DbDep, who: User) -> Response:
    return _accreditation(request, db, who)


def _accreditation(
    request: Request,
    db: Any,
    who: Principal,
    error: str | None = None,
    status: int = 200,
) -> Response:
    with db.transaction() as conn:
        names = organisation_names(conn)
    return render(
        request,
        "accreditation.html",
        who,
        status_code=status,
        register=accreditations.register(db),
        organisations=sorted(names.items(), key=lambda kv: kv[1]),
        activity_types=[a.value for a in ActivityType],
        methods=[m.value for m in Method],
        error=error,
        today=dt.date.today().isoformat(),
    )


@router.get("/accreditation/{organisation_id}")
def accreditation_history_page(
    request: Request, organisation_id: RecordId, db: DbDep, who: User
) -> Response:
    with db.transaction() as conn:
        names = organisation_names(conn)
    return render(
        request,
        "accreditation_history.html",
        who,
        organisation=names.get(organisation_id, organisation_id),
        data=accreditations.history(db, organisation_id),
    )


def _day(text: str, field: str) -> dt.date | None:
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise RecordError(
            _("%(text)r is not a date (YYYY-MM-DD)", text=text), field=field
        ) from None


@router.post("/accreditation")
def accreditation_grant_post(
    request: Request,
    db: DbDep,
    who: User,
    csrf_token: Annotated[str, Form()] = "",
    organisation_id: Annotated[str, Form(max_length=12)] = "",
    activity_type: Annotated[str, Form(max_length=32)] = "",
    method: Annotated[str, Form(max_length=32)] = "",
    valid_from: Annotated[str, Form(max_length=10)] = "",
    valid_until: Annotated[str, Form(max_length=10)] = "",
    reference: Annotated[str, Form(max_length=120)] = "",
) -> Response:
    """Accredit an organisation (administrators)."""
    check_csrf(request, csrf_token)
    try:
        first, last = _day(valid_from, "valid_from"), _day(valid_until, "valid_until")
        if first is None or last is None or not organisation_id.isdigit():
            raise RecordError(_("give the organisation and the validity dates"))
        accreditations.grant(
            db,
            organisation_id=int(organisation_id),
            activity_type=activity_type,
            method=method or None,
            valid_from=first,
            valid_until=last,
            reference=reference or None,
            who=who,
        )
    except DemineError as exc:
        return _accreditation(request, db, who, exc.user_message, exc.http_status)
    return RedirectResponse("/accreditation", status_code=303)


@router.post("/accreditation/{accreditation_id}/suspend")
def accreditation_suspend_post(
    request: Request,
    accreditation_id: RecordId,
    db: DbDep,
    who: User,
    csrf_token: Annotated[str, Form()] = "",
    starts_on: Annotated[str, Form(max_length=10)] = "",
    ends_on: Annotated[str, Form(max_length=10)] = "",
    reason: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Suspend an accreditation (administrators)."""
    check_csrf(request, csrf_token)
    try:
        first = _day(starts_on, "starts_on")
        if first is None:
            raise RecordError(
                _("give the first day of the suspension"), field="starts_on"
            )
        accreditations.suspend(
            db,
            accreditation_id,
            starts_on=first,
            ends_on=_day(ends_on, "ends_on"),
            reason=reason,
            who=who,
        )
    except DemineError as exc:
        return _accreditation(request, db, who, exc.user_message, exc.http_status)
    return RedirectResponse("/accreditation", status_code=303)
