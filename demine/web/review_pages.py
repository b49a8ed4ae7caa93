# SPDX-License-Identifier: GPL-3.0-or-later
"""The review queue as a reviewer reads it, and a clerk's own submissions.

Each waiting record shows its name, kind, who submitted it for which
organisation and how long ago, a small map, the records submitted with it,
and what changed since the version last approved. Approving or rejecting
takes the record and those children in one transaction
(:mod:`demine.store.review_family`); the next page says what was done.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import Annotated, Any

from babel.dates import format_timedelta
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from jinja2 import pass_context
from markupsafe import Markup

from demine.domain.labels import field_value, kind_label
from demine.errors import DemineError
from demine.i18n import _, ngettext
from demine.i18n import numbers as fmt
from demine.i18n.language import current_language
from demine.serving.deps import DbDep, RecordId, Reviewer, User, check_csrf
from demine.store import record_links
from demine.store.database import Database
from demine.store.review_context import (
    Changes,
    QueueItem,
    header_count,
    my_submissions,
    review_queue,
)
from demine.store.review_family import Reviewed, review_family
from demine.store.users import Principal
from demine.web import record_view as view
from demine.web.pages import TEMPLATES, render
from demine.web.sketch import Shape, sketch

router = APIRouter(include_in_schema=False)
NOTICE = "review_notice"
#: The date that says best when each kind of record happened.
DATES = {
    "accident": "occurred_on",
    "release": "released_on",
    "eo_item": "found_on",
    "activity": "start_date",
}
GEOMETRY = frozenset({"geom", "benchmark", "location"})


def record_name(kind: str, record: Mapping[str, Any]) -> str:
    """A record as a person names it: its name, else its kind and date."""
    name = record.get("name") or record.get("full_name") or record.get("title")
    if name:
        return str(name)
    if kind == "victim":
        return _victim_name(record)
    day = record.get(DATES.get(kind, ""))
    if isinstance(day, str) and day:
        try:
            when = fmt.date(dt.date.fromisoformat(day[:10]))
        except ValueError:
            when = day
        return _("%(kind)s of %(date)s", kind=kind_label(kind), date=when)
    if record.get("external_id"):
        return str(record["external_id"])
    return _("%(kind)s %(id)s", kind=kind_label(kind), id=record["id"])


def _victim_name(record: Mapping[str, Any]) -> str:
    """ "Injured, female, age 9": what a victim's record says of them."""
    parts = [
        str(field_value("victim", key, record[key]))
        for key in ("outcome", "sex")
        if record.get(key) and record.get(key) != "unknown"
    ]
    if record.get("age") is not None:
        parts.append(_("age %(age)s", age=record["age"]))
    if not parts:
        return _("%(kind)s %(id)s", kind=kind_label("victim"), id=record["id"])
    text = ", ".join(parts)
    return text[:1].upper() + text[1:]


def time_ago(moment: str | dt.datetime | None, now: dt.datetime | None = None) -> str:
    """How long ago ``moment`` was, in the reader's language ("3 hours ago")."""
    if not moment:
        return fmt.MISSING
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    delta = moment - (now or dt.datetime.now(dt.UTC))
    if abs(delta) < dt.timedelta(minutes=1):
        return _("just now")
    return format_timedelta(
        delta, add_direction=True, format="long", locale=current_language()
    )


def children_text(children: list[tuple[str, Any]]) -> str:
    """ "2 victims", "3 releases and 1 find": the records reviewed with one."""
    counts = Counter(kind for kind, _rec in children)
    parts = []
    for kind, n in counts.items():
        num = fmt.number(n)
        if kind == "victim":
            parts.append(ngettext("%(num)s victim", "%(num)s victims", n, num=num))
        elif kind == "release":
            parts.append(ngettext("%(num)s release", "%(num)s releases", n, num=num))
        elif kind == "eo_item":
            parts.append(ngettext("%(num)s EO find", "%(num)s EO finds", n, num=num))
        else:
            parts.append(f"{num} {kind_label(kind, plural=True)}")
    return fmt.both(parts)


def _notice(action: str, done: Reviewed) -> str:
    name = record_name(done.kind, done.record)
    named = done.record.get("name") or done.record.get("title")
    # A record without a name is already called by its kind ("Accident of …").
    what = (
        _("%(kind)s “%(name)s”", kind=kind_label(done.kind), name=name)
        if named
        else name
    )
    if done.children:
        what = _(
            "%(record)s and %(children)s",
            record=what,
            children=children_text(done.children),
        )
    if action == "approve":
        return _("Approved: %(what)s", what=what)
    if action == "reject":
        return _("Rejected: %(what)s", what=what)
    return _("Submitted for review: %(what)s", what=what)


def _changes(kind: str, changes: Changes, names: view.Names, unit: str) -> list[Markup]:
    lines = []
    for change in changes.fields:
        if change.field in view.HIDDEN and change.field not in GEOMETRY:
            continue
        if change.field in GEOMETRY:
            lines.append(
                Markup("{}: {}").format(view.label(change.field), _("redrawn"))
            )
            continue
        old = view.show(kind, change.field, change.old, names, unit) or _("nothing")
        new = view.show(kind, change.field, change.new, names, unit) or _("nothing")
        lines.append(Markup("{}: {} → {}").format(view.label(change.field), old, new))
    return lines


