# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine casualties``: victims and accidents by year, place, person, device."""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any

import typer

from demine.analysis.casualties import (
    GROUPINGS,
    CasualtyQueryError,
    CasualtyReport,
    casualty_report,
    records,
)
from demine.analysis.casualty_hotspots import DEFAULT_BANDWIDTH_M
from demine.analysis.casualty_links import DEFAULT_LINK_DISTANCE_M
from demine.commands.app import (
    DbOption,
    JsonOption,
    app,
    emit_json,
    open_db,
    out,
    table,
)
from demine.commands.help_texts import filled
from demine.i18n import N_, _, pgettext
from demine.i18n.numbers import number


@app.command()
def casualties(
    start: Annotated[
        str | None,
        typer.Option("--from", help="First day, YYYY-MM-DD (inclusive)"),
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Last day, YYYY-MM-DD (inclusive)")
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            help=filled(
                N_(
                    "Table to show: %(groupings)s (default year); with --json, "
                    "only this table and the totals"
                ),
                groupings=", ".join(GROUPINGS),
            ),
            show_default=False,
        ),
    ] = None,
    hotspots: Annotated[
        bool, typer.Option("--hotspots", help="Also list the accident hotspots.")
    ] = False,
    bandwidth: Annotated[
        float, typer.Option(help="Hotspot kernel bandwidth (Gaussian sigma), metres")
    ] = DEFAULT_BANDWIDTH_M,
    link_distance: Annotated[
        float,
        typer.Option(help="Link an accident to a hazard at most this far, metres"),
    ] = DEFAULT_LINK_DISTANCE_M,
    top: Annotated[int, typer.Option(help="Hotspots to list")] = 10,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Casualties (approved records only): killed, injured, accidents, rates."""
    if by is not None and by not in GROUPINGS:
        raise CasualtyQueryError(
            _(
                "unknown --by %(by)r: use one of %(values)s",
                by=by,
                values=", ".join(GROUPINGS),
            )
        )
    period = (_date(start, "--from"), _date(end, "--to"))
    database = open_db(db)
    database.require_initialised()
    report = casualty_report(
        database, *period, bandwidth_m=bandwidth, link_distance_m=link_distance, top=top
    )
    if json_:
        emit_json(_json(report, by, hotspots))
        return
    _print(report, by or "year", hotspots)


def _date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CasualtyQueryError(
            _(
                "%(option)s %(text)r is not a date: write YYYY-MM-DD, e.g. 2024-01-31",
                option=option,
                text=text,
            )
        ) from None


def _json(report: CasualtyReport, by: str | None, hotspots: bool) -> dict[str, Any]:
    """The whole report; with --by or --hotspots, the totals and those tables."""
    data = report.to_dict()
    if by is None and not hotspots:
        return data
    keep = {"period", "accidents", "killed", "injured", "victims", "children"}
    keep |= {"children_age_unknown", "amputations"}
    keep |= {"population", "rate_per_100k", "notes"}
    if by is not None:
        keep.add({"age": "by_age_group"}.get(by, f"by_{by}"))
    if hotspots:
        keep |= {"hotspots", "hotspot_settings"}
    return {k: v for k, v in data.items() if k in keep}


def _children(report: CasualtyReport) -> str:
    """Known children, and how many victims' ages say nothing either way."""
    if report.children is None:
        return pgettext("number of children", "unknown")
    if report.children_age_unknown:
        return _(
            "%(children)s (+ %(n)s of unknown age)",
            children=number(report.children),
            n=number(report.children_age_unknown),
        )
    return number(report.children)


def _print(report: CasualtyReport, by: str, hotspots: bool) -> None:
    start, end = (d.isoformat() if d else "…" for d in (report.start, report.end))
    rate = "—" if report.rate_per_100k is None else number(report.rate_per_100k, 1)
    out.print(
        table(
            _("Casualties, %(start)s to %(end)s", start=start, end=end)
            if report.start or report.end
            else _("Casualties"),
            [_("figure"), _("value")],
            [
                [_("accidents"), number(report.accidents)],
                [_("killed"), number(report.killed)],
                [_("injured"), number(report.injured)],
                [_("children (under 18)"), _children(report)],
                [_("per 100,000 inhabitants"), rate],
            ],
        )
    )
    frame = report.table(by)
    shown = frame.drop(
        columns=["admin_area_id", "population_source", "code"], errors="ignore"
    )
    out.print(
        table(
            _("By %(grouping)s", grouping=by),
            list(shown.columns),
            [[_cell(k, v) for k, v in row.items()] for row in records(shown)],
        )
    )
    if hotspots:
        rows = records(report.hotspots)
        bandwidth = report.surface.bandwidth_m if report.surface else math.nan
        out.print(
            table(
                _(
                    "Hotspots (Gaussian kernel, bandwidth %(bandwidth)s m)",
                    bandwidth=number(bandwidth),
                ),
                [
                    _("rank"),
                    _("lon"),
                    _("lat"),
                    _("accidents/km²"),
                    _("accidents"),
                    _("victims"),
                ],
                [
                    [
                        r["rank"],
                        f"{r['lon']:.5f}",
                        f"{r['lat']:.5f}",
                        f"{r['density_per_km2']:.3f}",
                        r["accidents"],
                        r["victims"],
                    ]
                    for r in rows
                ],
            )
        )
        if not rows:
            out.print(_("no hotspots: no located accidents in the period"))
    for note in report.notes:
        out.print(_("note: %(note)s", note=note))


def _cell(column: str, value: Any) -> str:
    if value is None:
        return _("unknown") if column == "year" else "—"
    if isinstance(value, float):
        return "—" if math.isnan(value) else number(value, 1)
    if isinstance(value, int) and not isinstance(value, bool) and column != "year":
        return number(value)
    return str(value)
