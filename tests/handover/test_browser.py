# SPDX-License-Identifier: GPL-3.0-or-later
"""Staff pages in Chromium: land waiting for handover, issuing, survivors.

A reviewer sees the wait on the dashboard, issues the certificate of a
released hazard from its handover page and records the handover; an
assistance officer opens the survivors' list. Screenshots at desktop and
phone sizes go to ``artifacts/``.
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
from tests.api.after_clearance import released_hazard, seed_after_clearance
from tests.api.conftest import PASSWORD, live_server, seed_register

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("DEMINE_CHROMIUM") or shutil.which("chromium") or ""
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--use-angle=swiftshader"]
ARGS += ["--enable-unsafe-swiftshader", "--disable-background-networking"]
SIZES = {"phone": (390, 844), "desktop": (1440, 900)}

pytestmark = pytest.mark.skipif(not CHROMIUM, reason="chromium is not installed")


@pytest.fixture(scope="module")
def site(
    module_db: Database, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, dict[str, Any]]]:
    seed = seed_register(module_db)
    files = tmp_path_factory.mktemp("files")
    after = seed_after_clearance(module_db, seed, str(files))
    after["waiting"] = [released_hazard(module_db, f"Field {i}") for i in range(2)]
    settings = Settings(
        database_url=module_db.url, secret_key="k", attachments_dir=str(files)
    )
    with live_server(create_app(settings, module_db)) as url:
        yield url, after


def _log_in(page: Any, user: str, target: str) -> None:
    page.goto(f"/login?next={target}")
    page.get_by_label("User name").fill(user)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{target}")


@pytest.mark.parametrize("size", sorted(SIZES))
def test_reviewer_issues_and_hands_over(
    site: tuple[str, dict[str, Any]], size: str
) -> None:
    url, after = site
    hazard = after["waiting"][0 if size == "desktop" else 1]
    errors: list[str] = []
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            width, height = SIZES[size]
            page = browser.new_page(
                viewport={"width": width, "height": height}, base_url=url
            )
            page.set_default_timeout(20_000)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            _log_in(page, "reviewer", "/dashboard")
            waiting = int(page.inner_text("#waiting-hazards"))
            assert waiting >= 1
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(
                path=ARTIFACTS / f"dashboard-waiting-{size}.png", full_page=True
            )
            page.goto(f"/handover/{hazard}")
            page.get_by_label("Issued by").fill("A. Officer")
            page.get_by_label("Received by (authority or land user)").fill(
                "Municipality"
            )
            page.get_by_role("button", name="Issue a certificate").click()
            page.wait_for_selector("#certificates")
            page.get_by_label("Signed for by").fill("Head of the municipality")
            page.get_by_role("button", name="Record the handover").click()
            page.wait_for_selector("#certificates >> text=Head of the municipality")
            page.screenshot(path=ARTIFACTS / f"handover-{size}.png", full_page=True)
            page.goto("/dashboard")
            assert int(page.inner_text("#waiting-hazards")) == waiting - 1
        finally:
            browser.close()
    assert not errors


def test_assistance_officer_sees_survivors(site: tuple[str, dict[str, Any]]) -> None:
    url, _after = site
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(
                viewport={"width": 1440, "height": 900}, base_url=url
            )
            page.set_default_timeout(20_000)
            _log_in(page, "assistance", "/survivors")
            assert "Canary Survivor" in page.inner_text("#survivors")
            page.screenshot(path=ARTIFACTS / "survivors.png", full_page=True)
            page.locator("#survivors a").first.click()
            page.wait_for_selector("#survivor-needs")
            assert "Medical care" in page.inner_text("#survivor-needs")
        finally:
            browser.close()
