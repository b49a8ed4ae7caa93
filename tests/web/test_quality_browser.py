# SPDX-License-Identifier: GPL-3.0-or-later
"""The quality chain in Chromium on the small demo register, desktop and phone.

A reviewer (the national authority's QA) plans an inspection of a lot, records
a rejection; the operator's clerk records the root cause and corrective
action; QA reopens the land; the lot is re-cleared; the clerk records the
action taken; QA closes the non-conformity. Every page is shot at 1440x900
and 390x844 into ``artifacts/``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from demine.demo import generate
from demine.demo.qa_chain import play
from demine.domain.vocab import Role
from demine.server import create_app
from demine.settings import Settings
from demine.store.database import Database
from demine.store.loading import load_register
from demine.store.schema import Activity, Inspection, Organisation, Release
from demine.store.users import add_user, create_token
from tests.api.conftest import PASSWORD, live_server
from tests.web.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, playwright_api

pytestmark = pytest.mark.skipif(not CHROMIUM, reason="chromium is not installed")
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


def _fresh_lot(db: Database) -> tuple[int, int, str]:
    """A finished clearance activity with cleared ground not inspected yet."""
    with db.session() as session:
        inspected = {
            rid
            for ids in session.scalars(select(Inspection.release_ids))
            for rid in ids or []
        }
        rows = session.execute(
            select(
                Activity.id, Activity.organisation_id, func.sum(Release.effective_m2)
            )
            .join(Release, Release.activity_id == Activity.id)
            .where(
                Activity.activity_type == "clearance",
                Activity.status == "completed",
                Release.kind == "cleared",
            )
            .group_by(Activity.id, Activity.organisation_id)
            .order_by(Activity.id)
        ).all()
        ids = {
            a: set(session.scalars(select(Release.id).where(Release.activity_id == a)))
            for a, _o, _m2 in rows
        }
        for aid, org, m2 in rows:
            if 20_000 < m2 < 200_000 and not ids[aid] & inspected:
                acronym = session.get(Organisation, org).acronym
                return aid, org, acronym
    raise AssertionError("no fresh lot in the demo register")


@pytest.fixture(scope="module")
def demo_site(module_db: Database) -> Iterator[dict[str, Any]]:
    load_register(module_db, generate("small", seed=1))
    played = play(module_db, seed=1)
    activity, org, acronym = _fresh_lot(module_db)
    add_user(module_db, "admin", PASSWORD, Role.ADMIN)
    qa = add_user(module_db, "quality", PASSWORD, Role.REVIEWER)
    add_user(module_db, "operator", PASSWORD, Role.CLERK, org)
    app = create_app(Settings(database_url=module_db.url, secret_key="k"), module_db)
    with live_server(app) as url:
        yield {
            "url": url,
            "app": app,
            "db": module_db,
            "activity": activity,
            "organisation": org,
            "acronym": acronym,
            "played": played,
            "qa_token": create_token(module_db, qa.id, "test"),
        }


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
def as_user(browser: Any, demo_site: dict[str, Any]) -> Iterator[Any]:
    contexts = []

    def open_as(username: str, viewport: dict[str, int] = DESKTOP) -> Any:
        context = browser.new_context(viewport=viewport, base_url=demo_site["url"])
        context.set_default_timeout(30_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("User name").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/map")
        return page

    yield open_as
    for context in contexts:
        context.close()


def shots(page: Any, name: str, browser: Any, demo_site: dict[str, Any]) -> None:
    """Shoot ``page`` at desktop size, then the same URL as the same user on a phone."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-desktop.png"), full_page=True)
    phone = browser.new_context(
        viewport=PHONE,
        base_url=demo_site["url"],
        storage_state=page.context.storage_state(),
        is_mobile=True,
        has_touch=True,
    )
    try:
        other = phone.new_page()
        other.goto(page.url)
        width = other.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1, (
            f"{name}: page wider than the phone ({width})"
        )
        other.screenshot(path=str(ARTIFACTS / f"{name}-phone.png"), full_page=True)
    finally:
        phone.close()


