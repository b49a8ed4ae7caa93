# SPDX-License-Identifier: GPL-3.0-or-later
"""Held-out regions that look like a new region: neighbouring groups together.

A model is used on land without records, which is always a *new region*:
several municipalities at once, none of them seen in training. Leaving one
municipality out is not that: its neighbours stay in training and share its
ground, roads and history. :func:`neighbour_regions` joins neighbouring
groups into regions of similar size; :func:`transfer_folds` holds out one
region at a time and drops every training cell within ``buffer`` metres of
a held-out cell, so no training cell sits beside the ground it is tested on.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from demine.errors import PredictionError
from demine.i18n import _
from demine.predict.folds import Fold, check_disjoint

#: Regions held out by default, and the buffer around them (metres).
REGIONS = 6
BUFFER = 5_000.0


def neighbour_regions(
    groups: NDArray[np.object_], xy: NDArray[np.float64], k: int = REGIONS
) -> NDArray[np.object_]:
    """Join neighbouring groups into ``k`` regions of similar size.

    The smallest region (in cells) joins the region whose centre is nearest
    to its own, until ``k`` remain. A region is named by its groups, joined
    with " + ".

    Examples
    --------
    >>> groups = np.array(["a", "a", "b", "c", "d", "d"], dtype=object)
    >>> xy = np.array([[0, 0], [1, 0], [2, 0], [50, 0], [52, 0], [53, 0]], float)
    >>> neighbour_regions(groups, xy, 2).tolist()
    ['a + b', 'a + b', 'a + b', 'c + d', 'c + d', 'c + d']
    """
    names = np.asarray(groups).astype(str)
    frame = pd.DataFrame({"g": names, "x": xy[:, 0], "y": xy[:, 1]})
    stats = frame.groupby("g").agg(n=("x", "size"), x=("x", "mean"), y=("y", "mean"))
    if k < 2:
        raise PredictionError(_("hold out at least two regions"))
    members = {g: [g] for g in stats.index}
    size = stats["n"].astype(float).to_dict()
    centre = {g: stats.loc[g, ["x", "y"]].to_numpy(float) for g in stats.index}
    while len(members) > k:  # one step per group, not per cell
        small = min(members, key=lambda r: (size[r], r))
        others = [r for r in members if r != small]
        near = min(others, key=lambda r: (np.hypot(*(centre[r] - centre[small])), r))
        total = size[near] + size[small]
        centre[near] = (centre[near] * size[near] + centre[small] * size[small]) / total
        size[near] = total
        members[near] += members.pop(small)
    region_of = {g: " + ".join(sorted(ms)) for ms in members.values() for g in ms}
    return np.array([region_of[g] for g in names], dtype=object)


def transfer_folds(
    groups: NDArray[np.object_],
    xy: NDArray[np.float64] | None,
    regions: int | None = REGIONS,
    buffer: float = BUFFER,
) -> tuple[list[Fold], NDArray[np.object_]]:
    """Folds holding out one region at a time, with a buffer around it.

    Parameters
    ----------
    groups : numpy.ndarray
        Group (municipality, district) of every cell.
    xy : numpy.ndarray or None
        Cell centres in metres; needed for regions and the buffer.
    regions : int or None
        Join groups into this many regions; None (or too few groups to
        join) holds out every group on its own.
    buffer : float
        Training cells closer than this to a held-out cell are dropped.

    Returns
    -------
    tuple of (list of Fold, numpy.ndarray)
        The folds and the region of every cell.

    Examples
    --------
    >>> groups = np.array(["a", "b", "c", "d"], dtype=object)
    >>> xy = np.array([[0, 0], [1000, 0], [9000, 0], [20000, 0]], float)
    >>> folds, region = transfer_folds(groups, xy, regions=None, buffer=2000)
    >>> [(f.held_out, f.train.tolist()) for f in folds][:2]
    [(('a',), [2, 3]), (('b',), [2, 3])]
    """
    names = np.asarray(groups).astype(str).astype(object)
    n_groups = len(set(names))
    if n_groups < 2:
        raise PredictionError(
            _(
                "validation needs at least two groups to hold out; found %(n_groups)s",
                n_groups=n_groups,
            )
        )
    joined = xy is not None and regions is not None and n_groups >= 2 * regions
    region = neighbour_regions(names, xy, regions) if joined else names  # type: ignore[arg-type]
    folds = []
    for name in sorted(set(region)):
        test = np.flatnonzero(region == name)
        train = np.flatnonzero(region != name)
        if xy is not None and buffer > 0 and len(train):
            gap, _unused = cKDTree(xy[test]).query(
                xy[train], distance_upper_bound=buffer
            )
            train = train[~np.isfinite(gap)]
        held = tuple(sorted(set(names[test])))
        folds.append(Fold(train.astype(np.int64), test.astype(np.int64), held))
    check_disjoint(names, folds)
    if xy is not None and buffer > 0:
        check_buffer(xy, folds, buffer)
    return folds, region


def check_buffer(xy: NDArray[np.float64], folds: list[Fold], buffer: float) -> None:
    """Raise if any fold trains on a cell within ``buffer`` of a test cell."""
    for i, fold in enumerate(folds):
        if not len(fold.train) or not len(fold.test):
            continue
        gap, _unused = cKDTree(xy[fold.test]).query(xy[fold.train])
        if float(gap.min()) < buffer:
            raise PredictionError(
                _(
                    "fold %(value)s trains on a cell %(min).0f m from a test cell",
                    value=i + 1,
                    min=gap.min(),
                )
            )
