# SPDX-License-Identifier: GPL-3.0-or-later
"""The forecast page: fitted parameters, P10/P50/P90, remaining-area chart.

GET shows the register's own forecast; POST (with the session's CSRF token)
adds the scenarios pasted as YAML, side by side.
"""

from __future__ import annotations

import io
from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from demine.analysis.forecast.register import run_scenarios, scenario_label
from demine.analysis.forecast.scenario import parse_scenarios
from demine.analysis.forecast.simulation import Forecast, compare
from demine.errors import DemineError
from demine.i18n import _
from demine.serving.deps import DbDep, User, check_csrf
from demine.web.pages import TEMPLATES, render

TEMPLATES.env.globals["scenario_label"] = scenario_label
router = APIRouter(include_in_schema=False)

WEB_DRAWS = 1000
MAX_YAML = 20_000


def curve_svg(forecasts: list[Forecast], title: str) -> str:
    """Remaining area (km²) per year, P50 line and P10-P90 band, as inline SVG."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.5, 3.6))
    ax = fig.add_subplot()
    for f in forecasts:
        r = f.remaining
        (line,) = ax.plot(r["year"], r["p50"] / 1e6, label=f.scenario)
        ax.fill_between(
            r["year"],
            r["p10"] / 1e6,
            r["p90"] / 1e6,
            alpha=0.15,
            color=line.get_color(),
        )
    ax.set_ylabel("km² still open")
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
    scenarios_yaml: str = "",
    status_code: int = 200,
) -> Response:
    error = None
    forecasts: list[Forecast] = []
    try:
        scenarios = []
        if scenarios_yaml.strip():
            if len(scenarios_yaml) > MAX_YAML:
                raise DemineError(_("the scenario text is too long"))
            try:
                data = yaml.safe_load(scenarios_yaml)
            except yaml.YAMLError:
                raise DemineError(_("the scenario text is not valid YAML")) from None
            scenarios = parse_scenarios(data, "scenario text")
        forecasts = run_scenarios(db, scenarios, draws=WEB_DRAWS, seed=0)
    except DemineError as exc:
        error = exc.user_message
    chart = curve_svg(forecasts, "") if forecasts else None
    table = compare(forecasts).to_dict(orient="records") if forecasts else []
    return render(
        request,
        "forecast.html",
        who,
        status_code=status_code,
        error=error,
        forecasts=forecasts,
        first=forecasts[0] if forecasts else None,
        comparison=table,
        chart=chart,
        scenarios_yaml=scenarios_yaml,
        draws=WEB_DRAWS,
    )


@router.get("/forecast")
def forecast_page(request: Request, db: DbDep, who: User) -> Response:
    return _page(request, db, who)


@router.post("/forecast")
def forecast_post(
    request: Request,
    db: DbDep,
    who: User,
    scenarios: Annotated[str, Form(max_length=MAX_YAML)] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf_token)
    return _page(request, db, who, scenarios)
