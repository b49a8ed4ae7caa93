# SPDX-License-Identifier: GPL-3.0-or-later
"""What each kind of user does in a day, in Chromium at desktop and phone size,
on the small demo register: a viewer reads the map and a record, a clerk
reports an accident with its victims, a reviewer approves it, an
administrator adds a user. Every step leaves a screenshot in
``artifacts/journeys/`` (the issue's evidence) and must not scroll sideways
on a phone.

SQLite only: the pages are the same on PostGIS, whose own browser tests
cover the queries; this file is about what people see.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from demine.domain.vocab import ReviewState, Role
from demine.server import create_app
from demine.settings import Settings
from demine.store.database import Database
from demine.store.schema import Hazard, Organisation
from demine.store.users import add_user
from tests.api.conftest import PASSWORD, live_server
from tests.conftest import PG_URL
from tests.web.test_browser import ARTIFACTS, CHROMIUM, browser, wait_for_map

__all__ = ["browser"]

pytestmark = [
    pytest.mark.skipif(not CHROMIUM, reason="chromium is not installed"),
    pytest.mark.skipif(PG_URL is not None, reason="journeys run on SQLite only"),
]

SIZES = {"desktop": (1440, 900), "phone": (390, 844)}
SHOTS = ARTIFACTS / "journeys"


@pytest.fixture(scope="module")
def register(demo_db: Database, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A copy of the session's demo register, with one user of each role."""
    source = demo_db.file()
    assert source is not None
    path = tmp_path_factory.mktemp("journeys") / "demo.sqlite"
    with sqlite3.connect(source) as src, sqlite3.connect(path) as dst:
        src.backup(dst)
    db = Database(str(path))
    with db.session() as session:
        org = session.scalars(select(Organisation.id).order_by(Organisation.id)).first()
        hazard = session.scalars(
            select(Hazard.id)
            .where(Hazard.review_state == ReviewState.APPROVED)
            .order_by(Hazard.id)
        ).first()
    for name, role in (
        ("ana", Role.VIEWER),
        ("kamal", Role.CLERK),
        ("leyla", Role.REVIEWER),
        ("admin", Role.ADMIN),
    ):
        add_user(db, name, PASSWORD, role, org if role is Role.CLERK else None)
    try:
        yield db, hazard
    finally:
        db.dispose()


@pytest.fixture(scope="module")
def site(register: Any) -> Iterator[str]:
    db = register[0]
    app = create_app(Settings(database_url=db.url, secret_key="k"), db)
    with live_server(app) as url:
        yield url


@pytest.fixture(params=list(SIZES))
def size(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def open_as(browser: Any, site: str, size: str) -> Iterator[Any]:
    """Log a user in, in a fresh context at the test's size; returns the page."""
    contexts = []

    def login(username: str) -> Any:
        width, height = SIZES[size]
        context = browser.new_context(
            viewport={"width": width, "height": height},
            base_url=site,
            is_mobile=size == "phone",
            has_touch=size == "phone",
        )
        contexts.append(context)
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("User name").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/map")
        return page

    yield login
    for context in contexts:
        context.close()


def step(page: Any, size: str, name: str) -> None:
    """Screenshot the step; a phone page never scrolls sideways."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("document.fonts.ready.then(() => true)")
    page.screenshot(path=str(SHOTS / f"{name}-{size}.png"), full_page=True)
    if size == "phone":
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= SIZES["phone"][0], f"{name}: the page is {width} px wide"
    assert page.locator("h1").count() == 1, f"{name}: one h1 per page"


def test_viewer_reads_the_map_a_record_and_the_dashboard(
    open_as: Any, size: str, register: Any
) -> None:
    viewer = open_as("ana")
    wait_for_map(viewer)
    step(viewer, size, "viewer-1-map")
    viewer.goto(f"/records/hazard/{register[1]}")
    # A record page reads as labels and figures, not as a dump of fields.
    body = viewer.locator("main").inner_text()
    assert "hazard_class" not in body
    assert "review_state" not in body
    step(viewer, size, "viewer-2-hazard")
    viewer.goto("/dashboard")
    step(viewer, size, "viewer-3-dashboard")


def test_clerk_reports_an_accident_and_the_reviewer_approves_it(
    open_as: Any, size: str
) -> None:
    clerk = open_as("kamal")
    # A reference is picked by its name, not typed as a number.
    clerk.goto("/activities/new")
    picker = clerk.locator("input[data-search$='/search/hazard']")
    picker.fill("Kalbajar")
    option = clerk.locator(".picker-options [role=option]").first
    option.wait_for()
    # The list answers what was typed, never the list offered on focus.
    assert "Kalbajar" in option.inner_text()
    step(clerk, size, "clerk-0-picker")
    name = option.inner_text().splitlines()[0]
    option.click()
    assert re.fullmatch(rf"{re.escape(name)} \(\d+\)", picker.input_value())
    clerk.goto("/accidents/new")
    clerk.get_by_label("Accident type").select_option("non_demining")
    clerk.get_by_label("Date of the accident").fill("2026-06-01")
    clerk.get_by_label("Longitude (decimal degrees)").fill("46.71")
    clerk.get_by_label("Latitude (decimal degrees)").fill("39.81")
    clerk.locator("#victims-0-outcome").select_option("injured")
    clerk.locator("#victims-0-sex").select_option("female")
    clerk.locator("#victims-0-age").fill("9")
    step(clerk, size, "clerk-1-accident-form")
    clerk.get_by_role("button", name="Submit for review").click()
    clerk.wait_for_url("**/records/accident/*")
    accident = clerk.url.rsplit("/", 1)[1]
    assert clerk.locator("h1 .state-submitted").count() == 1
    step(clerk, size, "clerk-2-submitted")

    reviewer = open_as("leyla")
    reviewer.goto("/review")
    row = reviewer.locator(f"tr[data-kind=accident][data-id='{accident}']")
    step(reviewer, size, "reviewer-1-queue")
    row.get_by_role("button", name="Approve").click()
    reviewer.wait_for_url("**/review*")
    step(reviewer, size, "reviewer-2-approved")
    reviewer.goto(f"/records/accident/{accident}")
    assert reviewer.locator("h1 .state-approved").count() == 1


def test_admin_adds_a_user_who_must_choose_a_password(
    open_as: Any, size: str, browser: Any, site: str
) -> None:
    admin = open_as("admin")
    admin.goto("/admin/users")
    step(admin, size, "admin-1-users")
    name = f"rashad_{size}"
    admin.locator("#new-username").fill(name)
    admin.locator("#new-password").fill("first-time-1")
    admin.locator("#new-role").select_option("viewer")
    admin.get_by_role("button", name="Add user").click()
    admin.wait_for_load_state()
    assert name in admin.locator("#users").inner_text()
    step(admin, size, "admin-2-user-added")
    admin.goto("/forecast")
    step(admin, size, "admin-3-forecast")

    # The new user's first login goes to the change of password, and nowhere
    # else until it is done.
    width, height = SIZES[size]
    context = browser.new_context(
        viewport={"width": width, "height": height}, base_url=site
    )
    try:
        user = context.new_page()
        user.goto("/login")
        user.get_by_label("User name").fill(name)
        user.get_by_label("Password").fill("first-time-1")
        user.get_by_role("button", name="Log in").click()
        user.wait_for_url("**/account/password*")
        user.goto("/dashboard")
        user.wait_for_url("**/account/password*")
        step(user, size, "admin-4-first-login")
    finally:
        context.close()
