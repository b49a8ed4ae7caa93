# SPDX-License-Identifier: GPL-3.0-or-later
"""The contamination-likelihood model: grid, features, training, evaluation.

Pure parts (no I/O): :mod:`~demine.predict.grid`, :mod:`~.burn`,
:mod:`~.proximity`, :mod:`~.density`, :mod:`~.layers`, :mod:`~.features`,
:mod:`~.labels`, :mod:`~.terrain`, :mod:`~.columns`, :mod:`~.coordinates`,
:mod:`~.dataset`, :mod:`~.folds`, :mod:`~.metrics`, :mod:`~.calibration`,
:mod:`~.learners`, :mod:`~.model`, :mod:`~.evaluation`, :mod:`~.scoring`,
:mod:`~.hazards`, :mod:`~.plots`, :mod:`~.report`.

I/O: :mod:`~.register` (the register's layers), :mod:`~.tables` (grid tables),
:mod:`~.rasters` (GeoTIFF), :mod:`~.parallel` (Dask) and :mod:`~.pipeline`
(the runs behind ``demine predict``).

Submodules are imported on demand, so ``import demine.predict.grid`` does not
load LightGBM or matplotlib.
"""
