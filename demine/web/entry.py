# SPDX-License-Identifier: GPL-3.0-or-later
"""Data-entry forms: activities with their release products, EO finds,
accidents with their victims, and the edit form of each of these records.

The forms hand what was typed to the same store functions as the JSON API
(:func:`demine.store.review.create_record` and ``update_record``), so the
rules of :mod:`demine.domain.records` decide what is valid, and the message
is shown next to the field it names. A clerk's record is submitted for
review (or kept a draft); a reviewer's or administrator's counts at once.

An activity typed together with its release products, or an accident with
its victims, is checked whole before anything is written: the parent and
every row go through the record rules and the register's references first,
so a bad row leaves the register unchanged.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from demine.analysis.checks import entry_rules
from demine.domain.labels import kind_label, kind_word
from demine.domain.vocab import (
    AccidentType,
    ActivityStatus,
    ActivityType,
    DisposalMethod,
    EOCategory,
    EOCondition,
    Method,
    Outcome,
    ReleaseKind,
    ReviewState,
    Role,
    Sex,
    VictimActivity,
    VictimStatus,
)
from demine.errors import (
    ConflictError,
    FieldProblem,
    NotFoundError,
    PermissionDeniedError,
    RecordError,
    TransitionError,
)
from demine.geo.extent import Extent
from demine.geo.validation import EntryRules
from demine.i18n import N_, _
from demine.serving.deps import ID_MAX, check_csrf
from demine.store import record_links, review
from demine.store.database import Database
from demine.store.editing import (
    KINDS,
    check_references,
    check_release_allowed,
    checked_row,
    first_per_field,
)
from demine.store.listing import MODELS, children_of, get_record
from demine.store.lookups import organisation_names
from demine.store.users import Principal
from demine.web.pages import TEMPLATES, Writer, geometry_input, render

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Field:
    """One input of a form: a register field and how it is typed in."""

    name: str
    widget: str  # text, textarea, number, integer, date, select, ref, polygon, point
    choices: type[StrEnum] | None = None
    required: bool = False
    label: str = ""  # the key of FIELD_LABELS, when not the field name


@dataclass(frozen=True)
class Rows:
    """Records typed on the parent's form: release products, victims."""

    kind: str
    prefix: str
    link: str  # the child's field that points at the parent
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class FormSpec:
    """The form of one kind of record."""

    kind: str
    slug: str
    template: str
    fields: tuple[Field, ...]
    rows: Rows | None = None
    # Query parameters a "new" link may fill in (?hazard_id=7).
    prefill: tuple[str, ...] = field(default_factory=tuple)


RELEASE_FIELDS = (
    Field("kind", "select", ReleaseKind, required=True),
    Field("released_on", "date", required=True),
    Field("depth_cm", "number"),
    Field("reported_area_m2", "number"),
    Field("geom", "polygon", required=True),
)
VICTIM_FIELDS = (
    Field("outcome", "select", Outcome, required=True),
    Field("sex", "select", Sex),
    Field("age", "integer"),
    Field("status", "select", VictimStatus, label="victim_status"),
    Field("activity", "select", VictimActivity),
)
SPECS: dict[str, FormSpec] = {
    spec.kind: spec
    for spec in (
        FormSpec(
            "activity",
            "activities",
            "activity_form.html",
            (
                Field("name", "text"),
                Field("activity_type", "select", ActivityType, required=True),
                Field("status", "select", ActivityStatus, required=True),
                Field("method", "select", Method),
                Field("organisation_id", "organisation"),
                Field("hazard_id", "ref"),
                Field("team_id", "ref"),
                Field("start_date", "date"),
                Field("end_date", "date"),
                Field("team_days", "number"),
                Field("cost_usd", "number"),
            ),
            Rows("release", "releases", "activity_id", RELEASE_FIELDS),
            prefill=("hazard_id",),
        ),
        FormSpec(
            "release",
            "releases",
            "release_form.html",
            (Field("activity_id", "ref"), Field("hazard_id", "ref"), *RELEASE_FIELDS),
            prefill=("activity_id", "hazard_id"),
        ),
        FormSpec(
            "eo_item",
            "eo-items",
            "eo_item_form.html",
            (
                Field("category", "select", EOCategory, required=True),
                Field("quantity", "integer"),
                Field("found_on", "date"),
                Field("depth_cm", "number"),
                Field("condition", "select", EOCondition),
                Field("disposal", "select", DisposalMethod),
                Field("hazard_id", "ref"),
                Field("activity_id", "ref"),
                Field("geom", "point"),
            ),
            prefill=("hazard_id", "activity_id"),
        ),
        FormSpec(
            "accident",
            "accidents",
            "accident_form.html",
            (
                Field("accident_type", "select", AccidentType, required=True),
                Field("occurred_on", "date", required=True),
                Field("hazard_id", "ref"),
                Field("description", "textarea"),
                Field("geom", "point", required=True),
            ),
            Rows("victim", "victims", "accident_id", VICTIM_FIELDS),
            prefill=("hazard_id",),
        ),
        FormSpec(
            "victim",
            "victims",
            "victim_form.html",
            (Field("accident_id", "ref", required=True), *VICTIM_FIELDS),
            prefill=("accident_id",),
        ),
    )
}
# Which kind each reference field points at (for the visibility check).
REFERENCE_KINDS: dict[str, str] = {
    "hazard_id": "hazard",
    "activity_id": "activity",
    "accident_id": "accident",
    "team_id": "team",
}
ROW_KEY = re.compile(r"^(?P<prefix>[a-z]+)-(?P<index>\d{1,3})-(?P<name>[a-z_]+)$")
MAX_ROWS = 50


