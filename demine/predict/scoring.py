# SPDX-License-Identifier: GPL-3.0-or-later
"""Risk for every cell of a grid table.

:func:`score_table` adds a ``risk`` column in [0, 1] to any grid table and
keeps its rows in order.
"""

from __future__ import annotations

import logging

import pandas as pd

from demine.predict.model import RiskModel

log = logging.getLogger(__name__)

RISK = "risk"


def score_table(model: RiskModel, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with a ``risk`` column (0 to 1), rows in their input order.

    Examples
    --------
    >>> from demine.predict.sample import synthetic_grid
    >>> from demine.predict.model import fit_model
    >>> from demine.predict.learners import BoostingParams
    >>> grid = synthetic_grid()
    >>> model = fit_model(grid, "label", group="area",
    ...                   params=BoostingParams(rounds=20))
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
    out = frame.copy()
    out[RISK] = model.risk(frame)
    return out
