# SPDX-License-Identifier: GPL-3.0-or-later
"""Quality management pages: the QA overview, an inspection, a non-conformity.

The pages call the same use cases as the API (:mod:`demine.quality`); forms
post with the session's CSRF token and come back to the page they were on,
showing the core's refusal in the user's words when there is one.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import escape
from shapely.geometry import shape

from demine.domain.sampling import AQLS
from demine.domain.vocab import RootCause, Severity
from demine.errors import DemineError, RecordError
from demine.i18n import N_, _
from demine.quality import inspections, nonconformities
from demine.quality.figures import qa_figures
from demine.quality.inspections import SamplingOptions
from demine.serving.deps import DbDep, RecordId, User, check_csrf
from demine.store.audit import history
from demine.store.listing import Filters, get_record, list_records
from demine.store.quality import organisation_names, team_names
from demine.store.users import Principal
from demine.web.pages import render

router = APIRouter(include_in_schema=False)

#: Why the stringency changed, by the rule of ISO 2859-1 clause 9.
SWITCHES: dict[str, str] = {
    "two_of_five_rejected": N_(
        "Tightened after inspection %(id)s: two of five or fewer lots rejected "
        "(ISO 2859-1, 9.3.1)"
    ),
    "five_accepted": N_(
        "Back to normal after inspection %(id)s: five lots accepted in a row on "
        "tightened inspection (9.3.2)"
    ),
    "score_reached": N_(
        "Reduced after inspection %(id)s: switching score of 30 reached (9.3.3)"
    ),
    "rejected_on_reduced": N_(
        "Back to normal after inspection %(id)s: a lot rejected on reduced "
        "inspection (9.3.4)"
    ),
    "five_rejected_on_tightened": N_(
        "Discontinued after inspection %(id)s: five lots rejected on tightened "
        "inspection (9.4)"
    ),
}

Short = Annotated[str, Form(max_length=200)]
Long = Annotated[str, Form(max_length=4000)]
SHOWN = 200


def _number(text: str, kind: type, field: str) -> Any:
    if not text.strip():
        return None
    try:
        return kind(text.strip())
    except ValueError:
        raise RecordError(
            _("%(text)r is not a number", text=text), field=field
        ) from None


@router.get("/qa")
def qa_page(
    request: Request,
    db: DbDep,
    who: User,
    lot_size: Annotated[str, Query(max_length=12)] = "",
    lot_m2: Annotated[str, Query(max_length=16)] = "",
    aql: Annotated[str, Query(max_length=8)] = "1.0",
    level: Annotated[str, Query(max_length=8)] = "ii",
    stringency: Annotated[str, Query(max_length=16)] = "normal",
    unit_m2: Annotated[str, Query(max_length=12)] = "100",
    *,
    error_message: str | None = None,
    status_code: int = 200,
) -> Response:
    """Figures, the sampling plan calculator, inspections and non-conformities."""
    ask = {
        "lot_size": lot_size,
        "lot_m2": lot_m2,
        "aql": aql,
        "level": level,
        "stringency": stringency,
        "unit_m2": unit_m2,
    }
    plan, error, status = None, None, status_code
    if lot_size.strip() or lot_m2.strip():
        try:
            options = SamplingOptions(
                aql=_number(aql, float, "aql") or 1.0,
                level=level,
                stringency=stringency or None,
                unit_m2=_number(unit_m2, float, "unit_m2") or 100.0,
            )
            plan = inspections.lot_plan(
                lot_size=_number(lot_size, int, "lot_size"),
                lot_m2=_number(lot_m2, float, "lot_m2")
                if not lot_size.strip()
                else None,
                options=options,
            )
        except DemineError as exc:
            error, status = exc.user_message, exc.http_status
    with db.transaction() as conn:
        figures = qa_figures(conn)
        orgs = organisation_names(conn)
    lots, total_lots = list_records(
        db, "inspection", who, Filters(), limit=SHOWN, sort="-id"
    )
    ncs, total_ncs = list_records(
        db, "non_conformity", who, Filters(), limit=SHOWN, sort="-raised_on"
    )
    return render(
        request,
        "qa.html",
        who,
        status_code=status,
        figures=figures,
        ask=ask,
        plan=plan,
        error=error,
        lots=[_plain(r) for r in lots],
        total_lots=total_lots,
        ncs=_open_first(ncs),
        total_ncs=total_ncs,
        orgs=orgs,
        levels=["i", "ii", "iii", "s_1", "s_2", "s_3", "s_4"],
        aqls=[f"{a:g}" for a in AQLS],
        today=dt.date.today().isoformat(),
        draw_error=error_message,
    )


@router.post("/qa/inspections")
def new_inspection_post(
    request: Request,
    db: DbDep,
    who: User,
    csrf_token: Annotated[str, Form()] = "",
    activity_id: Annotated[str, Form(max_length=12)] = "",
    hazard_id: Annotated[str, Form(max_length=12)] = "",
    aql: Annotated[str, Form(max_length=8)] = "1.0",
    level: Annotated[str, Form(max_length=8)] = "ii",
    unit_m2: Annotated[str, Form(max_length=12)] = "100",
    shape: Annotated[str, Form(max_length=8)] = "box",
    seed: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    """Plan an inspection of an activity's (or a hazard's) released ground."""
    check_csrf(request, csrf_token)
    try:
        made = inspections.draw_sample(
            db,
            activity_id=_number(activity_id, int, "activity_id"),
            hazard_id=_number(hazard_id, int, "hazard_id"),
            options=SamplingOptions(
                aql=_number(aql, float, "aql") or 1.0,
                level=level,
                unit_m2=_number(unit_m2, float, "unit_m2") or 100.0,
                shape=shape,
            ),
            seed=_number(seed, int, "seed"),
            who=who,
        )
    except DemineError as exc:
        return qa_page(request, db, who, error_message=exc.user_message,
                       status_code=exc.http_status)  # fmt: skip
    return RedirectResponse(f"/qa/inspections/{made['id']}", status_code=303)


def _open_first(ncs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    open_ = [n for n in ncs if n["status"] != "closed"]
    closed = [n for n in ncs if n["status"] == "closed"]
    return open_ + closed


def _plain(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in ("geom", "lot_geom")}


def lot_svg(lot: Any, units: list[dict[str, Any]], size: int = 520) -> str:
    """The lot and its units as inline SVG, north up, lon scaled by cos(lat).

    Only numbers from the register and an escaped label go into the markup,
    so it is safe to insert as is.
    """
    if not lot:
        return ""
    ground = shape(lot)
    x0, y0, x1, y1 = ground.bounds
    k = math.cos(math.radians((y0 + y1) / 2))
    width, height = max((x1 - x0) * k, 1e-9), max(y1 - y0, 1e-9)
    scale = (size - 20) / max(width, height)
    w, h = width * scale + 20, height * scale + 20

    def path(geom: Any) -> str:
        parts = []
        polys = getattr(geom, "geoms", [geom])
        for poly in polys:
            for ring in [poly.exterior, *poly.interiors]:
                pts = " ".join(
                    f"{10 + (x - x0) * k * scale:.1f},{10 + (y1 - y) * scale:.1f}"
                    for x, y in ring.coords
                )
                parts.append(f"M{pts}Z")
        return " ".join(parts)

    label = escape(_("The lot and its sampling units"))
    shapes = [f'<path class="lot" fill-rule="evenodd" d="{path(ground)}"/>']
    for u in units:
        css = "unit bad" if u.get("nonconforming") else "unit"
        shapes.append(f'<path class="{css}" d="{path(shape(u["geom"]))}"/>')
    return (
        f'<svg class="lot-map" viewBox="0 0 {w:.0f} {h:.0f}" width="100%" '
        f'role="img" aria-label="{label}" preserveAspectRatio="xMidYMid meet">'
        f"{''.join(shapes)}</svg>"
    )


@router.get("/qa/inspections/{inspection_id}")
def inspection_page(
    request: Request, inspection_id: RecordId, db: DbDep, who: User
) -> Response:
    return _inspection(request, db, who, inspection_id)


def _inspection(
    request: Request,
    db: Any,
    who: Principal,
    inspection_id: int,
    error: str | None = None,
    status: int = 200,
) -> Response:
    get_record(db, "inspection", inspection_id, who)
    got = inspections.get_inspection(db, inspection_id)
    units = got.pop("units")
    record = inspections.team_record(
        db, got["organisation_id"], got["team_id"], got["method"]
    )
    switches = [
        _(SWITCHES[s["rule"]], id=s["inspection_id"]) for s in record["switches"]
    ]
    with db.transaction() as conn:
        orgs = organisation_names(conn)
        teams = team_names(conn)
    return render(
        request,
        "qa_inspection.html",
        who,
        status_code=status,
        inspection=_plain(got),
        organisation=orgs.get(got["organisation_id"], got["organisation_id"]),
        team=teams.get(got["team_id"]) if got["team_id"] else None,
        units=units[:SHOWN],
        unit_count=len(units),
        svg=lot_svg(got["lot_geom"], units),
        record=record,
        switches=switches,
        error=error,
        today=dt.date.today().isoformat(),
    )


@router.post("/qa/inspections/{inspection_id}/result")
def inspection_result(
    request: Request,
    inspection_id: RecordId,
    db: DbDep,
    who: User,
    csrf_token: Annotated[str, Form()] = "",
    inspected_on: Annotated[str, Form(max_length=10)] = "",
    nonconforming_units: Annotated[str, Form(max_length=8)] = "",
    units_inspected: Annotated[str, Form(max_length=8)] = "",
    items_found: Annotated[str, Form(max_length=8)] = "",
    depth_cm: Annotated[str, Form(max_length=8)] = "",
    version: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    """The verdict from the counts the field team reported."""
    check_csrf(request, csrf_token)
    try:
        inspections.record_result(
            db,
            inspection_id,
            inspected_on=_date(inspected_on, "inspected_on"),
            nonconforming_units=_number(
                nonconforming_units, int, "nonconforming_units"
            ),
            units_inspected=_number(units_inspected, int, "units_inspected"),
            items_found=_number(items_found, int, "items_found"),
            depth_cm=_number(depth_cm, float, "depth_cm"),
            version=_number(version, int, "version"),
            who=who,
        )
    except DemineError as exc:
        return _inspection(
            request, db, who, inspection_id, exc.user_message, exc.http_status
        )
    return RedirectResponse(f"/qa/inspections/{inspection_id}", status_code=303)


def _date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise RecordError(
            _("%(text)r is not a date (YYYY-MM-DD)", text=text), field=field
        ) from None


@router.get("/qa/non-conformities/{nc_id}")
def nc_page(request: Request, nc_id: RecordId, db: DbDep, who: User) -> Response:
    return _nc(request, db, who, nc_id)


def _nc(
    request: Request,
    db: Any,
    who: Principal,
    nc_id: int,
    error: str | None = None,
    status: int = 200,
) -> Response:
    nc = get_record(db, "non_conformity", nc_id, who)
    hazard = None
    if nc["reopened_hazard_id"]:
        hazard = _plain(get_record(db, "hazard", nc["reopened_hazard_id"], who))
    own = who.can_review or (
        who.can_write and who.organisation_id == nc["organisation_id"]
    )
    with db.transaction() as conn:
        orgs = organisation_names(conn)
        teams = team_names(conn)
    return render(
        request,
        "qa_nc.html",
        who,
        status_code=status,
        nc=nc,
        organisation=orgs.get(nc["organisation_id"], nc["organisation_id"]),
        team=teams.get(nc["team_id"]) if nc["team_id"] else None,
        hazard=hazard,
        events=history(db, "non_conformity", nc_id),
        may_edit=own and nc["status"] != "closed",
        root_causes=[r.value for r in RootCause],
        severities=[s.value for s in Severity if s is not Severity.NONE],
        error=error,
        today=dt.date.today().isoformat(),
    )


def _nc_action(
    request: Request, db: Any, who: Principal, nc_id: int, csrf: str, act: Any
) -> Response:
    check_csrf(request, csrf)
    try:
        act()
    except DemineError as exc:
        return _nc(request, db, who, nc_id, exc.user_message, exc.http_status)
    return RedirectResponse(f"/qa/non-conformities/{nc_id}", status_code=303)


@router.post("/qa/non-conformities/{nc_id}/update")
def nc_update(
    request: Request,
    nc_id: RecordId,
    db: DbDep,
    who: User,
    csrf_token: Annotated[str, Form()] = "",
    version: Annotated[str, Form(max_length=12)] = "",
    root_cause: Short = "",
    root_cause_detail: Long = "",
    corrective_action: Long = "",
    owner: Short = "",
    due_on: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Root cause, corrective action, owner and due date."""
    changes = {
        "root_cause": root_cause,
        "root_cause_detail": root_cause_detail,
        "corrective_action": corrective_action,
        "owner": owner,
        "due_on": due_on,
    }
    changes = {k: v for k, v in changes.items() if v.strip()}
    return _nc_action(
        request,
        db,
        who,
        nc_id,
        csrf_token,
        lambda: nonconformities.update_non_conformity(
            db, nc_id, changes, version=_number(version, int, "version"), who=who
        ),
    )


