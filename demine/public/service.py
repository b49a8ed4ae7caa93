# SPDX-License-Identifier: GPL-3.0-or-later
"""Look up land by a point or a settlement; the administrator's settings.

A lookup answers with released land (date, area, certificate), hazardous
areas generalised to the administrator's grid (:mod:`demine.geo.generalise`),
a plain warning, the hotline and the risk education messages. It reads
approved records only, and only the layers the administrator opened: with
none open, the service says so and shows nothing.
"""

from __future__ import annotations

import math
from typing import Any

import shapely
from shapely.geometry import mapping

from demine.errors import NotFoundError, RecordError
from demine.geo.generalise import generalise
from demine.i18n import LANGUAGES, N_, _, use_language
from demine.store import public_service as queries
from demine.store.database import Database

# Released land and hazardous areas; nothing else can be opened.
LAYERS = ("released_land", "hazardous_area")
MAX_GENERALISE_M = 10_000.0
POINT_RADIUS_M = 2_000.0
SETTLEMENT_RADIUS_M = 3_000.0
DEFAULT_MESSAGES = (
    (
        N_("Do not touch"),
        N_(
            "Mines and unexploded ordnance can look like stones, metal pieces, bottles"
            " or toys. Never touch, move or collect them."
        ),
    ),
    (
        N_("Mark and step back"),
        N_(
            "If you see a dangerous object, go back the way you came, mark the place "
            "if you can do it safely, and keep others away."
        ),
    ),
    (
        N_("Tell someone"),
        N_(
            "Report the object at once to the hotline, the police or the local "
            "authority."
        ),
    ),
)
STATUS = {
    "hazardous": N_("This spot is in or close to a dangerous area. Do not go there."),
    "released": N_("This spot is on land that has been released."),
    "no_record": N_("No dangerous area is recorded at this spot."),
}
# Residents' phones and any proxy between may keep an answer five minutes.
CACHE_CONTROL = "public, max-age=300"


def language(asked: str | None) -> str:
    """The language asked for if the catalogue has it, else English."""
    return asked if asked in LANGUAGES else "en"


def public_settings(db: Database) -> dict[str, Any]:
    with db.transaction() as conn:
        return {"layers": queries.layers(conn)}


