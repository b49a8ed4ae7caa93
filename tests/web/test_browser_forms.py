# SPDX-License-Identifier: GPL-3.0-or-later
"""The data-entry forms in Debian's Chromium: a clerk draws a hazard polygon on
the map and picks an EO find's place with a click; a reviewer approves both.

Uses the live server and browser of ``test_browser.py``; screenshots go to
``artifacts/``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.api.conftest import square
from tests.web.test_browser import (
    CHROMIUM,
    browser,
    log_in,
    new_page,
    shot,
    site,
)

__all__ = ["browser", "new_page", "site"]

pytestmark = pytest.mark.skipif(not CHROMIUM, reason="chromium is not installed")

# A field south-west of the seeded hazards, clear of them.
CORNERS = [(47.30, 40.30), (47.31, 40.30), (47.31, 40.308), (47.30, 40.308)]
FIND = (47.5, 40.5)


def open_drawing_map(page: Any, button: str) -> Any:
    """Open the form's map, wait until it is drawn; returns its box on screen."""
    page.get_by_role("button", name=button).click()
    page.wait_for_function(
        "window.demineDrawMaps.length > 0 && window.demineDrawMaps[0].loaded()"
        " && document.querySelector('.draw').dataset.ready === '1'"
    )
    # Web fonts arriving late move the page under the map: measure after them.
    page.evaluate("document.fonts.ready.then(() => true)")
    page.locator(".draw-map").scroll_into_view_if_needed()
    return page.locator(".draw-map").bounding_box()


def on_screen(page: Any, box: dict[str, float], lon: float, lat: float) -> tuple:
    """Where lon/lat is in the viewport now (``box`` is kept for the callers;
    the map's place is read again, as the page may have moved since)."""
    point = page.evaluate(
        "([lon, lat]) => { const map = window.demineDrawMaps[0];"
        " const r = map.getContainer().getBoundingClientRect();"
        " const p = map.project([lon, lat]); return [r.left + p.x, r.top + p.y]; }",
        [lon, lat],
    )
    return point[0], point[1]


