# SPDX-License-Identifier: GPL-3.0-or-later
"""The map as a reader meets it, in Debian's Chromium at desktop (1440x900)
and phone (390x844) sizes: the offline basemap with its labels, the first
view on the work, the legend in sight, the list of records in view and the
search for the keyboard, hover, and axe-core with no serious violation.

Screenshots go to ``artifacts/`` like those of ``test_browser.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import shapely

from demine.server import create_app
from demine.settings import Settings
from demine.store.database import Database
from demine.store.schema import Place, ReferenceFeature
from tests.api.conftest import Seed, live_server, seed_register
from tests.web.axe import violations
from tests.web.test_browser import CHROMIUM, browser, log_in, shot, wait_for_map

__all__ = ["browser"]

pytestmark = pytest.mark.skipif(not CHROMIUM, reason="chromium is not installed")


def _reference(db: Database) -> None:
    """A district, a road, a river and a town round the seeded hazards."""
    with db.session(write=True) as session:
        district = shapely.box(46.72, 39.82, 47.1, 40.1)
        session.add(
            Place(
                name="Ağdam",
                place_type="admin1",
                boundary=shapely.MultiPolygon([district]),
            )
        )
        for name, lon, lat, people in (("Şıxlar", 46.76, 39.86, 28_000),):
            session.add(
                Place(
                    name=name,
                    place_type="settlement",
                    population=people,
                    location=shapely.Point(lon, lat),
                )
            )
        session.add(
            ReferenceFeature(
                kind="road",
                name="Ağdam–Şuşa",
                geom=shapely.LineString(
                    [(46.65, 39.78), (46.78, 39.86), (46.9, 39.95)]
                ),
            )
        )
        session.add(
            ReferenceFeature(
                kind="water",
                name="Qarqarçay",
                geom=shapely.LineString([(46.6, 39.92), (46.95, 39.88)]),
            )
        )


@pytest.fixture(scope="module")
def site(module_db: Database) -> Iterator[tuple[str, Seed]]:
    seed = seed_register(module_db)
    _reference(module_db)
    app = create_app(Settings(database_url=module_db.url, secret_key="k"), module_db)
    with live_server(app) as url:
        yield url, seed


def _page(browser: Any, url: str, width: int, height: int) -> Any:
    context = browser.new_context(
        viewport={"width": width, "height": height},
        base_url=url,
        permissions=["geolocation"],
        geolocation={"latitude": 39.85, "longitude": 46.75},
    )
    context.set_default_timeout(20_000)
    return context.new_page()


def _open(page: Any) -> None:
    log_in(page, "viewer")
    page.wait_for_function("document.getElementById('map').dataset.labels")
    wait_for_map(page)


def _drawn(page: Any, layer: str) -> list[str]:
    return page.evaluate(
        """(layer) => window.demineMap.queryRenderedFeatures({layers: [layer]})
            .map(f => f.properties.name || String(f.id))""",
        layer,
    )


def test_desktop_map_reads_with_basemap_legend_list_and_search(
    browser: Any, site: tuple[str, Seed]
) -> None:
    page = _page(browser, site[0], 1440, 900)
    _open(page)
    # Opened on the work: both approved hazards in view, closer than the country.
    assert page.evaluate("window.demineMap.getZoom()") > 9
    hazards = page.evaluate(
        "window.demineMap.queryRenderedFeatures({layers: ['hazard-fill']})"
        ".map(f => f.properties.name)"
    )
    assert set(hazards) == {"Approved CHA", "Approved SHA"}
    # The basemap from the register's reference layers, labelled.
    assert "Ağdam–Şuşa" in _drawn(page, "bm-road")
    assert "Qarqarçay" in _drawn(page, "bm-river")
    assert _drawn(page, "bm-boundary-district")
    assert "Şıxlar" in _drawn(page, "settlement-label")
    assert page.locator("h1").count() == 1
    # The legend is in sight without scrolling.
    legend = page.get_by_text("CHA (confirmed)").bounding_box()
    assert legend["y"] + legend["height"] < 900
    # Hover outlines the hazard under the pointer.
    point = page.evaluate("window.demineMap.project([46.708, 39.808])")
    box = page.locator("#map").bounding_box()
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_function(
        """window.demineMap.queryRenderedFeatures({layers: ['hazard-fill']})
            .some(f => f.state && f.state.hover)"""
    )
    page.mouse.move(box["x"] + point["x"] + 1, box["y"] + point["y"] + 1)
    assert page.locator("#map-coordinates").inner_text().startswith("39.80")
    shot(page, "map-desktop")
    # The keyboard's way: the records in view, listed; "Show" opens the popup.
    listed = page.locator("#map-list li")
    listed.first.wait_for()
    assert "Approved CHA" in page.locator("#map-list").inner_text()
    show = page.get_by_role("button", name="Show Hazardous area").first
    show.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".maplibregl-popup-content a")
    popup.wait_for()
    assert popup.inner_text().startswith("Open record: Hazardous area")
    # The search box finds a place and frames it.
    page.get_by_label("Find a place or record").fill("ağdam")
    page.get_by_role("button", name="Ağdam").click()
    page.wait_for_function("!window.demineMap.isMoving()")
    centre = page.evaluate("window.demineMap.getCenter().toArray()")
    assert abs(centre[0] - 46.91) < 0.02
    assert abs(centre[1] - 39.96) < 0.02
    assert violations(page) == []
    page.context.close()


def test_phone_map_comes_first_with_filters_in_a_drawer(
    browser: Any, site: tuple[str, Seed]
) -> None:
    page = _page(browser, site[0], 390, 844)
    _open(page)
    box = page.locator("#map").bounding_box()
    assert box["y"] < 844 / 2
    assert box["height"] > 300
    drawer = page.locator("#map-drawer")
    assert drawer.get_attribute("open") is None
    assert page.get_by_label("Organisation").is_hidden()
    # "Use my location" is on the map.
    assert page.get_by_role("button", name="Find my location").is_visible()
    shot(page, "map-phone")
    page.get_by_text("Layers, legend and filters").click()
    assert page.get_by_label("Organisation").is_visible()
    shot(page, "map-phone-drawer")
    assert violations(page) == []
    page.context.close()


def test_drawing_snaps_to_the_hazard_reads_the_area_and_marks_a_crossing(
    browser: Any, site: tuple[str, Seed]
) -> None:
    from tests.web.test_browser_forms import on_screen, open_drawing_map

    hazard = site[1].hazards["alpha_draft"]  # the clerk's own, square(47.0, 40.0)
    clerk = _page(browser, site[0], 1440, 900)
    log_in(clerk, "clerk")
    clerk.goto(f"/activities/new?hazard_id={hazard}")
    box = open_drawing_map(clerk, "Draw on the map")
    # A tap a few pixels from the hazard's corner lands on the corner itself.
    clerk.mouse.click(*on_screen(clerk, box, 47.0002, 40.0002))
    clerk.mouse.click(*on_screen(clerk, box, 47.006, 40.002))
    clerk.mouse.click(*on_screen(clerk, box, 47.006, 40.006))
    corners = json.loads(clerk.locator(".draw").get_attribute("data-corners"))
    assert corners[0] == [47.0, 40.0]
    assert clerk.locator(".draw-area").inner_text().startswith("Area: ")
    clerk.get_by_role("button", name="Clear").click()
    clerk.locator(".draw-map").scroll_into_view_if_needed()
    box = clerk.locator(".draw-map").bounding_box()  # the click may have scrolled
    # A bow-tie: the check names the crossing in plain words and marks it.
    for lon, lat in (
        (47.002, 40.002),
        (47.006, 40.006),
        (47.006, 40.002),
        (47.002, 40.006),
    ):
        clerk.mouse.click(*on_screen(clerk, box, lon, lat))
    clerk.get_by_role("button", name="Finish polygon").click()
    problems = clerk.locator(".draw-problems")
    problems.wait_for()
    assert problems.inner_text() == "The boundary crosses itself here."
    marked = json.loads(clerk.locator(".draw").get_attribute("data-problems-at"))
    assert len(marked) == 1
    assert abs(marked[0][0] - 47.004) < 1e-4
    assert abs(marked[0][1] - 40.004) < 1e-4
    shot(clerk, "draw-crossing")
    assert violations(clerk) == []
    clerk.context.close()


def test_phone_clerk_places_a_find_at_their_location(
    browser: Any, site: tuple[str, Seed]
) -> None:
    from tests.web.test_browser_forms import open_drawing_map

    clerk = _page(browser, site[0], 390, 844)
    log_in(clerk, "clerk")
    clerk.goto("/eo-items/new")
    open_drawing_map(clerk, "Pick the place on the map")
    assert "Tap" in clerk.locator(".draw .hint").first.inner_text()
    clerk.get_by_role("button", name="Use my location").click()
    latitude = clerk.get_by_label("Latitude (decimal degrees)")
    clerk.wait_for_function("(el) => el.value !== ''", arg=latitude.element_handle())
    assert (
        float(clerk.get_by_label("Longitude (decimal degrees)").input_value()) == 46.75
    )
    assert (
        float(clerk.get_by_label("Latitude (decimal degrees)").input_value()) == 39.85
    )
    shot(clerk, "draw-phone-location")
    clerk.context.close()
