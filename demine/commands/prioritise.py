# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine prioritise``: rank open hazards by a documented multi-criteria profile."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from demine.commands.app import (
    DbOption,
    JsonOption,
    app,
    emit_json,
    err,
    open_db,
    out,
    table,
)

if TYPE_CHECKING:
    from demine.analysis.priorities.mcda import Sensitivity
    from demine.analysis.priorities.ranking import Ranking

METHODS = ("weighted", "promethee")
# Criteria named in the "why" column of each row.
EXPLAINED = 3


@app.command()
def prioritise(
    db: DbOption = None,
    profile: Annotated[
        Path | None,
        typer.Option(
            "--profile", help="Profile YAML (default: the shipped default.yaml)"
        ),
    ] = None,
    method: Annotated[
        str | None,
        typer.Option("--method", help="weighted or promethee (default: the profile's)"),
    ] = None,
    top: Annotated[
        int, typer.Option("--top", min=1, help="How many hazards to show")
    ] = 20,
    sensitivity: Annotated[
        bool,
        typer.Option(
            "--sensitivity", help="Also show how the top moves when weights move ±20%"
        ),
    ] = False,
    json_: JsonOption = False,
) -> None:
    """Rank open hazards: score, and each criterion's share of it."""
    from demine.analysis.priorities.profile import ProfileError, load_profile
    from demine.analysis.priorities.ranking import prioritise as rank_hazards
    from demine.analysis.priorities.ranking import sensitivity_dict

    if method is not None and method not in METHODS:
        raise ProfileError(f"unknown --method {method!r}: use weighted or promethee")
    chosen = load_profile(profile)
    database = open_db(db)
    ranking = rank_hazards(database, chosen, method)
    moved = ranking.sensitivity(top) if sensitivity else None
    if json_:
        data = ranking.as_dict(top)
        if moved is not None:
            data["sensitivity"] = sensitivity_dict(moved)
        emit_json(data)
        return
    _print_ranking(ranking, top)
    if moved is not None:
        _print_sensitivity(moved)


def _print_ranking(ranking: Ranking, top: int) -> None:
    from demine.analysis.priorities.criteria import CATALOGUE

    crit = ranking.criteria
    out.print(
        table(
            f"Criteria ({ranking.method}, {Path(ranking.profile.source).name})",
            ["criterion", "unit", "direction", "weight"],
            [
                [
                    c,
                    CATALOGUE[c].unit,
                    ranking.profile.criterion(c).direction,
                    f"{ranking.weights[c]:.3f}",
                ]
                for c in crit
            ],
        )
    )
    for name, why in ranking.notes.items():
        err.print(f"note: criterion {name} left out: {why}", highlight=False)
    rows: list[list[Any]] = []
    for hid, row in ranking.head(top).iterrows():
        rows.append(
            [
                int(row["rank"]),
                hid,
                row["name"] or "",
                f"{row['score']:.4f}",
                f"{row['area_m2'] / 10_000:,.2f}",
                _explain(row, crit),
            ]
        )
    shown = table(
        f"Top {min(top, len(ranking.table))} of {len(ranking.table):,} open "
        "hazards (why: the largest contributions to the score)",
        ["rank", "id", "name", "score", "ha", "why"],
        rows,
    )
    shown.columns[2].justify = shown.columns[-1].justify = "left"
    out.print(shown)


def _explain(row: Any, criteria: list[str], shown: int = EXPLAINED) -> str:
    """The criteria that moved the score most, largest first, with their sign."""
    parts = sorted(criteria, key=lambda c: -abs(float(row[c])))[:shown]
    return ", ".join(f"{c.replace('_', ' ')} {float(row[c]):+.3f}" for c in parts)


def _print_sensitivity(moved: Sensitivity) -> None:
    rows = [
        [
            r["criterion"],
            f"{r['change']:+.0%}",
            f"{r['weight']:.3f} → {r['new_weight']:.3f}",
            f"{r['overlap']}/{moved.top}",
            ", ".join(map(str, r["entered"])) or "-",
            ", ".join(map(str, r["left"])) or "-",
            r["max_shift"],
        ]
        for r in moved.summary.to_dict("records")
    ]
    out.print(
        table(
            f"Sensitivity of the top {moved.top} to each weight ±20%",
            ["criterion", "change", "weight", "same", "entered", "left", "max shift"],
            rows,
        )
    )
