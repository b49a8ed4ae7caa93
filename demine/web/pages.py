# SPDX-License-Identifier: GPL-3.0-or-later
"""Server-rendered pages: login, map, record, new hazard, review queue.

Every form post carries the session's CSRF token; pages call the same store
functions as the JSON API.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from demine.analysis.checks import (
    CheckOptions,
    entry_rules,
    record_doubts,
    validate_database,
)
from demine.attachments.blobs import blob_store
from demine.attachments.records import attach, attachments_of, with_warning
from demine.domain import labels
from demine.domain.labels import kind_label, label, label_of
from demine.domain.vocab import (
    HazardClass,
    HazardStatus,
    Method,
    ReviewState,
)
from demine.errors import (
    AuthenticationError,
    ConflictError,
    DemineError,
    FieldProblem,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RecordError,
)
from demine.i18n import LANGUAGES, _
from demine.i18n.jinja import install
from demine.quality.labels import QUALITY_VOCABULARIES
from demine.serving.deps import (
    DbDep,
    MaybeUser,
    RecordId,
    Reviewer,
    User,
    check_csrf,
    csrf_token,
    log_in,
    log_out,
)
from demine.serving.language import SESSION_KEY
from demine.store import record_links, review
from demine.store.audit import history
from demine.store.listing import get_record
from demine.store.users import Principal
from demine.web import record_view as view
from demine.web.record_view import area_unit
from demine.web.sketch import middle, sketch

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
install(TEMPLATES.env)
TEMPLATES.env.globals.update(
    label=label,
    label_of=label_of,
    kind_label=kind_label,
    record_field=labels.field_label,
    field_value=labels.field_value,
    action_label=labels.action_label,
    rule_label=labels.rule_label,
    area=view.area,
    HazardClass=HazardClass,
    HazardStatus=HazardStatus,
    Method=Method,
    ReviewState=ReviewState,
    **QUALITY_VOCABULARIES,
)

router = APIRouter(include_in_schema=False)


def require_writer(who: User) -> Principal:
    if not who.can_write:
        raise PermissionDeniedError(_("viewers cannot add or edit records"))
    return who


Writer = Annotated[Principal, Depends(require_writer)]
FINDINGS_SHOWN = 500


def render(
    request: Request,
    name: str,
    who: Any = None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    context.update(user=who, csrf=csrf_token(request), request=request)
    settings = request.app.state.settings
    context.setdefault("tile_url", settings.tile_url)
    context.setdefault("area_unit", area_unit(request))
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status_code)


def error_page(status: int, message: str) -> HTMLResponse:
    """A plain error page with a safe message (no request context needed)."""
    html = TEMPLATES.get_template("error.html").render(status=status, message=message)
    return HTMLResponse(html, status_code=status)


def safe_next(target: str | None) -> str:
    """The path to go on to, if it stays on this site, else the map."""
    # Only same-site paths, so the login form cannot bounce users elsewhere.
    # ("/\\host" is "//host" to a browser.)
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/map"


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/map", status_code=303)


@router.get("/login")
def login_form(request: Request, who: MaybeUser, next: str | None = None) -> Response:
    return render(request, "login.html", who, next=safe_next(next))


@router.post("/login")
def login_post(
    request: Request,
    username: Annotated[str, Form(max_length=80)],
    password: Annotated[str, Form(max_length=200)],
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/map",
) -> Response:
    check_csrf(request, csrf_token)
    try:
        who = log_in(request, username, password)
    except (AuthenticationError, RateLimitError) as exc:
        return render(
            request,
            "login.html",
            error=exc.user_message,
            next=safe_next(next),
            status_code=exc.http_status,
        )
    if who.must_change_password:
        return RedirectResponse("/account/password", status_code=303)
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
def logout_post(
    request: Request, csrf_token: Annotated[str, Form()] = ""
) -> RedirectResponse:
    check_csrf(request, csrf_token)
    # The language chosen stays for the login page and the next user.
    language = request.session.get(SESSION_KEY)
    log_out(request)
    if language in LANGUAGES:
        request.session[SESSION_KEY] = language
    return RedirectResponse("/login", status_code=303)


@router.get("/records/{kind}/{record_id}")
def record_page(
    request: Request, kind: str, record_id: RecordId, db: DbDep, who: User
) -> Response:
    """A record as people read it: labels, names, units, its drawing, what
    belongs to it and what happened to it."""
    record = get_record(db, kind, record_id, who)
    geometry = {k: record.pop(k) for k in ("geom", "benchmark") if k in record}
    shape = geometry.get("geom") or record.get("location")
    rules = entry_rules(request.app.state.settings)
    unit = area_unit(request)
    groups = record_links.linked(db, kind, record_id, who)
    events = history(db, kind, record_id)
    context = _hazard_of(db, kind, record, who)
    rows = [record, *(e.get("before") or {} for e in events)]
    rows += [e.get("after") or {} for e in events]
    rows += [row for group in groups for row in group.rows]
    names = view.Names(record_links.names(db, view.wanted_references(rows), who))
    said, kept = view.facts(kind, record, names, unit)
    shapes = view.sketch_shapes(kind, record, shape, groups, context)
    return render(
        request,
        "record.html",
        who,
        kind=kind,
        record=record,
        heading=view.title(kind, record),
        said=said,
        kept=kept,
        linked=view.linked_tables(groups, names, unit),
        drawing=sketch(shapes, _("Map of %(name)s", name=view.title(kind, record))),
        drawn_kinds=sorted({s.style for s in shapes}),
        map_at=middle(shape),
        area_unit=unit,
        has_area=any(k.endswith("_m2") and v is not None for k, v in record.items()),
        geometry=json.dumps(geometry.get("geom")),
        events=view.audit_lines(kind, events, names, unit),
        reason=review.last_rejection(db, kind, record_id),
        doubts=[f.message for f in record_doubts(rules, kind, geometry.get("geom"))],
        attachments=[
            with_warning(a, request.app.state.settings)
            for a in attachments_of(db, kind, record_id, who)
        ],
    )


def _hazard_of(
    db: Any, kind: str, record: dict[str, Any], who: Principal
) -> dict[str, Any] | None:
    """The hazard a release, find or accident lies in, for its drawing."""
    hazard_id = record.get("hazard_id")
    if kind == "hazard" or not isinstance(hazard_id, int):
        return None
    try:
        hazard = get_record(db, "hazard", hazard_id, who)
    except NotFoundError:
        return None
    return {"kind": "hazard", **hazard}


@router.post("/records/{kind}/{record_id}/attachments")
async def attach_post(
    request: Request,
    kind: str,
    record_id: RecordId,
    db: DbDep,
    who: User,
    file: Annotated[UploadFile, File()],
    caption: Annotated[str, Form(max_length=2000)] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Attach a file from the record page; errors come back as the error page."""
    check_csrf(request, csrf_token)
    settings = request.app.state.settings
    data = await file.read(settings.max_attachment_bytes + 1)
    attach(
        db,
        blob_store(settings, db),
        kind,
        record_id,
        file.filename or "file",
        data,
        who,
        max_bytes=settings.max_attachment_bytes,
        caption=caption or None,
    )
    return RedirectResponse(f"/records/{kind}/{record_id}", status_code=303)


