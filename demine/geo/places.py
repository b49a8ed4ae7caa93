# SPDX-License-Identifier: GPL-3.0-or-later
"""Where a record lies: its admin area and settlement, from its geometry alone.

Every entry path (a form, the API, ``demine add``, an import, a field form)
fills a record's admin area and settlement here when it does not give them,
so no record falls into the "no admin area" bar of the dashboard because of
the way it was entered.

* The admin area is the one whose boundary holds the record's point (a
  polygon's point on its surface): the finest level first (``admin2``, then
  ``admin1``), then the smaller area, then the lower id, so the answer does
  not depend on the order places were read in.
* The settlement is the one whose boundary holds the point, else the
  nearest settlement point within :data:`SETTLEMENT_RADIUS_M` (geodesic);
  farther than that a record is not "at" any settlement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from demine.geo.area import geodesic_distance
from demine.geo.arrays import as_geometry_array

# Finest first: a record is placed in the smallest admin unit that holds it.
ADMIN_LEVELS = ("admin2", "admin1")
SETTLEMENT = "settlement"
# A hazard or find within 5 km of a village is that village's problem: the
# distance people walk to their fields and pastures.
SETTLEMENT_RADIUS_M = 5_000.0
NONE = -1


@dataclass(frozen=True)
class Gazetteer:
    """The register's admin boundaries and settlements, indexed for lookups."""

    area_ids: NDArray[np.int64]
    area_shapes: NDArray[np.object_]
    area_rank: NDArray[np.int64]  # index into ADMIN_LEVELS
    town_ids: NDArray[np.int64]
    town_points: NDArray[np.object_]
    town_shapes: NDArray[np.object_]

    @classmethod
    def from_places(cls, places: pd.DataFrame) -> Gazetteer:
        """From places: ``id``, ``place_type``, ``boundary``, ``location``."""
        kinds = places["place_type"].astype(str).to_numpy()
        bounds = places["boundary"].to_numpy(dtype=object)
        areas = np.isin(kinds, ADMIN_LEVELS) & ~shapely.is_missing(bounds)
        towns = kinds == SETTLEMENT
        rank = np.array([ADMIN_LEVELS.index(k) for k in kinds[areas]], dtype=np.int64)
        ids = places["id"].to_numpy(dtype=np.int64)
        return cls(
            area_ids=ids[areas],
            area_shapes=bounds[areas],
            area_rank=rank,
            town_ids=ids[towns],
            town_points=places["location"].to_numpy(dtype=object)[towns],
            town_shapes=bounds[towns],
        )

    def locate(self, geoms: object) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Admin area and settlement id of each geometry (:data:`NONE` if none)."""
        arr = as_geometry_array(geoms)
        points = _points(arr)
        return self._areas(points), self._settlements(points)

    def _areas(self, points: NDArray[np.object_]) -> NDArray[np.int64]:
        out = np.full(len(points), NONE, dtype=np.int64)
        present = ~shapely.is_missing(points)
        if not len(self.area_ids) or not present.any():
            return out
        rows = np.flatnonzero(present)
        tree = shapely.STRtree(self.area_shapes)
        hit, area = tree.query(points[rows], predicate="intersects")
        if not len(hit):
            return out
        pairs = pd.DataFrame(
            {
                "row": rows[hit],
                "rank": self.area_rank[area],
                "size": shapely.area(self.area_shapes[area]),
                "id": self.area_ids[area],
            }
        ).sort_values(["row", "rank", "size", "id"], kind="stable")
        best = pairs.drop_duplicates("row")
        out[best["row"].to_numpy()] = best["id"].to_numpy()
        return out

    def _settlements(self, points: NDArray[np.object_]) -> NDArray[np.int64]:
        out = np.full(len(points), NONE, dtype=np.int64)
        present = ~shapely.is_missing(points)
        if not len(self.town_ids) or not present.any():
            return out
        rows = np.flatnonzero(present)
        outlined = ~shapely.is_missing(self.town_shapes)
        if outlined.any():
            shapes = self.town_shapes[outlined]
            hit, town = shapely.STRtree(shapes).query(
                points[rows], predicate="intersects"
            )
            inside = pd.DataFrame(
                {"row": rows[hit], "id": self.town_ids[outlined][town]}
            ).sort_values(["row", "id"])
            first = inside.drop_duplicates("row")
            out[first["row"].to_numpy()] = first["id"].to_numpy()
        todo = rows[out[rows] == NONE]
        located = ~shapely.is_missing(self.town_points)
        if not len(todo) or not located.any():
            return out
        spots = self.town_points[located]
        ids = self.town_ids[located]
        hit, town = shapely.STRtree(spots).query_nearest(
            points[todo], all_matches=False
        )
        start = shapely.get_coordinates(points[todo][hit])
        end = shapely.get_coordinates(spots[town])
        near = geodesic_distance(start, end) <= SETTLEMENT_RADIUS_M
        out[todo[hit][near]] = ids[town][near]
        return out


def _points(geoms: NDArray[np.object_]) -> NDArray[np.object_]:
    """A point of each geometry that lies on it (None for missing or empty)."""
    out = np.full(len(geoms), None, dtype=object)
    bounds = shapely.bounds(geoms)
    usable = (
        ~shapely.is_missing(geoms)
        & ~shapely.is_empty(geoms)
        & np.isfinite(bounds).all(axis=1)
    )
    if usable.any():
        with np.errstate(invalid="ignore"):
            out[usable] = shapely.point_on_surface(geoms[usable])
    return out
