# SPDX-License-Identifier: GPL-3.0-or-later
"""Columns the register derives from geometry: bounding boxes, areas, ledger.

Nothing here is typed in by users: ``area_m2`` is the geodesic area of the
polygon, and the hazard and release ledger columns are what
:func:`demine.domain.ledger.compute_ledger` makes of the release geometry.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from demine.domain.ledger import Ledger, LedgerInput, compute_ledger
from demine.geo.area import equal_area_crs, to_equal_area

BBOX = ("min_lon", "min_lat", "max_lon", "max_lat")
# Two ledger figures of one record closer than a millionth of the record's
# area (a square metre per square kilometre) are the same figure. The same
# polygons measured in two equal-area frames (the ledger picks its frame
# from the geometries at hand: one hazard, or the whole register) differ by
# about 1e-8 of their area, and a figure that is a difference of areas (the
# part of a release outside its hazard) inherits that of the larger ones.
FIGURE_SHARE = 1e-6
FIGURE_ATOL_M2 = 1e-6


def same_figure(old: float | None, new: float, scale_m2: float = 0.0) -> bool:
    """Whether a recomputed figure is the stored one, up to measuring noise.

    ``scale_m2`` is the area of the record the figure belongs to.
    """
    if old is None or np.isnan(old) or np.isnan(new):
        return old is not None and np.isnan(old) and np.isnan(new)
    return abs(new - old) <= FIGURE_ATOL_M2 + FIGURE_SHARE * abs(scale_m2)


def geometry_array(values: Any) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def with_bbox(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """A copy of ``frame`` with bbox columns of geometry ``column`` (NaN if none)."""
    bounds = shapely.bounds(geometry_array(frame[column]))
    out = frame.copy()
    for i, name in enumerate(BBOX):
        out[name] = bounds[:, i]
    return out


def ledger_crs(*geoms: np.ndarray) -> CRS:
    """One equal-area CRS over all the given WGS84 geometries."""
    arrays = [g[~(shapely.is_missing(g) | shapely.is_empty(g))] for g in geoms]
    present = np.concatenate(arrays) if arrays else np.array([], dtype=object)
    if not len(present):
        return equal_area_crs((0.0, 0.0, 0.0, 0.0))
    # Swapped coordinates put a few shapes far away; centre on the bulk.
    centres = shapely.centroid(present)
    x, y = shapely.get_x(centres), shapely.get_y(centres)
    lo_x, hi_x = np.nanpercentile(x, [1, 99])
    lo_y, hi_y = np.nanpercentile(y, [1, 99])
    return equal_area_crs((float(lo_x), float(lo_y), float(hi_x), float(hi_y)))


def to_wgs84_points(crs: CRS) -> Any:
    back = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)

    def convert(points: np.ndarray) -> np.ndarray:
        return shapely.transform(points, back.transform, interleaved=False)

    return convert


def run_ledger(
    hazards: pd.DataFrame,
    releases: pd.DataFrame,
    *,
    area_tolerance: float = 0.05,
) -> Ledger:
    """The ledger over hazard and release frames with WGS84 ``geom`` columns.

    ``releases`` needs ``id``, ``hazard_id``, ``kind``, ``released_on``,
    ``geom`` and may have ``reported_area_m2``.
    """
    hazard_geoms = geometry_array(hazards["geom"])
    release_geoms = geometry_array(releases["geom"])
    crs = ledger_crs(hazard_geoms, release_geoms)
    hazard_metric, _ = to_equal_area(hazard_geoms, crs)
    release_metric, _ = to_equal_area(release_geoms, crs)
    reported = releases.get("reported_area_m2")
    inp = LedgerInput(
        hazard_ids=hazards["id"].to_numpy(dtype=object),
        hazard_geoms=hazard_metric,
        release_ids=releases["id"].to_numpy(dtype=object),
        release_hazard_ids=releases["hazard_id"].to_numpy(dtype=object),
        release_kinds=releases["kind"].astype(str).to_numpy(),
        release_dates=releases["released_on"].to_numpy(),
        release_geoms=release_metric,
        release_reported_m2=None
        if reported is None
        else pd.to_numeric(reported).to_numpy(dtype=float, na_value=np.nan),
    )
    return compute_ledger(
        inp, area_tolerance=area_tolerance, to_wgs84=to_wgs84_points(crs)
    )


def hazard_ledger_columns(ledger: Ledger) -> dict[str, np.ndarray]:
    return {
        "area_m2": ledger.total_m2,
        "cancelled_m2": ledger.cancelled_m2,
        "reduced_m2": ledger.reduced_m2,
        "cleared_m2": ledger.cleared_m2,
        "remaining_m2": ledger.remaining_m2,
    }


def release_ledger_columns(ledger: Ledger) -> dict[str, np.ndarray]:
    return {
        "area_m2": ledger.geometric_m2,
        "effective_m2": ledger.effective_m2,
        "outside_m2": ledger.outside_m2,
        "double_m2": ledger.double_m2,
    }


def derive(frames: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], Ledger]:
    """Frames ready to store: bboxes, areas and ledger columns filled in."""
    out = dict(frames)
    for name, column in (
        ("hazard", "geom"),
        ("release", "geom"),
        ("place", "boundary"),
        ("reference_feature", "geom"),
        ("inspection", "lot_geom"),
    ):
        if name in out:
            out[name] = with_bbox(out[name], column)
    hazards = out.get("hazard", _empty_hazards())
    releases = out.get("release", _empty_releases())
    ledger = run_ledger(hazards, releases)
    if "hazard" in out:
        out["hazard"] = out["hazard"].assign(**hazard_ledger_columns(ledger))
    if "release" in out:
        out["release"] = out["release"].assign(**release_ledger_columns(ledger))
    return out, ledger


def _empty_hazards() -> pd.DataFrame:
    return pd.DataFrame({"id": [], "geom": []})


def _empty_releases() -> pd.DataFrame:
    return pd.DataFrame(
        {"id": [], "hazard_id": [], "kind": [], "released_on": [], "geom": []}
    )