@router.get("/hazards/new")
def new_hazard_form(request: Request, who: Writer) -> Response:
    return _hazard_form(request, who, {}, None)


def _hazard_form(
    request: Request,
    who: Any,
    values: dict[str, Any],
    error: DemineError | None,
    status_code: int = 200,
    record_id: int | None = None,
) -> Response:
    return render(
        request,
        "hazard_new.html",
        who,
        status_code=status_code,
        values=values,
        error=error,
        record_id=record_id,
        classes=list(HazardClass),
        statuses=list(HazardStatus),
    )


@router.get("/hazards/{record_id}/edit")
def edit_hazard_form(
    request: Request, record_id: RecordId, db: DbDep, who: Writer
) -> Response:
    record = get_record(db, "hazard", record_id, who)
    values = {k: record.get(k) for k in ("name", "hazard_class", "status", "version")}
    values["geom"] = json.dumps(record.get("geom"))
    return _hazard_form(request, who, values, None, record_id=record_id)


@router.post("/hazards/{record_id}/edit")
async def edit_hazard_post(
    request: Request,
    record_id: RecordId,
    db: DbDep,
    who: User,
    version: Annotated[int, Form(ge=1, le=2**31 - 1)],
    csrf_token: Annotated[str, Form()] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    hazard_class: Annotated[str, Form(max_length=32)] = "",
    status: Annotated[str, Form(max_length=32)] = "",
    geom: Annotated[str, Form()] = "",
) -> Response:
    """Save an edit made from ``version``; a conflict shows what is stored now."""
    check_csrf(request, csrf_token)
    values: dict[str, Any] = {
        "name": name,
        "hazard_class": hazard_class,
        "status": status,
        "version": version,
    }
    try:
        changes = {k: v for k, v in values.items() if k != "version" and v}
        changes["geom"] = await geometry_input(geom, None)
        review.update_record(db, "hazard", record_id, changes, version, who)
    except (RecordError, ConflictError) as exc:
        values["geom"] = geom
        if isinstance(exc, ConflictError) and exc.current:
            # Offer the stored version, so saving again is a deliberate choice.
            values["version"] = exc.current["version"]
        return _hazard_form(request, who, values, exc, exc.http_status, record_id)
    return RedirectResponse(f"/records/hazard/{record_id}", status_code=303)