def set_public_settings(
    db: Database,
    layers: dict[str, float],
    messages: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Open these layers (name: generalisation in m); replace the messages."""
    problems = [
        _(
            "unknown layer %(name)r; use %(allowed)s",
            name=name,
            allowed=", ".join(LAYERS),
        )
        for name in layers
        if name not in LAYERS
    ]
    problems += [
        _(
            "%(name)s: the generalisation must be 0 to %(most)s m",
            name=name,
            most=f"{MAX_GENERALISE_M:.0f}",
        )
        for name, metres in layers.items()
        if not (0 <= float(metres) <= MAX_GENERALISE_M)
    ]
    rows = []
    for i, m in enumerate(messages or []):
        lang, title, body = m.get("language", "en"), m.get("title"), m.get("body")
        if lang not in LANGUAGES or not title or not body:
            problems.append(_("message %(n)s: give language, title and body", n=i + 1))
        rows.append({"language": lang, "title": title, "body": body, "position": i})
    if problems:
        raise RecordError("; ".join(problems), field="layers")
    with db.transaction() as conn:
        queries.replace_layers(conn, {k: float(v) for k, v in layers.items()})
        if messages is not None:
            queries.replace_messages(conn, rows)
    return public_settings(db)


def _box(lon: float, lat: float, radius_m: float) -> queries.Box:
    dlat = radius_m / 111_320.0
    dlon = radius_m / (111_320.0 * max(math.cos(math.radians(lat)), 0.01))
    return (lon - dlon, lat - dlat, lon + dlon, lat + dlat)


def _geojson(geom: Any) -> dict[str, Any] | None:
    if geom is None or shapely.is_empty(geom):
        return None
    return mapping(shapely.set_precision(geom, 1e-6))


def _shown(db: Database, box: queries.Box, lang: str, base_url: str) -> dict[str, Any]:
    with db.transaction() as conn:
        opened = queries.layers(conn)
        released = queries.released_land(conn, box) if "released_land" in opened else []
        hazards = (
            queries.hazardous_areas(conn, box) if "hazardous_area" in opened else []
        )
        messages = queries.messages(conn, lang)
    if not messages:
        messages = [
            {"title": _(title), "body": _(body)} for title, body in DEFAULT_MESSAGES
        ]
    grid = opened.get("hazardous_area", 0.0)
    shapes = [generalise(g, grid) for g in hazards]
    merged = shapely.union_all([s for s in shapes if s is not None]) if shapes else None
    return {
        "open": bool(opened),
        "layers": sorted(opened),
        "released": [
            {
                "released_on": r["released_on"].isoformat()
                if r["released_on"]
                else None,
                "area_ha": round(r["area_m2"] / 10_000, 2),
                "certificate": r["certificate"],
                "verify_url": (
                    f"{base_url.rstrip('/')}/public/certificates/{r['code']}"
                    if r["code"]
                    else None
                ),
                "geometry": _geojson(
                    generalise(r["geom"], opened.get("released_land", 0.0), inward=True)
                ),
            }
            for r in released
        ],
        "hazardous": {
            "count": len(hazards),
            "generalised_m": grid,
            "geometry": _geojson(merged),
        },
        "_merged": merged,
        "messages": messages,
    }


def _answer(shown: dict[str, Any], lang: str, hotline: str) -> dict[str, Any]:
    shown.pop("_merged", None)
    warn = shown["hazardous"]["count"] > 0
    shown["warning"] = (
        _(
            "Danger: there are areas with mines or unexploded ordnance near here. Do "
            "not enter marked or fenced areas. Do not touch anything that looks like "
            "ammunition."
        )
        if warn
        else _(
            "No dangerous area is recorded near here. That does not prove the land is "
            "safe; take care, and call the hotline if you see a dangerous object."
        )
    )
    shown["hotline"] = hotline or None
    return shown


def lookup_point(
    db: Database, lon: float, lat: float, **options: Any
) -> dict[str, Any]:
    """What is known around a point: is it released, is it near danger.

    ``options``: ``lang`` (texts and messages), ``hotline``, ``base_url``.
    """
    with use_language(language(options.get("lang"))):
        return _lookup_point(db, lon, lat, **options)


def lookup_settlement(db: Database, name: str, **options: Any) -> dict[str, Any]:
    """Released land and hazardous areas in and around a settlement."""
    with use_language(language(options.get("lang"))):
        return _lookup_settlement(db, name, **options)


def _lookup_point(
    db: Database,
    lon: float,
    lat: float,
    *,
    lang: str = "en",
    hotline: str = "",
    base_url: str = "",
) -> dict[str, Any]:
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise RecordError(
            _("give lon from -180 to 180 and lat from -90 to 90"), field="lon"
        )
    box = _box(lon, lat, POINT_RADIUS_M)
    shown = _shown(db, box, lang, base_url)
    here = shapely.Point(lon, lat)
    merged = shown["_merged"]
    if merged is not None and merged.covers(here):
        status = "hazardous"
    elif any(
        r["geometry"] and shapely.geometry.shape(r["geometry"]).covers(here)
        for r in shown["released"]
    ):
        status = "released"
    else:
        status = "no_record"
    answer = _answer(shown, lang, hotline)
    answer.update(
        query={"lon": lon, "lat": lat, "radius_m": POINT_RADIUS_M},
        bbox=[round(v, 5) for v in box],
        status=status,
        status_text=_(STATUS[status]),
    )
    return answer


def _lookup_settlement(
    db: Database, name: str, *, lang: str = "en", hotline: str = "", base_url: str = ""
) -> dict[str, Any]:
    with db.transaction() as conn:
        found = queries.settlements(conn, name)
        linked = queries.settlement_hazards_box(conn, found[0]["id"]) if found else None
    if not found:
        raise NotFoundError(_("No place called %(name)s is known.", name=name[:80]))
    place = found[0]
    if not place["exact"] and len(found) > 1:
        return {
            "query": {"settlement": name},
            "choices": [p["name"] for p in found],
        }
    point = place["location"] or shapely.centroid(place["boundary"])
    box = _box(point.x, point.y, SETTLEMENT_RADIUS_M)
    # The settlement's own outline and the hazards recorded against it
    # belong to "in and around" even beyond the radius.
    extra = [place["boundary"].bounds] if place["boundary"] is not None else []
    extra += [linked] if linked is not None else []
    for b in extra:
        box = (
            min(box[0], b[0]),
            min(box[1], b[1]),
            max(box[2], b[2]),
            max(box[3], b[3]),
        )
    answer = _answer(_shown(db, box, lang, base_url), lang, hotline)
    answer.update(
        query={"settlement": name, "radius_m": SETTLEMENT_RADIUS_M},
        settlement={
            "name": place["name"],
            "lon": round(point.x, 5),
            "lat": round(point.y, 5),
        },
        bbox=[round(v, 5) for v in box],
    )
    return answer
