# SPDX-License-Identifier: GPL-3.0-or-later
"""Rendering a report: one HTML document (CSS and SVG inline), and PDF from it.

The PDF is made by WeasyPrint from the same HTML, with a URL fetcher that
reads nothing but ``data:`` URIs and files inside this package: a report
never reaches the network, even if a record's text contains a URL.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from demine.i18n import _, current_language
from demine.i18n.jinja import install
from demine.reports.formatting import raw, show
from demine.reports.model import Report
from demine.reports.texts import t

PACKAGE = Path(__file__).resolve().parent
TEMPLATES = PACKAGE / "templates"
FORMATS = ("html", "pdf")


def _css_string(text: str) -> str:
    """Text safe inside a double-quoted CSS string."""
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    # "<" could close the <style> element the string sits in.
    return out.replace("<", "\\3C ")


def page_counter() -> str:
    """The CSS ``content`` of "Page N of M" in the current language.

    One message with both numbers as placeholders, so that a language can
    put them where its grammar wants them.
    """
    marker = "\x00"
    text = _(
        "Page %(page)s of %(pages)s",
        page=f"{marker}page{marker}",
        pages=f"{marker}pages{marker}",
    )
    parts = []
    for i, piece in enumerate(text.split(marker)):
        if i % 2:
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(f'"{_css_string(piece)}"')
    return " ".join(parts)


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    install(env)
    env.globals["t"] = t
    env.globals["page_counter"] = page_counter
    env.filters["show"] = show
    env.filters["raw"] = raw
    env.filters["css_string"] = lambda text: Markup(_css_string(str(text)))
    return env


_ENV = environment()


def render_html(report: Report, for_print: bool = False) -> str:
    """The report as one self-contained HTML document.

    ``for_print`` draws charts as PNG (for WeasyPrint) instead of SVG.
    """
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    # The stylesheet is ours, not data: inline it unescaped.
    return _ENV.get_template("report.html").render(
        report=report,
        css=Markup(css),
        for_print=for_print,
        language=current_language(),
    )


def render_pdf(report: Report) -> bytes:
    """The report as an A4 PDF (WeasyPrint), fonts from the system (DejaVu)."""
    return html_to_pdf(render_html(report, for_print=True))


def html_to_pdf(document: str) -> bytes:
    """An HTML document of this package as PDF, reading nothing from outside."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    class _LocalOnly(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            parsed = urlparse(url)
            if parsed.scheme == "data":
                return super().fetch(url, headers)
            if parsed.scheme == "file":
                path = Path(unquote(parsed.path)).resolve()
                if path.is_relative_to(PACKAGE):
                    return super().fetch(url, headers)
            raise ValueError(f"reports load nothing from outside the package: {url}")

    # WeasyPrint logs every CSS property it ignores; those are not our news.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    html = HTML(
        string=document,
        base_url=str(TEMPLATES),
        url_fetcher=_LocalOnly(allowed_protocols=("data", "file")),
    )
    return html.write_pdf()


def render(report: Report, fmt: str) -> bytes:
    """``html`` (UTF-8) or ``pdf`` bytes."""
    if fmt == "html":
        return render_html(report).encode("utf-8")
    if fmt == "pdf":
        return render_pdf(report)
    from demine.reports.errors import ReportError

    raise ReportError(_("unknown format %(fmt)r: use html or pdf", fmt=fmt))