@router.post("/qa/non-conformities/{nc_id}/action")
def nc_action(
    request: Request,
    nc_id: RecordId,
    db: DbDep,
    who: User,
    csrf_token: Annotated[str, Form()] = "",
    version: Annotated[str, Form(max_length=12)] = "",
    taken_on: Annotated[str, Form(max_length=10)] = "",
    note: Long = "",
) -> Response:
    return _nc_action(
        request,
        db,
        who,
        nc_id,
        csrf_token,
        lambda: nonconformities.record_action(
            db,
            nc_id,
            taken_on=_date(taken_on, "taken_on"),
            note=note or None,
            version=_number(version, int, "version"),
            who=who,
        ),
    )


@router.post("/qa/non-conformities/{nc_id}/close")
def nc_close(
    request: Request,
    nc_id: RecordId,
    db: DbDep,
    who: User,
    csrf_token: Annotated[str, Form()] = "",
    version: Annotated[str, Form(max_length=12)] = "",
    closed_on: Annotated[str, Form(max_length=10)] = "",
    note: Long = "",
) -> Response:
    return _nc_action(
        request,
        db,
        who,
        nc_id,
        csrf_token,
        lambda: nonconformities.close(
            db,
            nc_id,
            closed_on=_date(closed_on, "closed_on"),
            note=note or None,
            version=_number(version, int, "version"),
            who=who,
        ),
    )


@router.post("/qa/non-conformities/{nc_id}/reopen-land")
def nc_reopen_land(
    request: Request,
    nc_id: RecordId,
    db: DbDep,
    who: User,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    return _nc_action(
        request,
        db,
        who,
        nc_id,
        csrf_token,
        lambda: nonconformities.reopen_land(db, nc_id, who=who),
    )


@router.post("/qa/non-conformities/{nc_id}/reopen")
def nc_reopen(
    request: Request,
    nc_id: RecordId,
    db: DbDep,
    who: User,
    csrf_token: Annotated[str, Form()] = "",
    version: Annotated[str, Form(max_length=12)] = "",
    reason: Long = "",
) -> Response:
    return _nc_action(
        request,
        db,
        who,
        nc_id,
        csrf_token,
        lambda: nonconformities.reopen(
            db, nc_id, reason=reason, version=_number(version, int, "version"), who=who
        ),
    )
