# SPDX-License-Identifier: GPL-3.0-or-later
"""What is wrong with a drawn shape, in the drawer's words, and where.

GEOS (through Shapely's ``is_valid_reason``) names the fault in developer
terms and gives its place: "Self-intersection[46.71 39.80]". A clerk drawing
a release on the map needs "The boundary crosses itself here." and the spot
marked on the map. Pure functions: the web's drawing check calls them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import shapely
from shapely.geometry.base import BaseGeometry

from demine.i18n import N_, _

# is_valid_reason puts the location in brackets: "Self-intersection[17.1 45.2]".
_POINT = re.compile(r"\[\s*([-+.\deE]+)\s+([-+.\deE]+)")

# GEOS's reasons (the text before the bracket), in plain words.
_PLAIN: dict[str, str] = {
    "Self-intersection": N_("The boundary crosses itself here."),
    "Ring Self-intersection": N_("The boundary touches itself here."),
    "Hole lies outside shell": N_("A hole lies outside the area here."),
    "Holes are nested": N_("A hole lies inside another hole here."),
    "Interior is disconnected": N_("A hole cuts the area in two here."),
    "Nested shells": N_("One part of the area lies inside another here."),
    "Duplicate Rings": N_("The same boundary is drawn twice here."),
    "Too few points": N_("The boundary needs at least three separate corners."),
    "Invalid Coordinate": N_("A corner has no valid coordinates here."),
    "Ring is not closed": N_("The boundary does not close; finish the polygon."),
}


@dataclass(frozen=True)
class ShapeProblem:
    """One fault of a shape: what, in plain words, and where (lon, lat)."""

    message: str
    lon: float | None = None
    lat: float | None = None


def shape_problems(geom: BaseGeometry | None) -> list[ShapeProblem]:
    """Every fault GEOS finds in ``geom`` (none for a valid shape)."""
    if geom is None or geom.is_empty:
        return [ShapeProblem(_("Nothing is drawn yet."))]
    problems: list[ShapeProblem] = []
    parts = shapely.get_parts(geom).tolist()
    for part in parts:
        if not part.is_valid:
            problems.append(_explain(shapely.is_valid_reason(part)))
        elif part.geom_type == "Polygon" and part.area == 0.0:
            problems.append(
                ShapeProblem(_("The area is flat: its corners lie on one line."))
            )
    return problems


def _explain(reason: str) -> ShapeProblem:
    head = reason.split("[", 1)[0].strip()
    match = _POINT.search(reason)
    lon = lat = None
    if match:
        lon, lat = float(match.group(1)), float(match.group(2))
    # GEOS words some reasons longer ("Too few points in geometry component").
    plain = _PLAIN.get(head) or next(
        (text for start, text in _PLAIN.items() if head.startswith(start)), None
    )
    if plain is None:
        return ShapeProblem(
            _("The shape is not valid here (%(reason)s).", reason=head), lon, lat
        )
    return ShapeProblem(_(plain), lon, lat)
