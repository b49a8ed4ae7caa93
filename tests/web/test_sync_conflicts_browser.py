# SPDX-License-Identifier: GPL-3.0-or-later
"""The sync conflicts page in Debian's Chromium at desktop and phone sizes:
a laptop checked out from the register and the register itself rename the
same hazard; after the laptop's change file arrives, a reviewer sees base,
here and arrived side by side, keeps the laptop's name field by field, and
the audit trail names the reviewer. axe finds nothing serious. Screenshots
in ``artifacts/``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from demine.exchange.sync.changes import export_changes, import_changes
from demine.exchange.sync.checkout import checkout
from demine.exchange.sync.selection import Selection
from demine.store.audit import history
from demine.store.database import Database
from demine.store.listing import get_record
from demine.store.review import update_record
from demine.store.users import find_user
from tests.conftest import sqlite_register
from tests.web.axe import violations
from tests.web.test_browser import CHROMIUM, browser, shot, site
from tests.web.test_review_browser import SIZES, log_in

__all__ = ["browser", "site"]

pytestmark = pytest.mark.skipif(not CHROMIUM, reason="chromium is not installed")


def rename(db: Database, hazard: int, name: str) -> None:
    reviewer = find_user(db, "reviewer")
    version = get_record(db, "hazard", hazard, reviewer)["version"]
    update_record(db, "hazard", hazard, {"name": name}, version, reviewer)


def test_reviewer_resolves_a_sync_conflict_field_by_field(
    browser: Any, site: tuple[str, Any], module_db: Database, tmp_path: Path
) -> None:
    hazard = site[1].hazards["cha"]
    path = tmp_path / "field.sqlite"
    sqlite_register(path).dispose()
    checkout(module_db, path, Selection(), "field-office")
    laptop = Database(f"sqlite:///{path}")
    rename(laptop, hazard, "Renamed in the field")
    rename(module_db, hazard, "Renamed at headquarters")
    export_changes(laptop, tmp_path / "changes.demine")
    assert import_changes(module_db, tmp_path / "changes.demine").conflicts == 1
    laptop.dispose()
    for size, (width, height) in SIZES.items():
        context = browser.new_context(
            viewport={"width": width, "height": height}, base_url=site[0]
        )
        context.set_default_timeout(20_000)
        try:
            page = context.new_page()
            log_in(page, "reviewer", "/sync/conflicts")
            section = page.locator("section.conflict")
            assert section.count() == 1
            text = section.inner_text()
            assert "from field-office" in text
            assert "Renamed at headquarters" in text
            assert "Renamed in the field" in text
            shot(page, f"sync-conflicts-{size}")
            assert violations(page) == []
        finally:
            context.close()
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, base_url=site[0]
    )
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        log_in(page, "reviewer", "/sync/conflicts")
        page.locator("input[name=pick_name][value=theirs]").check()
        page.get_by_role("button", name="Keep the fields chosen").click()
        page.wait_for_url("**/sync/conflicts")
        assert page.locator("#none").is_visible()
        shot(page, "sync-conflicts-resolved-desktop")
    finally:
        context.close()
    reviewer = find_user(module_db, "reviewer")
    assert get_record(module_db, "hazard", hazard, reviewer)["name"] == (
        "Renamed in the field"
    )
    last = history(module_db, "hazard", hazard)[-1]
    assert (last["action"], last["user"]) == ("sync-resolve", "reviewer")
    assert last["after"]["resolution"] == "merged: name=theirs"