LINK_TEXTS = {
    "edit": N_("Edit this record"),
    "add_activity": N_("Record an activity on this hazard"),
    "add_eo_item": N_("Record an EO find here"),
    "add_release": N_("Add a release product"),
    "add_victim": N_("Add a victim"),
}
# The label of each input, by Field.label or else Field.name.
FIELD_LABELS = {
    "name": N_("Name"),
    "activity_type": N_("Activity type"),
    "status": N_("Status"),
    "victim_status": N_("Civilian, deminer or military"),
    "method": N_("Method"),
    "organisation_id": N_("Organisation"),
    "hazard_id": N_("Hazardous area"),
    "team_id": N_("Team"),
    "activity_id": N_("Activity"),
    "accident_id": N_("Accident"),
    "start_date": N_("Start date"),
    "end_date": N_("End date"),
    "team_days": N_("Team-days"),
    "cost_usd": N_("Cost (USD)"),
    "kind": N_("Outcome"),
    "released_on": N_("Released on"),
    "depth_cm": N_("Depth (cm)"),
    "reported_area_m2": N_("Reported area (m²)"),
    "geom": N_("Location"),
    "category": N_("Category"),
    "quantity": N_("Quantity"),
    "found_on": N_("Found on"),
    "condition": N_("Condition"),
    "disposal": N_("Disposal"),
    "accident_type": N_("Accident type"),
    "occurred_on": N_("Date of the accident"),
    "description": N_("Description"),
    "outcome": N_("Killed or injured"),
    "sex": N_("Sex"),
    "age": N_("Age (years)"),
    "activity": N_("Activity at the time"),
}
# Headings of each kind's forms: "new" on the menu and the empty form, "edit".
FORM_TITLES = {
    "hazard": {"new": N_("Hazardous area")},
    "activity": {
        "new": N_("Activity (survey, clearance, EOD...) with its release products"),
        "edit": N_("Edit activity %(id)s"),
    },
    "release": {
        "new": N_("Release product"),
        "edit": N_("Edit release product %(id)s"),
    },
    "eo_item": {
        "new": N_("Explosive ordnance find"),
        "edit": N_("Edit EO find %(id)s"),
    },
    "accident": {
        "new": N_("Accident with its victims"),
        "edit": N_("Edit accident %(id)s"),
    },
    "victim": {"new": N_("Victim of an accident"), "edit": N_("Edit victim %(id)s")},
}
# Texts of the rows typed on a parent's form.
ROWS_TEXTS = {
    "release": {
        "title": N_("Release products"),
        "help": N_(
            "Ground this activity cancelled, reduced or cleared on its hazard. "
            "Leave a row blank to skip it."
        ),
        "row": N_("Release product %(n)s"),
        "more": N_("Add another release product"),
    },
    "victim": {
        "title": N_("Victims"),
        "help": N_(
            "One row per person killed or injured. Leave a row blank to skip it."
        ),
        "row": N_("Victim %(n)s"),
        "more": N_("Add another victim"),
    },
}


