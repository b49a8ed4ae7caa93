# SPDX-License-Identifier: GPL-3.0-or-later
"""Reports: the national annual report, donor reports and the Mine Ban Treaty
Article 7 tables, as HTML (SVG charts) or PDF (WeasyPrint), from approved
records only.

>>> from demine.reports import KINDS
>>> KINDS
('national', 'donor', 'treaty')
"""

from demine.reports.build import KINDS, build_report
from demine.reports.errors import PeriodError, ReportError
from demine.reports.model import Report
from demine.reports.period import Period
from demine.reports.render import render, render_html, render_pdf

__all__ = [
    "KINDS",
    "Period",
    "PeriodError",
    "Report",
    "ReportError",
    "build_report",
    "render",
    "render_html",
    "render_pdf",
]
