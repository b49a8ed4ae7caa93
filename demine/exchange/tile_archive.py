# SPDX-License-Identifier: GPL-3.0-or-later
"""The public map as one PMTiles archive that any static web server or CDN
serves: the tiles demine renders, for every zoom from ``min_zoom`` to
``max_zoom`` over the deployment's extent, seen as an anonymous reader sees
them (only layers made public; nothing personal).

PMTiles (version 3) is the single-file tile archive MapLibre reads over HTTP
range requests with the ``pmtiles`` protocol; the ``pmtiles`` package writes
it. One tile of the archive holds every layer asked for: a vector tile is a
list of layers, and concatenated encodings of two vector tiles are one tile
holding the layers of both (protobuf merges repeated fields).
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import Writer

from demine.errors import SourceError
from demine.geo.extent import Extent
from demine.geo.web_mercator import tile_of
from demine.i18n import _
from demine.store.database import Database
from demine.store.public import public_layers
from demine.store.tile_layers import LAYERS, layer_kind
from demine.store.tiles import render_tile

PUBLIC_MAX_ZOOM = 14
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ArchiveResult:
    path: Path
    tiles: int  # tiles holding something
    bytes: int
    min_zoom: int
    max_zoom: int
    layers: tuple[str, ...]


def tiles_over(extent: Extent, zoom: int) -> Iterator[tuple[int, int]]:
    """The (x, y) of every Web Mercator tile at ``zoom`` touching ``extent``."""
    x0, y1 = tile_of(extent.min_lon, extent.min_lat, zoom)
    x1, y0 = tile_of(extent.max_lon, extent.max_lat, zoom)
    for x in range(x0, x1 + 1):
        for y in range(y0, y1 + 1):
            yield x, y


def write_archive(
    db: Database,
    path: Path,
    extent: Extent,
    layers: Sequence[str],
    min_zoom: int = 0,
    max_zoom: int = 10,
    progress: Progress | None = None,
) -> ArchiveResult:
    """Write the public tiles of ``layers`` to the PMTiles file ``path``
    (written beside and renamed, so a reader never sees half an archive)."""
    unknown = [name for name in layers if name not in LAYERS]
    if unknown:
        raise SourceError(
            _(
                "no map layer %(layers)s; the layers are %(known)s",
                layers=", ".join(unknown),
                known=", ".join(LAYERS),
            )
        )
    public = public_layers(db)
    private = [name for name in layers if layer_kind(name) not in public]
    if private:
        raise SourceError(
            _(
                "%(layers)s not public: an administrator makes a layer public"
                " before it goes in an archive anyone may read",
                layers=", ".join(private),
            )
        )
    if not 0 <= min_zoom <= max_zoom <= PUBLIC_MAX_ZOOM:
        raise SourceError(
            _(
                "zooms must satisfy 0 <= min <= max <= %(top)s",
                top=PUBLIC_MAX_ZOOM,
            )
        )
    work = [
        (z, x, y)
        for z in range(min_zoom, max_zoom + 1)
        for x, y in tiles_over(extent, z)
    ]
    # Tile ids grow with z, then along the Hilbert curve: written in that
    # order, the archive is clustered (readers fetch neighbours together).
    work.sort(key=lambda t: zxy_to_tileid(*t))
    partial = path.with_name(f".{path.name}.part")
    written = 0
    with partial.open("wb") as sink:
        writer = Writer(sink)  # type: ignore[no-untyped-call]
        for done, (z, x, y) in enumerate(work, start=1):
            data = b"".join(render_tile(db, name, z, x, y, None) for name in layers)
            if data:
                tile = gzip.compress(data, mtime=0)
                writer.write_tile(zxy_to_tileid(z, x, y), tile)  # type: ignore[no-untyped-call]
                written += 1
            if progress is not None:
                progress(done, len(work))
        if not written:
            partial.unlink(missing_ok=True)
            raise SourceError(
                _(
                    "nothing to put in the archive: no approved record of"
                    " %(layers)s in the extent",
                    layers=", ".join(layers),
                )
            )
        writer.finalize(  # type: ignore[no-untyped-call]
            _header(extent, min_zoom, max_zoom), _metadata(layers)
        )
    partial.replace(path)
    return ArchiveResult(
        path, written, path.stat().st_size, min_zoom, max_zoom, tuple(layers)
    )


def _header(extent: Extent, min_zoom: int, max_zoom: int) -> dict[str, Any]:
    e7 = 10_000_000
    return {
        "tile_type": TileType.MVT,
        "tile_compression": Compression.GZIP,
        "min_lon_e7": int(extent.min_lon * e7),
        "min_lat_e7": int(extent.min_lat * e7),
        "max_lon_e7": int(extent.max_lon * e7),
        "max_lat_e7": int(extent.max_lat * e7),
        "center_zoom": min_zoom,
        "center_lon_e7": int((extent.min_lon + extent.max_lon) / 2 * e7),
        "center_lat_e7": int((extent.min_lat + extent.max_lat) / 2 * e7),
    }


def _metadata(layers: Sequence[str]) -> dict[str, Any]:
    # The TileJSON-style list MapLibre and PMTiles viewers read.
    return {
        "name": "demine",
        "format": "pbf",
        "vector_layers": [
            {"id": name, "fields": dict.fromkeys(LAYERS[name], "")} for name in layers
        ],
    }
