# SPDX-License-Identifier: GPL-3.0-or-later
"""A record as its page shows it: labels, names and units instead of codes.

Every field is called by its catalogue label, vocabulary values by theirs
(``ap_mine``: "Anti-personnel mines"), references by the name of the record
they point at (with a link), areas in hectares or square metres as the
reader chose, dates and numbers as the language writes them. The audit
trail reads as sentences ("ana changed Status: Open → Worked on").
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape
from starlette.requests import Request

from demine.domain.labels import field_label, field_value, kind_label
from demine.i18n import NC_, Text, _, ngettext, pgettext
from demine.i18n import numbers as fmt
from demine.store.listing import MODELS
from demine.store.record_links import REFERENCES, Linked
from demine.web.sketch import Shape

AREA_UNITS = ("ha", "m2")
#: The session key of the reader's unit of area (like the language's).
UNIT_KEY = "area_unit"
#: Fields never listed: drawn on the sketch, or the index's own columns.
HIDDEN = frozenset(
    {
        "min_lon",
        "min_lat",
        "max_lon",
        "max_lat",
        "geom",
        "benchmark",
        "location",
        "boundary",
        "base",
        "lot_geom",
    }
)
#: Fields about the keeping of the record, shown apart from what it says.
KEEPING = (
    "id",
    "external_id",
    "uid",
    "review_state",
    "reported_by_id",
    "created_at",
    "updated_at",
    "version",
)
#: Columns of the tables of linked records (the first one links to it).
LINKED_COLUMNS: dict[str, tuple[str, ...]] = {
    "activity": (
        "name",
        "activity_type",
        "status",
        "organisation_id",
        "start_date",
        "end_date",
    ),
    "release": ("kind", "released_on", "area_m2", "depth_cm", "activity_id"),
    "eo_item": ("category", "eo_model_id", "quantity", "found_on", "condition"),
    "accident": ("accident_type", "occurred_on", "description"),
    "victim": ("outcome", "sex", "age", "status", "activity"),
    "team": ("name", "method", "size"),
    "place": ("name", "place_type", "population"),
}
# Areas are shown in the reader's unit, so their labels name none.
AREA_LABELS: dict[str, Text] = {
    "reported_area_m2": NC_("field", "Reported area"),
    "area_m2": NC_("field", "Area"),
    "cancelled_m2": NC_("field", "Cancelled"),
    "reduced_m2": NC_("field", "Reduced"),
    "cleared_m2": NC_("field", "Cleared"),
    "remaining_m2": NC_("field", "Remaining"),
    "effective_m2": NC_("field", "Counted in the ledger"),
    "outside_m2": NC_("field", "Outside its hazard"),
    "double_m2": NC_("field", "Released twice"),
    "lot_m2": NC_("field", "Lot"),
    "unit_m2": NC_("field", "Sampling unit"),
    "inspected_m2": NC_("field", "Inspected"),
}
# Beneficiaries (SADD) read as one line: "16 women, 19 men, 9 girls, 12 boys".
PEOPLE = ("women", "men", "girls", "boys")
_MOMENTS = frozenset({"created_at", "updated_at"})
_DAYS = frozenset({"valid_from", "valid_until", "accredited_until", "birth_date"})
# Audit values that are bookkeeping, not what changed.
_NOT_CHANGES = frozenset({"updated_at", "source", "version", "review_reason"})


def area_unit(request: Request) -> str:
    """The unit of area the reader chose (hectares unless they chose m²)."""
    chosen = request.session.get(UNIT_KEY) if "session" in request.scope else None
    return chosen if chosen in AREA_UNITS else "ha"


def label(key: str) -> str:
    """What a field is called on the page (areas without a unit)."""
    text = AREA_LABELS.get(key)
    return str(text) if text is not None else field_label(key)


def area(m2: float | int | None, unit: str = "ha") -> str:
    """An area in the reader's unit, rounded as a person writes it."""
    if m2 is None:
        return fmt.MISSING
    if unit == "m2":
        return _("%(value)s m²", value=fmt.number(round(float(m2))))
    ha = float(m2) / 10_000
    if ha == 0:
        return _("%(value)s ha", value=fmt.number(0))
    digits = 2 if ha < 10 else 1 if ha < 1000 else 0
    return _("%(value)s ha", value=fmt.number(ha, digits))


