# SPDX-License-Identifier: GPL-3.0-or-later
"""The map's risk and settlement layers and its filters, in Debian's Chromium.

Screenshots go to ``artifacts/`` like those of ``test_browser.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest
import shapely
from sqlalchemy import select

from demine.server import create_app
from demine.settings import Settings
from demine.store.database import Database
from demine.store.editing import add_records
from demine.store.risk import publish_risk
from demine.store.schema import Hazard, Place
from tests.api.conftest import Seed, live_server, seed_register
from tests.web.test_browser import (
    CHROMIUM,
    browser,
    log_in,
    rendered,
    shot,
    wait_for_map,
)

__all__ = ["browser"]

pytestmark = pytest.mark.skipif(not CHROMIUM, reason="chromium is not installed")

SETTLEMENTS = (("Aghdam", 46.76, 39.86, 28_000), ("Khidirli", 46.72, 39.83, 900))


def _settlements(db: Database) -> dict[str, int]:
    ids = {}
    with db.session(write=True) as session:
        for name, lon, lat, people in SETTLEMENTS:
            place = Place(
                name=name,
                place_type="settlement",
                population=people,
                location=shapely.Point(lon, lat),
                min_lon=lon,
                max_lon=lon,
                min_lat=lat,
                max_lat=lat,
            )
            session.add(place)
            session.flush()
            ids[name] = place.id
    return ids


def _risk(db: Database, seed: Seed) -> None:
    """0.01° cells over the seeded hazards, risk rising to the east; the
    northern two rows lie outside the model's area of applicability."""
    # West edges 46.68 ... 46.83, south edges 39.78 ... 39.91.
    lon, lat = np.meshgrid(46.68 + 0.01 * np.arange(16), 39.78 + 0.01 * np.arange(14))
    lon, lat = lon.ravel(), lat.ravel()
    risk = (lon - lon.min()) / (lon.max() - lon.min())
    cells = pd.DataFrame(
        {
            "geom": shapely.box(lon, lat, lon + 0.01, lat + 0.01),
            "risk": risk,
            "risk_low": risk * 0.8,
            "risk_high": np.minimum(1.0, risk * 1.2 + 0.05),
            "applicable": lat < 39.895,
        }
    )
    hazards = pd.DataFrame(
        {"hazard_id": [seed.hazards["cha"]], "risk": [0.2], "risk_max": [0.3]}
    ).assign(cells=1)
    publish_risk(db, cells, hazards, "browser-test")


@pytest.fixture(scope="module")
def site(module_db: Database) -> Iterator[tuple[str, Seed, dict[str, int]]]:
    seed = seed_register(module_db)
    places = _settlements(module_db)
    _risk(module_db, seed)
    # An older accident beside the seeded one (2025-05-01), for the date range.
    add_records(
        module_db,
        "accident",
        [
            {
                "accident_type": "demining",
                "occurred_on": "2021-06-15",
                "geom": {"type": "Point", "coordinates": [46.745, 39.845]},
            }
        ],
    )
    app = create_app(Settings(database_url=module_db.url, secret_key="k"), module_db)
    with live_server(app) as url:
        yield url, seed, places


@pytest.fixture
def page(browser: Any, site: tuple[str, Seed, dict[str, int]]) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 1366, "height": 768}, base_url=site[0]
    )
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


def count(page: Any, layer: str) -> int:
    return len(rendered(page, layer))


def wait_count(page: Any, layer: str, test: str) -> None:
    page.wait_for_function(
        f"window.demineMap.queryRenderedFeatures({{layers: ['{layer}']}}).length {test}"
    )


def open_map(page: Any) -> None:
    log_in(page, "viewer")
    page.wait_for_function("document.getElementById('map').dataset.options")
    page.evaluate("window.demineMap.jumpTo({center: [46.75, 39.85], zoom: 11})")
    wait_for_map(page)


