# SPDX-License-Identifier: GPL-3.0-or-later
"""Reports in Azerbaijani and Russian: the words, the numbers as each
language writes them, and a PDF whose embedded font draws ə ğ ı ş ç ö ü and
Cyrillic (the extracted text has them; the pages are saved to look at)."""

from __future__ import annotations

import ctypes
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from demine.i18n import use_language
from demine.reports import build_report, render_html, render_pdf
from demine.store.database import Database

pdfium = pytest.importorskip("pypdfium2")
pdfium_c = pytest.importorskip("pypdfium2.raw")

AZ_LETTERS = set("əğışçöüƏĞİŞÇÖÜ")
CYRILLIC = re.compile(r"[а-яА-ЯёЁ]")


def pdf_text(pdf: bytes, name: str, artifacts: Path) -> tuple[list[str], set[str]]:
    """Each page's text, and the fonts that draw the letters of interest."""
    doc = pdfium.PdfDocument(pdf)
    texts, fonts = [], set()
    buffer = ctypes.create_string_buffer(256)
    for i, page in enumerate(doc):
        if i < 3:  # the cover and the first sections, to look at
            page.render(scale=1.2).to_pil().save(artifacts / f"{name}-{i + 1}.png")
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        texts.append(text)
        for n in range(textpage.count_chars()):
            char = chr(pdfium_c.FPDFText_GetUnicode(textpage, n))
            if char in AZ_LETTERS or CYRILLIC.match(char):
                size = pdfium_c.FPDFText_GetFontInfo(
                    textpage, n, buffer, len(buffer), None
                )
                if size:
                    fonts.add(buffer.value.decode("latin-1"))
    return texts, fonts


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("az", "Minatəmizləmə üzrə milli hesabat, 2024"),
        ("ru", "Национальный отчёт о противоминной деятельности за 2024"),
    ],
)
def test_pdf_draws_the_languages_letters(
    demo_db: Database, artifacts: Path, language: str, title: str
) -> None:
    with use_language(language):
        pdf = render_pdf(build_report(demo_db, "national", "2024", forecast=False))
    texts, fonts = pdf_text(pdf, f"national-2024-{language}", artifacts)
    text = "\n".join(texts)
    assert title in " ".join(texts[0].split())  # lines break where the page does
    if language == "az":
        assert AZ_LETTERS & set(text) >= set("əğışçöü"), sorted(AZ_LETTERS & set(text))
    else:
        assert len(CYRILLIC.findall(text)) > 1000
    # Page footers are CSS counters: the language's words around the numbers.
    footer = {"az": r"Səhifə 2 / \d+", "ru": r"Страница 2 из \d+"}[language]
    assert re.search(footer, texts[1]), texts[1][-200:]
    # The letters are drawn with the bundled DejaVu, not a fallback font.
    assert fonts
    assert all("DejaVu" in f for f in fonts), fonts


def test_numbers_and_units_follow_the_language(demo_db: Database) -> None:
    html = {}
    for language in ("en", "az", "ru"):
        with use_language(language):
            html[language] = render_html(
                build_report(demo_db, "national", "2024", forecast=False)
            )
    # A thousand-and-more figure: grouped by ",", "." and a no-break space.
    assert re.search(r">\d{1,3}(,\d{3})+<", html["en"])
    assert re.search(r">\d{1,3}(\.\d{3})+<", html["az"])
    assert re.search(r">\d{1,3}(\u00a0\d{3})+<", html["ru"])
    assert '<html lang="ru">' in html["ru"]
    assert "<small>га</small>" in html["ru"]


def test_cli_report_takes_language(demo_db: Database, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    demine = Path(sys.executable).with_name("demine")
    done = subprocess.run(
        [demine, "report", "national", "--period", "2024", "--no-forecast",
         "--out", str(out), "--language", "az", "--db", demo_db.cli_url],  # type: ignore[attr-defined]
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Minatəmizləmə üzrə milli hesabat, 2024" in out.read_text()
    bad = subprocess.run(
        [demine, "report", "national", "--period", "2024", "--out", str(out),
         "--language", "xx", "--db", demo_db.cli_url],  # type: ignore[attr-defined]
        capture_output=True, text=True, check=False,
        env={**os.environ, "DEMINE_LANGUAGE": "ru"},
    )  # fmt: skip
    assert bad.returncode == 1
    assert "неизвестный язык 'xx'" in bad.stderr