def test_clerk_draws_a_hazard_and_reports_a_find_reviewer_approves(
    new_page: Any,
) -> None:
    clerk = new_page()
    log_in(clerk, "clerk")
    clerk.goto("/new")
    clerk.get_by_role("link", name="Hazardous area").click()
    clerk.get_by_label("Name").fill("Drawn pasture")
    clerk.get_by_label("Classification").select_option("sha")
    box = open_drawing_map(clerk, "Draw on the map")
    clerk.evaluate(
        "window.demineDrawMaps[0].jumpTo({center: [47.305, 40.304], zoom: 14})"
    )
    box = clerk.locator(".draw-map").bounding_box()
    for lon, lat in CORNERS[:-1]:
        clerk.mouse.click(*on_screen(clerk, box, lon, lat))
    clerk.mouse.dblclick(*on_screen(clerk, box, *CORNERS[-1]))
    drawn = json.loads(clerk.get_by_label("Polygon (GeoJSON geometry)").input_value())
    assert drawn["type"] == "Polygon"
    ring = drawn["coordinates"][0]
    assert len(ring) == 5
    assert ring[0] == ring[-1]
    for (lon, lat), (x, y) in zip(CORNERS, ring[:4], strict=True):
        assert abs(lon - x) < 2e-4
        assert abs(lat - y) < 2e-4
    shot(clerk, "hazard-drawn")
    clerk.get_by_role("button", name="Submit for review").click()
    clerk.wait_for_url("**/records/hazard/*")
    hazard_id = clerk.url.rsplit("/", 1)[1]
    assert clerk.locator("h1 .state-submitted").count() == 1

    clerk.goto("/eo-items/new")
    clerk.get_by_label("Category").select_option("uxo")
    clerk.get_by_label("Quantity").fill("2")
    clerk.get_by_label("Found on").fill("2026-05-04")
    box = open_drawing_map(clerk, "Pick the place on the map")
    clerk.evaluate("window.demineDrawMaps[0].jumpTo({center: [47.5, 40.5], zoom: 12})")
    box = clerk.locator(".draw-map").bounding_box()
    clerk.mouse.click(*on_screen(clerk, box, *FIND))
    lon = float(clerk.get_by_label("Longitude (decimal degrees)").input_value())
    lat = float(clerk.get_by_label("Latitude (decimal degrees)").input_value())
    assert abs(lon - FIND[0]) < 1e-3
    assert abs(lat - FIND[1]) < 1e-3
    clerk.get_by_label("Quantity").fill("0")
    clerk.get_by_role("button", name="Submit for review").click()
    # Server-side validation: the message sits next to the field, values kept.
    assert "at least 1" in clerk.locator("#quantity-error").inner_text()
    assert clerk.get_by_label("Longitude (decimal degrees)").input_value() == str(lon)
    shot(clerk, "eo-item-form-error")
    clerk.get_by_label("Quantity").fill("2")
    clerk.get_by_role("button", name="Submit for review").click()
    clerk.wait_for_url("**/records/eo_item/*")
    item_id = clerk.url.rsplit("/", 1)[1]
    shot(clerk, "eo-item-submitted")

    reviewer = new_page()
    log_in(reviewer, "reviewer")
    reviewer.goto("/review")
    for kind, record_id in (("hazard", hazard_id), ("eo_item", item_id)):
        row = reviewer.locator(f"tr[data-kind={kind}][data-id='{record_id}']")
        row.get_by_role("button", name="Approve").click()
        reviewer.wait_for_url("**/review")
    shot(reviewer, "review-after-forms")
    for kind, record_id in (("hazard", hazard_id), ("eo_item", item_id)):
        reviewer.goto(f"/records/{kind}/{record_id}")
        assert reviewer.locator("h1 .state-approved").count() == 1


def test_clerk_reports_an_accident_with_two_victims(new_page: Any) -> None:
    clerk = new_page()
    log_in(clerk, "clerk")
    clerk.goto("/accidents/new")
    clerk.get_by_label("Accident type").select_option("non_demining")
    clerk.get_by_label("Date of the accident").fill("2026-06-01")
    clerk.get_by_label("Longitude (decimal degrees)").fill("47.1")
    clerk.get_by_label("Latitude (decimal degrees)").fill("40.1")
    clerk.locator("#victims-0-outcome").select_option("injured")
    clerk.locator("#victims-0-sex").select_option("female")
    clerk.locator("#victims-0-age").fill("9")
    clerk.locator("#victims-0-activity").select_option("playing")
    clerk.get_by_role("button", name="Add another victim").click()
    clerk.locator("#victims-1-outcome").select_option("killed")
    clerk.locator("#victims-1-sex").select_option("male")
    clerk.locator("#victims-1-age").fill("35")
    shot(clerk, "accident-form")
    # Enter in a field saves the form (it does not add yet another row).
    clerk.locator("#victims-1-age").press("Enter")
    clerk.wait_for_url("**/records/accident/*")
    accident_id = clerk.url.rsplit("/", 1)[1]
    clerk.get_by_role("link", name="Edit this record").click()
    victims = clerk.locator("ul.children li")
    assert victims.count() == 2
    assert "Playing" in victims.nth(0).inner_text()
    assert f"/accidents/{accident_id}/edit" in clerk.url