def field_label(f: Field) -> str:
    """The label of an input, in the page's language."""
    return _(FIELD_LABELS[f.label or f.name])


def key_label(key: str) -> str:
    """The label of the input a form key names (``victims-1-age``: Age)."""
    name = key.rsplit("-", 1)[-1]
    return _(FIELD_LABELS[name]) if name in FIELD_LABELS else name


def form_text(
    table: dict[str, dict[str, str]], kind: str, what: str, **values: object
) -> str:
    """One of the texts above, in the page's language, filled with ``values``."""
    return _(table[kind][what], **values)


def entry_links(
    kind: str, record: Mapping[str, Any], who: Principal | None = None
) -> dict[str, str]:
    """Links the record page offers: edit it (if ``who`` may), add records
    that belong to it."""
    links: dict[str, str] = {}
    spec = SPECS.get(kind)
    if spec is not None and (who is None or _editable_by(who, record)):
        links["edit"] = f"/{spec.slug}/{record['id']}/edit"
    if kind == "hazard":
        links["add_activity"] = f"/activities/new?hazard_id={record['id']}"
        links["add_eo_item"] = f"/eo-items/new?hazard_id={record['id']}"
    elif kind == "activity":
        hazard = record.get("hazard_id")
        suffix = f"&hazard_id={hazard}" if hazard else ""
        links["add_release"] = f"/releases/new?activity_id={record['id']}{suffix}"
        links["add_eo_item"] = f"/eo-items/new?activity_id={record['id']}"
    elif kind == "accident":
        links["add_victim"] = f"/victims/new?accident_id={record['id']}"
    return {_(LINK_TEXTS[key]): href for key, href in links.items()}


def draw_bounds(request: Request) -> str:
    """Where a drawing map opens: the installation's country, as JSON."""
    extent = Extent.parse(request.app.state.settings.extent)
    return json.dumps(list(extent.bounds))


TEMPLATES.env.globals["entry_links"] = entry_links
TEMPLATES.env.globals["field_label"] = field_label
TEMPLATES.env.globals["key_label"] = key_label
TEMPLATES.env.globals["form_title"] = lambda kind, what, **v: form_text(
    FORM_TITLES, kind, what, **v
)
TEMPLATES.env.globals["rows_text"] = lambda kind, what, **v: form_text(
    ROWS_TEXTS, kind, what, **v
)
TEMPLATES.env.globals["draw_bounds"] = draw_bounds
TEMPLATES.env.globals["reference_kind"] = REFERENCE_KINDS.get


# -- reading the form ------------------------------------------------------


class FormError(RecordError):
    """A RecordError addressed to form inputs: each problem names an input's key.

    Shown as a summary at the top of the form and each reason next to its
    input, all at once.
    """

    def __init__(
        self, message: str, key: str = "", problems: Sequence[FieldProblem] = ()
    ) -> None:
        super().__init__(message, field=key or None, problems=problems)
        if len(self.problems) == 1:
            self.user_message = self.problems[0].reason

    @classmethod
    def of(cls, problems: Sequence[FieldProblem]) -> FormError:
        """One error for every problem (the first per input)."""
        kept = first_per_field(problems)
        return cls(kept[0].reason, kept[0].field or "", kept)


@dataclass
class Typed:
    """One row of a nested part as typed: its input prefix and its values."""

    prefix: str
    values: dict[str, str]
    has_file: bool = False


def _text(form: FormData, key: str) -> str:
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


def _has_file(form: FormData, key: str) -> bool:
    value = form.get(key)
    return isinstance(value, UploadFile) and bool(value.filename)


def _values(form: FormData, fields: tuple[Field, ...], prefix: str) -> dict[str, str]:
    """What the person typed, as text, keyed by field name."""
    out: dict[str, str] = {}
    for f in fields:
        if f.widget == "point":
            for part in ("lon", "lat"):
                out[f"{f.name}_{part}"] = _text(form, f"{prefix}{f.name}_{part}")
        else:
            out[f.name] = _text(form, prefix + f.name)
    return out


