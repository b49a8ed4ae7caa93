# SPDX-License-Identifier: GPL-3.0-or-later
"""Geometry validation: find what is wrong with a batch of WGS84 geometries.

One call checks a whole batch (a layer of hazardous areas, an import file)
with Shapely 2 array functions and an STRtree; Python loops run only over the
problems found, to word their messages. The rules are a superset of GICHD's
IMSMA "geocheck" views; their codes are :class:`demine.domain.findings.Rule`.

Decisions worth knowing:

* ``too_few_vertices`` is reported *instead of* ``invalid_geometry`` for a
  geometry that has it: GEOS would call it invalid too, but the missing
  vertices are the cause a clerk can act on.
* ``swapped_coordinates`` is reported *instead of* ``outside_extent`` when
  every coordinate would fall inside the extent with x and y exchanged. With
  no extent given the whole world is used, which still catches impossible
  coordinates; NaN coordinates are ``invalid_geometry``, never "outside".
* The overlap check takes only valid polygons (after excluding later exact
  duplicates, which are reported as ``duplicate_geometry``). The overlap of an
  invalid polygon is not well defined (a bow-tie's lobes can cancel), so
  invalid polygons are reported as such; repair them
  (:func:`demine.geo.repair.repair`) and check again to see their overlaps.
  Each unordered pair is reported once, under the earlier record.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from demine.domain.findings import Finding, Rule
from demine.domain.labels import kind_word
from demine.geo.area import geodesic_area, geodesic_distance, geodesic_length
from demine.geo.arrays import IdsLike, as_geometry_array, as_ids, plain
from demine.geo.extent import WORLD, Extent
from demine.geo.rings import (
    LINEARRING,
    LINESTRING,
    MULTILINESTRING,
    MULTIPOINT,
    MULTIPOLYGON,
    POINT,
    POLYGON,
    Rings,
    Segments,
    distinct_vertices,
    rings_of,
    segments_of,
)
from demine.i18n import N_, _, ngettext
from demine.i18n.numbers import number, percent

logger = logging.getLogger(__name__)

GeometryKind = Literal["polygon", "point", "line", "any"]

_KIND_TYPES: dict[str, tuple[int, ...] | None] = {
    "polygon": (POLYGON, MULTIPOLYGON),
    "point": (POINT, MULTIPOINT),
    "line": (LINESTRING, LINEARRING, MULTILINESTRING),
    "any": None,
}
_RULE_ORDER = {rule: n for n, rule in enumerate(Rule)}
# is_valid_reason puts the location in brackets: "Self-intersection[17.1 45.2]".
_REASON_POINT = re.compile(r"\[\s*([-+.\deE]+)\s+([-+.\deE]+)")


def _where(x: float, y: float) -> str:
    return _("lon %(lon).6f, lat %(lat).6f", lon=x, lat=y)


@dataclass(frozen=True, slots=True)
class _Batch:
    """The batch under check, and how to word a finding about one member."""

    entity: str
    ids: NDArray[np.object_]
    geoms: NDArray[np.object_]

    def finding(
        self,
        rule: Rule,
        pos: int,
        message: str,
        *,
        x: float | None = None,
        y: float | None = None,
        related_pos: int | None = None,
        area_m2: float | None = None,
    ) -> Finding:
        related = None if related_pos is None else plain(self.ids[related_pos])
        # NaN is not JSON; an unknown place is None.
        if x is None or y is None or not (math.isfinite(x) and math.isfinite(y)):
            x = y = None
        return Finding(
            rule=rule,
            entity=self.entity,
            id=plain(self.ids[pos]),
            message=_(
                "%(kind)s %(id)s: %(problem)s",
                kind=kind_word(self.entity),
                id=self.ids[pos],
                problem=message,
            ),
            x=None if x is None else float(x),
            y=None if y is None else float(y),
            related_id=related,
            area_m2=None if area_m2 is None else float(area_m2),
        )


def _first_per_group(
    groups: NDArray[np.intp],
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]:
    """Unique groups, index of each group's first member, and group sizes."""
    uniq, first, counts = np.unique(groups, return_index=True, return_counts=True)
    return uniq.astype(np.intp), first.astype(np.intp), counts.astype(np.intp)


