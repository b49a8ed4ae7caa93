# SPDX-License-Identifier: GPL-3.0-or-later
"""The browser UI in Debian's Chromium, driven by Playwright, on a live server.

Screenshots go to ``artifacts/`` (CI keeps them). Chromium is the system one
(``/usr/bin/chromium`` or ``DEMINE_CHROMIUM``); nothing is downloaded.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from demine.server import create_app
from demine.settings import Settings
from demine.store.database import Database
from tests.api.conftest import PASSWORD, Seed, live_server, seed_register, square

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("DEMINE_CHROMIUM") or shutil.which("chromium") or ""
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    # WebGL for MapLibre in software, with no GPU.
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]

pytestmark = pytest.mark.skipif(not CHROMIUM, reason="chromium is not installed")


@pytest.fixture(scope="module")
def site(module_db: Database) -> Iterator[tuple[str, Seed]]:
    seed = seed_register(module_db)
    app = create_app(Settings(database_url=module_db.url, secret_key="k"), module_db)
    with live_server(app) as url:
        yield url, seed


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_page(browser: Any, site: tuple[str, Seed]) -> Iterator[Any]:
    """Opens pages in fresh browser contexts (one per user) at 1366x768."""
    contexts = []

    def open_page() -> Any:
        context = browser.new_context(
            viewport={"width": 1366, "height": 768}, base_url=site[0]
        )
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_in(page: Any, username: str) -> None:
    page.goto("/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/map")


def wait_for_map(page: Any) -> None:
    page.wait_for_function(
        "window.demineMap && window.demineMap.loaded() && "
        "window.demineMap.areTilesLoaded()"
    )


def rendered(page: Any, layer: str) -> list[str]:
    return page.evaluate(
        """(layer) => window.demineMap.queryRenderedFeatures({layers: [layer]})
            .map(f => f.properties.name || String(f.properties.id))""",
        layer,
    )


def test_map_draws_hazards_filters_and_opens_a_record(new_page: Any) -> None:
    page = new_page()
    log_in(page, "viewer")
    page.evaluate("window.demineMap.jumpTo({center: [46.75, 39.85], zoom: 11})")
    wait_for_map(page)
    page.wait_for_function(
        "window.demineMap.queryRenderedFeatures({layers: ['hazard-fill']}).length > 0"
    )
    assert set(rendered(page, "hazard-fill")) == {"Approved CHA", "Approved SHA"}
    shot(page, "map-viewer")
    page.get_by_label("Hazard status").select_option("closed")
    page.wait_for_function(
        "window.demineMap.queryRenderedFeatures({layers: ['hazard-fill']}).length == 0"
    )
    page.get_by_label("Hazard status").select_option("")
    page.wait_for_function(
        "window.demineMap.queryRenderedFeatures({layers: ['hazard-fill']}).length > 0"
    )
    page.evaluate("window.demineMap.jumpTo({center: [46.805, 39.905], zoom: 12})")
    wait_for_map(page)
    point = page.evaluate("window.demineMap.project([46.805, 39.905])")
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    shot(page, "map-click")
    page.get_by_role("link", name="Open record: Hazardous area").click()
    page.wait_for_url("**/records/hazard/*")
    assert "Approved SHA" in page.locator("h1").inner_text()
    shot(page, "record")


def test_clerk_submits_reviewer_approves_dashboard_changes(
    new_page: Any, site: tuple[str, Seed]
) -> None:
    reviewer = new_page()
    log_in(reviewer, "reviewer")
    reviewer.goto("/dashboard")
    before = int(reviewer.locator("#hazard-count").inner_text())

    clerk = new_page()
    log_in(clerk, "clerk")
    clerk.goto("/hazards/new")
    clerk.get_by_label("Name").fill("Orchard north of the village")
    clerk.get_by_label("Classification").select_option("cha")
    geom = clerk.get_by_label("Polygon (GeoJSON geometry)")
    geom.fill('{"type": "Point", "coordinates": [46.9, 39.9]}')
    clerk.get_by_role("button", name="Submit for review").click()
    assert "polygon" in clerk.locator("#geom-error").inner_text().lower()
    shot(clerk, "hazard-form-error")
    geom.fill(json.dumps(square(46.9, 39.9)))
    clerk.get_by_role("button", name="Submit for review").click()
    clerk.wait_for_url("**/records/hazard/*")
    assert clerk.locator("h1 .state-submitted").count() == 1
    record_id = clerk.url.rsplit("/", 1)[1]
    shot(clerk, "hazard-submitted")

    reviewer.goto("/review")
    row = reviewer.locator(f"tr[data-kind=hazard][data-id='{record_id}']")
    assert "Orchard north of the village" in row.inner_text()
    shot(reviewer, "review-queue")
    row.get_by_role("button", name="Approve").click()
    reviewer.wait_for_url("**/review")
    assert reviewer.locator(f"tr[data-id='{record_id}']").count() == 0
    reviewer.goto("/dashboard")
    assert int(reviewer.locator("#hazard-count").inner_text()) == before + 1
    shot(reviewer, "dashboard")
    reviewer.goto(f"/records/hazard/{record_id}")
    trail = reviewer.locator("ol.audit")
    assert trail.locator("li[data-action=create]").count() == 1
    assert (
        trail.locator("li[data-action=approve]")
        .inner_text()
        .endswith("reviewer approved it")
    )
