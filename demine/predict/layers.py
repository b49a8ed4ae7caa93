# SPDX-License-Identifier: GPL-3.0-or-later
"""What a grid's features and labels are computed from, ready to query.

:class:`Sources` holds the register's layers as read (lon/lat frames);
:func:`prepare_layers` projects them into the grid's equal-area CRS and
builds the spatial indexes once, so that each band of cells is a handful of
vectorised queries. A :class:`Layers` object is what a Dask worker receives.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from pyproj import CRS

from demine.errors import PredictionError
from demine.geo.area import to_equal_area
from demine.i18n import _
from demine.predict.burn import PolygonLayer
from demine.predict.grid import GridSpec
from demine.predict.labels import LabelRule, ReleasedGround
from demine.predict.proximity import PointIndex, ShapeIndex
from demine.predict.terrain import RasterLayer

log = logging.getLogger(__name__)

ExcludeOwn = Literal["cell", "area"]
#: Key of cells outside every admin area: owns no find, so excludes none.
NO_AREA = -2


@dataclass
class Sources:
    """Register layers in lon/lat (EPSG:4326), one frame per kind.

    Each frame has a ``geom`` column; ``areas`` has ``name`` and ``code``,
    ``reference`` has ``kind``, ``settlements`` has ``name``, ``finds`` has
    ``category``, ``hazards`` has ``hazard_class``, ``releases`` has ``kind``.
    """

    areas: pd.DataFrame
    reference: pd.DataFrame
    settlements: pd.DataFrame
    finds: pd.DataFrame
    accidents: pd.DataFrame
    hazards: pd.DataFrame
    releases: pd.DataFrame


@dataclass(frozen=True)
class FeatureOptions:
    """How features and labels are computed.

    ``exclude_own`` says which finds a cell's own features leave out: those
    in the cell itself (``cell``, the default) or in the cell's whole admin
    area (``area``: honest for leave-area-out evaluation, since no cell then
    sees the finds of its own area). Densities count finds within
    ``find_radius`` and accidents within ``accident_radius`` (metres).
    """

    exclude_own: ExcludeOwn = "cell"
    find_radius: float = 1_000.0
    accident_radius: float = 5_000.0
    rule: LabelRule = field(default_factory=LabelRule)


@dataclass
class Areas:
    """Admin areas (projected) with their names and codes."""

    layer: PolygonLayer
    names: NDArray[np.object_]
    codes: NDArray[np.object_]

    def of(self, x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.int64]:
        """Index of the area holding each point, :data:`NO_AREA` if none."""
        out = np.full(len(x), NO_AREA, dtype=np.int64)
        if not len(self.layer) or not len(x):
            return out
        point, area = self.layer.tree.query(
            shapely.points(x, y), predicate="intersects"
        )
        # Where areas overlap, the first one (lowest index) holds the point.
        order = np.lexsort((area, point))
        point, area = point[order], area[order]
        first = np.r_[True, point[1:] != point[:-1]]
        out[point[first]] = area[first]
        return out


@dataclass
class Layers:
    """Projected indexes of everything features and labels need.

    ``interiors`` holds the polygons of polygonal reference kinds (water,
    forest ...), burnt per band so cells inside them get distance 0.
    """

    spec: GridSpec
    region: PolygonLayer
    areas: Areas
    shapes: dict[str, ShapeIndex]
    interiors: dict[str, PolygonLayer]
    finds: PointIndex
    accidents: PointIndex
    cha: PolygonLayer
    sha: PolygonLayer
    positive_cells: NDArray[np.int64]
    released: ReleasedGround
    options: FeatureOptions
    # Sorted cell ids of the finds and accidents (one entry per record), and
    # their owner keys in the same order, for densities by convolution.
    event_cells: dict[str, NDArray[np.int64]] = field(default_factory=dict)
    event_keys: dict[str, NDArray[np.int64]] = field(default_factory=dict)
    rasters: dict[str, RasterLayer] = field(default_factory=dict)
    classes: dict[str, list[int]] = field(default_factory=dict)


def project(frame: pd.DataFrame, crs: CRS, column: str = "geom") -> NDArray[np.object_]:
    """The frame's lon/lat geometries in ``crs``; missing ones dropped."""
    geoms = np.asarray(frame[column].to_numpy(), dtype=object)
    keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not keep.any():
        return np.empty(0, dtype=object)
    projected, _unused = to_equal_area(geoms[keep], crs)
    return np.asarray(projected, dtype=object)


