# SPDX-License-Identifier: GPL-3.0-or-later
"""The dashboard: the same figures as the summary, in hectares, for a period
and a cross-filter; kept per register version, so a write shows at once."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from demine.analysis.dashboard import DashboardFilter, dashboard_for
from demine.analysis.summary import national_summary
from demine.server import create_app
from demine.settings import Settings
from demine.store import users
from demine.store.database import Database
from demine.store.editing import add_records
from demine.store.schema import Release
from tests.api.conftest import PASSWORD, Seed, live_server, seed_register, square
from tests.web.axe import violations

CHROMIUM = os.environ.get("DEMINE_CHROMIUM") or shutil.which("chromium") or ""
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu"]
BROWSER_ARGS += ["--use-angle=swiftshader", "--enable-unsafe-swiftshader"]
SIZES = {"phone": (390, 844), "desktop": (1440, 900)}
CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def _released(
    db: Database, hazard: dict[str, Any], on: str, org: int, part: Any = None
) -> int:
    """An approved hazard reported by ``org``, cleared on ``on`` (whole, or
    the ``part`` given)."""
    [hid] = add_records(db, "hazard", [hazard], reported_by_id=org)
    release = {"hazard_id": hid, "kind": "cleared", "released_on": on, "depth_cm": 20}
    geom = part or hazard["geom"]
    add_records(db, "release", [release | {"geom": geom}], reported_by_id=org)
    return hid


@pytest.fixture(scope="module")
def worked(module_db: Database) -> tuple[Database, Seed, TestClient]:
    """The seed register where Alpha cleared a CHA in 2025 and Bravo a
    quarter of an SHA in 2026, and a viewer's client of it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(users, "_HASHER", CHEAP)
        seed = seed_register(module_db)
    alpha, bravo = seed.orgs["Alpha Demining"], seed.orgs["Bravo Clearance"]
    cha = {"name": "Alpha field", "hazard_class": "cha", "status": "open"}
    sha = {"name": "Bravo field", "hazard_class": "sha", "status": "open"}
    _released(module_db, cha | {"geom": square(46.5, 39.5, 0.02)}, "2025-03-01", alpha)
    _released(
        module_db,
        sha | {"geom": square(46.6, 39.6, 0.01)},
        "2026-06-30",
        bravo,
        square(46.6, 39.6, 0.005),
    )
    app = create_app(Settings(database_url=module_db.url, secret_key="k"), module_db)
    bearer = {"Authorization": f"Bearer {seed.tokens['viewer']}"}
    return module_db, seed, TestClient(app, headers=bearer)


def _sql_released(
    db: Database, org: int | None = None, year: int | None = None
) -> float:
    """Released m² straight from the release table (the independent count)."""
    stmt = select(func.coalesce(func.sum(Release.effective_m2), 0)).where(
        Release.review_state == "approved"
    )
    if org is not None:
        stmt = stmt.where(Release.reported_by_id == org)
    if year is not None:
        stmt = stmt.where(func.extract("year", Release.released_on) == year)
    with db.transaction() as conn:
        return float(conn.execute(stmt).scalar_one())


def test_dashboard_gives_the_summary_figures_and_filters_them(
    worked: tuple[Database, Seed, TestClient],
) -> None:
    db, seed, _client = worked
    with db.transaction() as conn:
        summary = national_summary(conn)
    every = dashboard_for(db, DashboardFilter())
    head = every["headline"]
    assert head["hazards"] == summary["hazards"]
    assert head["released_m2"] == pytest.approx(summary["area_m2"]["released"])
    assert head["remaining_m2"] == pytest.approx(summary["area_m2"]["remaining"])
    assert head["items"] == summary["items_total"]
    assert head["accidents"] == summary["casualties"]["accidents"] == 1
    assert sum(m2 for _k, _n, m2 in every["by_org"]) == pytest.approx(
        summary["area_m2"]["released"]
    )

    alpha, bravo = seed.orgs["Alpha Demining"], seed.orgs["Bravo Clearance"]
    only_alpha = dashboard_for(db, DashboardFilter(organisation=alpha))
    assert only_alpha["headline"]["released_m2"] == pytest.approx(
        _sql_released(db, org=alpha)
    )
    # The organisation chart is not filtered by its own choice: both stay.
    assert {k for k, _n, _m in only_alpha["by_org"]} == {alpha, bravo}
    in_2026 = dashboard_for(
        db,
        DashboardFilter(
            start=dt.date.fromisoformat("2026-01-01"),
            end=dt.date.fromisoformat("2026-12-31"),
        ),
    )
    assert in_2026["headline"]["released_m2"] == pytest.approx(
        _sql_released(db, year=2026)
    )
    assert 0 < _sql_released(db, year=2026) < head["released_m2"]
    assert [y for y, _m in in_2026["by_year"]] == [2026]
    sha_only = dashboard_for(db, DashboardFilter(hazard_class="sha"))
    assert sha_only["headline"]["released_m2"] == pytest.approx(
        _sql_released(db, org=bravo)
    )
    assert {k for k, _m in sha_only["by_class"]} >= {"cha", "sha"}