def _check_empty(batch: _Batch, present: NDArray[np.bool_]) -> list[Finding]:
    missing = shapely.is_missing(batch.geoms)
    return [
        batch.finding(
            Rule.EMPTY_GEOMETRY,
            int(pos),
            _("no geometry") if missing[pos] else _("empty geometry"),
        )
        for pos in np.flatnonzero(~present)
    ]


def _check_type(
    batch: _Batch, present: NDArray[np.bool_], expected: GeometryKind
) -> list[Finding]:
    allowed = _KIND_TYPES[expected]
    if allowed is None:
        return []
    wrong = present & ~np.isin(shapely.get_type_id(batch.geoms), allowed)
    findings = []
    for pos in np.flatnonzero(wrong):
        geom = batch.geoms[pos]
        point = shapely.point_on_surface(geom)
        findings.append(
            batch.finding(
                Rule.WRONG_GEOMETRY_TYPE,
                int(pos),
                _(
                    "%(geom_type)s given where a %(expected)s is expected, at "
                    "%(where)s",
                    geom_type=geom.geom_type,
                    expected=expected,
                    where=_where(point.x, point.y),
                ),
                x=point.x,
                y=point.y,
            )
        )
    return findings


def _check_few_vertices(
    batch: _Batch, rings: Rings
) -> tuple[list[Finding], NDArray[np.bool_]]:
    """Rings with too few distinct vertices; also returns the geometry mask."""
    distinct = distinct_vertices(rings)
    needed = np.where(rings.ring_closed, 3, 2)
    short = np.flatnonzero(distinct < needed)
    mask = np.zeros(len(batch.geoms), dtype=bool)
    geoms, first, _unused = _first_per_group(rings.ring_geom[short])
    mask[geoms] = True
    # Position of each ring's first coordinate, to locate the problem.
    ring_start = np.searchsorted(rings.ring, np.arange(len(rings.ring_geom)))
    findings = []
    for pos, ring in zip(geoms, short[first], strict=True):
        x, y = rings.coords[ring_start[ring]]
        text = (
            N_(
                "a polygon ring has only %(distinct)s distinct vertices (needs "
                "%(needed)s), at %(where)s"
            )
            if rings.ring_closed[ring]
            else N_(
                "a line has only %(distinct)s distinct vertices (needs "
                "%(needed)s), at %(where)s"
            )
        )
        findings.append(
            batch.finding(
                Rule.TOO_FEW_VERTICES,
                int(pos),
                _(
                    text,
                    distinct=distinct[ring],
                    needed=needed[ring],
                    where=_where(x, y),
                ),
                x=x,
                y=y,
            )
        )
    return findings, mask


def _check_invalid(batch: _Batch, invalid: NDArray[np.bool_]) -> list[Finding]:
    positions = np.flatnonzero(invalid)
    reasons = shapely.is_valid_reason(batch.geoms[positions])
    findings = []
    for pos, reason in zip(positions, reasons, strict=True):
        match = _REASON_POINT.search(reason)
        x = y = None
        text = _("invalid geometry: %(reason)s", reason=reason)
        if match:
            x, y = float(match.group(1)), float(match.group(2))
            text = _(
                "invalid geometry at %(where)s: %(reason)s",
                where=_where(x, y),
                reason=reason,
            )
        findings.append(
            batch.finding(
                Rule.INVALID_GEOMETRY,
                int(pos),
                text,
                x=x,
                y=y,
            )
        )
    return findings


def _check_duplicates(
    batch: _Batch, present: NDArray[np.bool_]
) -> tuple[list[Finding], NDArray[np.bool_]]:
    """Exactly equal geometries after normalising; also returns 'later' mask."""
    positions = np.flatnonzero(present)
    keys = shapely.to_wkb(shapely.normalize(batch.geoms[positions]))
    codes, _unused = pd.factorize(pd.Series(keys, dtype=object))
    _unused, first_of_code, _unused = _first_per_group(np.asarray(codes, dtype=np.intp))
    first = positions[first_of_code[codes]]
    later = first != positions
    mask = np.zeros(len(batch.geoms), dtype=bool)
    mask[positions[later]] = True
    findings = []
    for pos, orig in zip(positions[later], first[later], strict=True):
        point = shapely.point_on_surface(batch.geoms[pos])
        findings.append(
            batch.finding(
                Rule.DUPLICATE_GEOMETRY,
                int(pos),
                _(
                    "same geometry as %(kind)s %(id)s, at %(where)s",
                    kind=kind_word(batch.entity),
                    id=batch.ids[orig],
                    where=_where(point.x, point.y),
                ),
                x=point.x,
                y=point.y,
                related_pos=int(orig),
            )
        )
    return findings, mask


