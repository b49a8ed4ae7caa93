# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: publishing a scored grid, and the risk map tiles it makes.

Makes the small demo register (or copies ``--register``, e.g. the national
demo SQLite file, which stays untouched), writes a scored table of ``--cells`` cells on
a regular lon/lat lattice over it (risk rising to the north-east), publishes
it with :func:`demine.predict.publish.publish_scores` and times the steps,
then times one risk tile over the middle of the region at several zooms.
Prints the figures and the load average; files go to a temporary directory.

Run::

    .venv/bin/python bench/risk_publish.py [--cells 250000] [--db URL]
        [--register FILE.sqlite]
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from demine.demo import generate
from demine.predict.publish import publish_scores
from demine.store.database import Database
from demine.store.loading import load_register
from demine.store.risk import hazard_risks
from demine.store.tiles import render_tile

CENTRE = (46.8, 39.9)


def scored_table(path: Path, cells: int) -> None:
    """``cells`` cells of a square lattice around the demo region, with risk."""
    side = int(math.sqrt(cells))
    step = 1.2 / side  # the lattice spans 1.2 degrees
    lon, lat = np.meshgrid(
        CENTRE[0] - 0.6 + step * (np.arange(side) + 0.5),
        CENTRE[1] - 0.6 + step * (np.arange(side) + 0.5),
    )
    lon, lat = lon.ravel(), lat.ravel()
    risk = (lon - lon.min() + lat - lat.min()) / 2.4
    pd.DataFrame({"lon": lon, "lat": lat, "risk": risk.clip(0, 1)}).to_csv(
        path, index=False
    )


def tile_xy(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=250_000)
    parser.add_argument("--db", help="an empty database (default: a temp SQLite)")
    parser.add_argument("--register", help="a SQLite register to copy and use")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="risk_publish_") as tmp:
        if args.register:
            copy = Path(tmp) / "register.sqlite"
            shutil.copyfile(args.register, copy)
            db = Database(str(copy))
            db.upgrade()
        else:
            db = Database(args.db or str(Path(tmp) / "bench.sqlite"))
            db.upgrade()
            load_register(db, generate("small", seed=1))
        table = Path(tmp) / "scores.csv"
        scored_table(table, args.cells)
        start = time.perf_counter()
        done = publish_scores(db, table, "bench")
        took = time.perf_counter() - start
        risk = hazard_risks(db)
        print(f"backend {db.dialect}; load average {os.getloadavg()}")
        print(
            f"published {done.cells:,} cells and {done.hazards:,} hazards in "
            f"{took:.1f} s ({done.cells / took:,.0f} cells/s); "
            f"mean hazard risk {risk.mean():.3f}"
        )
        for z in (7, 8, 9, 10, 11, 12):
            x, y = tile_xy(*CENTRE, z)
            start = time.perf_counter()
            data = render_tile(db, "risk", z, x, y, None)
            ms = (time.perf_counter() - start) * 1000
            print(f"risk tile z{z}: {len(data) / 1e6:.2f} MB in {ms:,.0f} ms")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory {peak:,.0f} MiB; load average {os.getloadavg()}")
        db.dispose()


if __name__ == "__main__":
    main()