def test_dashboard_page_in_hectares_with_labels_and_links(
    worked: tuple[Database, Seed, TestClient],
) -> None:
    _db, seed, viewer = worked
    alpha = seed.orgs["Alpha Demining"]
    page = viewer.get("/dashboard").text
    assert "ap_mine" not in page
    assert ">cha<" not in page
    assert ">CHA</a>" in page
    assert "(ha)" in page
    assert "(m²)" not in page.split("Cost efficiency")[0]
    chosen = viewer.get(
        f"/dashboard?period=custom&from=2025-01-01&to=2025-12-31&organisation={alpha}"
    )
    assert chosen.status_code == 200
    html = chosen.text
    # The chosen bar is marked and links back to the unfiltered chart.
    assert re.search(r'<tr class="chosen">\s*<th scope="row"><a href="[^"]*"', html)
    assert (
        f'href="/map?organisation={alpha}&amp;from=2025-01-01&amp;to=2025-12-31"'
        in html
    )
    bad = viewer.get("/dashboard?period=custom&from=2025-13-01&to=x")
    assert bad.status_code == 422
    assert "2025-13-01" in bad.text
    assert "“x”" in bad.text


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _count(client: httpx.Client) -> int:
    page = client.get("/dashboard")
    assert page.status_code == 200, page.text[:500]
    found = re.search(r'id="hazard-count">(\d+)<', page.text)
    assert found is not None
    return int(found.group(1))


def test_a_write_changes_the_served_dashboard_at_once(db_url: str) -> None:
    """A real ``demine serve``: a write through it shows on its next page; a
    write by another process shows too (on PostgreSQL within the tracker's
    one-second reading)."""
    db = Database(db_url)
    seed = seed_register(db)
    port = _free_port()
    env = {**os.environ, "DEMINE_SECRET_KEY": uuid.uuid4().hex}
    cmd = [sys.executable, "-m", "demine", "serve", "--db", db_url]
    server = subprocess.Popen(
        [*cmd, "--port", str(port), "--no-access-log"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        reviewer = httpx.Client(
            base_url=base,
            headers={"Authorization": f"Bearer {seed.tokens['reviewer']}"},
        )
        clerk = httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {seed.tokens['clerk']}"}
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                before = _count(reviewer)
                break
            except httpx.TransportError:
                assert server.poll() is None
                assert time.monotonic() < deadline
                time.sleep(0.1)
        assert _count(reviewer) == before  # served from the cache now
        draft = seed.hazards["alpha_draft"]
        path = f"/api/v1/records/hazard/{draft}"
        submitted = clerk.post(f"{path}/submit")
        assert submitted.status_code == 200, submitted.text
        version = {"version": submitted.json()["version"]}
        assert reviewer.post(f"{path}/approve", json=version).status_code == 200
        assert _count(reviewer) == before + 1
        # Another process writes: the server sees it without a restart.
        add_records(
            db,
            "hazard",
            [{"name": "CLI", "hazard_class": "sha", "status": "open",
              "geom": square(46.9, 39.9)}],
        )  # fmt: skip
        if db.dialect == "sqlite":
            assert _count(reviewer) == before + 2
        deadline = time.monotonic() + 10
        while _count(reviewer) != before + 2:
            assert time.monotonic() < deadline, "the other process's write not seen"
            time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)
        db.dispose()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_period_and_cross_filter_in_chromium(
    worked: tuple[Database, Seed, TestClient], size: str
) -> None:
    """Pick a custom period, click an organisation's bar, then a class by
    keyboard: every chart and the map link follow; axe finds nothing serious."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM:
        pytest.skip("chromium is not installed")
    db, seed, _viewer = worked
    bravo = seed.orgs["Bravo Clearance"]
    app = create_app(Settings(database_url=db.url, secret_key="k"), db)
    with live_server(app) as url, playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            width, height = SIZES[size]
            page = browser.new_page(
                viewport={"width": width, "height": height}, base_url=url
            )
            page.set_default_timeout(20_000)
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto("/login?next=/dashboard")
            page.get_by_label("User name").fill("viewer")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url("**/dashboard")
            every = float(page.inner_text("#released-ha").replace(",", ""))

            page.fill("#dash-from", "2026-01-01")
            page.fill("#dash-to", "2026-12-31")
            assert page.is_checked("input[name=period][value=custom]")
            page.get_by_role("button", name="Show").click()
            page.wait_for_url("**period=custom**")
            in_2026 = float(page.inner_text("#released-ha").replace(",", ""))
            assert 0 < in_2026 < every

            bar = page.locator("#chart-org tr", has_text="Bravo").locator("a.dash-bar")
            bar.click()
            page.wait_for_url(f"**organisation={bravo}**")
            assert page.locator("#chart-org tr.chosen").inner_text().startswith("Bravo")
            # Bravo reported no CHA: the class chart follows the filter.
            assert page.locator("#chart-class tbody tr").count() == 1
            page.locator("#chart-class th a", has_text="SHA").focus()
            page.keyboard.press("Enter")
            page.wait_for_url("**class=sha**")
            assert float(page.inner_text("#released-ha").replace(",", "")) == in_2026
            href = page.get_attribute("#dashboard-map-link", "href")
            assert href == (
                f"/map?organisation={bravo}&hazard_class=sha"
                "&from=2026-01-01&to=2026-12-31"
            )
            assert violations(page) == []
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(
                path=ARTIFACTS / f"dashboard-filtered-{size}.png", full_page=True
            )
            if size == "desktop":
                page.click("#dashboard-map-link")
                page.wait_for_selector("#map[data-options=loaded]")
                assert page.input_value("#organisation-filter") == str(bravo)
                assert page.input_value("#class-filter") == "sha"
                assert page.input_value("#date-from") == "2026-01-01"
            assert errors == []
        finally:
            browser.close()
