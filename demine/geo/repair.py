# SPDX-License-Identifier: GPL-3.0-or-later
"""Geometry repair: make invalid polygons valid, never silently.

:func:`repair` fixes what validation reports as ``invalid_geometry``,
``too_few_vertices`` and ``duplicate_vertex`` on polygonal geometries and
returns, for every geometry it changed, a :class:`Repair` record that the
caller stores as an audit event. Geometries that need nothing are returned
unchanged (the same objects) and produce no record.

How: ``shapely.make_valid(method="structure")`` (GEOS >= 3.10) rebuilds each
invalid polygon from its rings, so that a bow-tie becomes its two lobes and a
zero-width spike is cut off. A hole lying outside its shell is kept as a
polygon of its own: for a hazard that errs on the side of more suspected
ground, but for a release product (cleared, reduced) it would claim more
released land, so a caller should review records whose area grew. Only polygonal
parts are kept (collapsed spikes become lines, which are not area);
consecutive repeated vertices are removed. Every repaired geometry is a
MultiPolygon, possibly empty when nothing of area was left - the record says
so. Points and lines are left alone: they are not areas, and validation
reports them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray

from demine.domain.findings import Rule
from demine.geo.area import geodesic_area
from demine.geo.arrays import IdsLike, as_geometry_array, as_ids, plain
from demine.geo.rings import (
    MULTIPOLYGON,
    POLYGON,
    distinct_vertices,
    rings_of,
)

logger = logging.getLogger(__name__)

#: WKT longer than this is replaced by a summary in :attr:`Repair.before`.
MAX_BEFORE_WKT = 20_000


@dataclass(frozen=True, slots=True)
class Repair:
    """Audit record of one repaired geometry.

    ``before`` is the WKT of the geometry as given (or, beyond
    :data:`MAX_BEFORE_WKT` characters, a summary of it). ``before_area_m2`` is
    the geodesic area computed on the geometry as given, which for a
    self-intersecting polygon is not a meaningful area.
    """

    id: int | str
    rule: Rule
    before: str
    after_area_m2: float
    before_area_m2: float
    message: str


@dataclass(frozen=True, slots=True)
class RepairResult:
    """Geometries after repair, in input order, and a record per change."""

    geometries: NDArray[np.object_]
    repairs: list[Repair]

    @property
    def changed(self) -> int:
        """Number of geometries repaired."""
        return len(self.repairs)


def _make_valid(geoms: NDArray[np.object_]) -> NDArray[np.object_]:
    try:
        made = shapely.make_valid(geoms, method="structure", keep_collapsed=False)
    except (TypeError, ValueError):
        # Shapely < 2.1 or GEOS < 3.10 have only the linework method.
        logger.warning("make_valid(method='structure') unavailable; using linework")
        made = shapely.make_valid(geoms)
    return as_geometry_array(made)


def _polygonal_multi(geoms: NDArray[np.object_]) -> NDArray[np.object_]:
    """Keep only the polygons of each geometry, as one MultiPolygon each."""
    parts, index = shapely.get_parts(geoms, return_index=True)
    # make_valid may return a collection holding a MultiPolygon; flatten once
    # more (levels, not shapes).
    parts, sub = shapely.get_parts(parts, return_index=True)
    index = index[sub]
    keep = shapely.get_type_id(parts) == POLYGON
    keep &= ~shapely.is_empty(parts)
    out = np.empty(len(geoms), dtype=object)
    shapely.multipolygons(parts[keep], indices=index[keep], out=out)
    empty = shapely.is_missing(out)
    out[empty] = shapely.from_wkt("MULTIPOLYGON EMPTY")
    return as_geometry_array(out)


def _describe_before(geom: Any) -> str:
    wkt = str(shapely.to_wkt(geom, rounding_precision=-1))
    if len(wkt) <= MAX_BEFORE_WKT:
        return wkt
    x0, y0, x1, y1 = geom.bounds
    return (
        f"{geom.geom_type} with {shapely.get_num_coordinates(geom)} vertices "
        f"within lon {x0:.6f}..{x1:.6f}, lat {y0:.6f}..{y1:.6f} (WKT too long)"
    )


def _needs(
    arr: NDArray[np.object_],
) -> tuple[NDArray[np.bool_], NDArray[np.bool_], NDArray[np.intp]]:
    """Masks polygonal-and-invalid and too-few-vertices; repeated vertex counts."""
    present = ~(shapely.is_missing(arr) | shapely.is_empty(arr))
    polygonal = present & np.isin(shapely.get_type_id(arr), (POLYGON, MULTIPOLYGON))
    invalid = polygonal & ~shapely.is_valid(arr)
    polygons = arr.copy()
    polygons[~polygonal] = None
    rings = rings_of(polygons)
    few = np.zeros(len(arr), dtype=bool)
    few[rings.ring_geom[distinct_vertices(rings) < 3]] = True
    same = rings.ring[1:] == rings.ring[:-1]
    repeated_at = same & (rings.coords[1:] == rings.coords[:-1]).all(axis=1)
    repeated = np.bincount(
        rings.ring_geom[rings.ring[:-1][repeated_at]], minlength=len(arr)
    ).astype(np.intp)
    return invalid, few, repeated


def repair(ids: IdsLike, geoms: Any) -> RepairResult:
    """Repair invalid polygons and drop repeated vertices, with an audit trail.

    Parameters
    ----------
    ids : sequence
        One id per geometry, in the same order; copied into the records.
    geoms : array_like of shapely geometries
        Longitude/latitude (EPSG:4326) geometries; ``None`` is allowed.

    Returns
    -------
    RepairResult
        ``geometries``: the input with repaired polygons replaced by
        MultiPolygons; ``repairs``: one :class:`Repair` per change, in input
        order.

    Examples
    --------
    >>> import shapely
    >>> bowtie = shapely.from_wkt(
    ...     "POLYGON ((47 40, 47.01 40.01, 47 40.01, 47.01 40, 47 40))"
    ... )
    >>> result = repair(["H-1", "H-2"], [bowtie, shapely.box(47, 40, 47.01, 40.01)])
    >>> result.geometries[0].geom_type, len(result.geometries[0].geoms)
    ('MultiPolygon', 2)
    >>> [(r.id, r.rule.value) for r in result.repairs]
    [('H-1', 'invalid_geometry')]
    """
    arr = as_geometry_array(geoms)
    id_arr = as_ids(ids, len(arr))
    invalid, few, repeated = _needs(arr)
    todo = np.flatnonzero(invalid | few | (repeated > 0))
    out = arr.copy()
    if not len(todo):
        return RepairResult(out, [])

    before = arr[todo]
    fixed = np.where(invalid[todo] | few[todo], _make_valid(before), before)
    fixed = shapely.remove_repeated_points(_polygonal_multi(fixed), tolerance=0.0)
    out[todo] = fixed
    records = _records(
        id_arr[todo], before, fixed, invalid[todo], few[todo], repeated[todo]
    )
    logger.info("repaired %d of %d geometries", len(records), len(arr))
    return RepairResult(out, records)


def _vertices(n: int) -> str:
    return f"{n} repeated vert{'ex' if n == 1 else 'ices'}"


def _records(
    ids: NDArray[np.object_],
    before: NDArray[np.object_],
    after: NDArray[np.object_],
    invalid: NDArray[np.bool_],
    few: NDArray[np.bool_],
    repeated: NDArray[np.intp],
) -> list[Repair]:
    """Word one audit record per repaired geometry (same rule as validation)."""
    area_before = geodesic_area(before)
    area_after = geodesic_area(after)
    reasons = np.where(invalid, shapely.is_valid_reason(before), "")
    records = []
    for k, geom in enumerate(after):
        if few[k]:
            rule, what = Rule.TOO_FEW_VERTICES, "rebuilt a ring of < 3 vertices"
        elif invalid[k]:
            rule, what = Rule.INVALID_GEOMETRY, f"made valid ({reasons[k]})"
        else:
            rule, what = Rule.DUPLICATE_VERTEX, f"removed {_vertices(repeated[k])}"
        if (few[k] or invalid[k]) and repeated[k]:
            what += f"; removed {_vertices(repeated[k])}"
        n_parts = shapely.get_num_geometries(geom)
        result = (
            "nothing of area remained (empty)"
            if n_parts == 0
            else f"{n_parts} polygon{'s' if n_parts != 1 else ''}"
        )
        records.append(
            Repair(
                id=plain(ids[k]),
                rule=rule,
                before=_describe_before(before[k]),
                after_area_m2=float(area_after[k]),
                before_area_m2=float(area_before[k]),
                message=f"{what}; now {result}; area {area_before[k]:,.1f} m² "
                f"-> {area_after[k]:,.1f} m²",
            )
        )
    return records
