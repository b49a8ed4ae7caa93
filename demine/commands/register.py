# SPDX-License-Identifier: GPL-3.0-or-later
"""Commands that create and summarise the register: init, demo, summary."""

from __future__ import annotations

import time
from typing import Annotated, Any

import typer

from demine.analysis.summary import GROUPINGS, national_summary, summary_by
from demine.commands.app import (
    DbOption,
    JsonOption,
    app,
    emit_json,
    err,
    open_db,
    out,
    progress_bar,
    table,
)
from demine.commands.help_texts import filled
from demine.domain.labels import label_of
from demine.domain.vocab import EOCategory, HazardStatus
from demine.errors import DemineError
from demine.i18n import N_, _
from demine.i18n.numbers import number

AREA_FIGURES = {
    "total": N_("total"),
    "cancelled": N_("cancelled"),
    "reduced": N_("reduced"),
    "cleared": N_("cleared"),
    "released": N_("released"),
    "remaining": N_("remaining"),
}


@app.command()
def init(db: DbOption = None, json_: JsonOption = False) -> None:
    """Create an empty register, or migrate an existing one to this version."""
    database = open_db(db)
    database.upgrade()
    if json_:
        emit_json({"register": database.describe(), "ready": True})
        return
    out.print(_("register ready: %(register)s", register=database.describe()))


@app.command()
def demo(
    db: DbOption = None,
    scale: Annotated[
        str,
        typer.Option(help="small (tests), medium, or national (benchmarks)"),
    ] = "small",
    seed: Annotated[int, typer.Option(help="Random seed; same seed, same data")] = 1,
    json_: JsonOption = False,
) -> None:
    """Build the demo register (Azerbaijan's liberated districts) and summarise it."""
    from demine.demo.building import build_demo

    if scale not in ("small", "medium", "national"):
        raise DemineError(
            _("unknown scale %(scale)r: use small, medium or national", scale=scale)
        )
    database = open_db(db)
    database.upgrade()
    if not _is_empty(database):
        raise DemineError(
            _(
                "%(register)s already holds a register; use another --db or remove it "
                "first",
                register=database.describe(),
            )
        )
    started = time.perf_counter()
    err.print(
        _(
            "generating the %(scale)s demo register (seed %(seed)s) ...",
            scale=scale,
            seed=seed,
        )
    )
    with progress_bar(not json_) as start:
        counts, played = build_demo(database, scale, seed, progress=start)
    elapsed = time.perf_counter() - started
    err.print(
        _(
            "loaded %(rows)s rows into %(register)s in %(seconds)s s",
            rows=number(sum(counts.values())),
            register=database.describe(),
            seconds=number(elapsed, 1),
        )
    )
    err.print(
        _(
            "QA programme: lot rejected, land reopened (hazard %(hazard)s),"
            " re-cleared and non-conformity %(closed)s closed; non-conformity"
            " %(open)s still open",
            hazard=played.reopened_hazard,
            closed=played.closed_nc,
            open=played.open_nc,
        )
    )
    _print_summary(database, json_)


def _is_empty(database: Any) -> bool:
    from demine.store.lookups import register_is_empty

    with database.transaction() as conn:
        return register_is_empty(conn)


@app.command()
def summary(
    db: DbOption = None,
    by: Annotated[
        str | None,
        typer.Option(
            help=filled(
                N_("Break down by %(groupings)s"), groupings=", ".join(GROUPINGS)
            )
        ),
    ] = None,
    json_: JsonOption = False,
) -> None:
    """National figures: hazards, area released and remaining, items, casualties."""
    if by is not None and by not in GROUPINGS:
        raise DemineError(
            _(
                "unknown --by %(by)r: use one of %(values)s",
                by=by,
                values=", ".join(GROUPINGS),
            )
        )
    database = open_db(db)
    database.require_initialised()
    _print_summary(database, json_, by)


def _print_summary(database: Any, json_: bool, by: str | None = None) -> None:
    with database.transaction() as conn:
        data = national_summary(conn)
        if by is not None:
            data["by"] = {"grouping": by, "rows": summary_by(conn, by)}  # type: ignore[arg-type]
    if json_:
        emit_json(data)
        return
    area = data["area_m2"]
    cas = data["casualties"]
    out.print(
        table(
            _("National register"),
            [_("figure"), _("value")],
            [
                [_("hazardous areas"), number(data["hazards"])],
                *[
                    [f"  {label_of(HazardStatus, k)}", number(v)]
                    for k, v in sorted(data["hazards_by_status"].items())
                ],
                *[
                    [_("%(figure)s (ha)", figure=_(AREA_FIGURES[k])), ha(v)]
                    for k, v in area.items()
                ],
                [_("items found"), number(data["items_total"])],
                *[
                    [f"  {label_of(EOCategory, k)}", number(v)]
                    for k, v in data["items"].items()
                ],
                [_("accidents"), number(cas["accidents"])],
                [_("killed"), number(cas["killed"])],
                [_("injured"), number(cas["injured"])],
            ],
        )
    )
    if by is not None:
        rows = data["by"]["rows"]
        out.print(
            table(
                _("Released and found by %(grouping)s", grouping=by),
                [by, _("cancelled ha"), _("reduced ha"), _("cleared ha"), _("items")],
                [
                    [
                        _("(none)")
                        if r["key"] is None
                        else "  " * r.get("depth", 0) + str(r["key"]),
                        ha(r["cancelled_m2"]),
                        ha(r["reduced_m2"]),
                        ha(r["cleared_m2"]),
                        number(r["items_total"]),
                    ]
                    for r in rows
                ],
            )
        )


def ha(m2: float) -> str:
    return number(m2 / 10_000, 1)
