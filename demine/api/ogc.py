# SPDX-License-Identifier: GPL-3.0-or-later
"""OGC API - Features (Part 1: core, GeoJSON) at ``/ogc``.

QGIS, ArcGIS and GDAL (``OAPIF:http://host/ogc``) read the register's layers
live. Anonymous clients see the layers the administrator made public; others
send ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from demine.api.deps import DbDep, MaybeUser, reader_for
from demine.api.fastpath import ReadContext, read_context, response_cache
from demine.api.records import RecordId, parse_bbox
from demine.errors import NotFoundError
from demine.store.database import Database
from demine.store.listing import GEOMETRY_COLUMNS, Filters, feature_page, get_record
from demine.store.tilecache import visibility_class

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
]
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


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
        "crs": [CRS84],
        "extent": {"spatial": {"bbox": [[-180.0, -90.0, 180.0, 90.0]], "crs": CRS84}},
        "links": [
            _link(url, "self", "application/json"),
            _link(f"{url}/items", "items", GEOJSON, title),
        ],
    }


def _kind(cid: str) -> str:
    if cid not in COLLECTIONS:
        raise NotFoundError(f"no collection {cid!r}")
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


@router.get("/collections/{collection_id}/items")
async def items(
    request: Request,
    collection_id: str,
    bbox: Annotated[str | None, Query(description="west,south,east,north")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    """One page of features; ``next`` links page through the rest.

    Pages are kept in memory per reader class and register version, so a
    client panning back over the same ground costs no query, and any write
    makes every kept page unreachable.
    """
    kind = _kind(collection_id)
    context = await read_context(request, kind)
    box = parse_bbox(bbox)
    settings = request.app.state.settings
    limit = min(limit, settings.page_size_max)
    url = f"{_base(request)}/collections/{collection_id}/items"
    seen = visibility_class(context.who)
    key = (url, box, limit, offset, seen, context.version)
    cache = response_cache(request, "features")
    body = cache.get(key)
    if body is None:
        # Paging on through one collection counts its matches only once.
        counts = response_cache(request, "feature_counts")
        count_key = (kind, box, seen, context.version)
        known = counts.get(count_key)
        total = int(known) if known is not None else None
        page, total = await run_in_threadpool(
            _items_body,
            request.app.state.db,
            kind,
            context,
            box,
            (limit, offset, total),
            url,
        )
        counts.put(count_key, str(total).encode())
        cache.put(key, page)
        body = page
    return Response(content=body, media_type=GEOJSON)


def _items_body(
    db: Database,
    kind: str,
    context: ReadContext,
    box: tuple[float, float, float, float] | None,
    page: tuple[int, int, int | None],
    url: str,
) -> tuple[bytes, int]:
    limit, offset, known = page
    features, total = feature_page(
        db,
        kind,
        context.who,
        Filters(bbox=box),
        limit=limit,
        offset=offset,
        total=known,
    )
    extra = "&bbox=" + ",".join(repr(v) for v in box) if box else ""
    links = [_link(f"{url}?limit={limit}&offset={offset}{extra}", "self", GEOJSON)]
    if offset + len(features) < total:
        nxt = f"{url}?limit={limit}&offset={offset + limit}{extra}"
        links.append(_link(nxt, "next", GEOJSON))
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
) -> JSONResponse:
    kind = _kind(collection_id)
    record = get_record(db, kind, feature_id, reader_for(request, kind, who))
    return JSONResponse(feature(kind, record), media_type=GEOJSON)
