# SPDX-License-Identifier: GPL-3.0-or-later
"""Making a report: check the request, gather the sections, in one transaction."""

from __future__ import annotations

from collections.abc import Callable

from demine.i18n import _
from demine.reports import completion, land, money, people, quality, treaty
from demine.reports.donor import donor_sections, find_donor
from demine.reports.errors import ReportError
from demine.reports.model import Report, Section
from demine.reports.period import Period
from demine.reports.texts import no_records
from demine.store import reporting
from demine.store.database import Database

KINDS: tuple[str, ...] = ("national", "donor", "treaty")


def build_report(
    db: Database,
    kind: str,
    period: str | Period,
    donor: str | None = None,
    project: str | None = None,
    forecast: bool = True,
) -> Report:
    """The ``national``, ``donor`` or ``treaty`` report for ``period``.

    Raises :class:`~demine.reports.errors.ReportError` for an unknown kind or
    donor, a bad period, an empty register or a period with no records.
    ``forecast=False`` leaves the (costlier) completion forecast out.
    """
    when = check_request(db, kind, period, donor, project)
    with db.transaction() as conn:
        held = reporting.approved_kinds(conn)

        def part(
            key: str, title: str, kinds: tuple[str, ...], make: Callable[[], Section]
        ) -> Section:
            """A section, or a note that the register has nothing for it."""
            if held & set(kinds):
                return make()
            return Section(key, title, unavailable=no_records(*kinds))

        if kind == "national":
            sections = [
                part(
                    "progress",
                    _("Land release progress"),
                    ("hazard", "release"),
                    lambda: land.progress_section(conn, when),
                ),
                part(
                    "remaining",
                    _("Remaining contamination"),
                    ("hazard",),
                    lambda: land.remaining_section(conn, when),
                ),
                part(
                    "items",
                    _("Explosive ordnance found and destroyed"),
                    ("eo_item",),
                    lambda: people.items_section(conn, when),
                ),
                part(
                    "casualties",
                    _("Casualties"),
                    ("accident",),
                    lambda: people.casualties_section(db, conn, when),
                ),
                part(
                    "eore",
                    _("Explosive ordnance risk education"),
                    ("eore_session",),
                    lambda: people.eore_section(conn, when),
                ),
                part(
                    "qm",
                    _("Quality management"),
                    ("qm_finding",),
                    lambda: people.qm_section(conn, when),
                ),
                quality.quality_section(conn, when),
                part(
                    "funding",
                    _("Funding and cost"),
                    ("funding",),
                    lambda: money.funding_section(conn, when),
                ),
                quality.cost_section(conn, when),
            ]
            subtitle = None
            title = _("National mine action report %(period)s", period=when.label)
        elif kind == "treaty":
            sections = treaty.treaty_sections(conn, when, held)
            subtitle = _(
                "Form C (mined areas), form G (mines destroyed), land release"
                " and Landmine Monitor figures"
            )
            title = _("Mine Ban Treaty Article 7 report %(period)s", period=when.label)
        else:
            assert donor is not None
            name, sections = donor_sections(conn, when, donor, project)
            subtitle = project
            title = _(
                "Donor report %(period)s: %(donor)s", period=when.label, donor=name
            )
    if kind == "national" and forecast:
        if "hazard" in held:
            sections.append(completion.forecast_section(db))
        else:
            sections.append(
                Section(
                    "forecast",
                    _("Completion forecast"),
                    unavailable=no_records("hazard"),
                )
            )
    return Report(
        kind=kind,
        title=title,
        period=when,
        sections=sections,
        subtitle=subtitle,
    )


def check_request(
    db: Database,
    kind: str,
    period: str | Period,
    donor: str | None = None,
    project: str | None = None,
) -> Period:
    """Everything :func:`build_report` would refuse, checked cheaply first.

    Returns the parsed period; raises :class:`ReportError` with what to change.
    """
    if kind not in KINDS:
        raise ReportError(
            _(
                "unknown report %(kind)r: use one of %(values)s",
                kind=kind,
                values=", ".join(KINDS),
            )
        )
    if kind == "donor" and not (donor and donor.strip()):
        raise ReportError(
            _("a donor report needs a donor (--donor NAME or donor=NAME)")
        )
    if project is not None and kind != "donor":
        raise ReportError(_("a project belongs to a donor report only"))
    when = period if isinstance(period, Period) else Period.parse(period)
    db.require_initialised()
    with db.transaction() as conn:
        _require_records(conn, when)
        if kind == "donor":
            assert donor is not None
            find_donor(conn, donor)
    return when


def _require_records(conn: object, period: Period) -> None:
    """An empty register, or a period with nothing in it, is an error.

    A register of one kind of record (victims only, say) makes a report:
    the sections it has nothing for say so (issue 16).
    """
    if not reporting.approved_kinds(conn):  # type: ignore[arg-type]
        raise ReportError(
            _("the register has no approved records: import or approve records first")
        )
    counts = reporting.dated_records(conn, period.start, period.end)  # type: ignore[arg-type]
    if not any(counts.values()):
        first, last = reporting.date_span(conn)  # type: ignore[arg-type]
        span = f"; its records run from {first} to {last}" if first else ""
        raise ReportError(
            _(
                "the register has no approved records dated in %(label)s%(span)s",
                label=period.label,
                span=span,
            )
        )
