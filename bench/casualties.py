# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: casualty analysis of the national demo register.

Usage: ``.venv/bin/python bench/casualties.py [REGISTER]`` (default
``/tmp/demine-national.sqlite``, opened read-only). Prints the time to read
the frames (accidents, victims, places and every approved hazard polygon),
to build the report (tables, hotspot surface, hazard links), and of the
hotspot-only path the map uses, with the load average.
"""

from __future__ import annotations

import os
import sys
import time

from registers import NATIONAL, read_only

from demine.analysis.casualties import build_report, casualty_report
from demine.store.casualty_frames import read_casualty_frames


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else NATIONAL
    db = read_only(path)
    print(f"register: {path}")
    print(f"load average before: {os.getloadavg()}")
    started = time.perf_counter()
    with db.transaction() as conn:
        frames = read_casualty_frames(conn)
    read = time.perf_counter() - started
    assert frames.hazards is not None
    print(
        f"read: {read:.2f} s ({len(frames.accidents):,} accidents, "
        f"{len(frames.victims):,} victims, {len(frames.hazards):,} hazards)"
    )
    started = time.perf_counter()
    report = build_report(frames)
    print(f"report from frames: {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    casualty_report(db)
    print(f"casualty_report (read + build): {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    geojson = casualty_report(db, links=False).hotspot_geojson()
    print(
        f"hotspots only (the map's GeoJSON, {len(geojson['features']):,} features): "
        f"{time.perf_counter() - started:.2f} s"
    )
    print(
        f"figures: {report.accidents} accidents, {report.killed} killed, "
        f"{report.injured} injured; links {report.links['relation'].value_counts()}"
    )
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