def _check_repeated_vertices(batch: _Batch, segments: Segments) -> list[Finding]:
    zero = np.flatnonzero((segments.start == segments.end).all(axis=1))
    geoms, first, counts = _first_per_group(segments.geom[zero])
    findings = []
    for pos, seg, count in zip(geoms, zero[first], counts, strict=True):
        x, y = segments.start[seg]
        findings.append(
            batch.finding(
                Rule.DUPLICATE_VERTEX,
                int(pos),
                ngettext(
                    "%(num)s vertex is repeated consecutively, first at %(where)s",
                    "%(num)s vertices are repeated consecutively, first at %(where)s",
                    int(count),
                    where=_where(x, y),
                ),
                x=x,
                y=y,
            )
        )
    return findings


# Longest possible degree of meridian or parallel on WGS84 (m), rounded up.
_MAX_M_PER_DEG = 111_700.0


def _segment_length_bound(segments: Segments) -> NDArray[np.float64]:
    """Cheap upper bound (m) of each segment's geodesic length.

    The geodesic is no longer than the path along the meridian and then the
    parallel nearer the pole; only segments whose bound exceeds the limit
    need the exact (slower) geodesic computation.
    """
    dlat = np.abs(segments.end[:, 1] - segments.start[:, 1])
    dlon = np.abs(segments.end[:, 0] - segments.start[:, 0])
    dlon = np.minimum(dlon, 360.0 - dlon)
    pole_lat = np.maximum(np.abs(segments.start[:, 1]), np.abs(segments.end[:, 1]))
    cos_lat = np.cos(np.radians(np.minimum(pole_lat, 90.0)))
    bound = (dlat + dlon * cos_lat) * _MAX_M_PER_DEG
    # NaN (impossible coordinates) must not hide a segment: measure it.
    return np.where(np.isfinite(bound), bound * 1.001, np.inf)


def _check_long_segments(
    batch: _Batch, segments: Segments, max_segment_m: float
) -> list[Finding]:
    dist = np.zeros(len(segments.geom), dtype=np.float64)
    maybe = np.flatnonzero(_segment_length_bound(segments) > max_segment_m)
    dist[maybe] = geodesic_distance(segments.start[maybe], segments.end[maybe])
    long = np.flatnonzero(dist > max_segment_m)
    # Longest first within each geometry, so the first of a group is its max.
    long = long[np.lexsort((-dist[long], segments.geom[long]))]
    geoms, first, counts = _first_per_group(segments.geom[long])
    findings = []
    for pos, seg, count in zip(geoms, long[first], counts, strict=True):
        (x0, y0), (x1, y1) = segments.start[seg], segments.end[seg]
        findings.append(
            batch.finding(
                Rule.LONG_SEGMENT,
                int(pos),
                ngettext(
                    "%(num)s segment longer than %(max_segment_m)s m; longest "
                    "%(dist)s m from %(where)s to %(where2)s",
                    "%(num)s segments longer than %(max_segment_m)s m; longest "
                    "%(dist)s m from %(where)s to %(where2)s",
                    int(count),
                    max_segment_m=number(max_segment_m),
                    dist=number(dist[seg]),
                    where=_where(x0, y0),
                    where2=_where(x1, y1),
                ),
                x=(x0 + x1) / 2.0,
                y=(y0 + y1) / 2.0,
            )
        )
    return findings


