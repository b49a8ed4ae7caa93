# SPDX-License-Identifier: GPL-3.0-or-later
"""Features and labels of grid cells, one band of rows at a time.

:func:`band_features` turns rows ``[start, stop)`` of a grid into a table:
identity columns (``cell_id``, ``row``, ``col``, ``x``, ``y``, ``lon``,
``lat``), the admin area (``admin_area``, ``admin_code``: text, so never a
model feature, but the natural validation group), numeric features and the
``label``. Every step is a vectorised query over the band's cells.

Features (distances in metres, densities per km²):

``dist_<kind>``
    to the nearest reference feature of each kind in the register
    (``front_line``, ``road``, ``water``, ``power_line``, ...); 0 inside
    polygons such as forests or protected areas.
``dist_settlement``
    to the nearest settlement.
``dist_find``, ``dist_accident``
    to the nearest EO find / accident *not in the cell itself* (or not in
    its admin area, with ``exclude_own="area"``), so a cell's own label
    never leaks into its features.
``find_density``, ``accident_density``
    finds / accidents per km² within the radius (counted by cell, see
    :mod:`~demine.predict.density`), the cell's own left out.
``in_cha``, ``in_sha``
    1 when the cell's centre lies in a confirmed / suspected hazardous area.
``elevation``, ``slope``, ``landcover_<class>``
    from rasters, when given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from pyproj import Transformer

from demine.predict.density import band_counts, disc
from demine.predict.labels import POSITIVE, UNKNOWN, is_member, label_cells
from demine.predict.layers import NO_AREA, Layers

IDENTITY = ("cell_id", "row", "col", "x", "y", "lon", "lat")
GROUP = "admin_area"
LABEL = "label"
#: Features computed from finds and accidents, the records labels come from.
LABEL_DERIVED = ("dist_find", "dist_accident", "find_density", "accident_density")


@dataclass(frozen=True)
class Band:
    """The region's cells in rows ``[start, stop)``: ids, and their positions
    in the band's raster (row-major), for looking up burnt polygons."""

    start: int
    stop: int
    ids: NDArray[np.int64]
    pos: NDArray[np.int64]

    def pick(self, burnt: NDArray[Any]) -> NDArray[Any]:
        """Values of a burnt band raster at the region's cells."""
        return burnt.ravel()[self.pos]


def band_cells(layers: Layers, start: int, stop: int) -> Band:
    """The cells of rows ``[start, stop)`` whose centre lies in the region."""
    spec = layers.spec
    inside = layers.region.burn(spec, start, stop).ravel() > 0
    pos = np.flatnonzero(inside).astype(np.int64)
    return Band(start, stop, start * spec.nx + pos, pos)


def band_features(layers: Layers, start: int, stop: int) -> pd.DataFrame:
    """Feature table of the region's cells in grid rows ``[start, stop)``.

    Parameters
    ----------
    layers : Layers
        Indexed register layers, from :func:`~demine.predict.layers.prepare_layers`.
    start, stop : int
        First and one-past-last grid row of the band.

    Returns
    -------
    pandas.DataFrame
        One row per cell, in cell-id order.

    Examples
    --------
    >>> from demine.predict.sample import sample_layers
    >>> table = band_features(sample_layers(), 0, 3)
    >>> table[["cell_id", "dist_road", "label"]].head(3).to_dict("list")
    {'cell_id': [0, 1, 2], 'dist_road': [450.0, 350.0, 250.0], 'label': [-1, -1, 0]}
    """
    spec = layers.spec
    band = band_cells(layers, start, stop)
    ids = band.ids
    x, y = spec.centres(ids)
    row, col = spec.rows_cols(ids)
    lon, lat = _lonlat(spec.crs_wkt, x, y)
    area_raster = layers.areas.layer.burn(spec, start, stop).astype(np.int64) - 1
    area_raster[area_raster < 0] = NO_AREA
    area = band.pick(area_raster)
    table: dict[str, NDArray[Any]] = {
        "cell_id": ids,
        "row": row.astype(np.int32),
        "col": col.astype(np.int32),
        "x": x,
        "y": y,
        "lon": lon,
        "lat": lat,
        "admin_area": _lookup(layers.areas.names, area),
        "admin_code": _lookup(layers.areas.codes, area),
    }
    for name, index in layers.shapes.items():
        polygons = layers.interiors.get(name)
        inside = (
            band.pick(polygons.burn(spec, start, stop)) > 0
            if polygons is not None
            else np.zeros(len(ids), dtype=bool)
        )
        table[f"dist_{name}"] = index.distance(x, y, inside).astype(np.float32)
    table.update(_event_features(layers, band, area_raster, x, y))
    table["in_cha"] = (band.pick(layers.cha.burn(spec, start, stop)) > 0).astype(
        np.int8
    )
    table["in_sha"] = (band.pick(layers.sha.burn(spec, start, stop)) > 0).astype(
        np.int8
    )
    table.update(_raster_features(layers, x, y))
    table[LABEL] = _labels(layers, band)
    return pd.DataFrame(table)


