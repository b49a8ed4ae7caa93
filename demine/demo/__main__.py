# SPDX-License-Identifier: GPL-3.0-or-later
"""``python -m demine.demo [small|medium|national] [--seed N]``.

Times :func:`demine.demo.generate` and prints the row count of every table
and the register's headline totals, to compare with the published figures.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd
import shapely

from demine.demo import SCALES, generate
from demine.demo.shapes import geoms_to_metres


def totals(tables: dict[str, pd.DataFrame]) -> dict[str, object]:
    """Headline figures (planar equal-area hectares, dirt included)."""
    hazards = tables["hazard"]
    area = shapely.area(geoms_to_metres(hazards["geom"].to_numpy(dtype=object)))
    cha = (hazards["hazard_class"] == "cha").to_numpy()
    releases = tables["release"]
    released = shapely.area(geoms_to_metres(releases["geom"].to_numpy(dtype=object)))
    by_kind = pd.Series(released, index=releases["kind"]).groupby(level=0).sum()
    items = tables["eo_item"].groupby("category")["quantity"].sum()
    victims = tables["victim"]["outcome"].value_counts()
    return {
        "suspected ha": round(area.sum() / 10_000),
        "CHA share of area": round(area[cha].sum() / area.sum(), 3),
        "released ha by kind": (by_kind / 10_000).round().astype(int).to_dict(),
        "released ha": round(released.sum() / 10_000),
        "hazards by status": hazards["status"].value_counts().to_dict(),
        "items by category": items.to_dict(),
        "casualties": victims.to_dict(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m demine.demo")
    parser.add_argument("scale", nargs="?", default="small", choices=list(SCALES))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    tables = generate(args.scale, args.seed)
    elapsed = time.perf_counter() - started
    print(f"generate({args.scale!r}, seed={args.seed}): {elapsed:.1f} s")
    for name, frame in tables.items():
        print(f"  {name:<18} {len(frame):>10,}")
    for key, value in totals(tables).items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
