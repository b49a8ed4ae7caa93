# SPDX-License-Identifier: GPL-3.0-or-later
"""Every page in Debian's Chromium, as an administrator, at desktop and phone
sizes: axe-core finds no serious or critical violation; the header is one
line with a keyboard-usable menu; the map fills the window below it.

One browser and one logged-in page serve the whole module (each route is
opened once, then checked at both sizes), so it stays fast. Screenshots of
the header, its menu and the scenario editor go to ``artifacts/``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import select

from demine.demo.generator import generate
from demine.domain.vocab import Role
from demine.server import create_app, routers
from demine.settings import Settings
from demine.store.database import Database
from demine.store.forecast_scenarios import save_scenario
from demine.store.loading import load_register
from demine.store.schema import Job, Survivor
from demine.store.users import add_user, get_principal
from tests.api.after_clearance import seed_after_clearance
from tests.api.conftest import PASSWORD, live_server, seed_register
from tests.api.matrix_forecast import TEAMS
from tests.conftest import PG_URL
from tests.web.axe import violations
from tests.web.test_browser import ARTIFACTS, CHROMIUM, browser
from tests.web.test_languages_browser import first_id

__all__ = ["browser"]

pytestmark = [
    pytest.mark.skipif(not CHROMIUM, reason="chromium is not installed"),
    # The pages are the same HTML on PostGIS, whose queries the page tests
    # (test_pages.py, test_record_pages.py) cover; a second browser pass
    # would only add minutes to CI.
    pytest.mark.skipif(PG_URL is not None, reason="checked in the SQLite run"),
]

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
# A phone header of one line: the brand, the slot and the menu button.
PHONE_HEADER_MAX = 64

Ids = dict[str, Any]
# Every HTML page of the web app by its route, as a path with real ids.
PAGES: dict[str, Callable[[Ids], str]] = {
    "/login": lambda i: "/login",
    "/map": lambda i: "/map",
    "/dashboard": lambda i: "/dashboard",
    "/casualties": lambda i: "/casualties",
    "/priorities": lambda i: "/priorities",
    "/forecast": lambda i: f"/forecast?scenario={i['scenario']}",
    "/forecast/scenarios/new": lambda i: "/forecast/scenarios/new",
    "/forecast/scenarios/{scenario_id}": lambda i: (
        f"/forecast/scenarios/{i['scenario']}"
    ),
    "/plan": lambda i: "/plan",
    "/reports": lambda i: "/reports",
    "/new": lambda i: "/new",
    "/hazards/new": lambda i: "/hazards/new",
    "/hazards/{record_id}/edit": lambda i: f"/hazards/{i['hazard']}/edit",
    "/activities/new": lambda i: "/activities/new",
    "/activities/{record_id}/edit": lambda i: f"/activities/{i['activity']}/edit",
    "/releases/new": lambda i: "/releases/new",
    "/releases/{record_id}/edit": lambda i: f"/releases/{i['release']}/edit",
    "/eo-items/new": lambda i: "/eo-items/new",
    "/eo-items/{record_id}/edit": lambda i: f"/eo-items/{i['eo_item']}/edit",
    "/accidents/new": lambda i: "/accidents/new",
    "/accidents/{record_id}/edit": lambda i: f"/accidents/{i['accident']}/edit",
    "/victims/new": lambda i: "/victims/new",
    "/victims/{record_id}/edit": lambda i: f"/victims/{i['victim']}/edit",
    "/records/{kind}/hazard": lambda i: f"/records/hazard/{i['hazard']}",
    "/records/{kind}/activity": lambda i: f"/records/activity/{i['activity']}",
    "/records/{kind}/release": lambda i: f"/records/release/{i['release']}",
    "/records/{kind}/eo_item": lambda i: f"/records/eo_item/{i['eo_item']}",
    "/records/{kind}/accident": lambda i: f"/records/accident/{i['accident']}",
    "/records/{kind}/victim": lambda i: f"/records/victim/{i['victim']}",
    "/review": lambda i: "/review",
    "/my-submissions": lambda i: "/my-submissions",
    "/sync/conflicts": lambda i: "/sync/conflicts",
    "/findings": lambda i: "/findings",
    "/transfer": lambda i: "/transfer",
    "/people": lambda i: "/people",
    "/training": lambda i: "/training",
    "/accreditation": lambda i: "/accreditation",
    "/accreditation/{organisation_id}": lambda i: f"/accreditation/{i['organisation']}",
    "/qa": lambda i: "/qa",
    "/qa/inspections/{inspection_id}": lambda i: f"/qa/inspections/{i['inspection']}",
    "/qa/non-conformities/{nc_id}": lambda i: f"/qa/non-conformities/{i['nc']}",
    "/qa/visits": lambda i: "/qa/visits",
    "/qa/visits/{visit_id}": lambda i: f"/qa/visits/{i['visit']}",
    "/handover/{hazard_id}": lambda i: f"/handover/{i['released']}",
    "/public": lambda i: "/public",
    "/public/certificates/{code}": lambda i: f"/public/certificates/{i['code']}",
    "/account/password": lambda i: "/account/password",
    "/account/tokens": lambda i: "/account/tokens",
    "/admin/users": lambda i: "/admin/users",
    "/admin/risk": lambda i: "/admin/risk",
    "/jobs/{job_id}": lambda i: f"/jobs/{i['job']}",
}
# Pages only the assistance role opens (survivors' personal data).
ASSISTANCE_PAGES: dict[str, Callable[[Ids], str]] = {
    "/survivors": lambda i: "/survivors",
    "/survivors/{survivor_id}": lambda i: f"/survivors/{i['survivor']}",
}
# GET routes of the web app that are not pages of their own.
NOT_PAGES = {
    "/": "redirects to the map",
    "/transfer/export": "a form's answer (export job), not a page",
    "/transfer/jobs/{job_id}": "the import page, with a finished job's report",
    "/i18n/{language}.json": "data",
    "/map/options.json": "data",
    "/map/search.json": "data",
    "/draw/work-extent.json": "data",
    "/draw/check.json": "data",
    "/basemap/{z}/{x}/{y}.mvt": "tiles",
    "/basemap.pmtiles": "tiles",
}


def web_routes() -> set[str]:
    """Every GET route of the browser UI (the ``demine.web`` modules)."""
    return {
        route.path
        for router in routers()
        for route in router.routes
        if "GET" in getattr(route, "methods", ())
        and route.endpoint.__module__.startswith("demine.web.")
    }


def test_every_page_is_checked() -> None:
    covered = {p if not p.startswith("/records/") else "/records/{kind}/{record_id}"
               for p in PAGES} | set(ASSISTANCE_PAGES) | set(NOT_PAGES)  # fmt: skip
    assert web_routes() == covered


@pytest.fixture(scope="module")
def site(module_db: Database) -> Iterator[tuple[str, Ids]]:
    load_register(module_db, generate("small", seed=1))
    seed = seed_register(module_db)
    after = seed_after_clearance(module_db, seed)
    add_user(module_db, "chief", PASSWORD, Role.ADMIN)
    ids: Ids = {
        kind: first_id(module_db, kind)
        for kind in ("hazard", "activity", "release", "eo_item", "accident")
    }
    ids |= {
        "victim": first_id(module_db, "victim"),
        "organisation": first_id(module_db, "organisation"),
        "inspection": first_id(module_db, "inspection"),
        "nc": first_id(module_db, "non_conformity"),
        "visit": first_id(module_db, "monitoring_visit"),
        "released": after["hazard"],
        "code": after["code"],
        "scenario": save_scenario(module_db, dict(TEAMS), None),
    }
    with module_db.session() as session:
        ids["survivor"] = session.scalars(select(Survivor.id)).first()
    admin = get_principal(module_db, seed.users["admin"])
    assert admin is not None
    with module_db.session(write=True) as session:
        job = Job(kind="export", user_id=admin.id, state="done", progress=1.0)
        job.parameters = {"kind": "register", "format": "gpkg"}
        session.add(job)
        session.flush()
        ids["job"] = job.id
    settings = Settings(database_url=module_db.url, secret_key="k")
    with live_server(create_app(settings, module_db)) as url:
        yield url, ids


@pytest.fixture(scope="module")
def admin_page(browser: Any, site: tuple[str, Ids]) -> Iterator[Any]:
    """One page, logged in as an administrator, for the whole module."""
    yield from _logged_in(browser, site[0], "admin")


@pytest.fixture(scope="module")
def assistance_page(browser: Any, site: tuple[str, Ids]) -> Iterator[Any]:
    yield from _logged_in(browser, site[0], "assistance")


def _logged_in(browser: Any, url: str, username: str) -> Iterator[Any]:
    context = browser.new_context(viewport=DESKTOP, base_url=url)
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto("/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(PASSWORD)
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url("**/map")
    try:
        yield page
    finally:
        context.close()


def shot(page: Any, name: str, full: bool = False) -> None:
    folder = ARTIFACTS / "header"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=full)


# Left, right and top of each text drawn in the header, left to right (where
# it shows, so a label pushed outside its item counts there).
OWN_BOXES = """() => {
  const out = [];
  const walk = document.createTreeWalker(
    document.getElementById('site-header'), NodeFilter.SHOW_TEXT);
  for (let node = walk.nextNode(); node; node = walk.nextNode()) {
    // Closed menus keep a layout but are not drawn; .sr is clipped away.
    const parent = node.parentElement;
    if (!node.data.trim() || !parent.checkVisibility()) continue;
    if (getComputedStyle(parent).clip === 'rect(0px, 0px, 0px, 0px)') continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width > 1 && r.height > 1) out.push([r.left, r.right, r.top]);
    }
  }
  return out.sort((a, b) => a[0] - b[0]);
}"""


def header_height(page: Any) -> float:
    return float(page.locator("#site-header").bounding_box()["height"])


def test_phone_header_is_one_line_and_its_menu_works_by_keyboard(
    admin_page: Any,
) -> None:
    page = admin_page
    page.set_viewport_size(PHONE)
    page.goto("/dashboard")
    assert header_height(page) <= PHONE_HEADER_MAX
    button = page.locator("#menu-button")
    assert button.is_visible()
    assert button.get_attribute("aria-expanded") == "false"
    assert button.get_attribute("aria-controls") == "site-menu"
    assert not page.get_by_role("link", name="Priorities").is_visible()
    shot(page, "phone-header-closed")
    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    link = page.get_by_role("link", name="Map", exact=True)
    assert link.is_visible()
    # The menu comes next in the reading and Tab order.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Map"
    # "More", the account and the language switch are in the drawer too.
    more = page.locator("#more-menu > summary")
    more.focus()
    page.keyboard.press("Enter")
    assert page.get_by_role("link", name="Casualties").is_visible()
    assert page.locator("form.languages button[value=ru]").is_visible()
    shot(page, "phone-menu-open", full=True)
    page.keyboard.press("Escape")
    assert not page.get_by_role("link", name="Casualties").is_visible()
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.id") == "menu-button"
    assert not link.is_visible()
    assert header_height(page) <= PHONE_HEADER_MAX


def test_desktop_header_is_one_line_with_more_and_account_menus(
    admin_page: Any,
) -> None:
    page = admin_page
    page.set_viewport_size(DESKTOP)
    for language in ("en", "ru", "az"):
        page.goto("/priorities")
        if language != "en":
            page.locator(f"form.languages button[value={language}]").click()
            page.wait_for_function(f"document.documentElement.lang === '{language}'")
        assert not page.locator("#menu-button").is_visible()
        # One line: the header no taller than a phone's, its items on one row.
        assert header_height(page) <= PHONE_HEADER_MAX, language
        boxes = page.evaluate(OWN_BOXES)
        tops = [top for _left, _right, top in boxes]
        assert max(tops) - min(tops) < 8, (language, boxes)
        # Side by side, none over another, all inside the window.
        for (_l, right, _t), (left, _r, _t2) in itertools.pairwise(boxes):
            assert right <= left + 0.5, (language, boxes)
        assert boxes[-1][1] <= DESKTOP["width"], (language, boxes)
        if language == "ru":
            shot(page, "desktop-header-ru")
    page.locator("form.languages button[value=en]").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    page.locator("#more-menu > summary").click()
    assert page.get_by_role("link", name="Risk model").is_visible()
    shot(page, "desktop-more-open")
    page.keyboard.press("Escape")
    page.locator("#account-menu > summary").click()
    assert page.get_by_role("button", name="Log out").is_visible()
    page.keyboard.press("Escape")
    assert not page.get_by_role("button", name="Log out").is_visible()


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_map_fills_the_window_below_the_header(
    admin_page: Any, size: dict[str, int]
) -> None:
    page = admin_page
    page.set_viewport_size(size)
    page.goto("/map")
    page.wait_for_function("window.demineMap && window.demineMap.loaded()")
    header = page.locator("#site-header").bounding_box()
    box = page.locator("#map").bounding_box()
    assert box["y"] >= header["y"] + header["height"]
    bottom = box["y"] + box["height"]
    # The map reaches the foot of the window (its coordinates line below it).
    assert size["height"] - 60 <= bottom <= size["height"], (box, size)
    name = "desktop" if size == DESKTOP else "phone"
    shot(page, f"map-{name}")


def test_scenario_editor_screenshots(admin_page: Any, site: tuple[str, Ids]) -> None:
    page = admin_page
    for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.goto("/forecast/scenarios/new")
        page.locator("#f-name").fill("")
        page.locator("#f-teams-manual").fill("many")
        page.locator("#f-working-days").fill("400")
        page.get_by_role("button", name="Save scenario").click()
        assert page.locator("#scenario-errors").is_visible()
        assert page.locator("#f-teams-manual-error").is_visible()
        shot(page, f"scenario-editor-{name}", full=True)
    page.goto(f"/forecast?scenario={site[1]['scenario']}")
    assert page.locator("#forecast-results").is_visible()
    shot(page, "forecast-phone", full=True)


NEXT_FRAME = "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def _route_id(template: str) -> str:
    return re.sub(r"[{}]", "", template).strip("/").replace("/", "-") or "home"


@pytest.mark.parametrize(
    "route", sorted(PAGES) + sorted(ASSISTANCE_PAGES), ids=_route_id
)
def test_no_serious_accessibility_violation(
    request: pytest.FixtureRequest, site: tuple[str, Ids], route: str
) -> None:
    assistance = route in ASSISTANCE_PAGES
    page = request.getfixturevalue("assistance_page" if assistance else "admin_page")
    path = (ASSISTANCE_PAGES if assistance else PAGES)[route](site[1])
    page.set_viewport_size(DESKTOP)
    response = page.goto(path)
    assert response is not None
    assert response.status < 400, (path, response.status)
    found = violations(page)
    page.set_viewport_size(PHONE)
    # The page's scripts follow the new size on the next frame.
    page.evaluate(NEXT_FRAME)
    phone = violations(page)
    assert (found, phone) == ([], []), {"desktop": found, "phone": phone}
    # Nothing pushes a phone page wider than the phone: wide tables scroll
    # in their own box.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{path} is {width} px wide on a phone"