def test_risk_layer_is_off_until_toggled(page: Any) -> None:
    open_map(page)
    wait_count(page, "hazard-fill", "> 0")
    assert count(page, "risk-fill") == 0
    assert page.locator("#risk-legend").is_hidden()
    page.get_by_label("Contamination risk (model)").check()
    wait_count(page, "risk-fill", "> 0")
    assert page.locator("#risk-legend").is_visible()
    assert "browser-test" in page.locator("#risk-source").inner_text()
    risks = page.evaluate(
        """window.demineMap.queryRenderedFeatures({layers: ['risk-fill']})
            .map(f => Number(f.properties.risk))"""
    )
    assert min(risks) < 0.1
    assert max(risks) > 0.9
    shot(page, "map-risk-layer")
    # A click where no record is shows the cell's risk.
    point = page.evaluate("window.demineMap.project([46.835, 39.785])")
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    popup = page.locator(".maplibregl-popup-content")
    assert "Contamination risk: 1.00 (0.80–1.00)" in popup.inner_text()
    # Cells outside the area of applicability are drawn grey and say so.
    grey = page.evaluate(
        """window.demineMap.queryRenderedFeatures({layers: ['risk-fill']})
            .filter(f => f.properties.applicable === false
                         || f.properties.applicable === 0).length"""
    )
    assert grey > 0
    assert "area of applicability" in page.locator("#risk-legend").inner_text()
    point = page.evaluate("window.demineMap.project([46.835, 39.915])")
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    text = page.locator(".maplibregl-popup-content").inner_text()
    assert "Outside the model's area of applicability." in text
    shot(page, "map-risk-applicability")
    # Country-wide, cells of 0.01° would make heavy tiles: zoom 9 and closer.
    assert page.locator("#risk-zoom").is_hidden()
    page.evaluate("window.demineMap.jumpTo({center: [46.75, 39.85], zoom: 7})")
    wait_for_map(page)
    assert count(page, "risk-fill") == 0
    assert page.locator("#risk-zoom").is_visible()
    page.evaluate("window.demineMap.jumpTo({center: [46.75, 39.85], zoom: 10})")
    wait_count(page, "risk-fill", "> 0")
    assert page.locator("#risk-zoom").is_hidden()
    page.get_by_label("Contamination risk (model)").uncheck()
    wait_count(page, "risk-fill", "== 0")


def test_settlements_sized_labelled_and_open_their_record(
    page: Any, site: tuple[str, Seed, dict[str, int]]
) -> None:
    open_map(page)
    wait_count(page, "settlement-circle", ">= 2")
    assert set(rendered(page, "settlement-circle")) == {"Aghdam", "Khidirli"}
    radii = page.evaluate(
        """['Aghdam', 'Khidirli'].map(name => {
            const f = window.demineMap.queryRenderedFeatures(
                {layers: ['settlement-circle']}).find(f => f.properties.name === name);
            return f.layer.paint['circle-radius'];  // evaluated for the feature
        })"""
    )
    assert radii[0] > radii[1]  # the bigger town draws the bigger circle
    # Labels are a symbol layer: placed by MapLibre without overlapping.
    page.wait_for_function("document.getElementById('map').dataset.labels")
    wait_count(page, "settlement-label", ">= 2")
    assert {"Aghdam", "Khidirli"} <= set(rendered(page, "settlement-label"))
    point = page.evaluate("window.demineMap.project([46.76, 39.86])")
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    link = page.get_by_role("link", name="Open record: Place")
    assert "population 28,000" in link.inner_text()
    shot(page, "map-settlement-click")
    link.click()
    page.wait_for_url(f"**/records/place/{site[2]['Aghdam']}")
    assert "Aghdam" in page.locator("h1").inner_text()