def test_chain_from_sampling_to_closure_in_the_browser(
    as_user: Any, browser: Any, demo_site: dict[str, Any]
) -> None:
    qa = as_user("quality")
    qa.goto("/qa")
    assert int(qa.locator("#qa-lots").inner_text()) > 10
    qa.locator("#plan-form input[name=lot_size]").fill("1000")
    qa.locator("#plan-form button").click()
    assert qa.locator("#plan-n").inner_text() == "80"
    assert qa.locator("#plan-ac").inner_text() == "2"
    shots(qa, "qa-overview", browser, demo_site)
    # Plan the inspection of a fresh lot.
    qa.locator("#draw-form input[name=activity_id]").fill(str(demo_site["activity"]))
    qa.locator("#draw-form input[name=seed]").fill("2026")
    qa.locator("#draw-form button").click()
    qa.wait_for_url(re.compile(r".*/qa/inspections/\d+$"))
    inspection = int(qa.url.rsplit("/", 1)[1])
    assert qa.locator("#verdict").inner_text() == "Planned"
    assert qa.locator("#lot-map svg path.unit").count() > 0
    shots(qa, "qa-inspection-planned", browser, demo_site)
    plan = qa.locator("#inspection-plan").inner_text()
    reject = int(re.search(r"/ (\d+)\n", plan.replace("\t", " ") + "\n").group(1))
    form = qa.locator("#result-form")
    form.locator("input[name=nonconforming_units]").fill(str(reject))
    form.locator("input[name=items_found]").fill(str(reject))
    form.locator("button").click()
    qa.wait_for_url(f"**/qa/inspections/{inspection}")
    assert qa.locator("#verdict").inner_text() == "Rejected"
    qa.get_by_role("link", name=re.compile(r"Non-conformity \d+")).click()
    qa.wait_for_url(re.compile(r".*/qa/non-conformities/\d+$"))
    nc_url = qa.url
    assert qa.locator("#nc-status").inner_text() == "Open"
    # The operator's clerk records the root cause and corrective action.
    clerk = as_user("operator")
    clerk.goto(nc_url)
    update = clerk.locator("#nc-update")
    update.locator("select[name=root_cause]").select_option("detection")
    update.locator("textarea[name=root_cause_detail]").fill(
        "Detectors not balanced on magnetic soil"
    )
    update.locator("textarea[name=corrective_action]").fill(
        "Daily detector test; the lot re-cleared"
    )
    update.locator("input[name=owner]").fill(
        f"Operations manager, {demo_site['acronym']}"
    )
    update.locator("button").click()
    clerk.wait_for_url(nc_url)
    assert "magnetic soil" in clerk.locator("#nc-fields").inner_text()
    assert clerk.locator("#nc-reopen-land").count() == 0  # QA's decision
    # QA reopens the land: a new hazard over the lot.
    qa.goto(nc_url)
    qa.locator("#nc-reopen-land button").click()
    qa.wait_for_url(nc_url)
    link = qa.locator("#reopened-link")
    assert "Reopened after QA" in link.inner_text()
    hazard = int(link.get_attribute("href").rsplit("/", 1)[1])
    shots(qa, "qa-nc-land-reopened", browser, demo_site)
    # The lot is re-cleared and reported (over the API, as an operator's
    # report would arrive), which closes the reopened hazard.
    api = TestClient(
        demo_site["app"],
        headers={"Authorization": f"Bearer {demo_site['qa_token']}"},
    )
    got = api.get(f"/api/v1/records/hazard/{hazard}").json()
    today = dt.date.today().isoformat()
    made = api.post(
        "/api/v1/records/activity",
        json={"fields": {"activity_type": "clearance", "status": "completed",
                         "method": "manual", "hazard_id": hazard,
                         "organisation_id": demo_site["organisation"],
                         "start_date": today, "end_date": today}},
    )  # fmt: skip
    assert made.status_code == 201, made.text
    cleared = api.post(
        "/api/v1/records/release",
        json={"fields": {"hazard_id": hazard, "activity_id": made.json()["id"],
                         "kind": "cleared", "released_on": today, "depth_cm": 20,
                         "geom": got["geom"]}},
    )  # fmt: skip
    assert cleared.status_code == 201, cleared.text
    # The clerk records the action taken; QA verifies and closes.
    clerk.goto(nc_url)
    clerk.locator("#nc-action button").click()
    clerk.wait_for_url(nc_url)
    assert clerk.locator("#nc-status").inner_text() == "Action taken"
    assert clerk.locator("#nc-close").count() == 0
    qa.goto(nc_url)
    qa.locator("#nc-close textarea[name=note]").fill("Re-cleared; verified on site")
    qa.locator("#nc-close button").click()
    qa.wait_for_url(nc_url)
    assert qa.locator("#nc-status").inner_text() == "Closed"
    assert qa.locator("#nc-chain li.done").count() == 6
    history = qa.locator("#nc-history").inner_text()
    for action in ("create", "update", "reopen_land", "action", "close"):
        assert action in history
    shots(qa, "qa-nc-closed", browser, demo_site)


