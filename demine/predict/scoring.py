# SPDX-License-Identifier: GPL-3.0-or-later
"""Risk for every cell of a grid table.

:func:`score_table` adds ``risk`` (0 to 1), its interval ``risk_low`` /
``risk_high``, ``dissimilarity`` and ``applicable`` (the area of
applicability) to any grid table and keeps its rows in order. The table is
taken as the whole region: features are ranked among its rows.
"""

from __future__ import annotations

import logging

import pandas as pd

from demine.predict.model import OUTPUTS, RISK, RiskModel

log = logging.getLogger(__name__)

__all__ = ["OUTPUTS", "RISK", "score_table"]


def score_table(model: RiskModel, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the model's output columns, rows in their input order.

    Examples
    --------
    >>> from demine.predict.sample import synthetic_grid
    >>> from demine.predict.model import fit_model
    >>> grid = synthetic_grid()
    >>> model = fit_model(grid, "label", group="area", buffer=0)
    >>> new = grid.drop(columns=["soil_a", "elevation"]).iloc[::-1]
    >>> scored = score_table(model, new)
    >>> scored.index.equals(new.index), bool(scored["risk"].between(0, 1).all())
    (True, True)
    """
    absent = model.features.absent(frame.columns)
    if absent:
        log.warning(
            "grid lacks %d model feature(s), scored as 0 (indicators) or missing: %s",
            len(absent),
            ", ".join(absent[:10]),
        )
    if RISK in frame.columns:
        log.warning("the grid already has a 'risk' column: it is replaced")
    out = frame.drop(columns=[c for c in OUTPUTS if c in frame.columns])
    return pd.concat([out, model.predict(frame)], axis=1)
