# SPDX-License-Identifier: GPL-3.0-or-later
"""Which columns of a grid table are features, and the label column's values.

Any table of cells works: every numeric column is a feature unless it is the
label, the group, excluded by name, or names a coordinate or an id (``x``,
``lat``, ``LONGITUD_X``, ``cell_id`` ...), which tell a model *where* a cell
is rather than *what* it is, and so do not carry over to another region.

A column holding only 0 and 1 is an *indicator* (a one-hot class such as
``CLIMA_Frío húmedo``): where a new region's table lacks it, it counts as 0.
Any other absent feature counts as missing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from demine.errors import PredictionError
from demine.i18n import _
from demine.i18n.numbers import number

log = logging.getLogger(__name__)

#: Column names that locate or identify a cell (case-insensitive).
POSITIONAL = re.compile(
    r"^(x|y|lon|lng|long|longitude|longitud|lat|latitude|latitud|easting|northing"
    r"|cell_id|id|fid|row|col|index)([ _].*)?$",
    re.IGNORECASE,
)
LABEL_VALUES = {1: "positive", 0: "negative", -1: "unknown"}


def is_positional(name: str) -> bool:
    """Whether ``name`` looks like a coordinate or id column.

    Examples
    --------
    >>> [is_positional(n) for n in ("LATITUD_Y", "x", "cell_id", "dist_road")]
    [True, True, True, False]
    """
    return bool(POSITIONAL.match(name.strip()))


@dataclass(frozen=True)
class FeatureSet:
    """The ordered feature columns of a model, and which are indicators.

    Examples
    --------
    >>> t = pd.DataFrame({"x": [1.0, 2.0], "dist": [5.0, None], "soil_a": [0, 1],
    ...                   "label": [1, 0], "area": ["a", "b"]})
    >>> fs = FeatureSet.infer(t, label="label", group="area")
    >>> fs.features, sorted(fs.indicators)
    (('dist', 'soil_a'), ['soil_a'])
    >>> fs.matrix(pd.DataFrame({"dist": [3.0]})).tolist()
    [[3.0, 0.0]]
    """

    features: tuple[str, ...]
    indicators: frozenset[str]

    @classmethod
    def infer(
        cls,
        frame: pd.DataFrame,
        label: str,
        group: str | None = None,
        exclude: Iterable[str] = (),
        keep_positional: bool = False,
    ) -> FeatureSet:
        """Features of a training table: its numeric columns, less the rest."""
        skip = {label, *(exclude or ())}
        if group:
            skip.add(group)
        unknown = sorted(set(exclude or ()) - set(frame.columns))
        if unknown:
            log.warning("excluded columns not in the table: %s", ", ".join(unknown))
        names: list[str] = []
        positional: list[str] = []
        for name in frame.columns:
            if name in skip or not _numeric(frame[name]):
                continue
            if not keep_positional and is_positional(str(name)):
                positional.append(str(name))
                continue
            names.append(str(name))
        if positional:
            log.info("not used as features (position or id): %s", ", ".join(positional))
        if not names:
            raise PredictionError(
                _(
                    "the table has no numeric feature columns (columns: %(values)s...)",
                    values=", ".join(map(str, frame.columns[:12])),
                )
            )
        indicators = frozenset(n for n in names if _is_indicator(frame[n]))
        return cls(tuple(names), indicators)

    def matrix(self, frame: pd.DataFrame) -> NDArray[np.float32]:
        """The features of ``frame`` as a float32 matrix, in model order.

        Absent indicators are 0 and absent other features missing (NaN);
        present columns must be numeric, and indicators 0 or 1.
        """
        out = np.full((len(frame), len(self.features)), np.nan, dtype=np.float32)
        for j, name in enumerate(self.features):
            if name not in frame.columns:
                if name in self.indicators:
                    out[:, j] = 0.0
                continue
            out[:, j] = _as_number(frame[name], name, name in self.indicators)
        return out

    def drop(self, names: Iterable[str]) -> FeatureSet:
        """The same set without ``names``."""
        gone = set(names)
        kept = tuple(f for f in self.features if f not in gone)
        return FeatureSet(kept, frozenset(self.indicators & set(kept)))

    def absent(self, columns: Iterable[str]) -> list[str]:
        """Features of the model that a table with ``columns`` lacks."""
        have = set(columns)
        return [f for f in self.features if f not in have]

    def check_overlap(self, columns: Iterable[str]) -> None:
        """Raise unless a table has at least one of the features."""
        have = set(columns)
        if not have & set(self.features):
            sample = ", ".join(self.features[:8])
            raise PredictionError(
                _(
                    "the grid has none of the model's feature columns (the model "
                    "expects e.g. %(sample)s); was it built for another grid?",
                    sample=sample,
                )
            )


def _numeric(series: pd.Series) -> bool:
    return bool(
        pd.api.types.is_numeric_dtype(series.dtype)
        or pd.api.types.is_bool_dtype(series.dtype)
    )


def _is_indicator(series: pd.Series) -> bool:
    values = series.dropna()
    if len(values) != len(series) or not len(values):
        return False
    return bool(np.isin(values.to_numpy(dtype=np.float64), (0.0, 1.0)).all())


def _as_number(series: pd.Series, name: str, indicator: bool) -> NDArray[np.float64]:
    if not _numeric(series):
        converted = pd.to_numeric(series, errors="coerce")
        bad = converted.isna() & series.notna()
        if bad.any():
            example = series[bad].iloc[0]
            raise PredictionError(
                _(
                    "column '%(name)s' holds text (%(example)r) where the model "
                    "expects a number: the grid does not match the model",
                    name=name,
                    example=example,
                )
            )
        series = converted
    values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    if indicator:
        finite = values[np.isfinite(values)]
        if not np.isin(finite, (0.0, 1.0)).all():
            raise PredictionError(
                _(
                    "column '%(name)s' is a 0/1 indicator in the model but holds "
                    "other values here (e.g. %(value)g)",
                    name=name,
                    value=finite[~np.isin(finite, (0, 1))][0],
                )
            )
    return np.asarray(values, dtype=np.float64)


def labels_of(frame: pd.DataFrame, label: str) -> NDArray[np.int8]:
    """The label column as 1 / 0 / -1 (empty cells are unknown, -1).

    Raises :class:`~demine.errors.PredictionError` for a missing column or
    any other value.

    Examples
    --------
    >>> labels_of(pd.DataFrame({"y": [1, 0, -1, None]}), "y").tolist()
    [1, 0, -1, -1]
    """
    if label not in frame.columns:
        raise PredictionError(
            _(
                "no label column '%(label)s' in the grid (columns: %(values)s...)",
                label=label,
                values=", ".join(map(str, frame.columns[:12])),
            )
        )
    raw = frame[label]
    values = pd.to_numeric(raw, errors="coerce")
    bad = (values.isna() & raw.notna()) | ~(values.isin(LABEL_VALUES) | values.isna())
    if bad.any():
        others = sorted({str(v) for v in raw[bad].unique()[:5]})
        raise PredictionError(
            _(
                "label column '%(label)s' must hold 1 (mines found), 0 (searched, "
                "clean) or -1 / empty (unknown); it also holds %(values)s",
                label=label,
                values=", ".join(others),
            )
        )
    return np.asarray(values.fillna(-1).to_numpy(dtype=np.int8), dtype=np.int8)


def require_both_classes(y: NDArray[np.int8], label: str, where: str = "") -> None:
    """Raise unless ``y`` has at least one positive and one negative."""
    pos, neg = int((y == 1).sum()), int((y == 0).sum())
    if pos == 0 or neg == 0:
        missing = "positive (1)" if pos == 0 else "negative (0)"
        raise PredictionError(
            _(
                "label column '%(label)s'%(where)s has no %(missing)s cells (%(pos)s "
                "positive, %(neg)s negative): a model needs both",
                label=label,
                where=where,
                missing=missing,
                pos=number(pos),
                neg=number(neg),
            )
        )


def require_some_values(x: NDArray[np.float32], names: Iterable[str]) -> list[int]:
    """Columns of ``x`` with at least one value; raise if there are none."""
    names = list(names)
    present = np.asarray(
        np.isfinite(x).any(axis=0) if len(x) else np.zeros(len(names)), dtype=bool
    )
    if not present.any():
        raise PredictionError(
            _(
                "every feature is missing in every labelled cell (%(values)s...): "
                "nothing to learn from",
                values=", ".join(names[:8]),
            )
        )
    empty = [n for n, p in zip(names, present, strict=True) if not p]
    if empty:
        log.warning("features with no value in any labelled cell: %s", ", ".join(empty))
    return [i for i, p in enumerate(present) if p]
