# SPDX-License-Identifier: GPL-3.0-or-later
"""Cell labels from the register: where mines were and were not found.

A cell is **positive** (1) when an EO item or an accident lies in it, and
**negative** (0) when it intersects ground released by technical survey or
clearance (``reduced`` or ``cleared``) and holds no find. Every other cell is
**unknown** (-1): nobody has looked. Cancelled ground is not a negative by
default: non-technical survey found no *evidence*, which is weaker than
searching the ground. Each part of the rule can be changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from numpy.typing import NDArray

from demine.domain.vocab import EOCategory, ReleaseKind
from demine.errors import PredictionError
from demine.i18n import _
from demine.predict.burn import PolygonLayer

POSITIVE, NEGATIVE, UNKNOWN = 1, 0, -1
DEFAULT_NEGATIVES = frozenset({ReleaseKind.CLEARED.value, ReleaseKind.REDUCED.value})


@dataclass(frozen=True)
class LabelRule:
    """Which records make a cell positive or negative.

    ``categories`` limits the EO categories that count as finds (``None``:
    all of them); ``min_share`` is the share of a cell's area that released
    ground must cover for the cell to count as searched (0: any overlap).

    Examples
    --------
    >>> LabelRule.parse(negatives="cleared", categories="ap_mine,at_mine")
    LabelRule(negatives=frozenset({'cleared'}), categories=frozenset({...}), ...)
    """

    negatives: frozenset[str] = DEFAULT_NEGATIVES
    categories: frozenset[str] | None = None
    accidents: bool = True
    min_share: float = 0.0

    @classmethod
    def parse(
        cls,
        negatives: str = "cleared,reduced",
        categories: str = "all",
        accidents: bool = True,
        min_share: float = 0.0,
    ) -> LabelRule:
        """A rule from comma-separated release kinds and EO categories."""
        kinds = _names(negatives, {k.value for k in ReleaseKind}, "release kind")
        cats = (
            None
            if categories.strip().lower() == "all"
            else _names(categories, {c.value for c in EOCategory}, "EO category")
        )
        if not 0.0 <= min_share <= 1.0:
            raise PredictionError(
                _(
                    "the released share must be 0-1, got %(min_share)s",
                    min_share=min_share,
                )
            )
        return cls(kinds, cats, accidents, float(min_share))


def _names(text: str, allowed: set[str], what: str) -> frozenset[str]:
    names = frozenset(t.strip().lower() for t in text.split(",") if t.strip())
    unknown = sorted(names - allowed)
    if unknown:
        known = ", ".join(sorted(allowed))
        raise PredictionError(
            _(
                "unknown %(what)s: %(values)s (known: %(known)s)",
                what=what,
                values=", ".join(unknown),
                known=known,
            )
        )
    if not names:
        raise PredictionError(_("name at least one %(what)s", what=what))
    return names


@dataclass
class ReleasedGround:
    """Released polygons (projected) that count as searched ground."""

    geoms: NDArray[np.object_]
    layer: PolygonLayer = field(init=False, repr=False)

    def __post_init__(self) -> None:
        geoms = np.asarray(self.geoms, dtype=object)
        keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        self.layer = PolygonLayer(geoms[keep])
        self.geoms = self.layer.geoms

    @property
    def tree(self) -> shapely.STRtree:
        return self.layer.tree

    def searched(
        self, boxes: NDArray[np.object_], min_share: float = 0.0
    ) -> NDArray[np.bool_]:
        """Whether released ground covers each cell (any overlap, or a share).

        Overlapping releases of the same ground count once at most: the summed
        overlap is capped at the cell's area.
        """
        out = np.zeros(len(boxes), dtype=bool)
        if not len(self.geoms) or not len(boxes):
            return out
        cell, release = self.tree.query(boxes, predicate="intersects")
        # Ground that only touches a cell's edge shares no area with it.
        shares_area = ~shapely.touches(boxes[cell], self.geoms[release])
        cell, release = cell[shares_area], release[shares_area]
        if min_share <= 0.0:
            out[cell] = True
            return out
        shared = shapely.area(shapely.intersection(boxes[cell], self.geoms[release]))
        covered = np.bincount(cell, weights=shared, minlength=len(boxes))
        area = shapely.area(boxes)
        return np.asarray(np.minimum(covered, area) >= min_share * area, dtype=bool)


def label_cells(
    ids: NDArray[np.int64],
    boxes: NDArray[np.object_],
    positive_cells: NDArray[np.int64],
    released: ReleasedGround | None,
    min_share: float = 0.0,
) -> NDArray[np.int8]:
    """Label cells 1 (find), 0 (searched, no find) or -1 (unknown).

    Parameters
    ----------
    ids : numpy.ndarray
        Cell ids of the cells to label.
    boxes : numpy.ndarray
        Their outlines, in the projection of ``released``.
    positive_cells : numpy.ndarray
        Sorted unique ids of cells holding a find or an accident.
    released : ReleasedGround or None
        Ground searched without a find being needed (cleared, reduced).
    min_share : float
        Share of a cell that must be released ground to make it negative.

    Returns
    -------
    numpy.ndarray
        int8 labels, one per cell.

    Examples
    --------
    >>> boxes = shapely.box([0, 10, 20], 0, [10, 20, 30], 10)
    >>> ground = ReleasedGround(np.array([shapely.box(5, 0, 25, 10)]))
    >>> label_cells(np.array([0, 1, 2]), boxes, np.array([1]), ground).tolist()
    [0, 1, 0]
    >>> label_cells(np.array([0, 1, 2]), boxes, np.array([1]), ground, 0.6).tolist()
    [-1, 1, -1]
    """
    labels = np.full(len(ids), UNKNOWN, dtype=np.int8)
    if released is not None:
        labels[released.searched(boxes, min_share)] = NEGATIVE
    labels[is_member(ids, positive_cells)] = POSITIVE
    return labels


def is_member(
    values: NDArray[np.int64], sorted_set: NDArray[np.int64]
) -> NDArray[np.bool_]:
    """``np.isin`` for a sorted unique set, by binary search (no hashing).

    Examples
    --------
    >>> is_member(np.array([3, 4, 9]), np.array([1, 3, 9])).tolist()
    [True, False, True]
    """
    if not len(sorted_set):
        return np.zeros(len(values), dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return np.asarray(sorted_set[pos] == values)
