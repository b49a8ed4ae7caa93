# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: build and score a national grid (about 12 million cells).

Builds the national demo register (Azerbaijan's liberated districts: about
100,000 hazards, 300,000 releases, 1,000,000 EO items) unless ``--db`` names
one, lays a grid over its admin areas with the cell size that gives
``--cells`` cells (about 36 m; 30 m gives 17 million over the demo's 15,500
km²), and times, on a local Dask cluster:

* **build**: features and labels of every cell, written to Parquet;
* **fit** (not part of the target): LightGBM on a sample of labelled cells;
* **score**: risk, its interval and the area of applicability of every cell
  (a first pass samples the grid's rows that features are ranked among),
  written as a GeoTIFF (risk) and a Parquet table (every output column).

Target (issue 6): build + score <= 10 min on a 2-core machine within 8 GiB.
Peak memory is the largest sum of resident set sizes of this process and
every process it started (the Dask scheduler, nannies and workers), sampled
four times a second.

    python bench/predict_scale.py [--db national.sqlite] [--cells 12e6]
        [--cell 30m] [--workers 2] [--keep DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import math
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import psutil
import shapely

from demine.geo.area import geodesic_area
from demine.predict.grid import parse_length
from demine.predict.model import fit_model
from demine.predict.parallel import cluster
from demine.predict.pipeline import GridRequest, build_grid, plan_grid, score_grid
from demine.predict.register import read_sources
from demine.predict.tables import read_table
from demine.store.database import Database

GIB = 1024**3


class PeakMemory:
    """Samples the summed RSS of this process and its children, and the CPU
    time each of them has used (so a run on a busy machine can be read as
    what it would take on an idle one)."""

    def __init__(self, interval: float = 0.25) -> None:
        self.interval = interval
        self.peak = 0
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def cpu_seconds(self) -> float:
        return sum(self.cpu.values())

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    total += proc.memory_info().rss
                    times = proc.cpu_times()
                    self.cpu[proc.pid] = times.user + times.system
            self.peak = max(self.peak, total)
            time.sleep(self.interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()


def timed(label: str, fn: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - started
    print(f"  {label:<34} {elapsed:8.1f} s", flush=True)
    return elapsed, result


def national_register(path: Path) -> Database:
    from demine.demo import generate
    from demine.store.loading import load_register

    db = Database(str(path))
    if not db.is_initialised():
        db.upgrade()
        print("generating the national demo register ...", flush=True)
        timed(
            "demo register (not timed)",
            lambda: load_register(db, generate("national", 1)),
        )
    return db


def cell_for(db: Database, cells: float) -> float:
    """Cell size (whole metres) giving about ``cells`` cells over the region."""
    areas = read_sources(db).areas["geom"].to_numpy(dtype=object)
    total = float(geodesic_area([shapely.union_all(areas)])[0])
    return float(math.floor(math.sqrt(total / cells)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="national register (built if absent)")
    parser.add_argument("--cells", type=float, default=12e6)
    parser.add_argument("--cell", help="cell size instead of --cells, e.g. 30m")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk-cells", type=int, default=1_000_000)
    parser.add_argument("--keep", help="keep the grid, model and risk files here")
    args = parser.parse_args()

    work = Path(args.keep or tempfile.mkdtemp(prefix="demine-predict-"))
    work.mkdir(parents=True, exist_ok=True)
    db = national_register(Path(args.db) if args.db else work / "national.sqlite")
    cell = parse_length(args.cell) if args.cell else cell_for(db, args.cells)
    grid, model_path = work / "grid.parquet", work / "model.json"
    risk_tif, risk_table = work / "risk.tif", work / "risk.parquet"
    print(f"cell {cell:g} m, {args.workers} Dask workers, work dir {work}", flush=True)

    with PeakMemory() as memory, cluster(workers=args.workers) as client:
        t_plan, layers = timed(
            "plan (read register, index)", lambda: plan_grid(db, GridRequest(cell=cell))
        )
        t_build, built = timed(
            "build grid -> Parquet",
            lambda: build_grid(layers, grid, args.chunk_cells, client),
        )
        print(
            f"    {built['cells']:,} cells: {built['positive']:,} mined, "
            f"{built['negative']:,} clean",
            flush=True,
        )
        build_peak = memory.peak
        cpu_build = memory.cpu_seconds

        def fit() -> Any:
            frame = read_table(grid, label="label")
            sample = frame.sample(n=min(len(frame), 300_000), random_state=0)
            return fit_model(sample, "label", "admin_area")

        _, model = timed("fit (sample, not in target)", fit)
        model_path.write_text(model.to_json(), "utf-8")
        cpu_fit = memory.cpu_seconds
        t_score, scored = timed(
            "score -> GeoTIFF + Parquet",
            lambda: score_grid(model, grid, [risk_tif, risk_table], 500_000, client),
        )
        print(
            f"    mean risk {scored['risk_mean']:.3f}, "
            f"{scored['outside_applicability']:,} cells outside the area of "
            "applicability",
            flush=True,
        )

    total = t_plan + t_build + t_score
    cpu_target = cpu_build + memory.cpu_seconds - cpu_fit
    print(f"\ncells                     {built['cells']:,} ({cell:g} m)")
    print(f"build + score             {total:8.1f} s  (target 600 s)")
    print(f"peak memory (all procs)   {memory.peak / GIB:8.2f} GiB  (target 8 GiB)")
    print(f"peak memory during build  {build_peak / GIB:8.2f} GiB")
    print(
        f"files: grid {grid.stat().st_size / GIB:.2f} GiB, "
        f"risk.tif {risk_tif.stat().st_size / 2**20:.0f} MiB"
    )
    print(
        f"cpu time of build + score {cpu_target:8.1f} s over "
        f"{psutil.cpu_count()} cores (wall time on an idle machine >= "
        f"{cpu_target / psutil.cpu_count():.0f} s)"
    )
    print(f"load average at the end   {np.round(psutil.getloadavg(), 1)}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
