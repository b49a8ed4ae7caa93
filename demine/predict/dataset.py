# SPDX-License-Identifier: GPL-3.0-or-later
"""The labelled cells of a grid table, as the learners see them.

:func:`labelled_cells` checks the label column, picks the features, and
decides the validation groups: the ``group`` column when given, otherwise
square blocks of ``block`` metres over the cells' coordinates. Unknown cells
(label -1) take no part in training or evaluation.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from pyproj import CRS

from demine.errors import PredictionError
from demine.i18n import _
from demine.predict.columns import (
    FeatureSet,
    labels_of,
    require_both_classes,
    require_some_values,
)
from demine.predict.coordinates import locate
from demine.predict.folds import block_groups

log = logging.getLogger(__name__)

DEFAULT_BLOCK = 10_000.0
NO_GROUP = "(none)"


@dataclass(frozen=True)
class Cells:
    """Features ``x``, labels ``y`` (1 / 0), validation ``groups`` and centres
    ``xy`` in metres (None when the table has no coordinates)."""

    x: NDArray[np.float32]
    y: NDArray[np.int8]
    groups: NDArray[np.object_]
    xy: NDArray[np.float64] | None
    names: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.y)

    def take(self, rows: NDArray[np.int64]) -> Cells:
        """The cells at positions ``rows``."""
        return replace(
            self,
            x=self.x[rows],
            y=self.y[rows],
            groups=self.groups[rows],
            xy=None if self.xy is None else self.xy[rows],
        )


@dataclass(frozen=True)
class Dataset:
    """Labelled cells with their feature set, and how groups were chosen."""

    cells: Cells
    features: FeatureSet
    label: str
    grouping: str  # "column <name>", "blocks of <n> m" or "random rows"
    positions: NDArray[np.int64]  # row positions in the source table
    unknown: int


def labelled_cells(
    frame: pd.DataFrame,
    label: str,
    group: str | None = None,
    exclude: tuple[str, ...] = (),
    block: float | None = None,
    crs: str | CRS | None = None,
    require_groups: bool = True,
    drop_group_constant: bool = False,
) -> Dataset:
    """Labelled cells of ``frame`` with features, groups and centres.

    Parameters
    ----------
    frame : pandas.DataFrame
        A grid table: one row per cell.
    label : str
        Label column: 1 mines found, 0 searched and clean, -1 / empty unknown.
    group : str, optional
        Column naming each cell's admin area (or any spatial group).
    exclude : tuple of str
        Numeric columns that are not features.
    block : float, optional
        Block size in metres when there is no group column (default 10 km).
    crs : str or pyproj.CRS, optional
        CRS of ``x`` / ``y`` columns, if any.
    require_groups : bool
        Raise when neither groups nor coordinates exist (evaluation); when
        False, fall back to random rows with a warning (calibration only).
    drop_group_constant : bool
        Leave out features with one value per group (municipal statistics):
        with few groups they teach a model the groups, not the ground.

    Returns
    -------
    Dataset

    Examples
    --------
    >>> from demine.predict.sample import synthetic_grid
    >>> data = labelled_cells(synthetic_grid(groups=2, side=10), "label",
    ...                       group="area")
    >>> data.features.features
    ('dist_line', 'dist_road', 'elevation', 'soil_a', 'soil_b')
    >>> data.grouping, sorted(set(data.cells.groups))
    ('column area', ['area-0', 'area-1'])
    """
    y_all = labels_of(frame, label)
    require_both_classes(y_all, label)
    if group is not None and group not in frame.columns:
        raise PredictionError(_("no group column '%(group)s' in the grid", group=group))
    features = FeatureSet.infer(frame, label, group, exclude)
    positions = np.flatnonzero(y_all >= 0).astype(np.int64)
    rows = frame.iloc[positions]
    x = features.matrix(rows)
    keep = require_some_values(x, features.features)
    if len(keep) < len(features.features):
        dropped = [f for i, f in enumerate(features.features) if i not in set(keep)]
        features = features.drop(dropped)
        x = x[:, keep]
    loc = locate(rows, crs)
    xy = loc.metres() if loc is not None else None
    groups, grouping = _groups(rows, group, xy, block, require_groups)
    cells = Cells(x, y_all[positions], groups, xy, features.features)
    if drop_group_constant:
        constant = group_constant(cells)
        if constant:
            log.info("left out, one value per group: %s", ", ".join(constant))
            features = features.drop(constant)
            kept = [i for i, n in enumerate(cells.names) if n not in set(constant)]
            cells = replace(cells, x=cells.x[:, kept], names=features.features)
    return Dataset(cells, features, label, grouping, positions, int((y_all < 0).sum()))


def _groups(
    rows: pd.DataFrame,
    group: str | None,
    xy: NDArray[np.float64] | None,
    block: float | None,
    require: bool,
) -> tuple[NDArray[np.object_], str]:
    if group is not None:
        names = rows[group].astype(object).where(rows[group].notna(), NO_GROUP)
        return names.astype(str).to_numpy(dtype=object), f"column {group}"
    if xy is not None and np.isfinite(xy).all():
        size = block or DEFAULT_BLOCK
        return block_groups(xy, size), f"blocks of {size:,.0f} m"
    if require:
        raise PredictionError(
            _(
                "validation holds out whole areas, never random rows: give --group "
                "COLUMN, or a table with coordinates for spatial blocks"
            )
        )
    log.warning("no groups and no coordinates: calibration folds are random rows")
    rng = np.random.default_rng(0)
    return rng.integers(0, 10, len(rows)).astype(str).astype(object), "random rows"


def describe(data: Dataset) -> dict[str, Any]:
    """Counts of a dataset, for reports and JSON."""
    y = data.cells.y
    return {
        "labelled": len(y),
        "positive": int((y == 1).sum()),
        "negative": int((y == 0).sum()),
        "unknown": data.unknown,
        "groups": len(set(data.cells.groups)),
        "grouping": data.grouping,
        "features": len(data.features.features),
    }


def group_constant(cells: Cells) -> list[str]:
    """Features with a single value within every group (municipal figures).

    Examples
    --------
    >>> x = np.array([[1, 5], [1, 6], [2, 7]], dtype=np.float32)
    >>> cells = Cells(x, np.array([1, 0, 1], dtype=np.int8),
    ...               np.array(["a", "a", "b"], dtype=object), None, ("m", "d"))
    >>> group_constant(cells)
    ['m']
    """
    frame = pd.DataFrame(cells.x, columns=list(cells.names))
    frame["_group"] = cells.groups
    spread = frame.groupby("_group").nunique(dropna=False).max()
    return [
        n for n in cells.names if spread[n] <= 1 and frame[n].nunique(dropna=False) > 1
    ]
