# SPDX-License-Identifier: GPL-3.0-or-later
"""Cell risk aggregated over hazardous areas: a criterion for prioritisation.

A hazard's risk is the mean risk of the cells whose centre lies inside it
(cells are equal-area, so this is the area-weighted mean), with its highest
cell and 90th percentile beside it. A hazard smaller than a cell holds no
cell centre and takes the risk of the nearest cell.

:class:`HazardRiskAccumulator` does the same over a grid read in chunks, so
national risk tables never sit in memory at once (the percentile, which
cannot be merged over chunks, is left out there).
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from demine.errors import PredictionError
from demine.i18n import _

How = Literal["mean", "max", "p90"]


def _centres(cells: Any) -> NDArray[np.object_]:
    geoms = np.asarray(cells, dtype=object)
    if not len(geoms):
        return geoms
    points = shapely.get_type_id(geoms) == 0
    return geoms if points.all() else np.where(points, geoms, shapely.centroid(geoms))


class HazardRiskAccumulator:
    """Mean and maximum cell risk per hazard, over cells given in chunks.

    Examples
    --------
    >>> acc = HazardRiskAccumulator([shapely.box(0, 0, 2, 1)])
    >>> acc.add(shapely.points([0.5], [0.5]), np.array([0.2]))
    >>> acc.add(shapely.points([1.5, 5.0], [0.5, 5.0]), np.array([0.6, 0.9]))
    >>> acc.table().round(2).to_dict("records")
    [{'risk_mean': 0.4, 'risk_max': 0.6, 'cells': 2}]
    """

    def __init__(self, hazards: Any) -> None:
        self.polys = np.asarray(hazards, dtype=object)
        n = len(self.polys)
        self.present = ~(shapely.is_missing(self.polys) | shapely.is_empty(self.polys))
        self.tree = shapely.STRtree(self.polys)
        self.inner = shapely.point_on_surface(self.polys)
        self.sums = np.zeros(n)
        self.counts = np.zeros(n, dtype=np.int64)
        self.maxes = np.full(n, -np.inf)
        self.near_dist = np.full(n, np.inf)
        self.near_risk = np.full(n, np.nan)

    def add(self, cells: Any, risk: NDArray[np.float64]) -> None:
        """Take in cells (outlines or centres, hazard CRS) and their risk."""
        centres = _centres(cells)
        risk = np.asarray(risk, dtype=np.float64)
        if len(centres) != len(risk):
            raise PredictionError(
                _("%(n)s cells but %(n2)s risk values", n=len(centres), n2=len(risk))
            )
        known = np.isfinite(risk) & ~shapely.is_missing(centres)
        centres, risk = centres[known], risk[known]
        if not len(centres):
            return
        cell, hz = self.tree.query(centres, predicate="within")
        np.add.at(self.sums, hz, risk[cell])
        self.counts += np.bincount(hz, minlength=len(self.polys))
        np.maximum.at(self.maxes, hz, risk[cell])
        wanted = np.flatnonzero(self.present)
        if len(wanted):
            near, dist = shapely.STRtree(centres).query_nearest(
                self.inner[wanted], return_distance=True, all_matches=False
            )
            hz_near, cell_near = wanted[near[0]], near[1]
            better = dist < self.near_dist[hz_near]
            self.near_dist[hz_near[better]] = dist[better]
            self.near_risk[hz_near[better]] = risk[cell_near[better]]

    def table(self) -> pd.DataFrame:
        """``risk_mean``, ``risk_max`` and ``cells`` (centres inside) per hazard."""
        has = self.counts > 0
        mean = np.where(has, self.sums / np.maximum(self.counts, 1), self.near_risk)
        top = np.where(has, self.maxes, self.near_risk)
        return pd.DataFrame(
            {"risk_mean": mean, "risk_max": top, "cells": self.counts.copy()}
        )


def hazard_risk_table(cells: Any, risk: Any, hazards: Any) -> pd.DataFrame:
    """``risk_mean``, ``risk_max``, ``risk_p90`` and ``cells`` per hazard,
    indexed like ``hazards`` (see :func:`hazard_risk`)."""
    acc = HazardRiskAccumulator(np.asarray(hazards, dtype=object))
    centres = _centres(cells)
    values = np.asarray(risk, dtype=np.float64)
    acc.add(centres, values)
    table = acc.table()
    known = np.isfinite(values)
    cell, hz = acc.tree.query(centres[known], predicate="within")
    p90 = pd.Series(values[known][cell]).groupby(hz).quantile(0.9)
    table["risk_p90"] = table["risk_mean"].where(acc.counts == 0, np.nan)
    table.loc[p90.index, "risk_p90"] = p90.to_numpy()
    table["cells"] = table["cells"].astype(np.int64)
    if isinstance(hazards, pd.Series):
        table.index = hazards.index
    return table


def hazard_risk(cells: Any, risk: Any, hazards: Any, how: How = "mean") -> pd.Series:
    """One risk figure per hazardous area, from the risk of its cells.

    Parameters
    ----------
    cells : array_like of shapely geometries
        Cell outlines or centres, in the same CRS as ``hazards``.
    risk : array_like of float
        Risk of each cell, 0 to 1 (NaN cells are ignored).
    hazards : pandas.Series or array_like of shapely geometries
        Hazard polygons; a Series keeps its index (hazard ids).
    how : {"mean", "max", "p90"}
        Mean risk over the hazard (area-weighted, as cells are equal-area),
        its riskiest cell, or the 90th percentile of its cells.

    Returns
    -------
    pandas.Series
        Named ``risk``, indexed like ``hazards``; NaN where there are no cells.

    Examples
    --------
    >>> cells = shapely.points([0.5, 1.5, 2.5, 9.5], [0.5, 0.5, 0.5, 9.5])
    >>> hazards = pd.Series([shapely.box(0, 0, 2, 1), shapely.box(9, 9, 9.2, 9.2)],
    ...                     index=[101, 102])
    >>> hazard_risk(cells, [0.2, 0.6, 0.9, 0.3], hazards).round(2).to_dict()
    {101: 0.4, 102: 0.3}
    """
    column = {"mean": "risk_mean", "max": "risk_max", "p90": "risk_p90"}.get(how)
    if column is None:
        raise PredictionError(
            _("unknown aggregation %(how)r: use mean, max or p90", how=how)
        )
    return hazard_risk_table(cells, risk, hazards)[column].rename("risk")
