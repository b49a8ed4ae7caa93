# SPDX-License-Identifier: GPL-3.0-or-later
"""Which hazardous areas next: a transparent multi-criteria ranking.

:func:`prioritise` is what the CLI, the API, the web page, tasking and the
reports call. It reads the criterion values of every open approved hazard
(:mod:`demine.analysis.priorities.criteria`), scores them with the profile's method
(:mod:`demine.analysis.priorities.mcda`) and returns a :class:`Ranking`: one row per
hazard with its rank, score and the contribution of each criterion.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from demine.analysis.priorities import mcda
from demine.analysis.priorities.criteria import (
    CATALOGUE,
    PrioritisationError,
    criterion_values,
)
from demine.analysis.priorities.profile import Profile, load_profile
from demine.i18n import _
from demine.store.database import Database

__all__ = ["PrioritisationError", "Ranking", "prioritise"]


@dataclass(frozen=True)
class Ranking:
    """The ranked open hazards.

    ``table`` is indexed by hazard id, sorted by ``rank`` (1 = first), with
    ``score`` (higher = first), ``area_m2`` (remaining), ``name`` and one
    column per criterion holding its weighted contribution (the row's
    contributions sum to its score). ``values`` holds the criterion values
    themselves (in each criterion's unit); ``weights`` are rescaled to sum
    to 1 over the criteria used; ``notes`` say why a profile criterion was
    left out; ``locations`` has a point inside each hazard (``lon``, ``lat``,
    WGS84; NaN without geometry). With PROMETHEE the table also has
    ``phi_plus`` and ``phi_minus`` (score = phi_plus − phi_minus).
    """

    table: pd.DataFrame
    values: pd.DataFrame
    criteria: list[str]
    weights: dict[str, float]
    method: str
    profile: Profile
    notes: dict[str, str] = field(default_factory=dict)
    criterion_scores: pd.DataFrame | None = None
    locations: pd.DataFrame | None = None

    def sensitivity(self, top: int = 20, step: float = 0.2) -> mcda.Sensitivity:
        """How the top ``top`` change when each weight moves by ±``step``."""
        assert self.criterion_scores is not None
        matrix = self.criterion_scores.loc[self.table.index, self.criteria]
        return mcda.sensitivity(
            matrix.to_numpy(),
            [self.weights[c] for c in self.criteria],
            self.table.index.to_numpy(),
            self.criteria,
            top=top,
            step=step,
        )

    def head(self, top: int | None = None) -> pd.DataFrame:
        return self.table if top is None else self.table.head(top)

    def as_dict(self, top: int | None = None) -> dict[str, Any]:
        """JSON-ready: the method, criteria with weights and units, the rows."""
        rows = self.head(top)
        values = self.values.loc[rows.index]
        where = (
            self.locations.loc[rows.index]
            if self.locations is not None
            else pd.DataFrame({"lon": np.nan, "lat": np.nan}, index=rows.index)
        )
        items = []
        for hid, row in rows.iterrows():
            lon, lat = where.at[hid, "lon"], where.at[hid, "lat"]
            items.append(
                {
                    "id": int(hid),
                    "rank": int(row["rank"]),
                    "score": float(row["score"]),
                    "name": None if pd.isna(row["name"]) else str(row["name"]),
                    "area_m2": float(row["area_m2"]),
                    "lon": None if pd.isna(lon) else float(lon),
                    "lat": None if pd.isna(lat) else float(lat),
                    "contributions": {c: float(row[c]) for c in self.criteria},
                    "values": {c: float(values.at[hid, c]) for c in self.criteria},
                }
            )
        return {
            "method": self.method,
            "profile": Path(self.profile.source).name,
            "hazards": len(self.table),
            "criteria": [
                {
                    "name": c,
                    "label": CATALOGUE[c].label,
                    "unit": CATALOGUE[c].unit,
                    "direction": self.profile.criterion(c).direction,
                    "weight": self.weights[c],
                }
                for c in self.criteria
            ],
            "notes": self.notes,
            "items": items,
        }


def sensitivity_dict(result: mcda.Sensitivity) -> dict[str, Any]:
    """JSON-ready sensitivity: summary rows and the top's ranks per variant."""
    summary = [
        {
            **{k: v for k, v in row.items() if k not in ("entered", "left")},
            "entered": [int(i) for i in row["entered"]],
            "left": [int(i) for i in row["left"]],
            "overlap": int(row["overlap"]),
            "max_shift": int(row["max_shift"]),
        }
        for row in result.summary.to_dict("records")
    ]
    ranks = {
        str(int(hid)): {str(k): int(v) for k, v in row.items()}
        for hid, row in result.ranks.iterrows()
    }
    return {"top": result.top, "summary": summary, "ranks": ranks}


def prioritise(
    db: Database,
    profile: Profile | None = None,
    method: str | None = None,
    today: dt.date | None = None,
) -> Ranking:
    """Rank the open approved hazards by the profile (the shipped default if None).

    ``method`` (``weighted`` or ``promethee``) overrides the profile's.
    Raises :class:`PrioritisationError` when there is nothing to rank or no
    weighted criterion can be computed.
    """
    profile = (profile or load_profile()).with_method(method)
    db.require_initialised()
    with db.transaction() as conn:
        found = criterion_values(conn, profile, today)
    used = [c for c in profile.active if c.name in found.values.columns]
    if not used:
        reasons = "; ".join(f"{k}: {v}" for k, v in found.notes.items())
        raise PrioritisationError(
            _(
                "no criterion of %(source)s can be computed (%(reasons)s)",
                source=profile.source,
                reasons=reasons,
            )
        )
    names = [c.name for c in used]
    matrix = found.values[names].to_numpy(dtype=np.float64)
    benefit = [c.benefit for c in used]
    weights = [c.weight for c in used]
    if profile.method == "promethee":
        scores = mcda.promethee(matrix, benefit, weights, [c.preference for c in used])
    else:
        scores = mcda.weighted_sum(
            matrix,
            benefit,
            weights,
            profile.normalisation,  # type: ignore[arg-type]
        )
    ids = found.values.index.to_numpy()
    hazards = found.hazards
    table = pd.DataFrame(
        {
            "rank": mcda.ranks(scores.score, ids),
            "score": scores.score,
            "area_m2": pd.to_numeric(hazards["remaining_m2"]).fillna(0.0).to_numpy(),
            "name": hazards["name"].to_numpy(dtype=object),
        },
        index=pd.Index(ids, name="id"),
    )
    for j, name in enumerate(names):
        table[name] = scores.contributions[:, j]
    if scores.plus is not None and scores.minus is not None:
        table["phi_plus"] = scores.plus
        table["phi_minus"] = scores.minus
    table = table.sort_values("rank")
    criterion_scores = pd.DataFrame(
        scores.criterion_scores, index=pd.Index(ids, name="id"), columns=names
    )
    return Ranking(
        table=table,
        values=found.values[names],
        criteria=names,
        weights=dict(zip(names, scores.weights.tolist(), strict=True)),
        method=profile.method,
        profile=profile,
        notes=found.notes,
        criterion_scores=criterion_scores,
        locations=hazards[["lon", "lat"]].loc[table.index],
    )