def test_people_pages_show_names_only_to_whom_may_see_them(
    as_user: Any, browser: Any, demo_site: dict[str, Any]
) -> None:
    clerk = as_user("operator")
    clerk.goto("/people")
    names = clerk.locator("#staff tbody tr")
    assert names.count() > 0
    assert demo_site["acronym"] in clerk.locator("#staff").inner_text()
    assert clerk.locator("#team-qualification tbody tr").count() > 5
    shots(clerk, "people-own-organisation", browser, demo_site)
    qa = as_user("quality")
    qa.goto("/people")
    assert qa.locator("#staff").count() == 0
    assert qa.locator("#no-staff").is_visible()
    assert qa.locator("#team-qualification tbody tr").count() > 5
    admin = as_user("admin")
    admin.goto("/people?organisation_id=1")
    assert admin.locator("#staff tbody tr").count() > 10
    admin.goto("/accreditation")
    assert admin.locator("#accreditations tbody tr").count() >= 5
    shots(admin, "accreditation", browser, demo_site)
    admin.goto("/training")
    assert admin.locator("#courses tbody tr").count() == 10
    shots(admin, "training", browser, demo_site)
    admin.goto("/dashboard")
    assert int(admin.locator("#dash-lots").inner_text()) > 10
    assert admin.locator("#dashboard-cost tbody tr").count() > 3
    shots(admin, "dashboard-quality", browser, demo_site)
    admin.goto(f"/qa/non-conformities/{demo_site['played'].closed_nc}")
    assert admin.locator("#nc-chain li.done").count() == 6
    shots(admin, "qa-demo-chain-closed", browser, demo_site)


def test_a_monitoring_visit_is_scored_and_raises_its_non_conformity(
    as_user: Any, browser: Any, demo_site: dict[str, Any]
) -> None:
    """QA records a visit on the checklist form: a safety-critical item failed
    makes it unsatisfactory, and its page links the non-conformity raised."""
    qa = as_user("quality")
    qa.goto("/qa")
    qa.locator("#visits-link").click()
    qa.wait_for_url("**/qa/visits")
    assert qa.locator("#visit-table tbody tr").count() > 10
    assert qa.locator("#visit-checklist tbody tr").count() == 10
    shots(qa, "qa-visits", browser, demo_site)
    form = qa.locator("#visit-form")
    form.locator("select[name=organisation_id]").select_option(
        str(demo_site["organisation"])
    )
    form.locator("input[name=inspector]").fill("ANAMA QA inspector")
    # The browser asks for every answer; without its check the server refuses
    # a checklist with an item left open, in words, keeping what was given.
    qa.evaluate(
        "document.querySelectorAll('#visit-form [required]')"
        ".forEach(e => e.removeAttribute('required'))"
    )
    form.locator("input[name=item_marking][value=yes]").check()
    form.get_by_role("button", name="Save the visit").click()
    assert "answer every item" in qa.locator("#visit-error").inner_text()
    assert qa.locator("input[name=inspector]").input_value() == "ANAMA QA inspector"
    for item in qa.locator("#visit-checklist tbody tr").all():
        answer = "no" if "protective equipment" in item.inner_text() else "yes"
        item.locator(f"input[value={answer}]").check()
    qa.locator("#visit-form").get_by_role("button", name="Save the visit").click()
    qa.wait_for_url(re.compile(r".*/qa/visits/\d+$"))
    assert qa.locator("#visit-outcome").inner_text() == "Unsatisfactory"
    # Protective equipment weighs 3 of 18: 15 of 18 answered yes.
    assert qa.locator("#visit-score").inner_text().startswith("83.3")
    assert qa.locator("#visit-answers tr.bad").count() == 1
    shots(qa, "qa-visit-unsatisfactory", browser, demo_site)
    qa.locator("#visit-nc-link").click()
    qa.wait_for_url(re.compile(r".*/qa/non-conformities/\d+$"))
    assert "ppe" in qa.locator("#nc-description").inner_text()
    assert qa.locator(".sev-critical").count() >= 1


def test_the_work_plan_shows_teams_barred_and_hazards_left_for_it(
    as_user: Any, browser: Any, demo_site: dict[str, Any]
) -> None:
    """The demo's accreditations end in October 2027: the plan page shows
    every team barred in November and December, and why hazards are left."""
    qa = as_user("quality")
    qa.goto("/plan?run=true&horizon=12m&top=150&time_limit=5&start=2027-01")
    # Every active team of the demo is under both rules, all lose the last
    # two months.
    teams = int(qa.locator("#plan-teams").inner_text().split("/")[0])
    assert qa.locator("#plan-barred-teams tbody tr").count() == teams
    assert "2027-11 to 2027-12" in qa.locator("#plan-barred-teams").inner_text()
    assert qa.locator("#plan-unassigned tbody tr").count() > 0
    assert "accredited and qualified" in qa.locator("#plan-unassigned").inner_text()
    shots(qa, "plan-accreditation", browser, demo_site)
