# SPDX-License-Identifier: GPL-3.0-or-later
"""The forecast page: fitted parameters, P10/P50/P90, remaining-area chart.

It shows the register's own forecast and, side by side, the saved scenarios
ticked in the list (made in the scenario editor,
:mod:`demine.web.forecast_scenarios`).
"""

from __future__ import annotations

import io
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from demine.analysis.forecast.register import run_scenarios, scenario_label
from demine.analysis.forecast.scenario import parse_scenario
from demine.analysis.forecast.simulation import Forecast, compare
from demine.analysis.version_cache import kept
from demine.errors import DemineError
from demine.i18n import _, current_language
from demine.serving.deps import DbDep, User
from demine.store import forecast_scenarios as saved
from demine.store.register_version import register_version
from demine.web.pages import TEMPLATES, render

TEMPLATES.env.globals["scenario_label"] = scenario_label
router = APIRouter(include_in_schema=False)

WEB_DRAWS = 1000
# At most this many saved scenarios in one comparison (each is a simulation).
MAX_COMPARED = 12


def curve_svg(forecasts: list[Forecast], title: str) -> str:
    """Remaining area (km²) per year, P50 line and P10-P90 band, as inline SVG."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.5, 3.6))
    ax = fig.add_subplot()
    for f in forecasts:
        r = f.remaining
        (line,) = ax.plot(r["year"], r["p50"] / 1e6, label=scenario_label(f.scenario))
        ax.fill_between(
            r["year"],
            r["p10"] / 1e6,
            r["p90"] / 1e6,
            alpha=0.15,
            color=line.get_color(),
        )
    ax.set_ylabel(_("km² still open"))
    ax.set_ylim(bottom=0)
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    svg = buf.getvalue()
    # Inline SVG: drop the XML prolog and DOCTYPE that precede the <svg> element.
    return svg[svg.index("<svg") :]


def _page(
    request: Request,
    db: Any,
    who: Any,
    chosen: list[int],
) -> Response:
    error = None
    forecasts: list[Forecast] = []
    # Read before the forecasts, so a write meanwhile never files an older
    # chart under the newer version.
    version = register_version(db).current()
    stored = saved.list_scenarios(db)
    picked = [s for s in stored if s.id in chosen]
    try:
        scenarios = [parse_scenario(s.definition) for s in picked]
        forecasts = run_scenarios(db, scenarios, draws=WEB_DRAWS, seed=0)
    except DemineError as exc:
        error = exc.user_message
    # Drawing the chart costs more than the rest of the page: it is kept
    # per register version, scenarios and language.
    key = ("forecast-chart", current_language(), tuple(sorted(chosen)), version)
    charts = kept(db, "forecast-charts", size=16)
    chart = (
        charts.get_or_build(key, lambda: curve_svg(forecasts, ""))
        if forecasts
        else None
    )
    table = compare(forecasts).to_dict(orient="records") if forecasts else []
    return render(
        request,
        "forecast.html",
        who,
        error=error,
        forecasts=forecasts,
        first=forecasts[0] if forecasts else None,
        comparison=table,
        chart=chart,
        saved=stored,
        chosen={s.id for s in picked},
        draws=WEB_DRAWS,
    )


@router.get("/forecast")
def forecast_page(
    request: Request,
    db: DbDep,
    who: User,
    scenario: Annotated[list[int] | None, Query(max_length=MAX_COMPARED)] = None,
) -> Response:
    """The register's forecast, beside the saved scenarios ticked."""
    return _page(request, db, who, scenario or [])
