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
from demine.errors import DemineError


@app.command()
def init(db: DbOption = None) -> None:
    """Create an empty register, or migrate an existing one to this version."""
    database = open_db(db)
    database.upgrade()
    out.print(f"register ready: {database.describe()}")


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
    from demine.demo import generate
    from demine.demo.qa_chain import play
    from demine.store.loading import load_register

    if scale not in ("small", "medium", "national"):
        raise DemineError(f"unknown scale {scale!r}: use small, medium or national")
    database = open_db(db)
    database.upgrade()
    if not _is_empty(database):
        raise DemineError(
            f"{database.describe()} already holds a register; "
            "use another --db or remove it first"
        )
    started = time.perf_counter()
    err.print(f"generating the {scale} demo register (seed {seed}) ...")
    frames = generate(scale, seed)  # type: ignore[arg-type]
    with progress_bar(not json_) as start:
        counts = load_register(database, frames, progress=start)
    played = play(database, seed)
    elapsed = time.perf_counter() - started
    err.print(
        f"loaded {sum(counts.values()):,} rows into {database.describe()} "
        f"in {elapsed:.1f} s"
    )
    err.print(
        f"QA programme: lot rejected, land reopened (hazard {played.reopened_hazard}), "
        f"re-cleared and non-conformity {played.closed_nc} closed; "
        f"non-conformity {played.open_nc} still open"
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
        typer.Option(help=f"Break down by {', '.join(GROUPINGS)}"),
    ] = None,
    json_: JsonOption = False,
) -> None:
    """National figures: hazards, area released and remaining, items, casualties."""
    if by is not None and by not in GROUPINGS:
        raise DemineError(f"unknown --by {by!r}: use one of {', '.join(GROUPINGS)}")
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
    out.print(
        table(
            "National register",
            ["figure", "value"],
            [
                ["hazards", f"{data['hazards']:,}"],
                *[
                    [f"hazards {k}", f"{v:,}"]
                    for k, v in sorted(data["hazards_by_status"].items())
                ],
                *[[f"{k} (ha)", f"{v / 10_000:,.1f}"] for k, v in area.items()],
                ["items found", f"{data['items_total']:,}"],
                *[[f"  {k}", f"{v:,}"] for k, v in data["items"].items()],
                ["accidents", f"{data['casualties']['accidents']:,}"],
                ["killed", f"{data['casualties']['killed']:,}"],
                ["injured", f"{data['casualties']['injured']:,}"],
            ],
        )
    )
    if by is not None:
        rows = data["by"]["rows"]
        out.print(
            table(
                f"Released and found by {by}",
                [by, "cancelled ha", "reduced ha", "cleared ha", "items"],
                [
                    [
                        "(none)" if r["key"] is None else r["key"],
                        f"{r['cancelled_m2'] / 10_000:,.1f}",
                        f"{r['reduced_m2'] / 10_000:,.1f}",
                        f"{r['cleared_m2'] / 10_000:,.1f}",
                        f"{r['items_total']:,}",
                    ]
                    for r in rows
                ],
            )
        )
