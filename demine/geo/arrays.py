# SPDX-License-Identifier: GPL-3.0-or-later
"""Input coercion shared by the geometry functions: geometries and ids."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

#: Record ids: a list, a numpy array, a pandas Index or Series.
IdsLike: TypeAlias = Sequence[Any] | NDArray[Any]


def as_geometry_array(geoms: Any) -> NDArray[np.object_]:
    """Return ``geoms`` (array, list, GeoSeries) as a 1-D object array.

    Examples
    --------
    >>> import shapely
    >>> as_geometry_array([shapely.Point(0, 0), None]).shape
    (2,)
    """
    arr = np.asarray(geoms, dtype=object)
    if arr.ndim != 1:
        arr = arr.reshape(-1)
    return arr


def as_ids(ids: IdsLike, n: int) -> NDArray[np.object_]:
    """Ids as an object array of length ``n``, each id keeping its own type.

    An integer array becomes Python ints, so findings are JSON-ready; a list
    mixing ``1`` and ``"H-1"`` is not coerced to strings.

    Examples
    --------
    >>> as_ids(np.array([7, 8]), 2).tolist(), as_ids([1, "H-1"], 2).tolist()
    ([7, 8], [1, 'H-1'])
    """
    out = np.asarray(ids, dtype=object).reshape(-1)
    if len(out) != n:
        raise ValueError(f"{len(out)} ids for {n} geometries")
    return out


def plain(value: Any) -> Any:
    """A numpy scalar as the Python value it holds."""
    return value.item() if isinstance(value, np.generic) else value
