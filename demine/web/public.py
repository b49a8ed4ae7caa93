# SPDX-License-Identifier: GPL-3.0-or-later
"""The anonymous pages of the public land-status service (``/public``).

Made for a cheap phone on a slow connection: one HTML document with its
styles inline, the map drawn on the server as a small SVG (no map library,
no tiles), a few lines of script only to turn a tap into a lookup, no
cookie, and a ``Cache-Control`` that lets phones and proxies keep it.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from demine.domain.labels import label, label_of
from demine.domain.vocab import LandUse
from demine.errors import DemineError
from demine.handover import verify_certificate
from demine.i18n import LANGUAGES, choose_language, current_language
from demine.i18n.jinja import install
from demine.public import CACHE_CONTROL, language, lookup_point, lookup_settlement
from demine.serving.deps import DbDep, SettingsDep

router = APIRouter(include_in_schema=False)
_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
MAP_WIDTH = 360


install(_ENV)
_ENV.globals.update(label=label, label_of=label_of, LandUse=LandUse)


def page_language(asked: str | None) -> str:
    """The language asked for in the address, else the request's; made current."""
    chosen = language(asked) if asked else current_language()
    choose_language(chosen)
    return chosen


def page(name: str, lang: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    html = _ENV.get_template(name).render(
        lang=lang, languages=sorted(LANGUAGES), **context
    )
    headers = {
        "Cache-Control": CACHE_CONTROL,
        "Vary": "Accept-Encoding, Accept-Language",
    }
    return HTMLResponse(html, status_code=status_code, headers=headers)


def _rings(geometry: dict[str, Any] | None) -> list[list[list[float]]]:
    if not geometry:
        return []
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    if geometry["type"] == "MultiPolygon":
        return [ring for poly in geometry["coordinates"] for ring in poly]
    return []


def svg_map(answer: dict[str, Any], here: tuple[float, float] | None) -> Markup:
    """Released land (green) and generalised danger (red) as one small SVG."""
    min_lon, min_lat, max_lon, max_lat = answer["bbox"]
    kx = math.cos(math.radians((min_lat + max_lat) / 2))
    width = MAP_WIDTH
    height = round(width * (max_lat - min_lat) / max((max_lon - min_lon) * kx, 1e-9))

    def path(rings: list[list[list[float]]]) -> str:
        parts = []
        for ring in rings:
            pts = [
                f"{(x - min_lon) / (max_lon - min_lon) * width:.1f},"
                f"{(max_lat - y) / (max_lat - min_lat) * height:.1f}"
                for x, y, *_ in ring
            ]
            parts.append("M" + "L".join(pts) + "Z")
        return "".join(parts)

    shapes = [
        f'<path class="rel" d="{path(_rings(r["geometry"]))}"/>'
        for r in answer.get("released", [])
        if r["geometry"]
    ]
    danger = _rings(answer["hazardous"]["geometry"])
    if danger:
        shapes.append(f'<path class="haz" d="{path(danger)}"/>')
    if here is not None:
        x = (here[0] - min_lon) / (max_lon - min_lon) * width
        y = (max_lat - here[1]) / (max_lat - min_lat) * height
        shapes.append(f'<circle class="here" cx="{x:.1f}" cy="{y:.1f}" r="5"/>')
    bbox = ",".join(str(v) for v in answer["bbox"])
    return Markup(
        f'<svg id="map" viewBox="0 0 {width} {height}" data-bbox="{bbox}" '
        f'role="img" xmlns="http://www.w3.org/2000/svg">'
        f'<rect width="{width}" height="{height}" class="bg"/>{"".join(shapes)}</svg>'
    )


@router.get("/public")
def public_page(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    lang: Annotated[str | None, Query(max_length=8)] = None,
    settlement: Annotated[str | None, Query(max_length=200)] = None,
    lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
    lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
) -> HTMLResponse:
    """Search a settlement or a point; anyone may ask."""
    lang = page_language(lang)
    options = {"lang": lang, "hotline": settings.public_hotline}
    answer: dict[str, Any] | None = None
    error = None
    here = None
    try:
        if lon is not None and lat is not None:
            here = (lon, lat)
            answer = lookup_point(db, lon, lat, **options)
        elif settlement:
            answer = lookup_settlement(db, settlement, **options)
    except DemineError as exc:
        error = exc.user_message
    shown = answer is not None and "bbox" in answer
    return page(
        "public.html",
        lang,
        status_code=404 if error else 200,
        answer=answer,
        error=error,
        settlement=settlement or "",
        map=svg_map(answer, here) if shown and answer else None,
        hotline=settings.public_hotline,
    )


@router.get("/public/certificates/{code}")
def verify_page(
    code: str,
    db: DbDep,
    lang: Annotated[str | None, Query(max_length=8)] = None,
) -> HTMLResponse:
    """The page a certificate's QR code opens: is this certificate real?"""
    lang = page_language(lang)
    found = verify_certificate(db, code)
    return page(
        "public_certificate.html",
        lang,
        status_code=200 if found else 404,
        cert=found,
        code=code,
    )