def test_filters_change_what_is_drawn(page: Any) -> None:
    open_map(page)
    wait_count(page, "hazard-fill", "> 0")
    assert set(rendered(page, "hazard-fill")) == {"Approved CHA", "Approved SHA"}
    page.get_by_label("Hazard classification").select_option("cha")
    wait_count(page, "hazard-fill", "> 0")
    page.wait_for_function(
        "window.demineMap.queryRenderedFeatures({layers: ['hazard-fill']})"
        ".every(f => f.properties.hazard_class === 'cha')"
    )
    assert set(rendered(page, "hazard-fill")) == {"Approved CHA"}
    wait_count(page, "accident-circle", "== 2")
    page.get_by_label("Date from", exact=True).fill("2024-01-01")
    page.get_by_label("Date from", exact=True).dispatch_event("change")
    wait_count(page, "accident-circle", "== 1")
    shot(page, "map-filtered")
    page.get_by_label("Date to", exact=True).fill("2022-01-01")
    page.get_by_label("Date to", exact=True).dispatch_event("change")
    wait_count(page, "accident-circle", "== 0")
    page.get_by_role("button", name="Clear filters").click()
    wait_count(page, "accident-circle", "== 2")
    page.wait_for_function(
        "window.demineMap.queryRenderedFeatures({layers: ['hazard-fill']})"
        ".some(f => f.properties.hazard_class === 'sha')"
    )


def test_organisation_filter_keeps_one_organisations_records(page: Any) -> None:
    log_in(page, "reviewer")  # sees both organisations' drafts, on one square
    page.wait_for_function("document.getElementById('map').dataset.options")
    page.evaluate("window.demineMap.jumpTo({center: [47.005, 40.005], zoom: 12})")
    wait_for_map(page)
    wait_count(page, "hazard-fill", "> 0")
    assert set(rendered(page, "hazard-fill")) == {"alpha_draft", "bravo_draft"}
    page.get_by_label("Organisation").select_option(label="Alpha Demining")
    page.wait_for_function(
        "window.demineMap.queryRenderedFeatures({layers: ['hazard-fill']})"
        ".every(f => f.properties.name === 'alpha_draft')"
    )
    assert set(rendered(page, "hazard-fill")) == {"alpha_draft"}
    shot(page, "map-organisation-filter")


def test_zoomed_out_records_come_grouped_filtered_and_zoom_in_when_clicked(
    page: Any, module_db: Database, site: tuple[str, Seed, dict[str, int]]
) -> None:
    log_in(page, "reviewer")  # sees both organisations' drafts
    page.wait_for_function("document.getElementById('map').dataset.options")
    page.evaluate("window.demineMap.jumpTo({center: [47.0, 40.0], zoom: 8})")
    wait_for_map(page)
    wait_count(page, "hazard-cells", "> 0")
    # The grid's legend is the hazards' density ramp.
    assert page.locator('.density-legend[data-layer="hazard"]').is_visible()
    assert page.locator('.density-legend[data-layer="eo_item"]').is_hidden()
    sums = """window.demineMap.queryRenderedFeatures({layers: ['hazard-cells']})
        .reduce((n, f) => n + Number(f.properties.records), 0)"""
    with module_db.session() as session:
        reported = session.execute(select(Hazard.reported_by_id)).scalars().all()
    alpha = site[1].orgs["Alpha Demining"]
    # Every hazard in grouped cells, with no name or id; no record drawn alone.
    assert page.evaluate(sums) == len(reported)
    assert count(page, "hazard-fill") == 0
    # The organisation filter applies here too: the server groups only
    # Alpha's records (the cells themselves do not say who reported them).
    page.get_by_label("Organisation").select_option(label="Alpha Demining")
    page.wait_for_function(
        f"window.demineMap.areTilesLoaded() && {sums} === {reported.count(alpha)}"
    )
    shot(page, "map-grouped-filtered")
    # Clicking a grouped cell zooms in on it.
    point = page.evaluate("window.demineMap.project([47.005, 40.005])")
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_function(
        "window.demineMap.getZoom() >= 10.9 && !window.demineMap.isMoving()"
    )
    wait_for_map(page)
    page.wait_for_function(
        "window.demineMap.queryRenderedFeatures({layers: ['hazard-fill']})"
        ".some(f => f.properties.name === 'alpha_draft')"
    )
    assert set(rendered(page, "hazard-fill")) == {"alpha_draft"}
