# SPDX-License-Identifier: GPL-3.0-or-later
"""The gettext catalogues: ``locales/<lang>/LC_MESSAGES/demine.po`` and ``.mo``.

The ``.po`` files are the source, kept in git and edited by translators
(Poedit, Weblate); ``make messages`` compiles them to ``.mo`` with Babel.
A ``.mo`` that is missing or older than its ``.po`` (a fresh clone, a
translator's edit not compiled yet) is compiled in memory from the ``.po``
instead, so what the user reads is always what the ``.po`` says.
"""

from __future__ import annotations

import io
import logging
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

log = logging.getLogger(__name__)

LOCALES = Path(__file__).parent / "locales"
DOMAIN = "demine"


def po_path(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str) -> Path:
    return po_path(language).with_suffix(".mo")


@cache
def translations(language: str) -> NullTranslations:
    """The compiled catalogue of ``language``; English source texts if none."""
    po, mo = po_path(language), mo_path(language)
    if not po.exists():
        return NullTranslations()
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as fp:
            return Translations(fp, domain=DOMAIN)
    log.info("%s is not compiled (make messages); reading the .po", po)
    return Translations(io.BytesIO(compile_po(po)), domain=DOMAIN)


def compile_po(po: Path) -> bytes:
    """The ``.mo`` bytes of one ``.po`` file (fuzzy entries left out)."""
    with po.open("rb") as fp:
        catalog = read_po(fp)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()
