# SPDX-License-Identifier: GPL-3.0-or-later
"""OGC API - Features (Part 1: core, GeoJSON; Part 2: CRS by reference) at ``/ogc``.

QGIS, ArcGIS and GDAL (``OAPIF:http://host/ogc``) read the register's layers
live. Anonymous clients see the layers the administrator made public; others
send ``Authorization: Bearer <token>``. Features are stored and served in
CRS84; ``crs=`` asks for another of :data:`SUPPORTED_CRS` and ``bbox-crs=``
says which CRS the ``bbox`` numbers are in.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from typing import Annotated, Any

import numpy as np
import shapely
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pyproj import Transformer

from demine.api.records import parse_bbox
from demine.errors import NotFoundError, RecordError
from demine.i18n import _
from demine.serving.deps import DbDep, MaybeUser, RecordId, reader_for
from demine.serving.fastpath import (
    ReadContext,
    compressed,
    read_context,
    render_once,
    response_cache,
)
from demine.store.database import Database
from demine.store.listing import (
    GEOMETRY_COLUMNS,
    Filters,
    feature_page,
    get_record,
    visibility_class,
)

router = APIRouter(prefix="/ogc", tags=["OGC API - Features"])

GEOJSON = "application/geo+json"
# collection id -> (kind of record, title)
COLLECTIONS: dict[str, tuple[str, str]] = {
    "hazards": ("hazard", "Hazardous areas (SHA/CHA)"),
    "releases": ("release", "Land release products"),
    "eo_items": ("eo_item", "Explosive ordnance found"),
    "accidents": ("accident", "Accidents"),
    "activities": ("activity", "Activities (no geometry of their own)"),
}
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
]
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
_EPSG = "http://www.opengis.net/def/crs/EPSG/0/"
# The CRSs features can be asked for in (``crs``) and a bbox given in
# (``bbox-crs``). CRS84 (the storage CRS) first; EPSG:4326 is the same datum in
# latitude, longitude order; Web Mercator for web maps; UTM zones 38N and 39N
# cover Azerbaijan, for measuring in metres.
SUPPORTED_CRS: tuple[str, ...] = (
    CRS84,
    _EPSG + "4326",
    _EPSG + "3857",
    _EPSG + "32638",
    _EPSG + "32639",
)
_SUPPORTED = frozenset(SUPPORTED_CRS)
# Points per side of a bbox when bringing it into CRS84: enough that the
# bounds of a UTM rectangle's curved image are found to well within a metre.
_BBOX_EDGE_POINTS = 65


class CrsError(RecordError):
    """A ``crs`` or ``bbox-crs`` the server does not offer (Part 2 asks for 400)."""

    http_status = 400


def parse_crs(value: str | None, param: str) -> str | None:
    """The CRS URI asked for in ``param``; None for CRS84 (the stored CRS)."""
    if value is None or value == CRS84:
        return None
    if value not in _SUPPORTED:
        raise CrsError(
            f"{value[:200]!r} is not a supported CRS; use one of "
            + ", ".join(SUPPORTED_CRS),
            field=param,
        )
    return value


@functools.cache
def _transformer(source: str, target: str) -> Transformer:
    """A Transformer between two supported CRSs, in their own axis orders.

    ``always_xy`` stays off: the spec has coordinates follow each CRS's axis
    order (EPSG:4326 is latitude, longitude; CRS84 longitude, latitude). Made
    once per pair (pyproj's Transformer is safe to share between threads).
    """
    return Transformer.from_crs(source, target)


def reproject(texts: Sequence[str], crs: str) -> list[str]:
    """GeoJSON geometries (or Features) in CRS84 as geometry texts in ``crs``."""
    if not texts:
        return []
    transformer = _transformer(CRS84, crs)

    def move(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        out = coords.copy()
        out[:, 0], out[:, 1] = x, y
        if not np.isfinite(out).all():
            raise CrsError(
                _("a geometry lies outside the area %(crs)s can represent", crs=crs),
                field="crs",
            )
        return out

    geoms = shapely.from_geojson(np.asarray(texts, dtype=object))
    return shapely.to_geojson(shapely.transform(geoms, move, include_z=None)).tolist()


def _reproject_page(features: list[str], crs: str) -> list[str]:
    """Feature texts from :func:`feature_page` with their geometries in ``crs``."""
    parsed = [json.loads(f) for f in features]
    placed = [i for i, f in enumerate(parsed) if f.get("geometry") is not None]
    moved = reproject([features[i] for i in placed], crs)
    for i, text in zip(placed, moved, strict=True):
        parsed[i]["geometry"] = json.loads(text)
    return [json.dumps(f) for f in parsed]


def parse_bbox_in(
    text: str | None, bbox_crs: str | None
) -> tuple[float, float, float, float] | None:
    """A ``bbox`` given in ``bbox_crs`` as the CRS84 box that holds it.

    The numbers follow the CRS's axis order (for EPSG:4326:
    south,west,north,east). A projected rectangle is not a rectangle in
    longitude and latitude, so the box is the bounds of its densified edges:
    it may select a little more than the rectangle near its corners.
    """
    if bbox_crs is None or text is None:
        return parse_bbox(text)
    try:
        parts = [float(p) for p in text.split(",")]
    except ValueError:
        raise RecordError(_("bbox must be four numbers"), field="bbox") from None
    if len(parts) != 4 or not np.isfinite(parts).all():
        raise RecordError(_("bbox must be four numbers"), field="bbox")
    low1, low2, high1, high2 = parts
    if low1 > high1 or low2 > high2:
        raise RecordError(
            _(
                "bbox must be the lower corner then the upper corner, in the axis "
                "order of %(bbox_crs)s",
                bbox_crs=bbox_crs,
            ),
            field="bbox",
        )
    t = np.linspace(0.0, 1.0, _BBOX_EDGE_POINTS)
    along1, along2 = low1 + (high1 - low1) * t, low2 + (high2 - low2) * t
    axis1 = np.concatenate(
        [along1, along1, np.full_like(t, low1), np.full_like(t, high1)]
    )
    axis2 = np.concatenate(
        [np.full_like(t, low2), np.full_like(t, high2), along2, along2]
    )
    lon, lat = _transformer(bbox_crs, CRS84).transform(axis1, axis2)
    if not (np.isfinite(lon).all() and np.isfinite(lat).all()):
        raise RecordError(
            _("bbox lies outside the area %(bbox_crs)s covers", bbox_crs=bbox_crs),
            field="bbox",
        )
    west, east = max(float(lon.min()), -180.0), min(float(lon.max()), 180.0)
    south, north = max(float(lat.min()), -90.0), min(float(lat.max()), 90.0)
    if west > east or south > north:
        raise RecordError(
            _("bbox lies outside the area %(bbox_crs)s covers", bbox_crs=bbox_crs),
            field="bbox",
        )
    return west, south, east, north


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/ogc"


def _link(href: str, rel: str, type_: str, title: str | None = None) -> dict[str, str]:
    link = {"href": href, "rel": rel, "type": type_}
    if title:
        link["title"] = title
    return link


def _collection(request: Request, cid: str) -> dict[str, Any]:
    title = COLLECTIONS[cid][1]
    url = f"{_base(request)}/collections/{cid}"
    return {
        "id": cid,
        "title": title,
        "itemType": "feature",
        "crs": list(SUPPORTED_CRS),
        "storageCrs": CRS84,
        "extent": {"spatial": {"bbox": [[-180.0, -90.0, 180.0, 90.0]], "crs": CRS84}},
        "links": [
            _link(url, "self", "application/json"),
            _link(f"{url}/items", "items", GEOJSON, title),
        ],
    }


def _kind(cid: str) -> str:
    if cid not in COLLECTIONS:
        raise NotFoundError(_("no collection %(cid)r", cid=cid))
    return COLLECTIONS[cid][0]


def feature(kind: str, record: dict[str, Any]) -> dict[str, Any]:
    """A record as a GeoJSON Feature: geometry out, every other field a property."""
    geom_col = GEOMETRY_COLUMNS.get(kind)
    props = {k: v for k, v in record.items() if k not in ("geom", "benchmark")}
    geometry = record.get(geom_col) if geom_col else None
    return {
        "type": "Feature",
        "id": record["id"],
        "geometry": geometry,
        "properties": props,
    }


@router.get("")
def landing(request: Request) -> dict[str, Any]:
    base = _base(request)
    root = str(request.base_url).rstrip("/")
    return {
        "title": "demine register",
        "description": "The national mine action register as OGC API - Features",
        "links": [
            _link(base, "self", "application/json"),
            _link(
                f"{root}/api",
                "service-desc",
                "application/vnd.oai.openapi+json;version=3.0",
            ),
            _link(f"{base}/conformance", "conformance", "application/json"),
            _link(f"{base}/collections", "data", "application/json"),
        ],
    }


@router.get("/conformance")
def conformance() -> dict[str, Any]:
    return {"conformsTo": CONFORMANCE}


@router.get("/collections")
def collections(request: Request) -> dict[str, Any]:
    return {
        "links": [_link(f"{_base(request)}/collections", "self", "application/json")],
        "collections": [_collection(request, cid) for cid in COLLECTIONS],
    }


@router.get("/collections/{collection_id}")
def collection(request: Request, collection_id: str) -> dict[str, Any]:
    _kind(collection_id)
    return _collection(request, collection_id)


CrsQuery = Annotated[
    str | None,
    Query(max_length=300, description="output CRS, a URI from the collection's crs"),
]


def _crs_header(crs: str | None) -> dict[str, str]:
    return {"Content-Crs": f"<{crs or CRS84}>"}


@router.get("/collections/{collection_id}/items")
async def items(
    request: Request,
    collection_id: str,
    bbox: Annotated[
        str | None, Query(description="west,south,east,north (axis order of bbox-crs)")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    crs: CrsQuery = None,
    bbox_crs: Annotated[
        str | None,
        Query(alias="bbox-crs", max_length=300, description="the CRS of bbox (URI)"),
    ] = None,
) -> Response:
    """One page of features; ``next`` links page through the rest.

    Pages are kept in memory per reader class and register version, so a
    client panning back over the same ground costs no query, and any write
    makes every kept page unreachable.
    """
    kind = _kind(collection_id)
    context = await read_context(request, kind)
    out_crs = parse_crs(crs, "crs")
    in_crs = parse_crs(bbox_crs, "bbox-crs")
    box = parse_bbox_in(bbox, in_crs)
    settings = request.app.state.settings
    limit = min(limit, settings.page_size_max)
    url = f"{_base(request)}/collections/{collection_id}/items"
    seen = visibility_class(context.who)
    # The links repeat the query as asked: a bbox in bbox-crs stays in it.
    if bbox is None or box is None:
        query = ""
    elif in_crs is None:
        query = "&bbox=" + ",".join(repr(v) for v in box)
    else:
        numbers = ",".join(repr(float(v)) for v in bbox.split(","))
        query = f"&bbox={numbers}&bbox-crs={in_crs}"
    if out_crs is not None:
        query += f"&crs={out_crs}"
    key = (url, box, query, limit, offset, seen, context.version)
    cache = response_cache(request, "features")
    body = cache.get(key)
    if body is None:
        # Paging on through one collection counts its matches only once.
        counts = response_cache(request, "feature_counts")
        count_key = (kind, box, seen, context.version)
        known = counts.get(count_key)
        total = int(known) if known is not None else None
        db = request.app.state.db

        def render() -> bytes:
            page, counted = _items_body(
                db, kind, context, box, (limit, offset, total), (url, query, out_crs)
            )
            counts.put(count_key, str(counted).encode())
            return page

        body = await render_once(request, cache, key, render)
    body, encoding = compressed(request, cache, key, body)
    headers = {**_crs_header(out_crs), **encoding}
    return Response(content=body, media_type=GEOJSON, headers=headers)


def _items_body(
    db: Database,
    kind: str,
    context: ReadContext,
    box: tuple[float, float, float, float] | None,
    page: tuple[int, int, int | None],
    where: tuple[str, str, str | None],
) -> tuple[bytes, int]:
    limit, offset, known = page
    url, query, crs = where
    features, total = feature_page(
        db,
        kind,
        context.who,
        Filters(bbox=box),
        limit=limit,
        offset=offset,
        total=known,
    )
    links = [_link(f"{url}?limit={limit}&offset={offset}{query}", "self", GEOJSON)]
    if offset + len(features) < total:
        nxt = f"{url}?limit={limit}&offset={offset + limit}{query}"
        links.append(_link(nxt, "next", GEOJSON))
    if crs is not None:
        features = _reproject_page(features, crs)
    head = json.dumps(
        {
            "type": "FeatureCollection",
            "numberMatched": total,
            "numberReturned": len(features),
            "links": links,
        }
    )
    # The features are GeoJSON texts already; splice them in, do not re-parse.
    body = head[:-1] + ', "features": [' + ", ".join(features) + "]}"
    return body.encode(), total


@router.get("/collections/{collection_id}/items/{feature_id}")
def item(
    request: Request,
    collection_id: str,
    feature_id: RecordId,
    db: DbDep,
    who: MaybeUser,
    crs: CrsQuery = None,
) -> JSONResponse:
    kind = _kind(collection_id)
    out_crs = parse_crs(crs, "crs")
    record = get_record(db, kind, feature_id, reader_for(request, kind, who))
    body = feature(kind, record)
    if out_crs is not None and body["geometry"] is not None:
        [text] = reproject([json.dumps(body["geometry"])], out_crs)
        body["geometry"] = json.loads(text)
    return JSONResponse(body, media_type=GEOJSON, headers=_crs_header(out_crs))
