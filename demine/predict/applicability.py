# SPDX-License-Identifier: GPL-3.0-or-later
"""Where the model knows what it is saying: the area of applicability.

After Meyer & Pebesma (2021, *Methods in Ecology and Evolution* 12:1620):
features are standardised with the training data's mean and spread and
weighted by how much the model uses each one. A cell's **dissimilarity
index** is the distance to the nearest training cell in that space, divided
by the mean distance between training cells. The **threshold** comes from
cross-validation: each training cell's dissimilarity to the training cells
of *other* held-out regions; the upper whisker of their box plot (third
quartile plus 1.5 times the interquartile range) bounds what the model met
when it was tested. Cells above it lie outside the area of applicability:
their risk is a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

#: Training cells kept for the distance index, and for the mean distance.
MAX_TRAINING = 20_000
MEAN_SAMPLE = 2_000


@dataclass
class Applicability:
    """Standardisation, weights, training points and threshold of the index."""

    names: tuple[str, ...]
    centre: NDArray[np.float64]
    scale: NDArray[np.float64]
    weight: NDArray[np.float64]
    points: NDArray[np.float64]
    mean_distance: float
    threshold: float

    def __post_init__(self) -> None:
        self._tree: cKDTree | None = None

    @property
    def used(self) -> NDArray[np.int64]:
        """Columns the index uses: features the model gives weight to."""
        return np.flatnonzero(self.weight > 0)

    def _space(self, x: NDArray[np.floating]) -> NDArray[np.float64]:
        cols = self.used
        z = (np.asarray(x, dtype=np.float64)[:, cols] - self.centre[cols]) / (
            self.scale[cols]
        )
        z = np.where(np.isfinite(z), z, 0.0)  # a missing value counts as typical
        return z * self.weight[cols]

    def dissimilarity(self, x: NDArray[np.floating]) -> NDArray[np.float64]:
        """Dissimilarity index of every row of ``x`` (0: like a training cell)."""
        if self._tree is None:
            self._tree = cKDTree(self.points)
        gap, _ = self._tree.query(self._space(x), workers=1)
        return np.asarray(gap / self.mean_distance, dtype=np.float64)

    def inside(self, x: NDArray[np.floating]) -> NDArray[np.bool_]:
        """Whether each row lies inside the area of applicability."""
        return self.dissimilarity(x) <= self.threshold

    def to_dict(self) -> dict[str, Any]:
        return {
            "centre": self.centre.tolist(),
            "scale": self.scale.tolist(),
            "weight": self.weight.tolist(),
            "points": self.points.tolist(),
            "mean_distance": self.mean_distance,
            "threshold": self.threshold,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], names: tuple[str, ...]) -> Applicability:
        return cls(
            names,
            np.asarray(data["centre"], float),
            np.asarray(data["scale"], float),
            np.asarray(data["weight"], float),
            np.asarray(data["points"], float).reshape(
                -1, int((np.asarray(data["weight"]) > 0).sum())
            ),
            float(data["mean_distance"]),
            float(data["threshold"]),
        )


def fit_applicability(
    x: NDArray[np.floating],
    names: tuple[str, ...],
    weight: NDArray[np.floating],
    regions: NDArray[np.object_],
    seed: int = 0,
) -> Applicability:
    """The area of applicability of a model trained on ``x``.

    Parameters
    ----------
    x : numpy.ndarray
        Training features (labelled cells).
    names : tuple of str
        Feature names.
    weight : numpy.ndarray
        How much the model uses each feature (importance, >= 0).
    regions : numpy.ndarray
        Region of every training cell: the threshold compares each cell
        with the cells of other regions, as held-out validation does.
    seed : int
        Sampling of large training sets.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(400, 2))
    >>> regions = np.repeat(["a", "b", "c", "d"], 100).astype(object)
    >>> aoa = fit_applicability(x, ("u", "v"), np.array([1.0, 1.0]), regions)
    >>> aoa.inside(np.array([[0.0, 0.0], [8.0, 8.0]])).tolist()
    [True, False]
    """
    x = np.asarray(x, dtype=np.float64)
    centre = np.nanmean(np.where(np.isfinite(x), x, np.nan), axis=0)
    centre = np.where(np.isfinite(centre), centre, 0.0)
    scale = np.nanstd(np.where(np.isfinite(x), x, np.nan), axis=0)
    scale = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)
    w = np.clip(np.asarray(weight, dtype=np.float64), 0.0, None)
    w = w / w.sum() if w.sum() > 0 else np.ones_like(w) / len(w)
    aoa = Applicability(names, centre, scale, w, np.empty((0, 0)), 1.0, 0.0)
    space = aoa._space(x)
    rng = np.random.default_rng(seed)
    keep = np.arange(len(space))
    if len(keep) > MAX_TRAINING:
        keep = np.sort(rng.choice(len(space), MAX_TRAINING, replace=False))
    points, names_of = space[keep], np.asarray(regions).astype(str)[keep]
    sample = points[rng.choice(len(points), min(MEAN_SAMPLE, len(points)), False)]
    pair = np.sqrt(((sample[:, None, :] - sample[None, :, :]) ** 2).sum(-1))
    mean = (
        float(pair[np.triu_indices(len(sample), 1)].mean()) if len(sample) > 1 else 1.0
    )
    mean = mean if mean > 0 else 1.0
    cv = np.full(len(points), np.nan)
    for name in np.unique(names_of):
        mine = names_of == name
        if mine.all():
            continue
        gap, _ = cKDTree(points[~mine]).query(points[mine], workers=1)
        cv[mine] = gap / mean
    cv = cv[np.isfinite(cv)]
    if len(cv):
        q1, q3 = np.percentile(cv, [25, 75])
        threshold = float(min(q3 + 1.5 * (q3 - q1), cv.max()))
    else:
        threshold = float("inf")
    return Applicability(names, centre, scale, w, points, mean, threshold)