def _typed_rows(form: FormData, rows: Rows) -> list[Typed]:
    """The nested rows with something typed in (or a file chosen), in order."""
    indices = set()
    for key in form:
        match = ROW_KEY.match(key)
        if match and match["prefix"] == rows.prefix:
            indices.add(int(match["index"]))
    out = []
    for i in sorted(indices)[:MAX_ROWS]:
        prefix = f"{rows.prefix}-{i}-"
        values = _values(form, rows.fields, prefix)
        has_file = any(
            _has_file(form, prefix + f.name + "_file")
            for f in rows.fields
            if f.widget == "polygon"
        )
        if any(values.values()) or has_file:
            out.append(Typed(prefix, values, has_file))
    return out


async def _record(
    form: FormData,
    fields: tuple[Field, ...],
    values: Mapping[str, str],
    form_prefix: str,
    key_prefix: str,
    db: Database,
    who: Principal,
    problems: list[FieldProblem],
) -> dict[str, Any]:
    """The record the typed values make: ids as numbers, geometry as GeoJSON.

    Blank values become None, so an edit can clear an optional field; the
    record rules then say which of them may not be blank. An input that
    cannot be read adds its problem to ``problems`` and is left out.
    """
    row: dict[str, Any] = {}
    for f in fields:
        key = key_prefix + f.name
        try:
            if f.widget == "point":
                row[f.name] = _point(values, f.name, key)
            elif f.widget == "polygon":
                upload = form.get(form_prefix + f.name + "_file")
                chosen = upload if isinstance(upload, UploadFile) else None
                try:
                    # request.form() gives Starlette's UploadFile; FastAPI's
                    # only subclasses it, and geometry_input needs read() only.
                    row[f.name] = await geometry_input(values[f.name], chosen)  # type: ignore[arg-type]
                except RecordError as exc:
                    raise FormError(exc.reason, key) from None
            elif f.widget in ("ref", "organisation"):
                row[f.name] = _reference(values[f.name], f.name, key, db, who)
            else:
                row[f.name] = values[f.name] or None
        except FormError as exc:
            problems.extend(exc.problems)
    return row


def _point(values: Mapping[str, str], name: str, key: str) -> dict[str, Any] | None:
    lon, lat = values[f"{name}_lon"], values[f"{name}_lat"]
    if not lon and not lat:
        return None
    try:
        x, y = float(lon), float(lat)
    except ValueError:
        raise FormError(
            _("give longitude and latitude in decimal degrees"), key
        ) from None
    if not (-180 <= x <= 180 and -90 <= y <= 90):
        raise FormError(
            _("longitude must lie within ±180° and latitude within ±90°"), key
        )
    return {"type": "Point", "coordinates": [x, y]}


# "Kalbajar CHA 0001 (7)": the number a picker writes after the name.
REF_NUMBER = re.compile(r"\(\s*(?:#|№|No\.)?\s*(\d{1,10})\s*\)\s*$")


def _reference(
    text: str, name: str, key: str, db: Database, who: Principal
) -> int | None:
    """The record a reference input names: by its number, the number in
    brackets a picker writes after the name, or an exact name. An unknown,
    ambiguous or hidden one is refused."""
    if not text:
        return None
    target = REFERENCE_KINDS.get(name)
    bracketed = REF_NUMBER.search(text)
    if text.isdigit() or bracketed:
        digits = text if text.isdigit() else bracketed.group(1)  # type: ignore[union-attr]
        value = int(digits)
        if not 1 <= value <= ID_MAX:
            raise FormError(_("give the record's number (a whole number)"), key)
    elif target is not None:
        value = _by_name(text, target, key, db, who)
    else:
        raise FormError(_("give the record's number (a whole number)"), key)
    if target is not None:
        try:
            get_record(db, target, value, who)
        except NotFoundError:
            raise FormError(
                _("no %(kind)s with id %(id)s", kind=kind_word(target), id=value), key
            ) from None
    return value


def _by_name(text: str, kind: str, key: str, db: Database, who: Principal) -> int:
    """The one record of ``kind`` called ``text`` (letter case aside)."""
    same = [
        found["id"]
        for found in record_links.search(db, kind, text, who, limit=10)
        if found["name"].casefold() == text.casefold()
    ]
    if len(same) == 1:
        return int(same[0])
    if not same:
        raise FormError(
            _(
                "no %(kind)s is called “%(name)s”: type a few letters of its name "
                "or its number and choose it from the list",
                kind=kind_word(kind),
                name=text,
            ),
            key,
        )
    raise FormError(
        _(
            "%(count)s records are called “%(name)s”: choose one from the list",
            count=len(same),
            name=text,
        ),
        key,
    )


