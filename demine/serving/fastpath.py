# SPDX-License-Identifier: GPL-3.0-or-later
"""Who is reading, and the register version, without a query per request.

Map tiles and feature pages are asked for by the dozen per screen; looking up
the token's user and the public layers for each would cost more than serving
a cached tile. Both answers are kept per register version: any write (a user
deactivated, a token revoked, a layer made private) changes the version and so
sends the next request through the full checks of :mod:`demine.serving.deps`.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from demine.errors import AuthenticationError
from demine.i18n import _
from demine.serving.deps import current_user
from demine.serving.response_cache import ResponseCache
from demine.serving.response_store import ResponseStore
from demine.store.public import public_layers
from demine.store.register_version import register_version
from demine.store.users import Principal

MAX_READERS = 10_000


@dataclass
class _Known:
    """What this app learnt at one register version."""

    version: str = ""
    readers: dict[tuple[str, Any], Principal] = field(default_factory=dict)
    public: set[str] | None = None


@dataclass(frozen=True)
class ReadContext:
    """The reader (None: anonymous) and the register version they read at."""

    who: Principal | None
    version: str


def _known(request: Request, version: str) -> _Known:
    known: _Known | None = getattr(request.app.state, "fastpath_known", None)
    if known is None or known.version != version:
        known = _Known(version)
        request.app.state.fastpath_known = known
    return known


def _credential(request: Request) -> tuple[str, Any] | None:
    header = request.headers.get("authorization", "")
    scheme, _unused, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        digest = hashlib.sha256(token.strip().encode("utf-8")).hexdigest()
        return ("bearer", digest)
    sid = request.session.get("sid")
    if isinstance(sid, str):
        # Keyed by the session, not the user: a logout (a write, so a new
        # register version) makes the cached reader unreachable.
        return ("session", hashlib.sha256(sid.encode("utf-8")).hexdigest())
    return None


async def version_of(request: Request) -> str:
    """The register's version token (asks PostgreSQL at most once a second)."""
    tracker = register_version(request.app.state.db)
    if tracker.due:
        return await run_in_threadpool(tracker.current)
    return tracker.current()


async def read_context(request: Request, kind: str) -> ReadContext:
    """Who may read ``kind`` here: the same answer as ``reader_for(current_user)``.

    Raises AuthenticationError for a bad token, or for an anonymous reader of
    a layer the administrator did not make public.
    """
    version = await version_of(request)
    known = _known(request, version)
    credential = _credential(request)
    who: Principal | None = None
    if credential is not None:
        cached = known.readers.get(credential)
        if cached is not None:
            return ReadContext(cached, version)
        who = await run_in_threadpool(current_user, request)
        if who is not None:
            # Checking a session or token may write (its last use, once a
            # while), which moves the version: read it again, so this
            # response and the next share one version.
            version = await version_of(request)
            known = _known(request, version)
            if len(known.readers) >= MAX_READERS:
                known.readers.clear()
            known.readers[credential] = who
            return ReadContext(who, version)
    if known.public is None:
        known.public = await run_in_threadpool(public_layers, request.app.state.db)
    if kind not in known.public:
        raise AuthenticationError(_("log in to read this layer"))
    return ReadContext(None, version)


def response_cache(request: Request, name: str) -> ResponseCache:
    """The app's cache called ``name`` (made on first use)."""
    caches: dict[str, ResponseCache] | None = getattr(
        request.app.state, "response_caches", None
    )
    if caches is None:
        caches = request.app.state.response_caches = {}
    cache = caches.get(name)
    if cache is None:
        megabytes = request.app.state.settings.response_cache_mb
        cache = caches[name] = ResponseCache(megabytes * 1024 * 1024)
    return cache


async def render_once(
    request: Request,
    cache: ResponseCache,
    key: tuple[Hashable, ...],
    render: Callable[[], bytes],
) -> bytes:
    """``render()`` in the thread pool, kept in ``cache`` under ``key``; requests
    for the same key that arrive while it runs wait for that one render.

    ``key`` ends with the register version. With a store shared by the
    server's workers, a response another worker rendered at this version is
    read from it instead of rendered again, and what is rendered goes there.
    After a write every map on screen asks again for the same national tiles:
    without waiting, twenty identical low-zoom queries ran at once (and took
    twenty times as long). The render is its own task, so a client that goes
    away does not cancel it for the others.
    """
    inflight: dict[Hashable, asyncio.Task[bytes]] | None = getattr(
        request.app.state, "inflight_renders", None
    )
    if inflight is None:
        inflight = request.app.state.inflight_renders = {}
    task = inflight.get(key)
    if task is None:
        shared = _shared_place(request, key)

        def work() -> bytes:
            data = shared[0].get(shared[1], key[:-1]) if shared else None
            if data is None:
                data = render()
                if shared:
                    shared[0].put(shared[1], key[:-1], data)
            cache.put(key, data)
            return data

        task = asyncio.ensure_future(run_in_threadpool(work))
        inflight[key] = task
        task.add_done_callback(lambda _unused: inflight.pop(key, None))
    return await asyncio.shield(task)


def _shared_place(
    request: Request, key: tuple[Hashable, ...]
) -> tuple[ResponseStore, str] | None:
    """The shared store and the version all workers agree on, if any."""
    store: ResponseStore | None = getattr(request.app.state, "response_store", None)
    if store is None:
        return None
    version = register_version(request.app.state.db).shared(str(key[-1]))
    return (store, version) if version else None


# Smaller bodies gain little from compression and cost a header's worth.
GZIP_FROM_BYTES = 1024


def compressed(
    request: Request, cache: ResponseCache, key: Hashable, data: bytes
) -> tuple[bytes, dict[str, str]]:
    """``data`` gzipped for a client that accepts it, with the headers to send.

    A regional office on a slow link fetches a third of a tile's bytes and a
    tenth of a GeoJSON page's; the compressed body is kept in ``cache`` next
    to the plain one, so each is compressed once per register version.
    """
    headers = {"Vary": "Accept-Encoding"}
    accepts = request.headers.get("accept-encoding", "").lower()
    if "gzip" not in accepts or len(data) < GZIP_FROM_BYTES:
        return data, headers
    packed_key = (key, "gzip")
    packed = cache.get(packed_key)
    if packed is None:
        packed = gzip.compress(data, compresslevel=5)
        cache.put(packed_key, packed)
    return packed, {**headers, "Content-Encoding": "gzip"}
