# SPDX-License-Identifier: GPL-3.0-or-later
"""The review queue in Debian's Chromium at desktop and phone sizes: a
reviewer reads an accident reported with its victims, approves them in one
step and is told so; a clerk reads why a record was rejected. axe finds
nothing serious. Screenshots in ``artifacts/``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from demine.exchange.importer import import_files
from demine.store.database import Database
from demine.store.listing import get_record
from demine.store.review import Children, change_review_state, create_record
from demine.store.users import find_user
from tests.api.conftest import PASSWORD
from tests.web.axe import violations
from tests.web.test_browser import CHROMIUM, browser, shot, site
from tests.web.test_transfer_audit import hazards

__all__ = ["browser", "site"]

pytestmark = pytest.mark.skipif(not CHROMIUM, reason="chromium is not installed")

SIZES = {"desktop": (1440, 900), "phone": (390, 844)}


def report(db: Database, hazard: int, lon: float, day: str) -> int:
    """The clerk reports an accident in ``hazard`` with two victims."""
    made = create_record(
        db,
        "accident",
        {
            "accident_type": "non_demining",
            "occurred_on": day,
            "hazard_id": hazard,
            "geom": {"type": "Point", "coordinates": [lon, 39.805]},
        },
        find_user(db, "clerk"),
        children=[
            Children(
                "victim",
                "accident_id",
                [{"outcome": "injured", "age": 9}, {"outcome": "killed", "age": 35}],
            )
        ],
    )
    return int(made["id"])


def log_in(page: Any, username: str, to: str = "/review") -> None:
    """Log in straight to ``to`` (the map's scripts are not needed here)."""
    page.goto(f"/login?next={to}")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{to}")


def edition(db: Database, seed: Any, folder: Path) -> None:
    """An approved hazard, then a new edition of it from the field for review."""
    path = folder / "edition.geojson"
    row = {"external_id": "field-7", "hazard_class": "sha", "lat": 39.83}
    path.write_text(hazards({**row, "name": "Pasture by the river"}), "utf-8")
    import_files(db, "hazard", [path], audit_user_id=seed.users["reviewer"])
    changed = {**row, "name": "Pasture and orchard by the river", "hazard_class": "cha"}
    path.write_text(hazards(changed), "utf-8")
    import_files(
        db,
        "hazard",
        [path],
        review_state="submitted",
        audit_user_id=seed.users["clerk"],
    )


def test_reviewer_approves_an_accident_with_its_victims(
    browser: Any, site: tuple[str, Any], module_db: Database, tmp_path: Path
) -> None:
    hazard = site[1].hazards["cha"]  # square(46.70, 39.80), approved
    edition(module_db, site[1], tmp_path)
    ids = {
        "desktop": report(module_db, hazard, 46.703, "2026-06-01"),
        "phone": report(module_db, hazard, 46.707, "2026-06-02"),
    }
    for size, (width, height) in SIZES.items():
        context = browser.new_context(
            viewport={"width": width, "height": height}, base_url=site[0]
        )
        context.set_default_timeout(20_000)
        try:
            page = context.new_page()
            log_in(page, "reviewer")
            row = page.locator(f"tr[data-kind=accident][data-id='{ids[size]}']")
            text = row.inner_text()
            assert "Reviewed with 2 victims" in text
            assert "Alpha Demining" in text
            assert "clerk" in text
            assert "in Approved CHA" in text
            assert row.locator("svg.sketch").count() == 1
            assert page.locator("#header-count").inner_text().endswith("to review")
            changed = page.locator("tr[data-kind=hazard]").inner_text()
            assert "Changes since the approved version:" in changed
            assert "Name: Pasture by the river → Pasture and orchard" in changed
            shot(page, f"review-queue-{size}")
            assert violations(page) == []
            row.get_by_role("button", name="Approve").click()
            page.wait_for_url("**/review")
            notice = page.locator("#review-notice").inner_text()
            assert notice.startswith("Approved: Accident of Jun")
            assert notice.endswith("and 2 victims")
            assert page.locator(f"tr[data-id='{ids[size]}']").count() == 0
            shot(page, f"review-approved-{size}")
        finally:
            context.close()


def test_clerk_reads_why_a_record_was_rejected(
    browser: Any, site: tuple[str, Any], module_db: Database
) -> None:
    hazard = site[1].hazards["cha"]
    rejected = report(module_db, hazard, 46.705, "2026-06-03")
    reviewer = find_user(module_db, "reviewer")
    record = get_record(module_db, "accident", rejected, reviewer)
    change_review_state(
        module_db,
        "accident",
        rejected,
        "reject",
        reviewer,
        reason="The date is after the report was written; check it.",
        version=record["version"],
    )
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, base_url=site[0]
    )
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        log_in(page, "clerk", "/my-submissions")
        row = page.locator(f"tr[data-kind=accident][data-id='{rejected}']")
        assert "check it" in row.inner_text()
        assert page.locator("#header-count").inner_text() == "1 rejected"
        shot(page, "my-submissions-desktop")
        assert violations(page) == []
    finally:
        context.close()