@dataclass
class Names:
    """The names of the records a page refers to, by ``(kind, id)``."""

    known: dict[tuple[str, int], str] = field(default_factory=dict)

    def link(self, kind: str, record_id: int) -> Markup:
        name = self.known.get((kind, record_id))
        if name is None:
            # Not visible to this reader (or gone): the number, unlinked.
            return Markup(
                escape(_("%(kind)s %(id)s", kind=kind_label(kind), id=record_id))
            )
        text = name or _("%(kind)s %(id)s", kind=kind_label(kind), id=record_id)
        if kind not in MODELS:
            return Markup(escape(text))  # a catalogue entry has no page
        return Markup('<a href="/records/{}/{}">{}</a>').format(kind, record_id, text)


def wanted_references(rows: Iterable[Mapping[str, Any]]) -> dict[str, set[int]]:
    """The ids each row's reference fields name, by the kind they point at."""
    out: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        for key, value in row.items():
            kind = REFERENCES.get(key)
            if kind is not None and isinstance(value, int):
                out[kind].add(value)
    return out


def _number(value: float | int) -> str:
    if isinstance(value, float) and not value.is_integer():
        return fmt.number(value, 2 if abs(value) < 10 else 1)
    return fmt.number(value)


def show(kind: str, key: str, value: Any, names: Names, unit: str) -> Markup | str:
    """A stored value as the page shows it (empty text for no value)."""
    if value is None or value == "" or value == []:
        return ""
    if key in REFERENCES and isinstance(value, int):
        return names.link(REFERENCES[key], value)
    labelled = field_value(kind, key, value)
    if labelled is not value and labelled != value:
        return str(labelled)
    if isinstance(value, bool):
        return pgettext("yes or no", "Yes") if value else pgettext("yes or no", "No")
    if key.endswith("_m2") and isinstance(value, int | float):
        return area(value, unit)
    if ("usd" in key or key == "amount") and isinstance(value, int | float):
        return _("USD %(amount)s", amount=fmt.number(value))
    if isinstance(value, int | float):
        return _number(value)
    if key in _MOMENTS and isinstance(value, str):
        return fmt.datetime(value, "short")
    if (key.endswith(("_on", "_date")) or key in _DAYS) and isinstance(value, str):
        try:
            return fmt.date(dt.date.fromisoformat(value[:10]))
        except ValueError:
            return value
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ""
    return str(value)


def title(kind: str, record: Mapping[str, Any]) -> str:
    """The page's heading: the record's name, else its kind and number."""
    name = record.get("name") or record.get("full_name") or record.get("title")
    if name:
        return str(name)
    return _("%(kind)s %(id)s", kind=kind_label(kind), id=record["id"])


def facts(
    kind: str, record: Mapping[str, Any], names: Names, unit: str
) -> tuple[list[tuple[str, Markup | str]], list[tuple[str, Markup | str]]]:
    """(what the record says, how it is kept): label and shown value of
    every field with a value."""
    said: list[tuple[str, Markup | str]] = []
    kept: list[tuple[str, Markup | str]] = []
    people = _people(record)
    for key, value in record.items():
        if key in HIDDEN or (key == "name" and kind != "victim"):
            continue
        if key in PEOPLE:
            if people and key == PEOPLE[0]:
                said.append((pgettext("field", "People affected"), people))
            continue
        shown = show(kind, key, value, names, unit)
        if shown == "":
            continue
        (kept if key in KEEPING else said).append((label(key), shown))
    return said, kept


def _people(record: Mapping[str, Any]) -> str:
    """Beneficiaries by sex and age in one line; empty if none is given."""
    counts = [(key, record.get(key)) for key in PEOPLE]
    if all(n is None for _key, n in counts):
        return ""
    parts = []
    for key, n in counts:
        if n is None:
            continue
        num = fmt.number(int(n))
        if key == "women":
            parts.append(ngettext("%(num)s woman", "%(num)s women", int(n), num=num))
        elif key == "men":
            parts.append(ngettext("%(num)s man", "%(num)s men", int(n), num=num))
        elif key == "girls":
            parts.append(ngettext("%(num)s girl", "%(num)s girls", int(n), num=num))
        else:
            parts.append(ngettext("%(num)s boy", "%(num)s boys", int(n), num=num))
    return ", ".join(parts)