def _closing_counts(
    rings: Rings, extent: Extent, n: int
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Per geometry: closed rings, and closed rings whose start is outside.

    A ring's closing coordinate repeats its first; it is not a vertex of its
    own, so vertex counts in messages leave it out.
    """
    closed = np.flatnonzero(rings.ring_closed)
    start = np.searchsorted(rings.ring, closed)
    first = rings.coords[start]
    first_out = ~extent.contains(first[:, 0], first[:, 1]) & np.isfinite(first).all(1)
    geom = rings.ring_geom[closed]
    return (
        np.bincount(geom, minlength=n),
        np.bincount(geom[first_out], minlength=n),
    )


def _check_extent(
    batch: _Batch, present: NDArray[np.bool_], rings: Rings, extent: Extent
) -> list[Finding]:
    n = len(batch.geoms)
    coords, index = shapely.get_coordinates(batch.geoms[present], return_index=True)
    index = np.flatnonzero(present)[index]
    x, y = coords[:, 0], coords[:, 1]
    # NaN coordinates are reported as invalid_geometry ("Invalid Coordinate"),
    # not as lying anywhere.
    finite = np.isfinite(coords).all(axis=1)
    outside = ~extent.contains(x, y) & finite
    n_closed, n_closed_out = _closing_counts(rings, extent, n)
    n_coords = np.bincount(index[finite], minlength=n)
    n_out = np.bincount(index[outside], minlength=n)
    n_swapped_in = np.bincount(index[extent.contains(y, x)], minlength=n)
    out_idx = np.flatnonzero(outside)
    geoms, first, _unused = _first_per_group(index[out_idx])
    findings = []
    for pos, c in zip(geoms, out_idx[first], strict=True):
        if n_swapped_in[pos] == n_coords[pos]:
            findings.append(
                batch.finding(
                    Rule.SWAPPED_COORDINATES,
                    int(pos),
                    _(
                        "latitude and longitude look swapped: %(where)s is outside "
                        "%(extent)s, %(swapped)s is inside (location given as "
                        "swapped back)",
                        where=_where(x[c], y[c]),
                        extent=extent.describe(),
                        swapped=_where(y[c], x[c]),
                    ),
                    x=y[c],
                    y=x[c],
                )
            )
        else:
            outside_n = n_out[pos] - n_closed_out[pos]
            findings.append(
                batch.finding(
                    Rule.OUTSIDE_EXTENT,
                    int(pos),
                    _(
                        "%(outside_n)s of %(total)s vertices outside %(extent)s, "
                        "first at %(where)s",
                        outside_n=outside_n,
                        total=n_coords[pos] - n_closed[pos],
                        extent=extent.describe(),
                        where=_where(x[c], y[c]),
                    ),
                    x=x[c],
                    y=y[c],
                )
            )
    return findings


def _check_overlaps(
    batch: _Batch, candidates: NDArray[np.bool_], min_overlap_m2: float
) -> list[Finding]:
    positions = np.flatnonzero(candidates)
    geoms = batch.geoms[positions]
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    # Each unordered pair once; a polygon always intersects itself.
    keep = left < right
    left, right = left[keep], right[keep]
    # Most candidates are neighbours sharing an edge. Interiors that meet
    # (DE-9IM "T********") mean a positive-area overlap for valid polygons,
    # and this test costs a fraction of the intersection it spares.
    inner = shapely.relate_pattern(geoms[left], geoms[right], "T********")
    left, right = left[inner], right[inner]
    order = np.lexsort((right, left))
    left, right = left[order], right[order]
    overlap = shapely.intersection(geoms[left], geoms[right])
    area = geodesic_area(overlap)
    big = np.flatnonzero(area > min_overlap_m2)
    points = shapely.point_on_surface(overlap[big])
    xs, ys = shapely.get_x(points), shapely.get_y(points)
    findings = []
    for k, i in enumerate(big):
        pos, other = int(positions[left[i]]), int(positions[right[i]])
        findings.append(
            batch.finding(
                Rule.OVERLAP,
                pos,
                _(
                    "overlaps %(kind)s %(id)s by %(area)s m² around %(where)s",
                    kind=kind_word(batch.entity),
                    id=batch.ids[other],
                    area=number(area[i], 1),
                    where=_where(xs[k], ys[k]),
                ),
                x=xs[k],
                y=ys[k],
                related_pos=other,
                area_m2=area[i],
            )
        )
    logger.debug("overlap: %d candidate pairs, %d overlaps", len(left), len(big))
    return findings


@dataclass(frozen=True, slots=True)
class Plausible:
    """How large and how thin a polygon may plausibly be.

    ``max_share`` of the extent's area (``oversized`` beyond it); an average
    width (twice the area over the perimeter) below ``min_width_m`` makes a
    ``sliver``: a polygon digitised along a line, or a leftover of clipping.
    """

    max_share: float | None = 0.01
    min_width_m: float | None = 1.0


def _check_size(
    batch: _Batch,
    candidates: NDArray[np.bool_],
    extent: Extent,
    plausible: Plausible,
) -> list[Finding]:
    positions = np.flatnonzero(candidates)
    if not len(positions):
        return []
    geoms = batch.geoms[positions]
    area = geodesic_area(geoms)
    findings = []
    if plausible.max_share is not None:
        country = extent.area_m2
        limit = plausible.max_share * country
        for i in np.flatnonzero(area > limit):
            findings.append(
                batch.finding(
                    Rule.OVERSIZED,
                    int(positions[i]),
                    _(
                        "covers %(hectares)s ha, %(share)s of %(extent)s: more "
                        "than the %(limit)s one record plausibly covers; check "
                        "the polygon",
                        hectares=number(area[i] / 1e4),
                        share=percent(area[i] / country),
                        extent=extent.describe(),
                        limit=percent(plausible.max_share),
                    ),
                    area_m2=area[i],
                )
            )
    if plausible.min_width_m is not None:
        perimeter = geodesic_length(geoms)
        with np.errstate(divide="ignore", invalid="ignore"):
            width = np.where(perimeter > 0, 2.0 * area / perimeter, 0.0)
        for i in np.flatnonzero(width < plausible.min_width_m):
            findings.append(
                batch.finding(
                    Rule.SLIVER,
                    int(positions[i]),
                    _(
                        "is a sliver: %(width)s m wide on average (%(area)s m² "
                        "inside a %(perimeter)s m outline)",
                        width=number(width[i], 2),
                        area=number(area[i], 1),
                        perimeter=number(perimeter[i]),
                    ),
                    area_m2=area[i],
                )
            )
    return findings


def _run_checks(
    batch: _Batch,
    extent: Extent,
    max_segment_m: float,
    expected: GeometryKind,
    min_overlap_m2: float,
    *,
    check_overlap: bool,
    plausible: Plausible | None = None,
) -> list[Finding]:
    arr = batch.geoms
    present = ~(shapely.is_missing(arr) | shapely.is_empty(arr))
    rings = rings_of(arr)
    findings = _check_empty(batch, present)
    findings += _check_type(batch, present, expected)
    few_found, few = _check_few_vertices(batch, rings)
    findings += few_found
    valid = shapely.is_valid(arr)
    findings += _check_invalid(batch, present & ~valid & ~few)
    dup_found, later_copy = _check_duplicates(batch, present)
    findings += dup_found
    segments = segments_of(rings)
    findings += _check_repeated_vertices(batch, segments)
    findings += _check_long_segments(batch, segments, max_segment_m)
    findings += _check_extent(batch, present, rings, extent)
    polygonal = np.isin(shapely.get_type_id(arr), (POLYGON, MULTIPOLYGON))
    if plausible is not None:
        findings += _check_size(batch, present & polygonal & ~few, extent, plausible)
    if check_overlap and expected in ("polygon", "any"):
        candidates = present & polygonal & valid & ~few & ~later_copy
        findings += _check_overlaps(batch, candidates, min_overlap_m2)
    return findings


def check_geometries(
    entity: str,
    ids: IdsLike,
    geoms: Any,
    *,
    extent: Extent | None = None,
    max_segment_m: float = 5000.0,
    expected: GeometryKind = "polygon",
    check_overlap: bool = True,
    min_overlap_m2: float = 1.0,
    plausible: Plausible | None = None,
) -> list[Finding]:
    """Check a batch of WGS84 geometries against every geometry rule.

    Parameters
    ----------
    entity : str
        What the geometries are (``"hazard"``, ``"cleared_area"``); it names
        the records in findings and messages.
    ids : sequence
        One id per geometry, in the same order.
    geoms : array_like of shapely geometries
        Longitude/latitude (EPSG:4326) geometries; ``None`` is allowed.
    extent : Extent, optional
        Where the data should lie, for ``outside_extent`` and
        ``swapped_coordinates``; by default the whole world, which still
        catches impossible coordinates (a latitude of 104° is a swapped
        Cambodian point).
    max_segment_m : float
        Longest acceptable geodesic distance between consecutive vertices.
    expected : {"polygon", "point", "line", "any"}
        Geometry kind expected; others give ``wrong_geometry_type``.
    check_overlap : bool
        Whether to look for overlapping polygons (pairs, each once).
    min_overlap_m2 : float
        Overlaps of this geodesic area or less are ignored (slivers from
        digitising along a shared edge).
    plausible : Plausible, optional
        Size limits of a polygon (``oversized``, ``sliver``); none if not
        given.

    Returns
    -------
    list of Finding
        Grouped by rule (in :class:`Rule` order), in input order within a
        rule. Overlaps name the earlier record as ``id`` and the later as
        ``related_id``; duplicates name the later record and the first copy.

    Examples
    --------
    >>> import shapely
    >>> bowtie = shapely.from_wkt(
    ...     "POLYGON ((47 40, 47.01 40.01, 47 40.01, 47.01 40, 47 40))"
    ... )
    >>> [f.rule.value for f in check_geometries("hazard", [1, 2], [bowtie, None])]
    ['invalid_geometry', 'empty_geometry']
    """
    if expected not in _KIND_TYPES:
        raise ValueError(f"expected must be one of {sorted(_KIND_TYPES)}: {expected!r}")
    if not max_segment_m > 0:
        raise ValueError(f"max_segment_m must be positive: {max_segment_m!r}")
    arr = as_geometry_array(geoms)
    batch = _Batch(entity, as_ids(ids, len(arr)), arr)
    # NaN coordinates are data errors to report, not reasons to warn.
    with np.errstate(invalid="ignore"):
        findings = _run_checks(
            batch,
            extent or WORLD,
            max_segment_m,
            expected,
            min_overlap_m2,
            check_overlap=check_overlap,
            plausible=plausible,
        )
    findings.sort(key=lambda f: _RULE_ORDER[f.rule])
    logger.info(
        "checked %d %s geometries: %d findings", len(arr), entity, len(findings)
    )
    return findings


# What is only doubtful about one record's geometry: it is saved (as a
# draft) with a warning, and ``demine validate`` keeps reporting it.
ENTRY_RULES = frozenset(
    {Rule.OUTSIDE_EXTENT, Rule.SWAPPED_COORDINATES, Rule.OVERSIZED, Rule.SLIVER}
)


@dataclass(frozen=True, slots=True)
class EntryRules:
    """Where records should lie and how large they may be, for warnings at entry."""

    extent: Extent
    plausible: Plausible


def entry_warnings(
    rules: EntryRules, entity: str, geom: Any, expected: GeometryKind
) -> list[Finding]:
    """The doubts about one new record's geometry (:data:`ENTRY_RULES`).

    The same rules as ``demine validate``, applied to one record as it is
    entered (its id is not known yet: findings name it "new").
    """
    if geom is None:
        return []
    found = check_geometries(
        entity,
        ["(new)"],
        [geom],
        extent=rules.extent,
        expected=expected,
        check_overlap=False,
        plausible=rules.plausible if expected == "polygon" else None,
    )
    return [f for f in found if f.rule in ENTRY_RULES]


def summarise(findings: Iterable[Finding]) -> dict[Rule, int]:
    """Count findings per rule, in :class:`Rule` order, omitting zero counts.

    Examples
    --------
    >>> f = Finding(Rule.OVERLAP, "hazard", 1, "hazard 1: overlaps hazard 2")
    >>> summarise([f, f])
    {<Rule.OVERLAP: 'overlap'>: 2}
    """
    counts = Counter(f.rule for f in findings)
    return {rule: counts[rule] for rule in Rule if counts[rule]}
