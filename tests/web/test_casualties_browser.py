# SPDX-License-Identifier: GPL-3.0-or-later
"""The casualty page in Chromium: charts, tables and the hotspot map draw."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from demine.server import create_app
from demine.settings import Settings
from demine.store.database import Database
from demine.store.editing import add_records
from tests.api.conftest import PASSWORD, live_server, seed_register

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("DEMINE_CHROMIUM") or shutil.which("chromium") or ""
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--use-angle=swiftshader"]
ARGS += ["--enable-unsafe-swiftshader", "--disable-background-networking"]

pytestmark = pytest.mark.skipif(not CHROMIUM, reason="chromium is not installed")


@pytest.fixture(scope="module")
def site(module_db: Database) -> Iterator[str]:
    """The seed register plus six accidents: five near Aghdam, one apart."""
    seed_register(module_db)
    spots = [(46.70 + 0.002 * i, 39.80 + 0.001 * i) for i in range(5)]
    spots.append((47.05, 39.60))
    ids = add_records(
        module_db,
        "accident",
        [
            {
                "accident_type": "non_demining",
                "occurred_on": f"2024-0{1 + i % 6}-15",
                "geom": {"type": "Point", "coordinates": list(spot)},
            }
            for i, spot in enumerate(spots)
        ],
        today=dt.date(2026, 11, 1),
    )
    add_records(
        module_db,
        "victim",
        [
            {"accident_id": a, "outcome": o, "sex": s, "age": age}
            for a, o, s, age in zip(
                ids,
                ["killed", "injured", "injured", "injured", "killed", "injured"],
                ["male", "male", "female", "male", "male", "unknown"],
                [34, 12, 40, 61, 25, None],
                strict=True,
            )
        ],
        today=dt.date(2026, 11, 1),
    )
    app = create_app(Settings(database_url=module_db.url, secret_key="k"), module_db)
    with live_server(app) as url:
        yield url


def test_page_draws_charts_tables_and_hotspot_map(site: str) -> None:
    errors: list[str] = []
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(
                viewport={"width": 1440, "height": 900}, base_url=site
            )
            page.set_default_timeout(20_000)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto("/login?next=/casualties")
            page.get_by_label("User name").fill("viewer")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url("**/casualties")
            page.wait_for_selector("#casualty-map[data-loaded]")
            page.wait_for_function(
                "window.demineCasualtyMap.loaded() && window.demineCasualtyMap"
                ".queryRenderedFeatures({layers: ['density']}).length > 0"
            )
            # the register's own tiles give context: the accidents and hazards
            # (zoomed out they come grouped in cells, each with its count)
            page.wait_for_function(
                "window.demineCasualtyMap.areTilesLoaded() && window"
                ".demineCasualtyMap.queryRenderedFeatures("
                "{layers: ['accident-circle']}).reduce((n, f) =>"
                " n + Number(f.properties.records || 1), 0) >= 6"
            )
            spots = page.evaluate(
                "window.demineCasualtyMap.queryRenderedFeatures("
                "{layers: ['hotspot']}).length"
            )
            assert spots >= 2  # the cluster near Aghdam and the lone accident
            # the offline basemap is under it, with the settlement names
            page.wait_for_selector("#casualty-map[data-labels='loaded']")
            assert page.evaluate(
                "window.demineCasualtyMap.getStyle().layers"
                ".some(l => l.id.startsWith('bm-'))"
            )
            assert page.locator("#killed-count").inner_text() == "2"
            # one child (12) known; the victim without an age is said apart
            assert page.locator("#children-count").inner_text() == "1"
            unknown = page.locator("#children-age-unknown")
            assert unknown.inner_text() == "+ 1 of unknown age"
            assert page.locator("svg.chart").count() == 6
            assert page.locator("#hotspot-table tbody tr").count() == spots
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "casualties.png"), full_page=True)
            page.set_viewport_size({"width": 390, "height": 844})
            page.wait_for_function("window.demineCasualtyMap.loaded()")
            page.screenshot(
                path=str(ARTIFACTS / "casualties-phone.png"), full_page=True
            )
            # on a phone the page never scrolls sideways: wide tables scroll
            # in their own box, and the unknown-age note has its own line
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"the page is {width} px wide on a 390 px phone"
            figure = page.locator("#children-count").bounding_box()
            note = unknown.bounding_box()
            assert figure is not None
            assert note is not None
            assert note["y"] >= figure["y"] + figure["height"]
        finally:
            browser.close()
    assert not errors, errors
