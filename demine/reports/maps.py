# SPDX-License-Identifier: GPL-3.0-or-later
"""Static maps for reports: admin areas coloured by remaining area, and hazards.

No basemap: the register's own admin boundaries are the background, so the
map needs nothing from the internet. Many hazards are drawn as one rasterised
layer of points, which keeps the SVG small at national scale.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import shapely
from matplotlib import colormaps
from matplotlib.collections import PatchCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch
from matplotlib.path import Path

from demine.reports.charts import _figure
from demine.reports.formatting import M2_PER_HA

RASTER_ABOVE = 2_000  # hazards: beyond this many points, draw them as an image


def _path(geom: shapely.Geometry) -> Path:
    """A matplotlib path of a (multi)polygon, holes included."""
    vertices: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for poly in getattr(geom, "geoms", [geom]):
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)[:, :2]
            c = np.full(len(xy), Path.LINETO, dtype=np.uint8)
            c[0], c[-1] = Path.MOVETO, Path.CLOSEPOLY
            vertices.append(xy)
            codes.append(c)
    return Path(np.concatenate(vertices), np.concatenate(codes))


def remaining_map(
    areas: pd.DataFrame,
    remaining_by_area: pd.Series,
    hazards: pd.DataFrame,
    labels: dict[str, str],
) -> Figure:
    """Admin areas shaded by remaining m² (``remaining_by_area`` indexed by
    name), open hazards as dots (``hazards`` with ``lon``, ``lat``).

    ``labels`` holds ``colourbar`` and ``hazards`` (legend) texts.
    """
    fig = _figure((7.0, 5.2))
    ax = fig.add_subplot()
    polys = areas[~shapely.is_empty(areas["boundary"].to_numpy())]
    values = polys["name"].map(remaining_by_area).fillna(0.0).to_numpy() / M2_PER_HA
    norm = Normalize(vmin=0.0, vmax=max(float(values.max(initial=0.0)), 1e-9))
    cmap = colormaps["YlOrRd"]
    patches = [PathPatch(_path(g)) for g in polys["boundary"]]
    collection = PatchCollection(
        patches, cmap=cmap, norm=norm, edgecolor="#555555", linewidth=0.5
    )
    collection.set_array(values)
    ax.add_collection(collection)
    for name, geom in zip(polys["name"], polys["boundary"], strict=True):
        p = shapely.point_on_surface(geom)
        ax.annotate(str(name), (p.x, p.y), fontsize=6, ha="center", color="#222222")
    if len(hazards):
        ax.scatter(
            hazards["lon"],
            hazards["lat"],
            s=2 if len(hazards) > RASTER_ABOVE else 5,
            color="#332288",
            alpha=0.6,
            linewidths=0,
            label=labels["hazards"],
            rasterized=len(hazards) > RASTER_ABOVE,
        )
        ax.legend(frameon=False, fontsize=7, loc="lower left")
    bounds = _bounds(polys, hazards)
    if bounds is not None:
        x0, y0, x1, y1 = bounds
        pad = 0.03 * max(x1 - x0, y1 - y0, 1e-3)
        ax.set_xlim(x0 - pad, x1 + pad)
        ax.set_ylim(y0 - pad, y1 + pad)
        # Degrees of longitude shrink with latitude: keep shapes true.
        ax.set_aspect(1.0 / max(math.cos(math.radians((y0 + y1) / 2)), 0.1))
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    bar = fig.colorbar(collection, ax=ax, shrink=0.7, pad=0.02)
    bar.set_label(labels["colourbar"], fontsize=8)
    bar.ax.tick_params(labelsize=7)
    return fig


def _bounds(
    polys: pd.DataFrame, hazards: pd.DataFrame
) -> tuple[float, float, float, float] | None:
    """The admin areas' extent; without them, that of the middle 98% of hazards
    (a few misplaced benchmark points must not shrink the map to a dot)."""
    if len(polys):
        b = shapely.total_bounds(polys["boundary"].to_numpy())
        if np.isfinite(b).all():
            return float(b[0]), float(b[1]), float(b[2]), float(b[3])
    if not len(hazards):
        return None
    lon = hazards["lon"].quantile([0.01, 0.99]).to_numpy()
    lat = hazards["lat"].quantile([0.01, 0.99]).to_numpy()
    return float(lon[0]), float(lat[0]), float(lon[1]), float(lat[1])