def _named_references(
    spec: FormSpec, values: Mapping[str, Any], db: Database, who: Principal
) -> dict[str, Any]:
    """``values`` with each reference given as a number shown as the
    picker shows it: "Name (7)"."""
    shown = dict(values)
    wanted: dict[str, set[int]] = {}
    for f in spec.fields:
        target = REFERENCE_KINDS.get(f.name)
        value = str(values.get(f.name) or "")
        if f.widget == "ref" and target and value.isdigit():
            wanted.setdefault(target, set()).add(int(value))
    names = record_links.names(db, wanted, who)
    for f in spec.fields:
        target = REFERENCE_KINDS.get(f.name)
        value = str(values.get(f.name) or "")
        if target and value.isdigit() and (target, int(value)) in names:
            name = names[(target, int(value))] or kind_label(target)
            shown[f.name] = f"{name} ({value})"
    return shown


def _checked_row(
    db: Database,
    kind: str,
    row: Mapping[str, Any],
    key_prefix: str,
    problems: Sequence[FieldProblem] = (),
) -> dict[str, Any]:
    """Run the record rules and reference checks the store will run on ``row``.

    ``problems`` (inputs that could not be read) are reported with the
    rules' own, in one FormError.
    """
    _model, check, dated = KINDS[kind]
    data = {k: v for k, v in row.items() if v is not None}
    try:
        data = review.client_fields(data, kind)
        clean = checked_row(
            kind,
            check,
            dated,
            data,
            "(new)",
            dt.date.today(),
            problems=review.shape_problems(data),
        )
        with db.session() as session:
            check_references(session, kind, clean, 1)
            if kind == "release":
                check_release_allowed(session, clean)
    except RecordError as exc:
        raise _readdressed(exc, key_prefix, problems) from None
    if problems:
        raise FormError.of(problems)
    return clean


def _readdressed(
    exc: RecordError, key_prefix: str, earlier: Sequence[FieldProblem] = ()
) -> FormError:
    """The errors of the record rules, addressed to the inputs they are about."""
    if isinstance(exc, TransitionError):
        # The hazard's status forbids the release: point at the hazard chosen.
        return FormError.of([*earlier, FieldProblem("hazard_id", exc.reason)])
    if isinstance(exc, FormError):
        return FormError.of([*earlier, *exc.problems])
    found = [
        FieldProblem(key_prefix + p.field if p.field else None, p.reason)
        for p in exc.problems
    ]
    return FormError.of([*earlier, *found])


def _organisations(db: Database) -> list[tuple[int, str]]:
    with db.transaction() as conn:
        return organisation_names(conn)


def _editable_by(who: Principal, record: Mapping[str, Any]) -> bool:
    """The rule of ``review.update_record``: clerks edit their own, unapproved."""
    if not who.can_write:
        return False
    return who.role is not Role.CLERK or (
        record.get("reported_by_id") == who.organisation_id
        and record.get("review_state") != ReviewState.APPROVED.value
    )


def _may_edit(who: Principal, record: Mapping[str, Any]) -> None:
    if not _editable_by(who, record):
        raise PermissionDeniedError(_("you may not edit this record"))


# -- showing the form -------------------------------------------------------


def _show(
    request: Request,
    spec: FormSpec,
    who: Principal,
    values: Mapping[str, Any],
    rows: list[dict[str, str]],
    error: Exception | None = None,
    record_id: int | None = None,
    status_code: int = 200,
) -> Response:
    db: Database = request.app.state.db
    return render(
        request,
        spec.template,
        who,
        status_code=status_code,
        spec=spec,
        values=_named_references(spec, values, db, who),
        rows=rows,
        error=error,
        record_id=record_id,
        children=_children(db, spec, record_id, who) if record_id else [],
        organisations=_organisations(db) if spec.kind == "activity" else [],
        bounds=draw_bounds(request),
        action=f"/{spec.slug}/{record_id}/edit" if record_id else f"/{spec.slug}/new",
    )


def _blank(fields: tuple[Field, ...]) -> dict[str, str]:
    return dict.fromkeys(_values(FormData(), fields, ""), "")


