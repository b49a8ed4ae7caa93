# SPDX-License-Identifier: GPL-3.0-or-later
"""What the map's filters offer: ``/map/options.json`` for ``static/map.js``.

The organisations the reader may see, which properties each tile layer
carries, at full detail and in the grouped low-zoom tiles (so a filter is only
applied where the tiles hold its property), and what contamination risk is
published.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from demine.serving.deps import DbDep, User
from demine.store.listing import list_records
from demine.store.risk import published
from demine.store.tile_layers import LAYERS, SPECS

router = APIRouter(include_in_schema=False)

ORGANISATIONS_SHOWN = 1_000


@router.get("/map/options.json")
def map_options(db: DbDep, who: User) -> dict[str, Any]:
    """Choices for the map's filters, for the reader ``who``."""
    orgs, _ = list_records(db, "organisation", who, limit=ORGANISATIONS_SHOWN)
    risk = published(db)
    return {
        "properties": {layer: list(props) for layer, props in LAYERS.items()},
        "overview": {
            name: {
                "max_zoom": spec.overview.max_zoom,
                "properties": spec.overview.properties,
            }
            for name, spec in SPECS.items()
            if spec.overview is not None
        },
        "organisations": sorted(
            ({"id": o["id"], "name": o["acronym"] or o["name"]} for o in orgs),
            key=lambda o: str(o["name"]).lower(),
        ),
        "risk": {
            "cells": risk["cells"],
            "model": risk["model"],
            "scored_at": str(risk["scored_at"]) if risk["scored_at"] else None,
            "cell_deg": risk["cell_deg"],
        },
    }