def _thumbnail(item: QueueItem) -> Markup | None:
    shapes = []
    geom = item.record.get("geom") or item.record.get("location")
    name = record_name(item.kind, item.record)
    if item.hazard and item.hazard.get("geom"):
        hazard = item.hazard
        shapes.append(Shape(hazard["geom"], "context", view.title("hazard", hazard)))
    if geom:
        shapes.append(Shape(geom, "record", name))
    for kind, rec in item.children:
        if rec.get("geom"):
            style = f"release-{rec.get('kind')}" if kind == "release" else kind
            shapes.append(Shape(rec["geom"], style, record_name(kind, rec)))
    return sketch(shapes, _("Map of %(name)s", name=name))


def _where(item: QueueItem, names: view.Names) -> str | None:
    """The settlement or district the record lies in, and its hazard."""
    parts = []
    for key in ("settlement_id", "admin_area_id"):
        place = names.known.get(("place", item.record.get(key) or 0))
        if place:
            parts.append(place)
            break
    if item.hazard:
        parts.append(_("in %(hazard)s", hazard=view.title("hazard", item.hazard)))
    return " · ".join(parts) or None


def queue_rows(
    db: Database, who: Principal, unit: str
) -> tuple[list[dict[str, Any]], int]:
    """The queue as the page shows it, and how many records wait in all."""
    queue = review_queue(db, who)
    items = queue.items
    rows: list[dict[str, Any]] = [item.record for item in items]
    for item in items:
        rows += [rec for _kind, rec in item.children]
        rows += [{c.field: c.old} for c in item.changes.fields]
    names = view.Names(record_links.names(db, view.wanted_references(rows), who))
    rows_shown = [
        {
            "kind": item.kind,
            "id": item.id,
            "version": item.version,
            "name": record_name(item.kind, item.record),
            "submitter": item.submitter,
            "organisation": item.organisation,
            "ago": time_ago(item.record.get("updated_at")),
            "at": item.record.get("updated_at"),
            "since": item.changes.since,
            "changes": _changes(item.kind, item.changes, names, unit),
            "children": [
                {
                    "kind": kind,
                    "id": rec["id"],
                    "version": rec["version"],
                    "name": record_name(kind, rec),
                }
                for kind, rec in item.children
            ],
            "children_text": children_text(item.children),
            "where": _where(item, names),
            "thumbnail": _thumbnail(item),
        }
        for item in items
    ]
    return rows_shown, queue.total


@router.get("/review")
def review_page(request: Request, db: DbDep, who: Reviewer) -> Response:
    return _queue_page(request, db, who)


def _queue_page(
    request: Request,
    db: Database,
    who: Principal,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    notice = request.session.pop(NOTICE, None)
    queue, total = queue_rows(db, who, view.area_unit(request))
    return render(
        request,
        "review.html",
        who,
        status_code=status_code,
        queue=queue,
        total=total,
        notice=notice,
        error=error,
    )


@router.post("/review/{kind}/{record_id}/{action}")
async def review_post(
    request: Request,
    kind: str,
    record_id: RecordId,
    action: str,
    db: DbDep,
    who: Reviewer,
    csrf_token: Annotated[str, Form()] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    version: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
) -> Response:
    """Approve or reject the record and the children the reviewer was shown,
    all or nothing; the queue then says what was done, or every problem."""
    check_csrf(request, csrf_token)
    form = await request.form()
    # The queue names the children it showed; a record's own page lists its
    # children too but sends none: they are taken as stored.
    seen = _seen(form.getlist("child")) if form.get("shown_children") else None
    try:
        done = review_family(
            db, kind, record_id, action, who, reason=reason, version=version, seen=seen
        )
    except DemineError as exc:
        if exc.http_status not in (409, 422):
            raise
        return _queue_page(
            request, db, who, error=exc.user_message, status_code=exc.http_status
        )
    request.session[NOTICE] = _notice(action, done)
    return RedirectResponse("/review", status_code=303)


def _seen(values: list[Any]) -> dict[tuple[str, int], int]:
    """``kind:id:version`` of each child the page showed."""
    out: dict[tuple[str, int], int] = {}
    for value in values:
        parts = str(value).split(":")
        if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
            out[(parts[0], int(parts[1]))] = int(parts[2])
    return out


@router.get("/my-submissions")
def my_submissions_page(request: Request, db: DbDep, who: User) -> Response:
    """A clerk's organisation's records: their review state and why one was
    rejected."""
    rows = [
        {
            "kind": s.kind,
            "id": s.record["id"],
            "name": record_name(s.kind, s.record),
            "state": s.record["review_state"],
            "ago": time_ago(s.record.get("updated_at")),
            "at": s.record.get("updated_at"),
            "reason": s.reason,
        }
        for s in my_submissions(db, who)
    ]
    return render(request, "my_submissions.html", who, submissions=rows)


@pass_context
def _header_count(context: Any) -> int:
    who = context.get("user")
    request = context.get("request")
    if who is None or request is None or not isinstance(who, Principal):
        return 0
    return header_count(request.app.state.db, who)


TEMPLATES.env.globals["header_count"] = _header_count