def _labels(layers: Layers, band: Band) -> NDArray[np.int8]:
    """Labels of the band's cells; outlines are made only for cells that
    released ground touches, the few that can be negative."""
    spec = layers.spec
    touched = band.pick(layers.released.layer.touched(spec, band.start, band.stop)) > 0
    labels = np.full(len(band.ids), UNKNOWN, dtype=np.int8)
    cand = np.flatnonzero(touched)
    labels[cand] = label_cells(
        band.ids[cand],
        spec.boxes(band.ids[cand]),
        layers.positive_cells,
        layers.released,
        layers.options.rule.min_share,
    )
    labels[is_member(band.ids, layers.positive_cells)] = POSITIVE
    return labels


def _lonlat(
    crs_wkt: str, x: NDArray[Any], y: NDArray[Any]
) -> tuple[NDArray[Any], NDArray[Any]]:
    lon, lat = Transformer.from_crs(crs_wkt, "EPSG:4326", always_xy=True).transform(
        x, y
    )
    return np.round(lon, 7), np.round(lat, 7)


def _lookup(values: NDArray[np.object_], index: NDArray[Any]) -> NDArray[Any]:
    out = np.full(len(index), None, dtype=object)
    known = index >= 0
    out[known] = values[index[known]]
    return out


def _event_features(
    layers: Layers,
    band: Band,
    area_raster: NDArray[Any],
    x: NDArray[Any],
    y: NDArray[Any],
) -> dict[str, NDArray[Any]]:
    """Distances to and densities of finds and accidents, own ones left out."""
    opts = layers.options
    spec = layers.spec
    by_area = opts.exclude_own == "area"
    # Cells outside every area leave nothing out (no find has that key).
    raster_keys = np.where(area_raster == NO_AREA, NO_AREA - 1, area_raster)
    key = band.pick(raster_keys) if by_area else band.ids
    out: dict[str, NDArray[Any]] = {}
    for name, index, radius in (
        ("find", layers.finds, opts.find_radius),
        ("accident", layers.accidents, opts.accident_radius),
    ):
        dist = index.distance(x, y, key)
        # No find anywhere else: the distance is unknown, not infinite.
        out[f"dist_{name}"] = np.where(np.isinf(dist), np.nan, dist).astype(np.float32)
        counts = band_counts(
            spec,
            band.start,
            band.stop,
            layers.event_cells.get(name, np.empty(0, np.int64)),
            radius,
            layers.event_keys.get(name) if by_area else None,
            raster_keys.ravel() if by_area else None,
        )
        km2 = disc(radius, spec.cell).sum() * spec.cell**2 / 1e6
        out[f"{name}_density"] = (band.pick(counts) / km2).astype(np.float32)
    return out


def _raster_features(
    layers: Layers, x: NDArray[Any], y: NDArray[Any]
) -> dict[str, NDArray[Any]]:
    out: dict[str, NDArray[Any]] = {}
    for name, raster in layers.rasters.items():
        values = raster.sample(x, y, layers.spec.crs_wkt)
        if name in layers.classes:
            for cls in layers.classes[name]:
                out[f"{name}_{cls}"] = (values == cls).astype(np.int8)
        else:
            out[name] = values.astype(np.float32)
    return out