@dataclass(frozen=True)
class LinkedTable:
    """A table of linked records: heading, column labels, rows of cells."""

    kind: str
    heading: str
    columns: list[str]
    rows: list[list[Markup | str]]
    total: int


def linked_tables(groups: list[Linked], names: Names, unit: str) -> list[LinkedTable]:
    """Each group of linked records as a table whose first cell links to it."""
    out = []
    for group in groups:
        columns = LINKED_COLUMNS[group.kind]
        rows = []
        for row in group.rows:
            cells: list[Markup | str] = [
                show(group.kind, c, row.get(c), names, unit) for c in columns
            ]
            first = cells[0] if isinstance(cells[0], str) and cells[0] else None
            text = first or _(
                "%(kind)s %(id)s", kind=kind_label(group.kind), id=row["id"]
            )
            cells[0] = Markup('<a href="/records/{}/{}">{}</a>').format(
                group.kind, row["id"], text
            )
            rows.append(cells)
        out.append(
            LinkedTable(
                group.kind,
                kind_label(group.kind, plural=True),
                [label(c) for c in columns],
                rows,
                group.total,
            )
        )
    return out


def audit_lines(
    kind: str, events: list[dict[str, Any]], names: Names, unit: str
) -> list[dict[str, Any]]:
    """Each audit event as a sentence with its time, newest first."""
    lines = []
    for event in events:
        who = event.get("user") or _("The system")
        before, after = event.get("before") or {}, event.get("after") or {}
        changes = []
        if before and after:
            for key, new in after.items():
                if key in _NOT_CHANGES or key in HIDDEN or before.get(key) == new:
                    continue
                if key == "review_state":
                    continue
                old_text = show(kind, key, before.get(key), names, unit) or _("nothing")
                new_text = show(kind, key, new, names, unit) or _("nothing")
                changes.append(
                    Markup("{}: {} → {}").format(label(key), old_text, new_text)
                )
        text = _sentence(event["action"], who, after, changes)
        lines.append(
            {
                "action": event["action"],
                "at": event["at"],
                "text": text,
                "changes": changes,
            }
        )
    lines.reverse()
    return lines


def _sentence(
    action: str, who: str, after: Mapping[str, Any], changes: list[Markup]
) -> str:
    source = after.get("source")
    if action == "create":
        return _("%(who)s created the record", who=who)
    if action == "import":
        return _("%(who)s imported it from %(source)s", who=who, source=source or "?")
    if action == "import-update":
        return _(
            "%(who)s updated it by an import from %(source)s",
            who=who,
            source=source or "?",
        )
    if action == "submit":
        return _("%(who)s submitted it for review", who=who)
    if action == "approve":
        return _("%(who)s approved it", who=who)
    if action == "reject":
        reason = after.get("review_reason")
        if reason:
            return _("%(who)s rejected it: %(reason)s", who=who, reason=reason)
        return _("%(who)s rejected it", who=who)
    if changes:
        return _("%(who)s changed", who=who)
    return _("%(who)s saved it without changes", who=who)


def sketch_shapes(
    kind: str,
    record: Mapping[str, Any],
    geometry: dict[str, Any] | None,
    groups: list[Linked],
    context: Mapping[str, Any] | None,
) -> list[Shape]:
    """What the record's drawing shows: its hazard (for a release, find or
    accident), the record, and the linked records that have a place."""
    shapes: list[Shape] = []
    if context and context.get("geom"):
        shapes.append(
            Shape(
                context["geom"],
                "context",
                title(context["kind"], context),
                f"/records/{context['kind']}/{context['id']}",
            )
        )
    if geometry:
        shapes.append(Shape(geometry, "record", title(kind, record)))
    for group in groups:
        for row in group.rows:
            geom = row.get("geom")
            if not geom:
                continue
            style = {"release": f"release-{row.get('kind')}"}.get(
                group.kind, group.kind
            )
            what = (
                field_value(group.kind, "kind", row.get("kind"))
                if group.kind == "release"
                else kind_label(group.kind)
            )
            shapes.append(
                Shape(
                    geom,
                    style,
                    f"{what} {row['id']}",
                    f"/records/{group.kind}/{row['id']}",
                )
            )
    return shapes
