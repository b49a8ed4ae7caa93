# SPDX-License-Identifier: GPL-3.0-or-later
"""The PDFs render: A4 pages, headers and page numbers, charts drawn, the
headings and key numbers in the text. Pages are saved as PNG in
``artifacts/reports/`` for people to look at."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from demine.reports import Period, Report, build_report, render_pdf
from demine.reports.formatting import show
from demine.reports.model import Column, Section, Table
from demine.store.database import Database

pdfium = pytest.importorskip("pypdfium2")

A4_PT = (595.28, 841.89)


def pages(pdf: bytes, name: str, artifacts: Path) -> list[tuple[str, np.ndarray]]:
    """Each page's text and pixels (RGB, 72 dpi); PNGs saved as artefacts."""
    for old in artifacts.glob(f"{name}-page-*.png"):
        old.unlink()  # a shorter document must not leave last run's pages
    doc = pdfium.PdfDocument(pdf)
    out = []
    for i, page in enumerate(doc):
        width, height = page.get_size()
        assert (width, height) == pytest.approx(A4_PT, abs=0.5)
        bitmap = page.render(scale=1.0)
        bitmap.to_pil().save(artifacts / f"{name}-page-{i + 1:02d}.png")
        text = page.get_textpage().get_text_range()
        out.append((text, bitmap.to_numpy()[:, :, :3]))
    return out


def inked(pixels: np.ndarray) -> float:
    """Share of pixels that are not (near) white."""
    return float((pixels.min(axis=2) < 235).mean())


def page_with(found: list[tuple[str, np.ndarray]], heading: str) -> int:
    """The first page after the cover (whose contents list every heading)."""
    return next(i for i, (text, _) in enumerate(found) if i and heading in text)


@pytest.fixture(scope="module")
def national(demo_db: Database) -> Report:
    return build_report(demo_db, "national", "2024")


def test_national_pdf_pages_look_like_a_report(
    national: Report, artifacts: Path
) -> None:
    found = pages(render_pdf(national), "national-2024", artifacts)
    texts = [t for t, _ in found]
    assert 8 <= len(found) <= 30
    assert "National mine action report 2024" in texts[0]
    for n, text in enumerate(texts, start=1):
        assert f"Page {n} of {len(found)}" in text
    for section in national.sections:
        assert any(section.title in t for t in texts), section.title
    # The running header names the report from page 2 on.
    assert all("National mine action report 2024" in t for t in texts[1:])
    remaining = national.section("remaining").figures[0]
    assert show(remaining.value, "ha") in "".join(texts)
    released = national.section("progress").figures[-1]
    assert (
        show(released.value, "ha") in texts[page_with(found, "Land release progress")]
    )
    # A chart page carries ink well beyond its text; the cover mostly does not.
    progress = found[page_with(found, "Land released per year")][1]
    assert inked(progress) > 0.04
    map_page = found[page_with(found, "Admin areas shaded")][1]
    assert inked(map_page) > 0.08
    assert inked(found[0][1]) < inked(progress)


def test_treaty_pdf_has_the_forms_and_their_numbers(
    demo_db: Database, artifacts: Path
) -> None:
    report = build_report(demo_db, "treaty", "2020..2025")
    found = pages(render_pdf(report), "treaty-2020-2025", artifacts)
    texts = [t for t, _ in found]
    for heading in ("Form C", "Form G", "Landmine Monitor-style figures"):
        assert page_with(found, heading) > 0, heading
    destroyed = report.section("form_g").figures[0].value
    assert f"{destroyed:,}" in texts[page_with(found, "Form G")]
    mined = report.section("form_c").figures[1].value
    assert show(mined, "m2") in texts[page_with(found, "Form C")]


def test_long_tables_break_between_rows_and_repeat_their_header(
    artifacts: Path,
) -> None:
    rows = [[f"Area {i:03d}", i, float(i) * 1e4] for i in range(1, 161)]
    table = Table(
        "long",
        "A long table",
        [
            Column("admin", "Admin area"),
            Column("n", "Hazards", "int"),
            Column("m2", "Remaining (ha)", "ha"),
        ],
        rows,
        total=["Total", sum(r[1] for r in rows), sum(r[2] for r in rows)],
    )
    report = Report(
        "national",
        "Long table",
        Period.parse("2024"),
        [Section("s", "Only", tables=[table])],
    )
    found = pages(render_pdf(report), "long-table", artifacts)
    texts = [t for t, _ in found[1:]]
    assert len(texts) >= 3
    # Every page of the table starts with its header row ...
    assert all("Admin area" in t and "Remaining (ha)" in t for t in texts)
    # ... and every row is whole on one page, in order.
    seen = [line for t in texts for line in t.splitlines() if line.startswith("Area ")]
    assert [line.split()[1] for line in seen] == [f"{i:03d}" for i in range(1, 161)]
    assert all(
        line.split()[-1] == show(float(line.split()[1]) * 1e4, "ha") for line in seen
    )


def test_donor_pdf_renders(demo_db: Database, artifacts: Path) -> None:
    report = build_report(demo_db, "donor", "2024", donor="European Union")
    found = pages(render_pdf(report), "donor-eu-2024", artifacts)
    text = "".join(t for t, _ in found)
    assert "European Union" in text
    assert "Outputs attributable to the donor" in text
