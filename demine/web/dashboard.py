# SPDX-License-Identifier: GPL-3.0-or-later
"""The dashboard page: headline figures, then charts that filter each other.

Every choice is in the query (``period``, ``from``, ``to``, ``organisation``,
``region``, ``class``), so a filtered dashboard is a link; each bar is a link
to the same dashboard with its value chosen (again: unchosen), and the map
link carries the filters the map understands.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from demine.analysis.cost_efficiency import cost_efficiency
from demine.analysis.dashboard import (
    PERIODS,
    DashboardFilter,
    Period,
    cached_by_tables,
    dashboard_for,
    period_bounds,
)
from demine.domain.labels import label_of
from demine.domain.vocab import EOCategory, HazardClass, Method
from demine.handover import waiting_land
from demine.i18n import _
from demine.quality.figures import qa_figures
from demine.serving.deps import DbDep, User
from demine.store.database import Database
from demine.store.schema import (
    Activity,
    EOItem,
    Handover,
    Hazard,
    Inspection,
    MonitoringVisit,
    NonConformity,
    Organisation,
    Place,
    Release,
    Team,
)
from demine.web.pages import render

router = APIRouter(include_in_schema=False)
From = Annotated[str, Query(alias="from", max_length=10)]
To = Annotated[str, Query(alias="to", max_length=10)]
AREAS_SHOWN = 15
ORGANISATIONS_SHOWN = 15


def _date(text: str, errors: list[str], field: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors.append(
            _(
                "%(field)s: “%(value)s” is not a date (YYYY-MM-DD)",
                field=field,
                value=text,
            )
        )
        return None


@router.get("/dashboard")
def dashboard_page(
    request: Request,
    db: DbDep,
    who: User,
    period: Annotated[Period, Query()] = "all",
    start: From = "",
    end: To = "",
    organisation: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    region: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    hazard_class: Annotated[HazardClass | None, Query(alias="class")] = None,
) -> Response:
    """The dashboard for the period and filters in the query."""
    errors: list[str] = []
    first = _date(start, errors, _("From"))
    last = _date(end, errors, _("To"))
    if first and last and first > last:
        errors.append(_("the period ends before it starts"))
    if errors:
        first = last = None
    lo, hi = period_bounds(period, dt.date.today(), first, last)
    flt = DashboardFilter(
        lo, hi, organisation, region, hazard_class.value if hazard_class else None
    )
    view = dashboard_for(db, flt)
    others = _others(db)
    chosen = {
        "period": period,
        "from": start if period == "custom" else "",
        "to": end if period == "custom" else "",
        "organisation": organisation,
        "region": region,
        "class": flt.hazard_class,
    }
    return render(
        request,
        "dashboard.html",
        who,
        status_code=422 if errors else 200,
        errors=errors,
        view=view,
        figures=view["headline"],
        flt=flt,
        chosen=chosen,
        periods=_periods(),
        charts=_charts(view, chosen),
        names=_names(view, flt),
        map_link="/map" + _query(_map_filters(flt)),
        link=lambda **change: "/dashboard" + _query({**chosen, **change}),
        **others,
        waiting_bars=[
            _bar(band, n, None, None, chosen)
            for band, n in others["waiting"]["bands"].items()
        ],
    )


def _others(db: Database) -> dict[str, Any]:
    """Quality, cost and handover figures, each kept until a table it
    reads changes."""

    def read(figures: Any) -> Any:
        def build() -> Any:
            with db.transaction() as conn:
                return figures(conn)

        return build

    def names(*models: Any) -> tuple[str, ...]:
        return tuple(m.__table__.name for m in models)

    quality = cached_by_tables(
        db,
        "quality",
        names(Inspection, NonConformity, MonitoringVisit, Release, Organisation, Team),
        read(qa_figures),
    )
    cost = cached_by_tables(
        db,
        "cost",
        names(Activity, Release, EOItem, Organisation),
        read(lambda conn: cost_efficiency(conn, ["organisation"])),
    )
    today = dt.date.today()  # the ages of waiting land grow by the day
    waiting = cached_by_tables(
        db,
        f"waiting:{today}",
        names(Handover, Hazard, Place, Release),
        lambda: waiting_land(db, today),
    )
    return {"quality": quality, "cost": cost, "waiting": waiting}


def _periods() -> list[tuple[str, str]]:
    labels = {
        "year": _("This year"),
        "12m": _("Last 12 months"),
        "all": _("All time"),
        "custom": _("From – to"),
    }
    return [(p, labels[p]) for p in PERIODS]


def _query(params: dict[str, Any]) -> str:
    kept = {k: v for k, v in params.items() if v not in (None, "", "all")}
    return "?" + urlencode(kept) if kept else ""


def _map_filters(flt: DashboardFilter) -> dict[str, Any]:
    """The filters the map applies (it has no region filter)."""
    return {
        "organisation": flt.organisation,
        "hazard_class": flt.hazard_class,
        "from": flt.start.isoformat() if flt.start else None,
        "to": flt.end.isoformat() if flt.end else None,
    }


def _names(view: dict[str, Any], flt: DashboardFilter) -> dict[str, str | None]:
    """The chosen organisation, region and class in words."""
    org = next((n for k, n, _m in view["by_org"] if k == flt.organisation), None)
    region = next((n for k, n, _m in view["by_region"] if k == flt.region), None)
    return {
        "organisation": org or (str(flt.organisation) if flt.organisation else None),
        "region": region or (str(flt.region) if flt.region else None),
        "class": label_of(HazardClass, flt.hazard_class) if flt.hazard_class else None,
    }


def _bar(
    label: str | None, value: float, param: str | None, key: Any, chosen: dict[str, Any]
) -> dict[str, Any]:
    on = param is not None and key is not None and chosen.get(param) == key
    href = None
    if param is not None and key is not None:
        href = "/dashboard" + _query({**chosen, param: None if on else key})
    return {"label": label or "—", "value": value, "href": href, "chosen": on}


def _charts(
    view: dict[str, Any], chosen: dict[str, Any]
) -> dict[str, list[dict[str, Any]]]:
    """Each chart's bars: label, value (ha or a count), link, whether chosen."""
    ha = 10_000
    return {
        "org": [
            _bar(name, m2 / ha, "organisation", key, chosen)
            for key, name, m2 in view["by_org"][:ORGANISATIONS_SHOWN]
        ],
        "region": [
            _bar(name, m2 / ha, "region", key, chosen)
            for key, name, m2 in view["by_region"][:AREAS_SHOWN]
        ],
        "class": [
            _bar(
                label_of(HazardClass, key) if key else None,
                m2 / ha,
                "class",
                key,
                chosen,
            )
            for key, m2 in view["by_class"]
        ],
        "year": [
            _bar(None if y is None else str(y), m2 / ha, None, None, chosen)
            for y, m2 in view["by_year"]
        ],
        "method": [
            _bar(label_of(Method, k) if k else None, m2 / ha, None, None, chosen)
            for k, m2 in view["by_method"]
        ],
        "category": [
            _bar(label_of(EOCategory, k) if k else None, n, None, None, chosen)
            for k, n in view["by_category"]
        ],
    }
