# SPDX-License-Identifier: GPL-3.0-or-later
"""The map page (``/map``) and what its filters offer
(``/map/options.json``) for ``static/map.js``.

The organisations the reader may see, which properties each tile layer
carries, at full detail and in the grouped low-zoom tiles (so a filter is only
applied where the tiles hold its property), and what contamination risk is
published.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from demine.geo.extent import Extent
from demine.serving.deps import DbDep, User
from demine.store.basemap import records_bounds
from demine.store.listing import list_records
from demine.store.map_search import find_on_map
from demine.store.risk import published
from demine.store.tile_layers import LAYERS, SPECS
from demine.web.basemap import basemap_config
from demine.web.map_style import DENSITY, PALETTE
from demine.web.pages import render

router = APIRouter(include_in_schema=False)

ORGANISATIONS_SHOWN = 1_000


@router.get("/map")
def map_page(request: Request, db: DbDep, who: User) -> Response:
    """The map, opened on the hazards the reader may see (the installation's
    country, ``DEMINE_EXTENT``, when there are none)."""
    settings = request.app.state.settings
    bounds = records_bounds(db, who) or Extent.parse(settings.extent).bounds
    return render(
        request,
        "map.html",
        who,
        bounds=json.dumps(list(bounds)),
        basemap=json.dumps(basemap_config(settings)),
        palette=PALETTE,
        palette_data=json.dumps(PALETTE),
        density=DENSITY,
        density_data=json.dumps(_density_style()),
        pmtiles_on=bool(settings.basemap_pmtiles),
    )


def _density_style() -> dict[str, dict[str, object]]:
    """Each grouped layer's density ramp and the zooms it is grouped to."""
    out: dict[str, dict[str, object]] = {}
    for name, ramp in DENSITY.items():
        overview = SPECS[name].overview
        assert overview is not None
        out[name] = {**ramp, "max_zoom": overview.max_zoom, "squares": overview.squares}
    return out


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


@router.get("/map/search.json")
def map_search(
    db: DbDep, who: User, q: Annotated[str, Query(max_length=200)] = ""
) -> dict[str, Any]:
    """Places and hazards matching the map's search box."""
    return {"found": find_on_map(db, who, q)}
