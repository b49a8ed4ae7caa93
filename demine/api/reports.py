# SPDX-License-Identifier: GPL-3.0-or-later
"""``GET /api/v1/reports/{kind}``: a report document, HTML or PDF.

Any logged-in user may make a report (reports show approved records only).
The work is bounded: the forecast runs a fixed number of draws, and a few
reports at a time are made per process; others wait, then get a 503.
"""

from __future__ import annotations

import re
import threading
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from demine.i18n import current_language, use_language
from demine.reports import build_report, render
from demine.reports.errors import ReportBusyError
from demine.serving.deps import DbDep, User

router = APIRouter(prefix="/api/v1", tags=["reports"])

AT_ONCE = 2
WAIT_SECONDS = 60.0
_SLOTS = threading.BoundedSemaphore(AT_ONCE)
MEDIA = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}


@router.get(
    "/reports/{kind}",
    response_class=Response,
    responses={
        200: {
            "content": {"text/html": {}, "application/pdf": {}},
            "description": "The report document",
        }
    },
)
def report_document(
    kind: str,
    db: DbDep,
    who: User,
    period: Annotated[
        str, Query(max_length=40, description="2024, 2024-03 or 2024-01..2024-06")
    ],
    format: Annotated[Literal["html", "pdf"], Query()] = "html",
    donor: Annotated[str | None, Query(max_length=200)] = None,
    project: Annotated[str | None, Query(max_length=200)] = None,
    forecast: bool = True,
    language: Annotated[
        Literal["en", "az", "ru"] | None,
        Query(description="en, az or ru [default: the user's or the browser's]"),
    ] = None,
) -> Response:
    """The ``national``, ``donor`` or ``treaty`` report for the period."""
    if not _SLOTS.acquire(timeout=WAIT_SECONDS):
        raise ReportBusyError()
    try:
        with use_language(language or current_language()):
            report = build_report(
                db, kind, period, donor=donor, project=project, forecast=forecast
            )
            body = render(report, format)
    finally:
        _SLOTS.release()
    name = _filename(kind, report.period.label, format)
    disposition = "attachment" if format == "pdf" else "inline"
    return Response(
        body,
        media_type=MEDIA[format],
        headers={"content-disposition": f'{disposition}; filename="{name}"'},
    )


def _filename(kind: str, label: str, fmt: str) -> str:
    return f"demine-{kind}-{re.sub(r'[^0-9A-Za-z]+', '-', label).strip('-')}.{fmt}"
