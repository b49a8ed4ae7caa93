# SPDX-License-Identifier: GPL-3.0-or-later
"""A small drawing of a record on its page: its outline or point, the
records that belong to it (releases, finds, accidents) and a scale bar.

Drawn on the server as inline SVG, so the page needs no script, no tiles and
no network, prints as it shows, and reads the same on a phone. Coordinates
are WGS84; the drawing is equirectangular around the middle latitude (true
enough for the few kilometres a record spans).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import shapely
from markupsafe import Markup, escape
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

WIDTH, HEIGHT, PAD = 480.0, 300.0, 18.0
METRES_PER_DEGREE = 111_320.0
NICE = (1, 2, 5)


@dataclass(frozen=True)
class Shape:
    """One thing to draw: a GeoJSON geometry, its style and where it links."""

    geometry: dict[str, Any]
    style: str  # a CSS class: record, context, release-<kind>, find, accident
    title: str
    href: str | None = None


def _geom(data: dict[str, Any]) -> BaseGeometry | None:
    try:
        geom = shape(data)
    except (ValueError, TypeError, AttributeError, KeyError):
        return None
    return None if geom.is_empty else geom


class _Frame:
    """Lon/lat to the drawing's pixels."""

    def __init__(self, bounds: tuple[float, float, float, float]) -> None:
        minx, miny, maxx, maxy = bounds
        self.kx = math.cos(math.radians((miny + maxy) / 2))
        span_x = max((maxx - minx) * self.kx, 1e-6)
        span_y = max(maxy - miny, 1e-6)
        self.scale = min((WIDTH - 2 * PAD) / span_x, (HEIGHT - 2 * PAD) / span_y)
        self.x0 = minx - ((WIDTH - 2 * PAD) / self.scale - span_x) / 2 / self.kx
        self.y0 = maxy + ((HEIGHT - 2 * PAD) / self.scale - span_y) / 2

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            PAD + (lon - self.x0) * self.kx * self.scale,
            PAD + (self.y0 - lat) * self.scale,
        )

    def metres_per_pixel(self) -> float:
        return METRES_PER_DEGREE / self.scale


def _path(frame: _Frame, geom: BaseGeometry) -> str:
    parts = []
    for polygon in getattr(geom, "geoms", [geom]):
        for ring in (polygon.exterior, *polygon.interiors):
            points = [frame.xy(x, y) for x, y, *_z in ring.coords]
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
    return " ".join(parts)


def _element(frame: _Frame, item: Shape, geom: BaseGeometry) -> str:
    title = f"<title>{escape(item.title)}</title>"
    kind = geom.geom_type
    if kind in ("Polygon", "MultiPolygon"):
        body = f'<path class="{item.style}" d="{_path(frame, geom)}">{title}</path>'
    elif kind in ("LineString", "MultiLineString"):
        lines = getattr(geom, "geoms", [geom])
        d = " ".join(
            "M"
            + "L".join(
                "{:.1f},{:.1f}".format(*frame.xy(x, y)) for x, y, *_z in ln.coords
            )
            for ln in lines
        )
        body = f'<path class="{item.style}" d="{d}">{title}</path>'
    else:
        circles = []
        for point in getattr(geom, "geoms", [geom]):
            x, y = frame.xy(point.x, point.y)
            circles.append(
                f'<circle class="{item.style}" cx="{x:.1f}" cy="{y:.1f}" r="6">'
                f"{title}</circle>"
            )
        body = "".join(circles)
    if item.href:
        return f'<a href="{escape(item.href)}">{body}</a>'
    return body


def _scale_bar(frame: _Frame) -> str:
    """A bar of a round length (1, 2 or 5 × 10ⁿ m) near a fifth of the width."""
    target = frame.metres_per_pixel() * WIDTH / 5
    power = 10 ** math.floor(math.log10(max(target, 1e-3)))
    metres = (
        max(n * power for n in NICE if n * power <= target)
        if target >= power
        else power
    )
    pixels = metres / frame.metres_per_pixel()
    text = f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"
    x, y = PAD, HEIGHT - 8
    return (
        f'<g class="scale" aria-hidden="true"><path d="M{x:.1f},{y - 5:.1f}V{y:.1f}'
        f'H{x + pixels:.1f}V{y - 5:.1f}"/><text x="{x + pixels + 4:.1f}" y="{y:.1f}">'
        f"{text}</text></g>"
    )


def sketch(shapes: list[Shape], label: str) -> Markup | None:
    """The SVG of ``shapes`` framed on all of them; None if none has a geometry.

    ``label`` names the drawing for screen readers; each shape carries its
    own title (and link), so the drawing is reachable by keyboard too.
    """
    drawn = [(item, g) for item in shapes if (g := _geom(item.geometry)) is not None]
    if not drawn:
        return None
    bounds = shapely.total_bounds([g for _item, g in drawn])
    minx, miny, maxx, maxy = (float(b) for b in bounds)
    # A lone point gets a frame of about a kilometre around it.
    if maxx - minx < 1e-4 and maxy - miny < 1e-4:
        minx, maxx, miny, maxy = (
            minx - 0.006,
            maxx + 0.006,
            miny - 0.0045,
            maxy + 0.0045,
        )
    frame = _Frame((minx, miny, maxx, maxy))
    # Polygons first, points on top.
    drawn.sort(key=lambda pair: pair[1].geom_type.endswith("Point"))
    body = "".join(_element(frame, item, g) for item, g in drawn)
    return Markup(
        f'<svg class="sketch" viewBox="0 0 {WIDTH:.0f} {HEIGHT:.0f}" role="group" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        f'<rect class="ground" width="{WIDTH:.0f}" height="{HEIGHT:.0f}"/>'
        f"{body}{_scale_bar(frame)}</svg>"
    )


def middle(geometry: dict[str, Any] | None) -> str | None:
    """``lon,lat`` of a point inside ``geometry``, for a link to the big map."""
    geom = _geom(geometry) if geometry else None
    if geom is None:
        return None
    point = geom.representative_point()
    return f"{point.x:.5f},{point.y:.5f}"
