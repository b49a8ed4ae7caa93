# SPDX-License-Identifier: GPL-3.0-or-later
"""Every page in Azerbaijani and Russian, in Debian's Chromium, on the demo
register: no English word of the interface is left (names and codes on an
allow-list; the register's own data, such as organisation names, is not
interface). Screenshots at desktop and phone sizes go to ``artifacts/i18n/``.

An "English word" is one that the English catalogue uses and the target
language's catalogue does not, so this test needs no dictionary and grows
with the catalogue.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from demine.demo.generator import generate
from demine.domain.vocab import Role
from demine.i18n.catalogues import po_path
from demine.server import create_app
from demine.settings import Settings
from demine.store.database import Database
from demine.store.loading import load_register
from demine.store.schema import Base
from demine.store.users import add_user
from tests.api.conftest import PASSWORD, live_server
from tests.web.test_browser import ARTIFACTS, CHROMIUM, browser

__all__ = ["browser"]

pytestmark = pytest.mark.skipif(not CHROMIUM, reason="chromium is not installed")

WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")
# Names and codes that every language writes the same way.
ALLOWED = {
    "demine", "imas", "imsma", "anama", "geojson", "geopackage", "csv", "xlsx",
    "wkt", "epsg", "yaml", "qgis", "arcgis", "odk", "kobotoolbox", "highs",
    "promethee", "monte", "carlo", "usd", "shapefile", "flatgeobuf", "excel",
    "milp", "html", "pdf", "gantt", "landmine", "monitor",
}  # fmt: skip
# Code a page shows as code: commands, settings, file paths, a YAML example.
CODE = re.compile(
    r"docs/\w+\.md|DEMINE_[A-Z_]+|demine (?:predict|init|forecast)\b[a-z ]*"
    r'|"scenarios: \[.*?\]"|review_state|EPSG:\d+|[a-z]+_[a-z_]+'
)
# Columns of free text: what people typed or imported, in whatever language.
DATA_COLUMNS = {
    "name", "acronym", "description", "notes", "project", "code", "external_id",
    "username", "non_conformity", "corrective_action", "model", "subcategory",
    "country", "currency", "origin", "title", "place", "instructor", "owner",
    "reason", "reference", "inspector", "full_name", "root_cause_detail",
    "closure_note",
}  # fmt: skip
SIZES = {"desktop": (1440, 900), "phone": (390, 844)}
SHOTS = ("map", "dashboard", "hazard", "activity-form", "transfer", "reports")
COLLECT = """() => {
  // Every text node, hidden ones too, one a line; scripts are code and a
  // textarea holds what a person typed (data).
  const parts = [document.title];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walk.nextNode(); node; node = walk.nextNode()) {
    if (!node.parentElement.closest("script, style, textarea")) parts.push(node.data);
  }
  const labelled = "[aria-label], [title], [placeholder], [alt]";
  for (const el of document.querySelectorAll(labelled)) {
    for (const a of ["aria-label", "title", "placeholder", "alt"]) {
      if (el.hasAttribute(a)) parts.push(el.getAttribute(a));
    }
  }
  return parts.join("\\n");
}"""


def catalogue_words(language: str, english: bool) -> set[str]:
    with po_path(language).open("rb") as fp:
        catalog = read_po(fp)
    words: set[str] = set()
    for message in catalog:
        if not message.id:
            continue
        texts = message.id if english else message.string
        for text in [texts] if isinstance(texts, str) else texts:
            # Placeholders are not words of the text.
            text = re.sub(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdrfg]", " ", text or "")
            words |= {w.lower() for w in WORD.findall(text)}
    return words


def register_texts(db: Database) -> re.Pattern[str]:
    """The free texts the register holds (names, descriptions...): data, not
    interface, as whole words."""
    found: set[str] = set()
    with db.session() as session:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if column.name in DATA_COLUMNS:
                    values = session.execute(select(column).distinct()).scalars()
                    found |= {str(v) for v in values if v}
    words = sorted(found, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)")


@pytest.fixture(scope="module")
def site(module_db: Database) -> Iterator[tuple[str, Database]]:
    load_register(module_db, generate("small", seed=1))
    add_user(module_db, "chief", PASSWORD, Role.ADMIN)
    settings = Settings(database_url=module_db.url, secret_key="k")
    with live_server(create_app(settings, module_db)) as url:
        yield url, module_db


def first_id(db: Database, kind: str) -> int:
    from demine.store.listing import MODELS

    model = MODELS[kind]
    with db.session() as session:
        return int(session.scalars(select(model.id).order_by(model.id)).first())


@pytest.mark.parametrize("language", ["az", "ru"])
def test_every_page_speaks_the_language(
    browser: Any, site: tuple[str, Database], language: str
) -> None:
    url, db = site
    english = catalogue_words("en", english=True)
    foreign = english - catalogue_words(language, english=False) - ALLOWED
    data = register_texts(db)
    ids = {
        k: first_id(db, k)
        for k in (
            "hazard",
            "activity",
            "accident",
            "eo_item",
            "inspection",
            "non_conformity",
            "organisation",
            "monitoring_visit",
        )
    }
    pages = {
        "login": "/login",
        "map": "/map",
        "dashboard": "/dashboard",
        "casualties": "/casualties",
        "priorities": "/priorities?sensitivity=true",
        "forecast": "/forecast",
        "plan": "/plan",
        "plan-run": "/plan?run=true&horizon=3m&top=20&time_limit=5",
        "reports": "/reports?kind=national&period=2024",
        "report-html": f"/api/v1/reports/national?period=2024&format=html"
        f"&forecast=false&language={language}",
        "new": "/new",
        "hazard-form": "/hazards/new",
        "hazard-edit": f"/hazards/{ids['hazard']}/edit",
        "activity-form": "/activities/new",
        "release-form": "/releases/new",
        "eo-form": "/eo-items/new",
        "accident-form": "/accidents/new",
        "victim-form": "/victims/new",
        "activity-edit": f"/activities/{ids['activity']}/edit",
        "accident-edit": f"/accidents/{ids['accident']}/edit",
        "transfer": "/transfer",
        "review": "/review",
        "sync-conflicts": "/sync/conflicts",
        "findings": "/findings",
        "hazard": f"/records/hazard/{ids['hazard']}",
        "activity": f"/records/activity/{ids['activity']}",
        "eo-item": f"/records/eo_item/{ids['eo_item']}",
        "missing": "/records/hazard/99999999",
        "qa": "/qa?lot_size=1000",
        "qa-inspection": f"/qa/inspections/{ids['inspection']}",
        "qa-nc": f"/qa/non-conformities/{ids['non_conformity']}",
        "qa-visits": "/qa/visits",
        "qa-visit": f"/qa/visits/{ids['monitoring_visit']}",
        "people": "/people",
        "training": "/training",
        "accreditation": "/accreditation",
        "accreditation-history": f"/accreditation/{ids['organisation']}",
    }
    context = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=url)
    context.set_default_timeout(60_000)
    page = context.new_page()
    try:
        page.goto("/login")
        # The header switch, before signing in: the choice holds afterwards.
        page.locator(f"form.languages button[value={language}]").click()
        page.wait_for_function(f"document.documentElement.lang === '{language}'")
        page.locator("#username").fill("chief")
        page.locator("#password").fill(PASSWORD)
        page.locator("form.card button[type=submit]").click()
        page.wait_for_url("**/map")
        leftovers: dict[str, list[str]] = {}
        for name, path in pages.items():
            page.goto(path)
            if name == "map":
                page.wait_for_function("document.getElementById('map').dataset.options")
            if name == "findings":
                page.locator("main form button[type=submit]").click()
                page.wait_for_selector("#findings-summary")
            if name == "hazard-form":
                page.locator(".draw-open").first.click()
                page.wait_for_selector(".draw-map")
            if name != "report-html":
                html_lang = page.evaluate("document.documentElement.lang")
                assert html_lang == language, (name, html_lang)
            text = page.evaluate(COLLECT)
            text = data.sub(" ", text)  # the register's own texts are data
            text = CODE.sub(" ", text)
            words = {w for w in WORD.findall(text) if w.lower() in foreign}
            if words:
                # Each word in its line, to find where it comes from.
                leftovers[name] = sorted(
                    {
                        line.strip()[:160]
                        for line in text.splitlines()
                        if set(WORD.findall(line)) & words
                    }
                )
            if name in SHOTS:
                for size, (width, height) in SIZES.items():
                    page.set_viewport_size({"width": width, "height": height})
                    shoot(page, f"{language}-{name}-{size}")
                page.set_viewport_size({"width": 1440, "height": 900})
        report = ARTIFACTS / "i18n" / f"{language}-english-left.json"
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(json.dumps(leftovers, ensure_ascii=False, indent=1))
        assert not leftovers, f"English left on pages, see {report}"
    finally:
        context.close()


def shoot(page: Any, name: str) -> None:
    folder = ARTIFACTS / "i18n"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=False)
