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
from demine.i18n import N_, _
from demine.i18n.numbers import number, percent, signed

DIRECTIONS = {"benefit": N_("more is more urgent"), "cost": N_("more is less urgent")}

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
        raise ProfileError(
            _("unknown --method %(method)r: use weighted or promethee", method=method)
        )
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
            _(
                "Criteria (%(method)s, %(profile)s)",
                method=ranking.method,
                profile=Path(ranking.profile.source).name,
            ),
            [_("criterion"), _("unit"), _("direction"), _("weight")],
            [
                [
                    _(CATALOGUE[c].label),
                    _(CATALOGUE[c].unit),
                    _(DIRECTIONS[ranking.profile.criterion(c).direction]),
                    number(ranking.weights[c], 3),
                ]
                for c in crit
            ],
        )
    )
    for name, why in ranking.notes.items():
        err.print(
            _("note: criterion %(name)s left out: %(why)s", name=name, why=why),
            highlight=False,
        )
    rows: list[list[Any]] = []
    for hid, row in ranking.head(top).iterrows():
        rows.append(
            [
                int(row["rank"]),
                hid,
                row["name"] or "",
                number(row["score"], 4),
                number(row["area_m2"] / 10_000, 2),
                _explain(row, crit),
            ]
        )
    shown = table(
        _(
            "Top %(top)s of %(total)s open hazards (why: the largest "
            "contributions to the score)",
            top=min(top, len(ranking.table)),
            total=number(len(ranking.table)),
        ),
        [_("rank"), "id", _("name"), _("score"), "ha", _("why")],
        rows,
    )
    shown.columns[2].justify = shown.columns[-1].justify = "left"
    out.print(shown)


def _explain(row: Any, criteria: list[str], shown: int = EXPLAINED) -> str:
    """The criteria that moved the score most, largest first, with their sign."""
    from demine.analysis.priorities.criteria import CATALOGUE

    parts = sorted(criteria, key=lambda c: -abs(float(row[c])))[:shown]
    return ", ".join(
        f"{_(CATALOGUE[c].label)} {signed(float(row[c]), 3)}" for c in parts
    )


def _print_sensitivity(moved: Sensitivity) -> None:
    from demine.analysis.priorities.criteria import CATALOGUE

    rows = [
        [
            _(CATALOGUE[r["criterion"]].label),
            percent(r["change"], 0, sign=True),
            f"{number(r['weight'], 3)} → {number(r['new_weight'], 3)}",
            f"{r['overlap']}/{moved.top}",
            ", ".join(map(str, r["entered"])) or "-",
            ", ".join(map(str, r["left"])) or "-",
            r["max_shift"],
        ]
        for r in moved.summary.to_dict("records")
    ]
    out.print(
        table(
            _("Sensitivity of the top %(top)s to each weight ±20%%", top=moved.top),
            [
                _("criterion"),
                _("change"),
                _("weight"),
                _("same"),
                _("entered"),
                _("left"),
                _("max shift"),
            ],
            rows,
        )
    )
