# SPDX-License-Identifier: GPL-3.0-or-later
"""The land-release ledger (IMAS 07.11): what is left of each hazard.

For every hazardous area::

    remaining = original - cancelled - reduced - cleared

where each term is measured on the *geometry* of the release products, clipped
to the hazard, and ground released twice counts once, for the first release
(by date, ties broken by release id). Typed-in areas are only compared with the
geometry, never summed.

The ledger works on geometries already projected to an equal-area metric CRS
(the caller projects with :mod:`demine.geo.area`), so planar area is area in
m². It is vectorised with Shapely 2; Python loops run only over findings.

Releases that name a hazard not in the input are not an error: their whole
area is reported as outside any hazard (a ``release_outside_hazard`` finding,
whatever its size) and counts for no hazard. Duplicate ids and unknown release
kinds are errors (:class:`~demine.errors.RecordError`), because they make the
accounting itself ambiguous.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import shapely

from demine.domain.findings import Finding, Rule
from demine.domain.labels import in_sentence
from demine.domain.vocab import ReleaseKind
from demine.errors import RecordError
from demine.i18n import _
from demine.i18n.numbers import number

__all__ = ["Ledger", "LedgerInput", "compute_ledger"]

_KINDS: tuple[ReleaseKind, ...] = tuple(ReleaseKind)
_EMPTY = shapely.Polygon()
# Relative size of float noise left by overlay operations: differences of this
# order between sums of areas and the hazard's area are rounding, not ground.
_NOISE = 1e-9
# Overlay leaves slivers: parts thinner than this (twice area over perimeter,
# in metres). They hold no ground, and GEOS can mis-handle a multipolygon that
# carries one in a later overlay (seen with GEOS 3.14: an intersection
# returning the whole other operand), so they are dropped.
_SLIVER_WIDTH_M = 1e-6

# Release polygons digitised along a hazard edge, or along each other, never
# match to the millimetre, and projecting lon/lat to metres bends long straight
# edges by a few millimetres: slivers below this share of the release's area
# are noise, counted in the figures but not worth a finding.
RELATIVE_NOISE = 1e-4

PointTransform = Callable[[np.ndarray], np.ndarray]


def _objects(values: Any) -> np.ndarray:
    """1-D object array of ``values`` (lists, Series, GeoSeries, arrays)."""
    out = np.empty(len(values), dtype=object)
    out[:] = list(values) if not isinstance(values, np.ndarray) else values
    return out


def _ids(values: Any) -> np.ndarray:
    """Object array of ids as plain Python values, so findings serialise."""
    out = _objects(values)
    scalars = np.fromiter(
        (isinstance(v, np.generic) for v in out), dtype=bool, count=len(out)
    )
    out[scalars] = [v.item() for v in out[scalars]]
    return out


def _dates(values: Any, ids: np.ndarray) -> np.ndarray:
    """``datetime64[ns]`` array of ``values``; None/NaT stay NaT."""
    raw = pd.Series(values)
    dates = pd.to_datetime(raw, format="ISO8601", errors="coerce")
    bad = np.flatnonzero(dates.isna().to_numpy() & raw.notna().to_numpy())
    if len(bad):
        i = int(bad[0])
        raise RecordError(
            _("is not a date: %(value)r", value=raw.iloc[i]),
            entity="release",
            record=ids[i] if i < len(ids) else i,
            field="released_on",
        )
    return dates.to_numpy(dtype="datetime64[ns]")


@dataclass(frozen=True, eq=False)
class LedgerInput:
    """Hazards and release products, as parallel arrays, in metric coordinates.

    ``release_kinds`` holds :class:`~demine.domain.vocab.ReleaseKind` values
    (members or their strings); ``release_dates`` orders the releases of a
    hazard (dates, datetimes, ``datetime64`` or ISO 8601 text; missing dates
    sort last); ``release_reported_m2`` is the typed-in area, NaN when there is
    none, or ``None`` for no typed-in areas at all. Geometries may be ``None``,
    empty or invalid: the ledger repairs a private copy for its arithmetic.
    """

    hazard_ids: np.ndarray
    hazard_geoms: np.ndarray
    release_ids: np.ndarray
    release_hazard_ids: np.ndarray
    release_kinds: np.ndarray
    release_dates: np.ndarray
    release_geoms: np.ndarray
    release_reported_m2: np.ndarray | None = None

    def __post_init__(self) -> None:
        fix = object.__setattr__
        fix(self, "hazard_ids", _ids(self.hazard_ids))
        fix(self, "hazard_geoms", _objects(self.hazard_geoms))
        fix(self, "release_ids", _ids(self.release_ids))
        fix(self, "release_hazard_ids", _ids(self.release_hazard_ids))
        fix(self, "release_geoms", _objects(self.release_geoms))
        fix(self, "release_kinds", np.asarray([str(k) for k in self.release_kinds]))
        fix(self, "release_dates", _dates(self.release_dates, self.release_ids))
        n = len(self.release_ids)
        reported = self.release_reported_m2
        reported = np.full(n, np.nan) if reported is None else reported
        fix(self, "release_reported_m2", np.asarray(reported, dtype=float))
        if len(self.hazard_geoms) != len(self.hazard_ids):
            raise ValueError("hazard_ids and hazard_geoms differ in length")
        for name in (
            "release_hazard_ids",
            "release_kinds",
            "release_dates",
            "release_geoms",
            "release_reported_m2",
        ):
            if len(getattr(self, name)) != n:
                raise ValueError(f"{name} and release_ids differ in length")

    @classmethod
    def from_frames(
        cls,
        hazards: pd.DataFrame,
        releases: pd.DataFrame,
        *,
        hazard_id: str = "id",
        release_id: str = "id",
        geometry: str = "geometry",
    ) -> LedgerInput:
        """Build the input from two (Geo)DataFrames.

        ``releases`` needs columns ``hazard_id``, ``kind``, ``released_on`` and
        the geometry column, and may have ``area_m2`` (typed-in area). Both
        frames must already be in a metric equal-area CRS.
        """
        reported = releases.get("area_m2")
        return cls(
            hazard_ids=hazards[hazard_id].to_numpy(),
            hazard_geoms=np.asarray(hazards[geometry], dtype=object),
            release_ids=releases[release_id].to_numpy(),
            release_hazard_ids=releases["hazard_id"].to_numpy(),
            release_kinds=releases["kind"].to_numpy(),
            release_dates=releases["released_on"].to_numpy(),
            release_geoms=np.asarray(releases[geometry], dtype=object),
            release_reported_m2=None
            if reported is None
            else pd.to_numeric(reported).to_numpy(dtype=float),
        )


@dataclass(frozen=True, eq=False)
class Ledger:
    """Result of :func:`compute_ledger`; all areas in m².

    Per hazard (aligned with ``hazard_ids``): ``total_m2``, ``cancelled_m2``,
    ``reduced_m2``, ``cleared_m2`` and ``remaining_m2``, which add up to
    ``total_m2``. Per release (aligned with ``release_ids``):
    ``geometric_m2`` (the whole polygon), ``clipped_m2`` (the part inside its
    hazard), ``outside_m2`` (the rest), ``double_m2`` (the clipped part
    already released earlier) and ``effective_m2`` (what this release adds to
    the hazard's released ground, ``clipped - double``); ``effective_geoms``
    is that ground as geometry. ``hazard_index`` maps each release to the
    position of its hazard, -1 when the hazard is unknown.
    """

    hazard_ids: np.ndarray
    total_m2: np.ndarray
    cancelled_m2: np.ndarray
    reduced_m2: np.ndarray
    cleared_m2: np.ndarray
    remaining_m2: np.ndarray
    release_ids: np.ndarray
    hazard_index: np.ndarray
    release_kinds: np.ndarray
    geometric_m2: np.ndarray
    clipped_m2: np.ndarray
    outside_m2: np.ndarray
    double_m2: np.ndarray
    effective_m2: np.ndarray
    effective_geoms: np.ndarray
    findings: list[Finding] = field(default_factory=list)

    @property
    def released_m2(self) -> np.ndarray:
        """Per hazard: cancelled + reduced + cleared."""
        return self.cancelled_m2 + self.reduced_m2 + self.cleared_m2

    def hazard_frame(self) -> pd.DataFrame:
        """One row per hazard, indexed by hazard id."""
        counts = np.bincount(
            self.hazard_index[self.hazard_index >= 0], minlength=len(self.hazard_ids)
        )
        return pd.DataFrame(
            {
                "total_m2": self.total_m2,
                "cancelled_m2": self.cancelled_m2,
                "reduced_m2": self.reduced_m2,
                "cleared_m2": self.cleared_m2,
                "released_m2": self.released_m2,
                "remaining_m2": self.remaining_m2,
                "releases": counts,
            },
            index=pd.Index(self.hazard_ids, name="hazard_id"),
        )

    def release_frame(self) -> pd.DataFrame:
        """One row per release, indexed by release id; hazard id None if unknown."""
        known = self.hazard_index >= 0
        hazard = np.full(len(self.release_ids), None, dtype=object)
        hazard[known] = self.hazard_ids[self.hazard_index[known]]
        return pd.DataFrame(
            {
                "hazard_id": hazard,
                "kind": self.release_kinds,
                "geometric_m2": self.geometric_m2,
                "clipped_m2": self.clipped_m2,
                "outside_m2": self.outside_m2,
                "double_m2": self.double_m2,
                "effective_m2": self.effective_m2,
            },
            index=pd.Index(self.release_ids, name="release_id"),
        )

    def findings_frame(self) -> pd.DataFrame:
        """The findings as a table, one row each."""
        columns = ["rule", "entity", "id", "message", "x", "y", "related_id"]
        rows = [f.as_dict() for f in self.findings]
        return pd.DataFrame(rows, columns=[*columns, "area_m2"])


def compute_ledger(
    inp: LedgerInput,
    *,
    area_tolerance: float = 0.05,
    min_area_m2: float = 1.0,
    to_wgs84: PointTransform | None = None,
) -> Ledger:
    """Account for every m² of every hazard: cancelled, reduced, cleared, left.

    Each release is clipped to its hazard; from the clipped part, the ground
    already released by earlier releases of the same hazard is taken away, so
    that no m² is counted twice. Problems become findings, not errors.

    Parameters
    ----------
    inp : LedgerInput
        Hazards and releases in an equal-area metric CRS.
    area_tolerance : float, default 0.05
        Relative difference between a typed-in and the geometric area of a
        release beyond which an ``area_mismatch`` finding is raised.
    min_area_m2 : float, default 1.0
        Areas (outside the hazard, released twice, mismatch) at or below this
        are rounding or digitising noise: they count in the numbers but raise
        no finding.
    to_wgs84 : callable, optional
        Takes an object array of shapely Points in the ledger's CRS and
        returns them in WGS84 (lon/lat); used to locate findings. Without it,
        findings have no ``x``/``y``.

    Returns
    -------
    Ledger
        Per-hazard and per-release areas in m², and the findings.

    Raises
    ------
    RecordError
        On duplicate hazard or release ids, or an unknown release kind.

    Examples
    --------
    >>> import shapely
    >>> inp = LedgerInput(
    ...     hazard_ids=["H1"],
    ...     hazard_geoms=[shapely.box(0, 0, 100, 100)],
    ...     release_ids=[1, 2],
    ...     release_hazard_ids=["H1", "H1"],
    ...     release_kinds=["cancelled", "cleared"],
    ...     release_dates=["2024-01-10", "2024-05-01"],
    ...     release_geoms=[shapely.box(0, 0, 50, 100), shapely.box(40, 0, 60, 100)],
    ... )
    >>> ledger = compute_ledger(inp)
    >>> row = ledger.hazard_frame().loc["H1"]
    >>> row[["cancelled_m2", "cleared_m2", "remaining_m2"]].to_dict()
    {'cancelled_m2': 5000.0, 'cleared_m2': 1000.0, 'remaining_m2': 4000.0}
    >>> [(f.rule.value, f.id, f.related_id, f.area_m2) for f in ledger.findings]
    [('double_release', 2, 1, 1000.0)]
    """
    hazards = _polygonal(inp.hazard_geoms)
    releases = _polygonal(inp.release_geoms)
    hidx = _hazard_index(inp)
    kinds = _kind_codes(inp)
    rank = _release_rank(inp)

    geometric = shapely.area(releases)
    clipped = _clip(releases, hazards, hidx)
    clipped_m2 = np.minimum(shapely.area(clipped), geometric)
    outside = _snap(geometric - clipped_m2, geometric)
    outside[hidx < 0] = geometric[hidx < 0]

    later, earlier, overlap = _earlier_overlaps(clipped, hidx, rank)
    effective = _subtract_earlier(clipped, later, earlier)
    effective_m2 = np.minimum(shapely.area(effective), clipped_m2)
    effective_m2 = clipped_m2 - _snap(clipped_m2 - effective_m2, clipped_m2)
    double = clipped_m2 - effective_m2

    total = shapely.area(hazards)
    by_kind = _sum_by_kind(effective_m2, hidx, kinds, len(hazards))
    remaining = _snap(total - by_kind.sum(axis=0), total)

    located = _Locator(to_wgs84)
    _find_outside(inp, located, releases, hazards, hidx, outside, min_area_m2)
    _find_double(inp, located, later, earlier, overlap, min_area_m2)
    _find_mismatch(inp, located, releases, geometric, area_tolerance, min_area_m2)
    return Ledger(
        hazard_ids=inp.hazard_ids,
        total_m2=total,
        cancelled_m2=by_kind[_KINDS.index(ReleaseKind.CANCELLED)],
        reduced_m2=by_kind[_KINDS.index(ReleaseKind.REDUCED)],
        cleared_m2=by_kind[_KINDS.index(ReleaseKind.CLEARED)],
        remaining_m2=remaining,
        release_ids=inp.release_ids,
        hazard_index=hidx,
        release_kinds=np.asarray([k.value for k in _KINDS], dtype=object)[kinds],
        geometric_m2=geometric,
        clipped_m2=clipped_m2,
        outside_m2=outside,
        double_m2=double,
        effective_m2=effective_m2,
        effective_geoms=effective,
        findings=located.resolve(),
    )


def _snap(values: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Clamp at 0 and zero what is float noise relative to ``scale``."""
    out = np.maximum(values, 0.0)
    out[out <= _NOISE * np.maximum(scale, 1.0)] = 0.0
    return out


def _polygonal(geoms: np.ndarray) -> np.ndarray:
    """Private, valid, purely polygonal copy of ``geoms``; None becomes empty.

    Points and lines have no area, and mixed collections break overlay, so
    only polygon parts are kept. The input array is not modified.
    """
    out = geoms.copy()
    out[shapely.is_missing(out)] = _EMPTY
    type_ids = shapely.get_type_id(out)
    odd = ~np.isin(type_ids, (3, 6))  # neither Polygon nor MultiPolygon
    if odd.any():
        out[odd] = _polygon_parts(out[odd])
    bad = ~shapely.is_valid(out)
    if bad.any():
        fixed = shapely.make_valid(out[bad], method="structure", keep_collapsed=False)
        still_odd = ~np.isin(shapely.get_type_id(fixed), (3, 6))
        fixed[still_odd] = _polygon_parts(fixed[still_odd])
        out[bad] = fixed
    return out


def _polygon_parts(geoms: np.ndarray) -> np.ndarray:
    """MultiPolygon of the polygon parts of each geometry (may be empty)."""
    parts, index = shapely.get_parts(geoms, return_index=True)
    while True:  # collections may nest collections or multi-geometries
        nested = shapely.get_num_geometries(parts) > 1
        nested |= np.isin(shapely.get_type_id(parts), (4, 5, 6, 7))
        if not nested.any():
            break
        sub, sub_index = shapely.get_parts(parts[nested], return_index=True)
        parts = np.concatenate([parts[~nested], sub])
        index = np.concatenate([index[~nested], index[nested][sub_index]])
    keep = (shapely.get_type_id(parts) == 3) & ~shapely.is_empty(parts)
    out = np.full(len(geoms), _EMPTY, dtype=object)
    if keep.any():
        shapely.multipolygons(parts[keep], indices=index[keep], out=out)
    # Parts of a collection may overlap; union them so area counts once.
    bad = ~shapely.is_valid(out)
    out[bad] = shapely.make_valid(out[bad], method="structure", keep_collapsed=False)
    return out


def _without_slivers(geoms: np.ndarray) -> np.ndarray:
    """``geoms`` with polygon parts thinner than ``_SLIVER_WIDTH_M`` removed."""
    parts, index = shapely.get_parts(geoms, return_index=True)
    width = 2 * shapely.area(parts) / np.maximum(shapely.length(parts), 1e-300)
    thin = width < _SLIVER_WIDTH_M
    if not thin.any():
        return geoms
    touched = np.unique(index[thin])
    keep = ~thin & np.isin(index, touched)
    out = geoms.copy()
    rebuilt = np.full(len(geoms), _EMPTY, dtype=object)
    if keep.any():
        shapely.multipolygons(parts[keep], indices=index[keep], out=rebuilt)
    out[touched] = rebuilt[touched]
    return out


def _hazard_index(inp: LedgerInput) -> np.ndarray:
    """Position of each release's hazard in ``inp.hazard_ids``; -1 if unknown."""
    hazards = pd.Index(inp.hazard_ids)
    if not hazards.is_unique:
        dup = hazards[hazards.duplicated()][0]
        raise RecordError(_("appears twice in the ledger"), entity="hazard", record=dup)
    releases = pd.Index(inp.release_ids)
    if not releases.is_unique:
        dup = releases[releases.duplicated()][0]
        raise RecordError(
            _("appears twice in the ledger"), entity="release", record=dup
        )
    return np.asarray(hazards.get_indexer(inp.release_hazard_ids), dtype=np.intp)


def _kind_codes(inp: LedgerInput) -> np.ndarray:
    """Position of each release's kind in ``_KINDS``."""
    values = np.char.lower(np.char.strip(inp.release_kinds.astype(str)))
    codes = pd.Index([k.value for k in _KINDS]).get_indexer(values)
    codes = np.asarray(codes, dtype=np.intp)
    if (codes < 0).any():
        i = int(np.flatnonzero(codes < 0)[0])
        allowed = ", ".join(k.value for k in _KINDS)
        raise RecordError(
            _(
                "unknown release kind %(release_kind)r; allowed: %(allowed)s",
                release_kind=inp.release_kinds[i],
                allowed=allowed,
            ),
            entity="release",
            record=inp.release_ids[i],
            field="kind",
        )
    return codes


def _release_rank(inp: LedgerInput) -> np.ndarray:
    """Order of release: by date (undated last), then id, then input order."""
    dates = inp.release_dates.view(np.int64).copy()
    dates[np.isnat(inp.release_dates)] = np.iinfo(np.int64).max
    try:
        id_codes, _unused = pd.factorize(inp.release_ids, sort=True)
    except TypeError:  # ids of mixed types: order them as text
        id_codes, _unused = pd.factorize(inp.release_ids.astype(str), sort=True)
    order = np.lexsort((np.arange(len(dates)), id_codes, dates))
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order))
    return rank


