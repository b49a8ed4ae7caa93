# SPDX-License-Identifier: GPL-3.0-or-later
"""The catalogues are complete: every text the code, the templates and the
scripts mark is in every language's .po, translated, not fuzzy, with the
same placeholders and as many plural forms as the language has."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from demine.i18n import LANGUAGES
from demine.i18n.catalogues import po_path

ROOT = Path(__file__).resolve().parents[2]


def read(path: Path) -> Catalog:
    with path.open("rb") as fp:
        return read_po(fp)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """What ``make messages-extract`` collects, by the same pybabel command."""
    pot = tmp_path_factory.mktemp("pot") / "demine.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [pybabel, "-q", "extract", "-F", "babel.cfg", "-k", "NC_:1c,2",
         "--add-location=file", "-o", str(pot), "."],
        cwd=ROOT, check=True,
    )  # fmt: skip
    return read(pot)


def keys(catalog: Catalog) -> set[tuple[str | None, str]]:
    return {
        (m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id
    }


def test_extraction_finds_the_texts_of_every_kind_of_source(
    extracted: Catalog,
) -> None:
    places = {loc[0].split("/")[1] for m in extracted for loc in m.locations}
    # Python in the core and the faces, Jinja2 templates, vocabulary labels.
    assert {"domain", "reports", "web"} <= places, places
    assert ("hazard status", "Worked on") in keys(extracted)
    assert (None, "Review queue") in keys(extracted)  # a template's text
    assert len(extracted) > 600


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_message_is_translated(extracted: Catalog, language: str) -> None:
    catalog = read(po_path(language))
    missing = keys(extracted) - keys(catalog)
    assert not missing, f"{language}: run make messages-update: {sorted(missing)[:20]}"
    unused = keys(catalog) - keys(extracted)
    assert not unused, f"{language}: no longer in the code: {sorted(unused)[:20]}"
    for message in catalog:
        if not message.id:
            continue
        where = f"{language}: {message.context or ''} {message.id!r}"
        assert not message.fuzzy, f"{where} is fuzzy: review it"
        strings = message.string if message.pluralizable else [message.string]
        assert all(s and s.strip() for s in strings), f"{where} is not translated"
        if message.pluralizable:
            assert len(strings) == catalog.num_plurals, where


def test_plural_forms_follow_each_language() -> None:
    # gettext's forms: English and Azerbaijani two, Russian three (1, 2-4, 5-20).
    expected = {"en": 2, "az": 2, "ru": 3}
    for language in LANGUAGES:
        assert read(po_path(language)).num_plurals == expected[language]


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_placeholders_agree(language: str) -> None:
    catalog = read(po_path(language))
    problems = [
        f"{message.id!r}: {error}"
        for message, errors in catalog.check()
        for error in errors
    ]
    assert not problems, problems[:10]
