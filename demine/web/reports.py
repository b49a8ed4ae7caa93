# SPDX-License-Identifier: GPL-3.0-or-later
"""The /reports page: choose a report and a period, view it, download the PDF.

The page checks the request with the same core the API uses, then shows the
API's HTML document in a frame and links to its PDF.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from demine.i18n import current_language
from demine.reports.build import KINDS, check_request
from demine.reports.errors import ReportError
from demine.serving.deps import DbDep, User
from demine.store import reporting
from demine.web.pages import render

router = APIRouter(include_in_schema=False)


@router.get("/reports")
def reports_page(
    request: Request,
    db: DbDep,
    who: User,
    kind: Annotated[str | None, Query(max_length=20)] = None,
    period: Annotated[str | None, Query(max_length=40)] = None,
    donor: Annotated[str | None, Query(max_length=200)] = None,
    project: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    with db.transaction() as conn:
        donors = reporting.donors(conn)["name"].tolist()
        first, last = reporting.date_span(conn)
    donor = donor or None
    project = (project or "").strip() or None
    error, links = None, None
    if kind and period:
        try:
            is_donor = kind == "donor"
            check_request(
                db,
                kind,
                period,
                donor if is_donor else None,
                project if is_donor else None,
            )
        except ReportError as exc:
            error = exc.user_message
        else:
            query = {"period": period, "language": current_language()}
            if kind == "donor":
                query.update({"donor": donor or ""})
                if project:
                    query["project"] = project
            base = f"/api/v1/reports/{kind}?"
            links = {
                "html": base + urlencode({**query, "format": "html"}),
                "pdf": base + urlencode({**query, "format": "pdf"}),
            }
    default_period = str(last.year) if last else ""
    return render(
        request,
        "reports.html",
        who,
        status_code=422 if error else 200,
        kinds=KINDS,
        donors=donors,
        values={
            "kind": kind or "national",
            "period": period or default_period,
            "donor": donor or "",
            "project": project or "",
        },
        error=error,
        links=links,
        span=(first, last),
    )
