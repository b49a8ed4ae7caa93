# SPDX-License-Identifier: GPL-3.0-or-later
"""Tiles asked for together while one renders are rendered once."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update

from demine.api import tiles as tile_routes
from demine.store.schema import ApiToken
from demine.store.schema.base import utcnow
from tests.api.conftest import Seed
from tests.api.test_tiles import tile_of
from tests.waiting import Arrivals


def test_a_tile_asked_twenty_times_at_once_renders_once(
    app: FastAPI, seed: Seed, monkeypatch: pytest.MonkeyPatch
) -> None:
    renders: list[tuple[int, int, int]] = []
    real = tile_routes.render_tile
    arrivals = Arrivals()
    real_class = tile_routes.visibility_class

    def counted_class(who: Any) -> str:
        arrivals.arrive()  # every request passes here before it asks for a render
        return real_class(who)

    def slow_render(
        db: object, layer: str, z: int, x: int, y: int, who: object, only: object
    ) -> bytes:
        renders.append((z, x, y))
        arrivals.wait(20)  # until every request has arrived
        return real(db, layer, z, x, y, who, only)

    monkeypatch.setattr(tile_routes, "visibility_class", counted_class)
    monkeypatch.setattr(tile_routes, "render_tile", slow_render)
    x, y = tile_of(46.705, 39.805, 14)
    path = f"/tiles/hazard/14/{x}/{y}.mvt"
    headers = {"Authorization": f"Bearer {seed.tokens['viewer']}"}
    # The tokens' last use is fresh, so no request writes it (a write moves
    # the register's version and would key the tile anew).
    with app.state.db.transaction(write=True) as conn:
        conn.execute(update(ApiToken).values(last_used_at=utcnow()))

    async def ask_together() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://test", headers=headers
        ) as client:
            return await asyncio.gather(*(client.get(path) for _ in range(20)))

    responses = asyncio.run(ask_together())
    assert [r.status_code for r in responses] == [200] * 20
    assert len({r.content for r in responses}) == 1
    assert responses[0].content  # the approved CHA is in it
    assert renders == [(14, x, y)]