def test_clerk_draws_a_release_product_inside_the_activity_hazard(
    new_page: Any, site: tuple[str, Any]
) -> None:
    hazard = site[1].hazards["alpha_draft"]  # the clerk's own, square(47.0, 40.0)
    clerk = new_page()
    log_in(clerk, "clerk")
    clerk.goto(f"/activities/new?hazard_id={hazard}")
    clerk.get_by_label("Activity type").select_option("clearance")
    clerk.get_by_label("Status").select_option("completed")
    clerk.get_by_label("Start date").fill("2026-03-01")
    clerk.get_by_label("End date").fill("2026-03-20")
    clerk.locator("#releases-0-kind").select_option("cleared")
    clerk.locator("#releases-0-released_on").fill("2026-03-20")
    clerk.locator("#releases-0-depth_cm").fill("13")
    box = open_drawing_map(clerk, "Draw on the map")
    # The map opens on the activity's hazard, drawn for reference.
    framed = clerk.evaluate(
        "(() => { const b = window.demineDrawMaps[0].getBounds();"
        " return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; })()"
    )
    assert framed[0] < 47.0
    assert framed[2] > 47.01
    assert framed[1] < 40.0
    assert framed[3] > 40.01
    corners = [(47.002, 40.002), (47.006, 40.002), (47.006, 40.006)]
    for lon, lat in corners[:-1]:
        clerk.mouse.click(*on_screen(clerk, box, lon, lat))
    clerk.mouse.click(*on_screen(clerk, box, *corners[-1]))
    clerk.get_by_role("button", name="Finish polygon").click()
    drawn = json.loads(clerk.locator("#releases-0-geom").input_value())
    assert len(drawn["coordinates"][0]) == 4  # a triangle, closed
    shot(clerk, "release-drawn")
    clerk.get_by_role("button", name="Submit for review").click()
    clerk.wait_for_url("**/records/activity/*")
    clerk.get_by_role("link", name="Edit this record").click()
    releases = clerk.locator("ul.children li")
    assert releases.count() == 1
    assert "Cleared" in releases.inner_text()


def test_reviewer_imports_after_a_dry_run_and_downloads_an_export(
    new_page: Any, tmp_path: Any
) -> None:
    features = [
        {
            "type": "Feature",
            "properties": {"external_id": f"web-{i}", "hazard_class": "sha"},
            "geometry": square(48.0 + i, 41.0),
        }
        for i in range(2)
    ]
    upload = tmp_path / "survey.geojson"
    upload.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    reviewer = new_page()
    log_in(reviewer, "reviewer")
    reviewer.get_by_text("More", exact=True).click()
    reviewer.get_by_role("link", name="Import / export").click()
    reviewer.get_by_label("What the file holds").first.select_option("hazard")
    reviewer.get_by_label("Files", exact=True).set_input_files(str(upload))
    reviewer.get_by_role("button", name="Check the files").click()
    # No status in the file: the register's rule says so, nothing is written.
    assert "Nothing was written" in reviewer.locator("#import-failure").inner_text()
    assert "status" in reviewer.locator("#problems").inner_text()
    shot(reviewer, "import-problems")
    for f in features:
        f["properties"]["status"] = "open"
    upload.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    reviewer.get_by_label("Files", exact=True).set_input_files(str(upload))
    reviewer.get_by_role("button", name="Check the files").click()
    preview = reviewer.locator("#preview").inner_text()
    assert "Hazardous areas\t2\t0\t0" in preview
    shot(reviewer, "import-preview")
    reviewer.get_by_role("button", name="Import now").click()
    assert "Hazardous areas\t2\t0\t0" in reviewer.locator("#result").inner_text()

    viewer = new_page()
    log_in(viewer, "viewer")
    viewer.goto("/transfer")
    assert viewer.get_by_role("button", name="Check the files").count() == 0
    viewer.get_by_label("What the file holds").select_option("hazard")
    viewer.get_by_label("Format").select_option("geojson")
    # The export runs as a job: its page follows it, then offers the file.
    viewer.get_by_role("button", name="Download").click()
    link = viewer.get_by_role("link", name="Download the file")
    link.wait_for()
    shot(viewer, "export-job-done")
    with viewer.expect_download() as info:
        link.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(str(path))
    assert path.name == "hazards.geojson"
    exported = json.loads(path.read_text())
    ids = {f["properties"]["external_id"] for f in exported["features"]}
    assert {"web-0", "web-1"} <= ids
