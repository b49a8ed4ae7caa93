# SPDX-License-Identifier: GPL-3.0-or-later
"""The casualty page: figures, charts, rates per admin area, hotspot map."""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from typing import Annotated
from urllib.parse import urlencode

import pandas as pd
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from demine.analysis.casualties import (
    UNKNOWN,
    CasualtyQueryError,
    casualty_report,
    records,
)
from demine.domain.labels import label_of
from demine.domain.vocab import EOCategory, Sex, VictimActivity, VictimStatus
from demine.geo.extent import Extent
from demine.i18n import _
from demine.serving.deps import DbDep, User
from demine.web.pages import render

router = APIRouter(include_in_schema=False)
From = Annotated[str, Query(alias="from", max_length=10)]
To = Annotated[str, Query(alias="to", max_length=10)]
DEVICES_SHOWN = 12


@router.get("/casualties")
def casualties_page(
    request: Request, db: DbDep, who: User, start: From = "", end: To = ""
) -> Response:
    """Figures of the period in the query (``?from=YYYY-MM-DD&to=...``)."""
    values = {"start": start, "end": end}
    try:
        period = (_date(start, "from"), _date(end, "to"))
        report = casualty_report(db, *period)
    except CasualtyQueryError as exc:
        return render(
            request, "casualties.html", who, report=None, values=values,
            error=exc.user_message, status_code=exc.http_status,
        )  # fmt: skip
    query = urlencode({k: v for k, v in (("from", start), ("to", end)) if v})
    extent = Extent.parse(request.app.state.settings.extent)
    return render(
        request,
        "casualties.html",
        who,
        report=report,
        values=values,
        error=None,
        charts={
            "year": _bars(report.by_year, "year"),
            "sex": _bars(report.by_sex, "sex", Sex),
            "age": _bars(report.by_age_group, "age_group"),
            "status": _bars(report.by_status, "status", VictimStatus),
            "activity": _bars(report.by_activity, "activity", VictimActivity),
            "device": _bars(
                report.by_device.head(DEVICES_SHOWN).assign(
                    label=lambda f: f["model"].where(
                        f["model"] != UNKNOWN,
                        f["category"].map(lambda c: label_of(EOCategory, c)),
                    )
                ),
                "label",
            ),
        },
        admin=records(report.by_admin),
        hotspots=records(report.hotspots),
        links=report.links["relation"].value_counts().to_dict(),
        hotspot_url="/api/v1/casualties/hotspots" + (f"?{query}" if query else ""),
        bounds=json.dumps(list(extent.bounds)),
    )


def _date(text: str, field: str) -> dt.date | None:
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise CasualtyQueryError(
            _(
                "%(field)s %(text)r is not a date: write YYYY-MM-DD",
                field=field,
                text=text,
            )
        ) from None


def _bars(
    frame: pd.DataFrame, key: str, vocabulary: type[StrEnum] | None = None
) -> list[tuple[object, int]]:
    """(label, victims) pairs for the bar chart macro of charts.html.

    Vocabulary values show as their label in the page's language; missing
    and unknown values as "Unknown".
    """
    return [(_label(r[key], vocabulary), int(r["victims"])) for r in records(frame)]


def _label(value: object, vocabulary: type[StrEnum] | None) -> object:
    if value is None or value == UNKNOWN:
        return _("Unknown")
    return label_of(vocabulary, value) if vocabulary else value
