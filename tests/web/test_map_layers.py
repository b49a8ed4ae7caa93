# SPDX-License-Identifier: GPL-3.0-or-later
"""The map page's layers and filters, and the choices it asks the server for."""

from __future__ import annotations

import pandas as pd
import pytest
import shapely
from fastapi.testclient import TestClient

from demine.store.database import Database
from demine.store.risk import publish_risk
from demine.store.tile_layers import LAYERS
from tests.api.conftest import Seed


def test_map_page_has_layers_filters_and_risk_legend(
    as_role: dict[str, TestClient],
) -> None:
    page = as_role["viewer"].get("/map")
    assert page.status_code == 200
    html = page.text
    for control in (
        'value="settlement"',
        'id="risk-toggle"',
        'id="class-filter"',
        'id="organisation-filter"',
        'id="method-filter"',
        'id="date-from"',
        'id="date-to"',
        'id="risk-legend"',
    ):
        assert control in html
    # The risk layer starts off: its box is the only unchecked one.
    assert 'value="risk" id="risk-toggle">' in html
    assert "/static/map.css" in html
    assert as_role["viewer"].get("/static/map.css").status_code == 200


def test_options_list_organisations_and_tile_properties(
    as_role: dict[str, TestClient], seed: Seed
) -> None:
    options = as_role["viewer"].get("/map/options.json").json()
    names = [o["name"] for o in options["organisations"]]
    assert names == ["Alpha Demining", "Bravo Clearance"]
    assert options["properties"] == {k: list(v) for k, v in LAYERS.items()}
    # Grouped low-zoom tiles carry counts and densities, never who reported.
    grouped = options["overview"]
    assert grouped["hazard"] == {
        "max_zoom": 10,
        "properties": ["records", "area_m2", "density"],
    }
    assert set(grouped) == {"hazard", "release", "eo_item", "accident"}
    assert grouped["eo_item"]["max_zoom"] == 12
    assert options["risk"] == {
        "cells": 0,
        "model": None,
        "scored_at": None,
        "cell_deg": None,
    }


def test_options_say_what_risk_is_published(
    as_role: dict[str, TestClient], db: Database, seed: Seed
) -> None:
    cells = pd.DataFrame(
        {"geom": [shapely.box(46.7, 39.8, 46.71, 39.81)] * 3, "risk": [0.1, 0.5, 0.9]}
    )
    hazards = pd.DataFrame(
        {"hazard_id": [seed.hazards["cha"]], "risk": [0.5], "risk_max": [0.9]}
    ).assign(cells=3)
    publish_risk(db, cells, hazards, "demo-model")
    risk = as_role["reviewer"].get("/map/options.json").json()["risk"]
    assert risk["cells"] == 3
    assert risk["model"] == "demo-model"
    assert risk["scored_at"].startswith("20")
    assert risk["cell_deg"] == pytest.approx(0.01)


def test_options_need_a_login(as_role: dict[str, TestClient]) -> None:
    # Like every page, it sends a browser without a session to log in.
    response = as_role["anonymous"].get("/map/options.json", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    assert "Alpha" not in response.text
