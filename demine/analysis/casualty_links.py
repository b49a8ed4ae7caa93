# SPDX-License-Identifier: GPL-3.0-or-later
"""Which hazardous area each accident fell in, or lies nearest to.

Distances are planar metres in one Lambert azimuthal equal-area projection
centred on the accidents; within a few hundred kilometres of the centre they
differ from geodesic distances by well under 1 %.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

#: An accident further than this from every hazard is linked to none.
DEFAULT_LINK_DISTANCE_M = 1_000.0

INSIDE = "inside"
NEAR = "near"
NONE = "none"
NO_LOCATION = "no_location"


def link_accidents(
    accident_ids: NDArray[np.int64],
    points: NDArray[np.object_],
    hazard_ids: NDArray[np.int64],
    hazards: NDArray[np.object_],
    max_distance_m: float = DEFAULT_LINK_DISTANCE_M,
) -> pd.DataFrame:
    """One row per accident: ``hazard_id``, ``distance_m`` and ``relation``.

    ``relation`` is ``inside`` (distance 0: the point lies in or on the
    hazard), ``near`` (the nearest hazard within ``max_distance_m``), ``none``
    (no hazard that close) or ``no_location``. Where several hazards are
    equally near (overlapping polygons), the lowest hazard id is taken, so
    the answer does not depend on the order of the index.
    """
    if not max_distance_m >= 0:
        raise ValueError(f"link distance must be ≥ 0 metres: {max_distance_m}")
    n = len(accident_ids)
    hazard = np.full(n, -1, dtype=np.int64)
    distance = np.full(n, np.nan)
    located = ~(shapely.is_missing(points) | shapely.is_empty(points))
    usable = ~(shapely.is_missing(hazards) | shapely.is_empty(hazards))
    if located.any() and usable.any():
        tree = shapely.STRtree(hazards[usable])
        where = np.flatnonzero(located)
        if max_distance_m > 0:
            (pt, hz), dist = tree.query_nearest(
                points[located],
                max_distance=max_distance_m,
                return_distance=True,
                all_matches=True,
            )
        else:  # only accidents inside a hazard (Shapely wants a distance > 0)
            pt, hz = tree.query(points[located], predicate="intersects")
            dist = np.zeros(len(pt))
        pairs = pd.DataFrame(
            {
                "row": where[pt],
                "hazard": hazard_ids[usable][hz],
                "distance": dist,
            }
        ).sort_values(["row", "distance", "hazard"], kind="stable")
        best = pairs.drop_duplicates("row", keep="first")
        hazard[best["row"].to_numpy()] = best["hazard"].to_numpy()
        distance[best["row"].to_numpy()] = best["distance"].to_numpy()
    relation = np.where(
        ~located,
        NO_LOCATION,
        np.where(hazard < 0, NONE, np.where(distance == 0, INSIDE, NEAR)),
    )
    return pd.DataFrame(
        {
            "accident_id": accident_ids,
            "hazard_id": pd.array(
                np.where(hazard < 0, None, hazard),  # type: ignore[call-overload]
                dtype="Int64",
            ),
            "distance_m": np.round(distance, 1),
            "relation": relation,
        }
    )
