# SPDX-License-Identifier: GPL-3.0-or-later
"""The public pages in Chromium on a phone (390x844) and a desktop (1440x900).

Screenshots go to ``artifacts/public-*.png``; the page weight (every byte
the browser fetched) is measured on the phone and kept within a budget that
a slow 2G connection loads in a few seconds.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from demine.server import create_app
from demine.settings import Settings
from demine.store.database import Database
from tests.api.after_clearance import seed_after_clearance
from tests.api.conftest import live_server, seed_register

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("DEMINE_CHROMIUM") or shutil.which("chromium") or ""
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--use-angle=swiftshader"]
ARGS += ["--enable-unsafe-swiftshader", "--disable-background-networking"]
SIZES = {"phone": (390, 844), "desktop": (1440, 900)}
# Bytes of one public page with everything it loads: 40 kB is ~6 s on 2G.
BUDGET = 40_000

pytestmark = pytest.mark.skipif(not CHROMIUM, reason="chromium is not installed")


@pytest.fixture(scope="module")
def site(module_db: Database) -> Iterator[tuple[str, dict[str, Any]]]:
    seed = seed_register(module_db)
    after = seed_after_clearance(module_db, seed)
    settings = Settings(
        database_url=module_db.url, secret_key="k", public_hotline="+994 12 000 00 00"
    )
    with live_server(create_app(settings, module_db)) as url:
        yield url, after


@pytest.mark.parametrize("size", sorted(SIZES))
def test_resident_finds_released_land_and_taps_the_map(
    site: tuple[str, dict[str, Any]], size: str
) -> None:
    url, after = site
    width, height = SIZES[size]
    errors: list[str] = []
    fetched: list[int] = []
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(
                viewport={"width": width, "height": height}, base_url=url
            )
            page.set_default_timeout(20_000)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on(
                "requestfinished",
                lambda r: fetched.append(r.sizes()["responseBodySize"]),
            )
            page.goto("/public")
            page.get_by_label("Village or town").fill("Sarijali")
            page.get_by_role("button", name="Look up").click()
            page.wait_for_selector("#released")
            assert after["certificate"] in page.inner_text("#released")
            assert "Danger" in page.inner_text("#warning")
            assert "+994 12 000 00 00" in page.inner_text("#hotline")
            weight = sum(fetched[-1:])
            page.screenshot(
                path=ARTIFACTS / f"public-settlement-{size}.png", full_page=True
            )
            box = page.locator("#map").bounding_box()
            assert box is not None
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.wait_for_selector("#status")
            page.screenshot(path=ARTIFACTS / f"public-point-{size}.png", full_page=True)
            page.locator("#released a").first.click()
            page.wait_for_selector("#verdict")
            assert "genuine" in page.inner_text("#verdict")
            page.screenshot(
                path=ARTIFACTS / f"public-certificate-{size}.png", full_page=True
            )
        finally:
            browser.close()
    assert not errors
    assert 0 < weight < BUDGET