def _clip(releases: np.ndarray, hazards: np.ndarray, hidx: np.ndarray) -> np.ndarray:
    """Each release intersected with its hazard (empty if the hazard is unknown)."""
    hazard = np.full(len(releases), _EMPTY, dtype=object)
    known = hidx >= 0
    hazard[known] = hazards[hidx[known]]
    clipped = np.full(len(releases), _EMPTY, dtype=object)
    # Most releases lie inside their hazard: a covers test costs a fifth of an
    # overlay, which then runs only on the rest. (Preparing the hazards does
    # not pay off at a few releases per hazard, and would touch the caller's
    # geometry objects.)
    inside = known & shapely.covers(hazard, releases)
    clipped[inside] = releases[inside]
    rest = known & ~inside & shapely.intersects(hazard, releases)
    clipped[rest] = _without_slivers(shapely.intersection(releases[rest], hazard[rest]))
    odd = ~np.isin(shapely.get_type_id(clipped), (3, 6))
    if odd.any():
        clipped[odd] = _polygon_parts(clipped[odd])
    return clipped


def _earlier_overlaps(
    clipped: np.ndarray, hidx: np.ndarray, rank: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (later, earlier) of releases of one hazard whose interiors overlap.

    Returns the two position arrays and the overlap geometries.
    """
    tree = shapely.STRtree(clipped)
    later, earlier = tree.query(clipped)
    same = (hidx[later] == hidx[earlier]) & (hidx[later] >= 0)
    same &= rank[earlier] < rank[later]
    later, earlier = later[same], earlier[same]
    # Releases that merely share an edge are the common case: boxes that only
    # touch, then the exact predicate, drop them before the costlier overlay.
    lo = shapely.bounds(clipped[later])
    eo = shapely.bounds(clipped[earlier])
    span = np.minimum(lo[:, 2:], eo[:, 2:]) - np.maximum(lo[:, :2], eo[:, :2])
    boxes = (span > 0).all(axis=1)
    later, earlier = later[boxes], earlier[boxes]
    inner = shapely.relate_pattern(clipped[later], clipped[earlier], "2********")
    later, earlier = later[inner], earlier[inner]
    overlap = shapely.intersection(clipped[later], clipped[earlier])
    return later, earlier, overlap


def _subtract_earlier(
    clipped: np.ndarray, later: np.ndarray, earlier: np.ndarray
) -> np.ndarray:
    """Each clipped release minus the earlier releases it overlaps.

    Done in rounds: round k takes away the k-th earlier neighbour of every
    release at once, so each round is one vectorised difference.
    """
    effective = clipped.copy()
    if len(later) == 0:
        return effective
    order = np.argsort(later, kind="stable")
    later, earlier = later[order], earlier[order]
    starts = np.r_[0, np.flatnonzero(np.diff(later)) + 1]
    sizes = np.diff(np.r_[starts, len(later)])
    ordinal = np.arange(len(later)) - np.repeat(starts, sizes)
    for k in range(int(sizes.max())):
        at = ordinal == k
        effective[later[at]] = _without_slivers(
            shapely.difference(effective[later[at]], clipped[earlier[at]])
        )
    odd = ~np.isin(shapely.get_type_id(effective), (3, 6))
    if odd.any():
        effective[odd] = _polygon_parts(effective[odd])
    return effective


def _sum_by_kind(
    effective_m2: np.ndarray, hidx: np.ndarray, kinds: np.ndarray, n_hazards: int
) -> np.ndarray:
    """Array (kind, hazard) of effective released area."""
    out = np.zeros((len(_KINDS), n_hazards))
    known = hidx >= 0
    for k in range(len(_KINDS)):
        sel = known & (kinds == k)
        out[k] = np.bincount(hidx[sel], weights=effective_m2[sel], minlength=n_hazards)
    return out


class _Locator:
    """Collects findings with their metric points; converts all points at once."""

    def __init__(self, to_wgs84: PointTransform | None) -> None:
        self._to_wgs84 = to_wgs84
        self._findings: list[dict[str, Any]] = []
        self._points: list[np.ndarray] = []

    def add(self, points: np.ndarray, rows: Sequence[dict[str, Any]]) -> None:
        self._points.append(points)
        self._findings.extend(rows)

    def resolve(self) -> list[Finding]:
        if not self._findings:
            return []
        points = np.concatenate(self._points)
        x = np.full(len(points), np.nan)
        y = np.full(len(points), np.nan)
        if self._to_wgs84 is not None:
            have = ~shapely.is_empty(points)
            moved = np.asarray(self._to_wgs84(points[have]), dtype=object)
            x[have], y[have] = shapely.get_x(moved), shapely.get_y(moved)
        return [
            Finding(
                **row,
                x=None if np.isnan(px) else float(px),
                y=None if np.isnan(py) else float(py),
            )
            for row, px, py in zip(self._findings, x, y, strict=True)
        ]


def _release_word(kind: str) -> str:
    try:
        return in_sentence(ReleaseKind(kind))
    except ValueError:
        return kind


def _m2(value: float) -> str:
    return _("%(area)s m²", area=number(value, 1))


def _find_outside(
    inp: LedgerInput,
    located: _Locator,
    releases: np.ndarray,
    hazards: np.ndarray,
    hidx: np.ndarray,
    outside: np.ndarray,
    min_area_m2: float,
) -> None:
    """``release_outside_hazard``: unknown hazards, and parts beyond the edge."""
    unknown = np.flatnonzero(hidx < 0)
    located.add(
        shapely.point_on_surface(releases[unknown]),
        [
            {
                "rule": Rule.RELEASE_OUTSIDE_HAZARD,
                "entity": "release",
                "id": inp.release_ids[i],
                "message": _(
                    "release %(release)s names no hazard; its %(area)s count for "
                    "no hazard",
                    release=inp.release_ids[i],
                    area=_m2(outside[i]),
                )
                if pd.isna(inp.release_hazard_ids[i])
                else _(
                    "release %(release)s names hazard %(hazard)s, which is not in "
                    "the register; its %(area)s count for no hazard",
                    release=inp.release_ids[i],
                    hazard=inp.release_hazard_ids[i],
                    area=_m2(outside[i]),
                ),
                "related_id": inp.release_hazard_ids[i],
                "area_m2": float(outside[i]),
            }
            for i in unknown
        ],
    )
    noise = np.maximum(min_area_m2, RELATIVE_NOISE * shapely.area(releases))
    out = np.flatnonzero((hidx >= 0) & (outside > noise))
    parts = shapely.difference(releases[out], hazards[hidx[out]])
    located.add(
        shapely.point_on_surface(parts),
        [
            {
                "rule": Rule.RELEASE_OUTSIDE_HAZARD,
                "entity": "release",
                "id": inp.release_ids[i],
                "message": _(
                    "%(area)s of release %(release)s lie outside hazard %(hazard)s",
                    area=_m2(outside[i]),
                    release=inp.release_ids[i],
                    hazard=inp.hazard_ids[hidx[i]],
                ),
                "related_id": inp.hazard_ids[hidx[i]],
                "area_m2": float(outside[i]),
            }
            for i in out
        ],
    )


def _find_double(
    inp: LedgerInput,
    located: _Locator,
    later: np.ndarray,
    earlier: np.ndarray,
    overlap: np.ndarray,
    min_area_m2: float,
) -> None:
    """``double_release``: one finding per pair of overlapping releases."""
    area = shapely.area(overlap)
    sizes = np.nan_to_num(shapely.area(inp.release_geoms))
    smaller = np.minimum(sizes[later], sizes[earlier])
    noise = np.maximum(min_area_m2, RELATIVE_NOISE * smaller)
    big = np.flatnonzero(area > noise)
    rows = []
    for p in big:
        i, j = later[p], earlier[p]
        rid, eid = inp.release_ids[i], inp.release_ids[j]
        date = inp.release_dates[j]
        when = _("undated") if np.isnat(date) else np.datetime_as_string(date, unit="D")
        kind = _release_word(str(inp.release_kinds[j]).strip().lower())
        rows.append(
            {
                "rule": Rule.DOUBLE_RELEASE,
                "entity": "release",
                "id": rid,
                "message": _(
                    "%(area)s of release %(release)s were already released by "
                    "release %(earlier)s (%(kind)s, %(when)s) of hazard %(hazard)s; "
                    "counted once",
                    area=_m2(area[p]),
                    release=rid,
                    earlier=eid,
                    kind=kind,
                    when=when,
                    hazard=inp.release_hazard_ids[i],
                ),
                "related_id": eid,
                "area_m2": float(area[p]),
            }
        )
    located.add(shapely.point_on_surface(overlap[big]), rows)


def _find_mismatch(
    inp: LedgerInput,
    located: _Locator,
    releases: np.ndarray,
    geometric: np.ndarray,
    area_tolerance: float,
    min_area_m2: float,
) -> None:
    """``area_mismatch``: typed-in area far from the polygon's area."""
    reported = inp.release_reported_m2
    assert reported is not None  # filled in by LedgerInput.__post_init__
    diff = np.abs(reported - geometric)
    with np.errstate(invalid="ignore"):
        bad = (diff > area_tolerance * geometric) & (diff > min_area_m2)
    idx = np.flatnonzero(bad)  # NaN compares False: no typed-in area, no finding
    located.add(
        shapely.point_on_surface(releases[idx]),
        [
            {
                "rule": Rule.AREA_MISMATCH,
                "entity": "release",
                "id": inp.release_ids[i],
                "message": _(
                    "release %(release)s reports %(reported)s but its polygon "
                    "measures %(measured)s",
                    release=inp.release_ids[i],
                    reported=_m2(reported[i]),
                    measured=_m2(geometric[i]),
                ),
                "related_id": None,
                "area_m2": float(diff[i]),
            }
            for i in idx
        ],
    )
