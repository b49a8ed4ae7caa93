# SPDX-License-Identifier: GPL-3.0-or-later
"""The /reports page in Debian's Chromium: choose, view, download the PDF.

The screenshot goes to ``artifacts/reports/``. Nothing is downloaded from the
internet; the test skips without Chromium or Playwright.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from demine.domain.vocab import Role
from demine.server import create_app
from demine.serving.live import live_server
from demine.settings import Settings
from demine.store.database import Database
from demine.store.users import add_user

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = os.environ.get("DEMINE_CHROMIUM") or shutil.which("chromium") or ""
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="chromium is not installed")
PASSWORD = "reports in a browser"


@pytest.fixture(scope="module")
def site(demo_db: Database) -> Iterator[str]:
    add_user(demo_db, "report_browser", PASSWORD, Role.VIEWER, None)
    app = create_app(Settings(database_url=demo_db.url, secret_key="k"), demo_db)
    with live_server(app) as url:
        yield url


@pytest.fixture
def page(site: str) -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        context = browser.new_context(
            viewport={"width": 1366, "height": 900},
            base_url=site,
            accept_downloads=True,
        )
        context.set_default_timeout(60_000)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def test_choose_view_and_download_a_report(page: Any, artifacts: Path) -> None:
    page.goto("/login?next=/reports")
    page.get_by_label("User name").fill("report_browser")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/reports")
    page.get_by_label("Report", exact=True).select_option("treaty")
    page.get_by_label("Period", exact=True).fill("2024")
    page.get_by_role("button", name="View report").click()
    page.wait_for_url("**/reports?kind=treaty*")
    frame = page.frame_locator("#report-preview")
    frame.get_by_role(
        "heading", name="Mine Ban Treaty Article 7 report 2024"
    ).wait_for()
    assert frame.locator("[data-table=form_c]").count() == 1
    page.screenshot(path=str(artifacts / "web-reports.png"))
    with page.expect_download() as info:
        page.locator("#report-pdf").click()
    download = info.value
    assert download.suggested_filename == "demine-treaty-2024.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF-")
