# SPDX-License-Identifier: GPL-3.0-or-later
"""Tiles and feature pages are gzipped for clients that accept it."""

from __future__ import annotations

import gzip

from fastapi.testclient import TestClient

from tests.api.conftest import Seed
from tests.api.test_tiles import tile_of

ITEMS = "/ogc/collections/hazards/items?limit=100"


def fetch(client: TestClient, path: str, encoding: str) -> tuple[bytes, dict]:
    """The raw body as sent (not decoded by the client) and the headers."""
    with client.stream("GET", path, headers={"Accept-Encoding": encoding}) as r:
        assert r.status_code == 200
        return b"".join(r.iter_raw()), dict(r.headers)


def test_feature_pages_and_tiles_are_gzipped_when_asked(
    as_role: dict[str, TestClient], seed: Seed
) -> None:
    viewer = as_role["viewer"]
    x, y = tile_of(46.8, 39.9, 6)
    for path in (ITEMS, f"/tiles/hazard/6/{x}/{y}.mvt"):
        plain, plain_headers = fetch(viewer, path, "identity")
        packed, headers = fetch(viewer, path, "gzip, deflate")
        assert "content-encoding" not in plain_headers
        assert plain_headers["vary"] == "Accept-Encoding"
        if len(plain) < 1024:
            assert packed == plain  # too small to be worth it
            continue
        assert headers["content-encoding"] == "gzip"
        assert gzip.decompress(packed) == plain
        assert len(packed) < len(plain)
        # Kept: the second answer is the same bytes.
        assert fetch(viewer, path, "gzip")[0] == packed
    # The feature page of the seeded register is large enough to compress.
    assert fetch(viewer, ITEMS, "gzip")[1]["content-encoding"] == "gzip"