def _children(
    db: Database, spec: FormSpec, record_id: int, who: Principal
) -> list[dict[str, Any]]:
    """The records typed on this one's form that belong to it, ``who`` sees."""
    if spec.rows is None:
        return []
    return children_of(db, spec.rows.kind, spec.rows.link, record_id, who, MAX_ROWS)


def _new_form(spec: FormSpec) -> Callable[..., Response]:
    def new_form(request: Request, who: Writer) -> Response:
        values = _blank(spec.fields)
        for name in spec.prefill:
            given = request.query_params.get(name, "")
            values[name] = given if given.isdigit() else ""
        if spec.kind == "activity" and who.role is Role.CLERK:
            values["organisation_id"] = str(who.organisation_id or "")
        if spec.kind == "eo_item":
            values["quantity"] = "1"
        rows = [_blank(spec.rows.fields)] if spec.rows else []
        return _show(request, spec, who, values, rows)

    return new_form


def _new_post(spec: FormSpec) -> Callable[..., Awaitable[Response]]:
    async def new_post(request: Request, who: Writer) -> Response:
        form = await request.form()
        check_csrf(request, _text(form, "csrf_token"))
        db: Database = request.app.state.db
        values = _values(form, spec.fields, "")
        if spec.kind == "activity" and who.role is Role.CLERK:
            # A clerk reports for their own organisation only.
            values["organisation_id"] = str(who.organisation_id or "")
        typed = _typed_rows(form, spec.rows) if spec.rows else []
        rows = [t.values for t in typed]
        more = bool(_text(form, "more"))
        if spec.rows is not None and (more or not rows):
            rows.append(_blank(spec.rows.fields))
        if more:
            return _show(request, spec, who, values, rows)
        try:
            rules = entry_rules(request.app.state.settings)
            made = await _create(spec, form, values, typed, db, who, rules)
        except RecordError as exc:
            return _show(request, spec, who, values, rows, exc, status_code=422)
        return RedirectResponse(f"/records/{spec.kind}/{made}", status_code=303)

    return new_post


async def _create(
    spec: FormSpec,
    form: FormData,
    values: dict[str, str],
    typed: list[Typed],
    db: Database,
    who: Principal,
    rules: EntryRules,
) -> int:
    """Check the record and its rows whole, then write them; the parent's id.

    Every problem of the parent and of its rows is reported at once.
    """
    found: list[FieldProblem] = []
    read: list[FieldProblem] = []
    parent = await _record(form, spec.fields, values, "", "", db, who, read)
    if spec.kind == "release" and parent.get("hazard_id") is None:
        # A release product of an activity releases the activity's hazard.
        activity = parent.get("activity_id")
        if activity is not None:
            parent["hazard_id"] = get_record(db, "activity", activity, who).get(
                "hazard_id"
            )
    _collect(found, _checked_row, db, spec.kind, parent, "", read)
    children: list[dict[str, Any]] = []
    if spec.rows is not None:
        for n, row in enumerate(typed):
            key_prefix = f"{spec.rows.prefix}-{n}-"
            read = []
            child = await _record(
                form,
                spec.rows.fields,
                row.values,
                row.prefix,
                key_prefix,
                db,
                who,
                read,
            )
            if spec.rows.kind == "release":
                if parent.get("hazard_id") is None:
                    found.append(
                        FieldProblem(
                            "hazard_id",
                            _(
                                "release products need the hazard the activity "
                                "worked on"
                            ),
                        )
                    )
                    continue
                child["hazard_id"] = parent["hazard_id"]
            # The parent does not exist yet: the row is checked without its link.
            _collect(found, _checked_row, db, spec.rows.kind, child, key_prefix, read)
            children.append(child)
    if found:
        raise FormError.of(found)
    submit = _text(form, "save") != "draft"
    groups = []
    if spec.rows is not None:
        rows = [_present(child) for child in children]
        groups.append(review.Children(spec.rows.kind, spec.rows.link, rows))
    # One transaction: a row the store refuses after all leaves nothing behind.
    made = review.create_record(
        db,
        spec.kind,
        _present(parent),
        who,
        submit=submit,
        children=groups,
        rules=rules,
    )
    return int(made["id"])


