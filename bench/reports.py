# SPDX-License-Identifier: GPL-3.0-or-later
"""Reports on the national demo register: build, HTML and PDF, per kind.

    python bench/reports.py [--db /tmp/demine-national.sqlite] [--period 2024]

Opens the register read-only (SQLite URI mode=ro). Prints, per report, the
seconds to gather the figures, to render HTML and to render the PDF, the page
count and the load average.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import pypdfium2 as pdfium

from demine.reports import build_report, render_html, render_pdf
from demine.store.database import Database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="/tmp/demine-national.sqlite")
    parser.add_argument("--period", default="2024")
    parser.add_argument("--donor", default="European Union")
    parser.add_argument("--out", default=None, help="folder to keep the PDFs in")
    args = parser.parse_args()
    path = Path(args.db)
    url = args.db if "://" in args.db else f"sqlite:///file:{path}?mode=ro&uri=true"
    db = Database(url)
    print(f"load average before: {os.getloadavg()}")
    for kind, extra in (
        ("national", {}),
        ("treaty", {}),
        ("donor", {"donor": args.donor}),
    ):
        started = time.perf_counter()
        report = build_report(db, kind, args.period, **extra)
        built = time.perf_counter()
        html = render_html(report)
        htmled = time.perf_counter()
        pdf = render_pdf(report)
        done = time.perf_counter()
        pages = len(pdfium.PdfDocument(pdf))
        print(
            f"{kind:9s} build {built - started:6.2f} s  html {htmled - built:5.2f} s "
            f"({len(html) / 1024:,.0f} KiB)  pdf {done - htmled:6.2f} s "
            f"({len(pdf) / 1024:,.0f} KiB, {pages} pages)"
        )
        if args.out:
            Path(args.out, f"{kind}-{args.period}.pdf").write_bytes(pdf)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
