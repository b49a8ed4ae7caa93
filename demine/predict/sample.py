# SPDX-License-Identifier: GPL-3.0-or-later
"""Small synthetic inputs for examples, tests and the docs.

:func:`sample_layers` is a 5 x 5 grid of 100 m cells with one road, two admin
areas, two finds and one released square. :func:`synthetic_grid` is a grid
table whose mines truly lie near a line, so a model has something to learn
and a test can tell learning from luck.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from demine.geo.area import equal_area_crs
from demine.predict.burn import PolygonLayer
from demine.predict.grid import GridSpec
from demine.predict.labels import ReleasedGround
from demine.predict.layers import Areas, FeatureOptions, Layers
from demine.predict.proximity import PointIndex, ShapeIndex


def sample_layers(exclude_own: str = "cell") -> Layers:
    """A 500 m square of 25 cells near 40° N 47° E, built in grid metres.

    Examples
    --------
    >>> layers = sample_layers()
    >>> layers.spec.size, sorted(layers.shapes), layers.positive_cells.tolist()
    (25, ['road'], [6, 18])
    """
    crs = equal_area_crs((47.0, 40.0, 47.0, 40.0))
    spec = GridSpec(crs.to_wkt(), 0.0, 500.0, 100.0, 5, 5)
    areas = Areas(
        PolygonLayer(
            np.array([shapely.box(0, 0, 250, 500), shapely.box(250, 0, 500, 500)])
        ),
        np.array(["West", "East"], dtype=object),
        np.array(["W", "E"], dtype=object),
    )
    road = shapely.LineString([(500, -100), (500, 600)])
    fx, fy = np.array([150.0, 350.0]), np.array([350.0, 150.0])
    cells = spec.cell_of(fx, fy)
    owner = areas.of(fx, fy) if exclude_own == "area" else cells
    return Layers(
        spec=spec,
        region=PolygonLayer(np.array([shapely.box(0, 0, 500, 500)])),
        areas=areas,
        shapes={"road": ShapeIndex.of(np.array([road]), spec.cell / 2)},
        interiors={},
        finds=PointIndex(fx, fy, owner=owner),
        accidents=PointIndex(np.empty(0), np.empty(0)),
        cha=PolygonLayer(np.array([shapely.box(100, 300, 200, 400)])),
        sha=PolygonLayer(np.empty(0, dtype=object)),
        positive_cells=np.unique(cells),
        released=ReleasedGround(np.array([shapely.box(210, 410, 290, 490)])),
        options=FeatureOptions(exclude_own="area" if exclude_own == "area" else "cell"),
        event_cells={"find": np.sort(cells), "accident": np.empty(0, np.int64)},
        event_keys={
            "find": owner[np.argsort(cells)],
            "accident": np.empty(0, np.int64),
        },
    )


def synthetic_grid(
    groups: int = 6, side: int = 24, cell: float = 250.0, seed: int = 0
) -> pd.DataFrame:
    """A grid table where mines lie near a winding line, in ``groups`` areas.

    Columns: ``x``, ``y`` (metres), ``area`` (group name), ``dist_line``
    (the true driver), ``dist_road`` and ``elevation`` (noise), a one-hot
    ``soil_a`` / ``soil_b`` pair, and ``label`` (1 mine, 0 clean, -1 unknown;
    about a third unknown).

    Examples
    --------
    >>> grid = synthetic_grid(groups=2, side=10)
    >>> len(grid), sorted(grid["label"].unique().tolist())
    (200, [-1, 0, 1])
    """
    rng = np.random.default_rng(seed)
    col, row = np.meshgrid(np.arange(side * groups), np.arange(side))
    x = (col.ravel() + 0.5) * cell
    y = (row.ravel() + 0.5) * cell
    width = side * cell
    line_y = width / 2 + width / 4 * np.sin(x / width * 2.0)
    dist_line = np.abs(y - line_y)
    p = 1 / (1 + np.exp(-(2.0 - dist_line / (width / 10))))
    label = (rng.random(len(x)) < p).astype(np.int64)
    label[rng.random(len(x)) < 0.33] = -1
    soil = rng.random(len(x)) < 0.5
    return pd.DataFrame(
        {
            "x": x,
            "y": y,
            "area": np.array([f"area-{i}" for i in (x // width).astype(int)]),
            "dist_line": dist_line,
            "dist_road": rng.uniform(0, width, len(x)),
            "elevation": rng.normal(800, 150, len(x)),
            "soil_a": soil.astype(np.int64),
            "soil_b": (~soil).astype(np.int64),
            "label": label,
        }
    )
