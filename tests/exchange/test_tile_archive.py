# SPDX-License-Identifier: GPL-3.0-or-later
"""The public map as a PMTiles archive (issue 20): the tiles demine serves to
an anonymous reader, readable back by the PMTiles reader, and nothing that is
not public."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import mapbox_vector_tile
import pytest
from pmtiles.reader import MmapSource, Reader

from demine.errors import SourceError
from demine.exchange.tile_archive import tiles_over, write_archive
from demine.geo.extent import Extent
from demine.store.database import Database
from demine.store.public import set_public_layers
from demine.store.tiles import render_tile

EXTENT = Extent(46.8, 39.9, 47.2, 40.2)


def test_archive_holds_the_public_tiles_and_only_them(
    tiny: Database, tmp_path: Path
) -> None:
    set_public_layers(tiny, {"hazard"})
    path = tmp_path / "public.pmtiles"
    with pytest.raises(SourceError, match="release not public"):
        write_archive(tiny, path, EXTENT, ["hazard", "release"], 8, 12)
    assert not path.exists()
    result = write_archive(tiny, path, EXTENT, ["hazard"], 8, 12)
    assert result.tiles > 0
    with path.open("rb") as handle:
        reader = Reader(MmapSource(handle))
        header = reader.header()
        assert (header["min_zoom"], header["max_zoom"]) == (8, 12)
        assert [v["id"] for v in reader.metadata()["vector_layers"]] == ["hazard"]
        held = 0
        for z in range(8, 13):
            for x, y in tiles_over(EXTENT, z):
                served = render_tile(tiny, "hazard", z, x, y, None)
                stored = reader.get(z, x, y)
                # The archive holds exactly what the server gives anyone.
                assert (gzip.decompress(stored) if stored else b"") == served
                if stored:
                    layers = mapbox_vector_tile.decode(gzip.decompress(stored))
                    assert set(layers) == {"hazard"}
                    held += 1
    assert held == result.tiles


def test_a_private_layer_or_an_empty_extent_is_refused_and_nothing_written(
    tiny: Database, tmp_path: Path
) -> None:
    path = tmp_path / "empty.pmtiles"
    with pytest.raises(SourceError, match="hazard not public"):
        write_archive(tiny, path, EXTENT, ["hazard"], 8, 9)
    set_public_layers(tiny, {"hazard"})
    elsewhere = Extent(20.0, 50.0, 20.5, 50.5)
    with pytest.raises(SourceError, match="no approved record of hazard"):
        write_archive(tiny, path, elsewhere, ["hazard"], 8, 9)
    assert not [p for p in tmp_path.iterdir() if "pmtiles" in p.name]


def test_command_writes_the_archive(
    tiny: Database, db_url: str, tmp_path: Path
) -> None:
    set_public_layers(tiny, {"hazard"})
    path = tmp_path / "map.pmtiles"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "demine",
            "tiles",
            "archive",
            str(path),
            "--layer",
            "hazard",
            "--min-zoom",
            "6",
            "--max-zoom",
            "9",
            "--db",
            db_url,
            "--json",
        ],
        capture_output=True,
        text=True,
        env={"DEMINE_EXTENT": "46.8,39.9,47.2,40.2", "PATH": ""},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["layers"] == ["hazard"]
    assert answer["tiles"] > 0
    assert answer["bytes"] == path.stat().st_size
