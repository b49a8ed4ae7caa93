# SPDX-License-Identifier: GPL-3.0-or-later
"""Accounts in Debian's Chromium (issue 19): the administrator adds a user with
a one-time password and deactivates them; the user must choose their own
password first. Desktop (1440x900) and phone (390x844); screenshots go to
``artifacts/``.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import PASSWORD
from tests.web.test_browser import CHROMIUM, browser, shot, site

__all__ = ["browser", "site"]

pytestmark = pytest.mark.skipif(not CHROMIUM, reason="chromium is not installed")

SIZES = {"desktop": (1440, 900), "phone": (390, 844)}


def page_at(browser: Any, url: str, size: str) -> Any:
    width, height = SIZES[size]
    context = browser.new_context(
        viewport={"width": width, "height": height}, base_url=url
    )
    context.set_default_timeout(20_000)
    return context.new_page()


def sign_in(page: Any, username: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_admin_adds_a_user_who_must_change_the_password(
    browser: Any, site: tuple[str, Any], size: str
) -> None:
    url, _seed = site
    admin = page_at(browser, url, size)
    sign_in(admin, "admin", PASSWORD)
    admin.wait_for_url("**/map")
    admin.goto("/admin/users")
    name = f"field-{size}"
    form = admin.locator('form[action="/admin/users/new"]')
    form.get_by_label("User name").fill(name)
    form.get_by_label("One-time password").fill("first-time-1")
    form.get_by_label("Role").select_option("viewer")
    form.get_by_role("button", name="Add user").click()
    row = admin.locator(f'tr[data-user="{name}"]')
    assert "must change password" in row.inner_text()
    shot(admin, f"admin-users-{size}")

    person = page_at(browser, url, size)
    sign_in(person, name, "first-time-1")
    person.wait_for_url("**/account/password")
    assert "one-time password" in person.locator("main").inner_text()
    shot(person, f"password-change-{size}")
    person.goto("/map")
    assert person.url.endswith("/account/password")  # nothing else until changed
    person.get_by_label("Current password").fill("first-time-1")
    person.get_by_label("New password (8 characters or more)").fill("my own words")
    person.get_by_label("New password again").fill("my own words")
    person.get_by_role("button", name="Change password").click()
    assert person.locator("#changed").is_visible()
    person.goto("/map")
    assert person.url.endswith("/map")

    admin.reload()
    admin.locator(f'tr[data-user="{name}"]').get_by_role(
        "button", name="Deactivate"
    ).click()
    assert "deactivated" in admin.locator(f'tr[data-user="{name}"]').inner_text()
    person.goto("/map")
    assert "/login" in person.url  # the session ended at once
    admin.context.close()
    person.context.close()
