# SPDX-License-Identifier: GPL-3.0-or-later
"""Screenshots of the map of a national register at zooms 7, 9, 11, 13, 15.

Serves the register with ``demine serve``, logs a viewer in through the
login page in Debian's Chromium (Playwright) at 1440x900, opens the map on
the densest part of the register and saves one screenshot per zoom (and the
same at phone size, 390x844, at zoom 9) once every tile is drawn. Too slow
for the test suite (the national register takes a minute to build); the
tests check the grouped tiles and the legend on the small demo instead.

    demine demo --scale national --db /tmp/national.sqlite
    python bench/national_map.py --db /tmp/national.sqlite [--out artifacts/national]
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
import uuid
from pathlib import Path

import numpy as np
from playwright.sync_api import Page, sync_playwright
from sqlalchemy import func, select
from web_load import served

from demine.domain.vocab import ReviewState, Role
from demine.store.database import Database
from demine.store.overview_cells import refresh_overviews
from demine.store.schema import EOItem, Hazard
from demine.store.users import add_user

ZOOMS = (7, 9, 11, 13, 15)
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]


def densest_place(db: Database) -> tuple[float, float]:
    """The centre of the 0.05° square holding the most approved hazards."""
    centre = select(
        (Hazard.min_lon + Hazard.max_lon) / 2, (Hazard.min_lat + Hazard.max_lat) / 2
    ).where(Hazard.review_state == ReviewState.APPROVED, Hazard.min_lon.is_not(None))
    with db.transaction() as conn:
        xy = np.array(conn.execute(centre).all(), dtype=float)
        finds = conn.execute(select(func.count(EOItem.id))).scalar_one()
    print(f"{len(xy):,} approved hazards, {finds:,} EO finds")
    cells = np.floor(xy / 0.05).astype(np.int64)
    keys, counts = np.unique(cells, axis=0, return_counts=True)
    lon, lat = (keys[counts.argmax()] + 0.5) * 0.05
    return float(lon), float(lat)


def settle(page: Page) -> None:
    """Wait for the map to stop moving and draw every tile and label."""
    page.wait_for_function(
        "window.demineMap && window.demineMap.loaded() && "
        "window.demineMap.areTilesLoaded() && !window.demineMap.isMoving() && "
        "document.getElementById('map').dataset.labels === 'loaded'",
        timeout=600_000,
    )
    page.evaluate(
        "() => new Promise(done => { const m = window.demineMap;"
        " m.once('idle', done); m.triggerRepaint(); })"
    )


def shoot(page: Page, out: Path, name: str, lon: float, lat: float, z: int) -> None:
    page.evaluate(
        "([lon, lat, z]) => window.demineMap.jumpTo({center: [lon, lat], zoom: z})",
        [lon, lat, z],
    )
    started = time.perf_counter()
    settle(page)
    took = time.perf_counter() - started
    page.screenshot(path=str(out / f"{name}.png"))
    drawn = page.evaluate(
        "() => { const m = window.demineMap; const out = {};"
        " for (const id of ['hazard-cells', 'hazard-fill', 'eo_item-cells',"
        " 'eo_item-circle', 'release-fill', 'settlement-label'])"
        " out[id] = m.getLayer(id) ? m.queryRenderedFeatures({layers: [id]}).length"
        " : 0; return out; }"
    )
    print(f"  {name}: drawn in {took:.1f} s; features {drawn}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="register: SQLite file or URL")
    parser.add_argument("--out", default="artifacts/national")
    parser.add_argument("--at", help="lon,lat to look at (default: densest place)")
    parser.add_argument(
        "--zooms", default=",".join(map(str, ZOOMS)), help="comma-separated zooms"
    )
    args = parser.parse_args()
    chromium = os.environ.get("DEMINE_CHROMIUM") or shutil.which("chromium")
    if not chromium:
        raise SystemExit("chromium is not installed (Debian package chromium)")
    db = Database(args.db)
    db.require_initialised()
    db.upgrade()
    print("overviews rebuilt:", refresh_overviews(db) or "none")
    name, password = f"map-{uuid.uuid4().hex[:6]}", uuid.uuid4().hex
    add_user(db, name, password, Role.VIEWER)
    if args.at:
        lon, lat = (float(v) for v in args.at.split(","))
    else:
        lon, lat = densest_place(db)
    print(f"looking at {lon:.3f}, {lat:.3f}")
    db.dispose()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with served(args.db, 1) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        desktop = tuple(int(z) for z in args.zooms.split(","))
        for size, zooms in (((1440, 900), desktop), ((390, 844), (9,))):
            context = browser.new_context(
                viewport={"width": size[0], "height": size[1]}, base_url=url
            )
            page = context.new_page()
            page.set_default_timeout(600_000)
            page.goto("/login")
            page.get_by_label("User name").fill(name)
            page.get_by_label("Password").fill(password)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url("**/map")
            settle(page)
            opening = page.evaluate("window.demineMap.getZoom()")
            print(f"{size[0]}x{size[1]}: the map opens at zoom {opening:.1f}")
            phone = "-phone" if size[0] < 700 else ""
            page.screenshot(path=str(out / f"opening{phone}.png"))
            for z in zooms:
                shoot(page, out, f"z{z:02d}{phone}", lon, lat, z)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
