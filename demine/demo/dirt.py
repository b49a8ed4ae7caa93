# SPDX-License-Identifier: GPL-3.0-or-later
"""Deliberate real-world dirt, so validation has something to find.

Registers built from years of field reports hold self-intersecting polygons,
records imported twice, overlapping surveys, coordinates typed in the wrong
order, releases drawn past their hazard or over earlier releases, and areas
typed in the wrong unit. The demo adds a small share of each and records
which records it spoiled in ``DataFrame.attrs["dirt"]`` (kind -> ids), so
tests of the validator can check what it finds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

# Share of hazards spoiled per kind (at least MINIMUM of each).
HAZARD_DIRT = {
    "self_intersection": 0.005,
    "duplicate": 0.0005,
    "overlap": 0.0005,
    "swapped_lat_lon": 0.001,
}
AREA_TYPO = 0.002  # reported_area_m2 in the wrong unit or with a slip
MINIMUM = 2
RELEASE_DIRT = 2e-5  # of releases, per kind, at least MINIMUM


def pick_hazards(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Disjoint sets of hazard positions to spoil, by kind."""
    sizes = {k: max(MINIMUM, round(share * n)) for k, share in HAZARD_DIRT.items()}
    sizes["area_typo"] = max(MINIMUM, round(AREA_TYPO * n))
    order = rng.permutation(n)
    out: dict[str, np.ndarray] = {}
    start = 0
    for kind, size in sizes.items():
        out[kind] = np.sort(order[start : start + size])
        start += size
    # Each duplicate or overlap copies another clean hazard: a partner.
    out["partner"] = order[start : start + sizes["duplicate"] + sizes["overlap"]]
    return out


def geometry_dirty(picks: dict[str, np.ndarray], n: int) -> np.ndarray:
    """Hazards whose geometry will be spoiled (none of them gets worked)."""
    mask = np.zeros(n, bool)
    for kind in (*HAZARD_DIRT, "partner"):
        mask[picks[kind]] = True
    return mask


def spoil_hazards(
    geoms: np.ndarray, picks: dict[str, np.ndarray], rng: np.random.Generator
) -> np.ndarray:
    """Apply the geometry dirt to WGS84 MultiPolygons (a new array)."""
    out = geoms.copy()
    for i in picks["self_intersection"]:  # a few hundred at national scale
        out[i] = _bow_tie(out[i], rng)
    partner = picks["partner"]
    dup = picks["duplicate"]
    out[dup] = geoms[partner[: len(dup)]]
    over = picks["overlap"]
    src = partner[len(dup) :]
    minx, _, maxx, _ = shapely.bounds(geoms[src]).T
    for i, j, dx in zip(over, src, 0.4 * (maxx - minx), strict=True):
        out[i] = shapely.transform(geoms[j], lambda c, d=dx: c + np.array([d, 0.0]))
    swap = picks["swapped_lat_lon"]
    out[swap] = shapely.transform(geoms[swap], lambda c: c[:, ::-1])
    return out


def _bow_tie(
    geom: shapely.MultiPolygon, rng: np.random.Generator
) -> shapely.MultiPolygon:
    """Swap two neighbouring vertices so the ring crosses itself.

    On a nearly straight stretch a swap may leave the ring simple; then try
    the next pair, and as a last resort swap two opposite vertices.
    """
    ring = np.asarray(geom.geoms[0].exterior.coords)[:-1]
    n = len(ring)
    start = int(rng.integers(0, n))
    pairs = [((start + i) % n, (start + i + 1) % n) for i in range(n)]
    for a, b in [*pairs, (0, n // 2)]:
        twisted = ring.copy()
        twisted[[a, b]] = ring[[b, a]]
        bad = shapely.Polygon(np.vstack([twisted, twisted[:1]]))
        if not bad.is_valid:
            break
    return shapely.MultiPolygon([bad, *list(geom.geoms)[1:]])


def spoil_area(
    reported: np.ndarray, rows: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Typed-in areas far off: hectares typed as m², an extra digit, a slip."""
    out = reported.copy()
    slip = rng.choice([1e-4, 10.0, 0.1], len(rows))
    out[rows] = np.round(reported[rows] * slip, 2)
    return out


def spoil_releases(
    releases: pd.DataFrame, hazard_geoms: np.ndarray, rng: np.random.Generator
) -> tuple[pd.DataFrame, dict[str, list[int]]]:
    """Releases drawn past their hazard, over a neighbour, or mistyped.

    Works on the local-metre geometries; returns the spoiled frame and the
    positions spoiled by kind.
    """
    n = len(releases)
    k = max(MINIMUM, round(RELEASE_DIRT * n))
    geom = releases["geom"].to_numpy().copy()
    hazard = releases["hazard"].to_numpy()
    # Only strips with a neighbour can overlap one.
    shared = np.flatnonzero(pd.Series(hazard).duplicated(keep=False).to_numpy())
    chosen = rng.choice(shared, min(3 * k, len(shared)), replace=False)
    outside, double, typo = chosen[:k], chosen[k : 2 * k], chosen[2 * k :]
    size = np.sqrt(shapely.area(geom[chosen]))
    grow = dict(zip(chosen, size, strict=True))
    geom[outside] = shapely.buffer(geom[outside], [0.2 * grow[i] for i in outside])
    geom[double] = shapely.intersection(
        shapely.buffer(geom[double], [0.4 * grow[i] for i in double]),
        hazard_geoms[hazard[double]],
    )
    reported = releases["reported_area_m2"].to_numpy().copy()
    reported = spoil_area(reported, typo, rng)
    out = releases.assign(geom=geom, reported_area_m2=reported)
    kinds = {
        "outside_hazard": outside.tolist(),
        "double_release": double.tolist(),
        "area_typo": typo.tolist(),
    }
    return out, kinds