@router.post("/hazards/new")
async def new_hazard_post(
    request: Request,
    db: DbDep,
    who: User,
    csrf_token: Annotated[str, Form()] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    hazard_class: Annotated[str, Form(max_length=32)] = "",
    status: Annotated[str, Form(max_length=32)] = "open",
    geom: Annotated[str, Form()] = "",
    upload: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Submit a hazard drawn as GeoJSON text or uploaded as a GeoJSON file.

    Every problem of the form is shown at once, each next to its field. The
    form asks for a name (a record people look for on the map and in the
    review queue needs one); a name of spaces is no name.
    """
    check_csrf(request, csrf_token)
    values: dict[str, Any] = {
        "name": name,
        "hazard_class": hazard_class,
        "status": status,
    }
    problems: list[FieldProblem] = []
    if not name.strip():
        problems.append(FieldProblem("name", _("is required: give the hazard a name")))
    try:
        try:
            values["geom"] = await geometry_input(geom, upload)
        except RecordError as exc:
            problems.append(FieldProblem("geom", exc.reason))
            values["geom"] = None
        row = {k: v for k, v in values.items() if v not in ("", None)}
        record = review.create_record(
            db,
            "hazard",
            row,
            who,
            rules=entry_rules(request.app.state.settings),
            problems=problems,
        )
    except RecordError as exc:
        values["geom"] = geom
        return _hazard_form(request, who, values, exc, status_code=422)
    return RedirectResponse(f"/records/hazard/{record['id']}", status_code=303)


async def geometry_input(text: str, upload: UploadFile | None) -> Any:
    """The geometry from the upload if any, else the text; GeoJSON either way."""
    if upload is not None and upload.filename:
        text = (await upload.read()).decode("utf-8", errors="replace")
    if not text.strip():
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecordError(
            _("not GeoJSON: %(msg)s", msg=exc.msg), field="geom"
        ) from None
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        data = (data.get("features") or [{}])[0]
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = data.get("geometry")
    if not isinstance(data, dict):
        raise RecordError(_("give a GeoJSON geometry"), field="geom")
    return data


@router.get("/findings")
def findings_page(request: Request, who: Reviewer) -> Response:
    return render(request, "findings.html", who, findings=None)


@router.post("/findings")
def findings_run(
    request: Request,
    db: DbDep,
    who: Reviewer,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Run every validation rule (and refresh the ledger) and list the findings."""
    check_csrf(request, csrf_token)
    options = CheckOptions.from_settings(request.app.state.settings)
    found = validate_database(db, options).findings
    return render(
        request,
        "findings.html",
        who,
        findings=[f.as_dict() for f in found[:FINDINGS_SHOWN]],
        total=len(found),
    )