def _xy(geoms: NDArray[np.object_]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Coordinates of point geometries (a representative point for others)."""
    if not len(geoms):
        return np.empty(0), np.empty(0)
    pts = shapely.point_on_surface(geoms)
    return shapely.get_x(pts), shapely.get_y(pts)


def prepare_layers(
    src: Sources,
    spec: GridSpec,
    region: shapely.Geometry,
    options: FeatureOptions,
    rasters: dict[str, RasterLayer] | None = None,
) -> Layers:
    """Project the register's layers to the grid and index them.

    ``region`` is in the grid's CRS. Distances are accurate to a quarter of
    a cell (lines are densified to half a cell).
    """
    crs = spec.crs
    spacing = spec.cell / 2.0
    present = _present(src.areas)
    areas = Areas(
        PolygonLayer(project(src.areas, crs)),
        src.areas.loc[present, "name"].to_numpy(dtype=object),
        src.areas.loc[present, "code"].to_numpy(dtype=object),
    )
    shapes, interiors = _reference_shapes(src, crs, spacing)
    finds_xy, finds_owner, positives, cells = _events(src, spec, areas, options)
    layers = Layers(
        spec=spec,
        region=PolygonLayer(np.array([region], dtype=object)),
        areas=areas,
        shapes=shapes,
        interiors=interiors,
        finds=PointIndex(*finds_xy["find"], owner=finds_owner["find"]),
        accidents=PointIndex(*finds_xy["accident"], owner=finds_owner["accident"]),
        cha=PolygonLayer(_hazards(src, crs, "cha")),
        sha=PolygonLayer(_hazards(src, crs, "sha")),
        positive_cells=positives,
        released=ReleasedGround(_released(src, crs, options.rule)),
        options=options,
        rasters=dict(rasters or {}),
    )
    for name, ids in cells.items():
        order = np.argsort(ids, kind="stable")
        layers.event_cells[name] = ids[order]
        layers.event_keys[name] = finds_owner[name][order]
    for name, raster in layers.rasters.items():
        if name not in ("elevation", "slope"):
            layers.classes[name] = raster.classes()
    log.info(
        "layers: %d areas, %d finds, %d accidents, %d positive cells, %d releases",
        len(areas.layer),
        len(layers.finds),
        len(layers.accidents),
        len(positives),
        len(layers.released.geoms),
    )
    return layers


def _present(frame: pd.DataFrame) -> NDArray[np.bool_]:
    geoms = np.asarray(frame["geom"].to_numpy(), dtype=object)
    return np.asarray(~(shapely.is_missing(geoms) | shapely.is_empty(geoms)))


def _reference_shapes(
    src: Sources, crs: CRS, spacing: float
) -> tuple[dict[str, ShapeIndex], dict[str, PolygonLayer]]:
    """A distance index per reference kind present (and for settlements), and
    the polygons of polygonal kinds."""
    shapes: dict[str, ShapeIndex] = {}
    interiors: dict[str, PolygonLayer] = {}
    ref = src.reference
    for kind in sorted(ref["kind"].astype(str).unique()) if len(ref) else []:
        geoms = project(ref[ref["kind"].astype(str) == kind], crs)
        if not len(geoms):
            continue
        shapes[kind] = ShapeIndex.of(geoms, spacing, interior=False)
        polygonal = np.isin(shapely.get_type_id(geoms), [3, 6])
        if polygonal.any():
            interiors[kind] = PolygonLayer(geoms[polygonal])
    settlements = project(src.settlements, crs)
    if len(settlements):
        shapes["settlement"] = ShapeIndex.of(settlements, spacing, interior=False)
    return shapes, interiors


def _events(
    src: Sources, spec: GridSpec, areas: Areas, options: FeatureOptions
) -> tuple[
    dict[str, tuple[NDArray[np.float64], NDArray[np.float64]]],
    dict[str, NDArray[np.int64]],
    NDArray[np.int64],
    dict[str, NDArray[np.int64]],
]:
    """Find and accident points, their owner keys, the positive cells, and
    the cell of every find and accident."""
    rule = options.rule
    finds = src.finds
    if rule.categories is not None:
        finds = finds[finds["category"].astype(str).isin(rule.categories)]
    xy: dict[str, tuple[NDArray[np.float64], NDArray[np.float64]]] = {}
    owner: dict[str, NDArray[np.int64]] = {}
    positive: list[NDArray[np.int64]] = []
    cells_of: dict[str, NDArray[np.int64]] = {}
    for name, frame in (("find", finds), ("accident", src.accidents)):
        x, y = _xy(project(frame, spec.crs))
        cells = spec.cell_of(x, y)
        cells_of[name] = cells
        xy[name] = (x, y)
        if options.exclude_own == "area":
            owner[name] = areas.of(x, y)
        else:
            owner[name] = cells
        if name == "find" or rule.accidents:
            positive.append(cells[cells >= 0])
    cells_all = np.unique(np.concatenate(positive)) if positive else np.empty(0)
    return xy, owner, cells_all.astype(np.int64), cells_of


def _hazards(src: Sources, crs: CRS, cls: str) -> NDArray[np.object_]:
    hz = src.hazards
    return project(hz[hz["hazard_class"].astype(str) == cls], crs)


def _released(src: Sources, crs: CRS, rule: LabelRule) -> NDArray[np.object_]:
    rel = src.releases
    chosen = rel[rel["kind"].astype(str).isin(rule.negatives)]
    if not len(chosen):
        log.warning("no released ground of kinds %s: no negative cells", rule.negatives)
    return project(chosen, crs)


def region_of(areas: NDArray[np.object_]) -> shapely.Geometry:
    """The union of the admin areas' polygons: the default region of a grid."""
    if not len(areas):
        raise PredictionError(
            _("the register has no admin areas with boundaries: give --region FILE")
        )
    return shapely.union_all(shapely.make_valid(areas))
