# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine predict publish``: a scored grid into the register (map, criterion)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from demine.commands.app import DbOption, JsonOption, emit_json, open_db, out, table
from demine.commands.predict import CrsOption, predict_app
from demine.errors import PredictionError
from demine.i18n import _
from demine.i18n.numbers import number


@predict_app.command()
def publish(
    scores_path: Annotated[
        Path,
        typer.Argument(help="Scored grid from 'predict score' (.gpkg, .csv, .parquet)"),
    ],
    db: DbOption = None,
    model: Annotated[
        str | None,
        typer.Option("--model", help="Name of the model (default: the file's name)"),
    ] = None,
    crs: CrsOption = None,
    json_: JsonOption = False,
) -> None:
    """Publish cell risk as the map's risk layer and risk per hazard."""
    from demine.predict.publish import publish_scores
    from demine.store.risk import hazard_risks

    if not scores_path.exists():
        raise PredictionError(
            _("%(scores_path)s: no such file", scores_path=scores_path)
        )
    database = open_db(db)
    database.require_initialised()
    done = publish_scores(database, scores_path, model, crs)
    risks = hazard_risks(database)
    summary = {
        "cells": done.cells,
        "hazards": done.hazards,
        "model": done.model,
        "scored_at": done.scored_at.isoformat(),
        "hazard_risk_mean": float(risks.mean()) if len(risks) else None,
    }
    if json_:
        emit_json(summary)
        return
    out.print(
        _(
            "published %(cells)s risk cells and the risk of %(hazards)s hazards "
            "(model %(model)s)",
            cells=number(done.cells),
            hazards=number(done.hazards),
            model=done.model,
        )
    )
    if len(risks):
        top = risks.sort_values(ascending=False).head(10)
        rows = [[int(i), f"{v:.3f}"] for i, v in top.items()]
        out.print(table(_("riskiest hazards"), [_("hazard"), _("mean risk")], rows))