def _collect(found: list[FieldProblem], check: Callable[..., Any], *args: Any) -> None:
    """Run ``check``; add the problems of the FormError it raises to ``found``."""
    try:
        check(*args)
    except FormError as exc:
        found.extend(exc.problems)


def _present(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if v is not None}


def _stored_values(spec: FormSpec, record: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in spec.fields:
        value = record.get(f.name)
        if f.widget == "point":
            coords = (value or {}).get("coordinates") or ["", ""]
            values[f"{f.name}_lon"] = str(coords[0])
            values[f"{f.name}_lat"] = str(coords[1])
        elif f.widget == "polygon":
            values[f.name] = json.dumps(value) if value else ""
        else:
            values[f.name] = "" if value is None else str(value)
    values["version"] = record["version"]
    return values


def _edit_form(spec: FormSpec) -> Callable[..., Response]:
    def edit_form(request: Request, record_id: int, who: Writer) -> Response:
        db: Database = request.app.state.db
        record = get_record(db, spec.kind, _id(record_id), who)
        _may_edit(who, record)
        values = _stored_values(spec, record)
        return _show(request, spec, who, values, [], record_id=record_id)

    return edit_form


def _edit_post(spec: FormSpec) -> Callable[..., Awaitable[Response]]:
    async def edit_post(request: Request, record_id: int, who: Writer) -> Response:
        """Save an edit made from ``version``; a conflict shows what is stored."""
        form = await request.form()
        check_csrf(request, _text(form, "csrf_token"))
        db: Database = request.app.state.db
        record_id = _id(record_id)
        values: dict[str, Any] = _values(form, spec.fields, "")
        version = _text(form, "version")
        values["version"] = version
        if spec.kind == "activity" and who.role is Role.CLERK:
            values["organisation_id"] = str(who.organisation_id or "")
        try:
            if not version.isdigit() or not 1 <= int(version) <= ID_MAX:
                raise FormError(_("the form has no valid version; reload it"), "")
            read: list[FieldProblem] = []
            typed = await _record(form, spec.fields, values, "", "", db, who, read)
            if read:
                raise FormError.of(read)
            changes = _editable(spec, typed)
            try:
                review.update_record(
                    db, spec.kind, record_id, changes, int(version), who
                )
            except RecordError as exc:
                raise _readdressed(exc, "") from None
        except (RecordError, ConflictError) as exc:
            if isinstance(exc, ConflictError) and exc.current:
                # Offer the stored version, so saving again is a deliberate choice.
                values["version"] = exc.current["version"]
            return _show(
                request,
                spec,
                who,
                values,
                [],
                exc,
                record_id=record_id,
                status_code=exc.http_status,
            )
        return RedirectResponse(f"/records/{spec.kind}/{record_id}", status_code=303)

    return edit_post


def _editable(spec: FormSpec, changes: dict[str, Any]) -> dict[str, Any]:
    """Drop blanks of optional fields the register cannot store empty.

    Such a column has a default instead (a victim's sex is "unknown"); a
    blank there keeps the stored value rather than break the record.
    """
    table = MODELS[spec.kind].__table__
    required = {f.name for f in spec.fields if f.required}
    return {
        k: v
        for k, v in changes.items()
        if v is not None or k in required or table.c[k].nullable
    }


def _id(record_id: int) -> int:
    if not 1 <= record_id <= ID_MAX:
        raise NotFoundError(_("no record with id %(record_id)s", record_id=record_id))
    return record_id


def new_menu(request: Request, who: Writer) -> Response:
    """The "New record" page: which kinds of record a writer can add here."""
    kinds = [("hazard", "/hazards/new")] + [
        (s.kind, f"/{s.slug}/new") for s in SPECS.values() if s.kind != "victim"
    ]
    return render(request, "entry_menu.html", who, kinds=kinds)


router.add_api_route("/new", new_menu, methods=["GET"])
for _spec in SPECS.values():
    router.add_api_route(f"/{_spec.slug}/new", _new_form(_spec), methods=["GET"])
    router.add_api_route(f"/{_spec.slug}/new", _new_post(_spec), methods=["POST"])
    router.add_api_route(
        f"/{_spec.slug}/{{record_id}}/edit", _edit_form(_spec), methods=["GET"]
    )
    router.add_api_route(
        f"/{_spec.slug}/{{record_id}}/edit", _edit_post(_spec), methods=["POST"]
    )
