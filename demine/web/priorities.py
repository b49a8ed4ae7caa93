# SPDX-License-Identifier: GPL-3.0-or-later
"""The priorities page: ranked open hazards, criterion bars, weight sensitivity."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from demine.analysis.priorities.cache import cached_ranking
from demine.analysis.priorities.criteria import CATALOGUE
from demine.analysis.priorities.profile import MethodName
from demine.analysis.priorities.ranking import Ranking
from demine.i18n import _
from demine.serving.deps import DbDep, User
from demine.web.pages import render

router = APIRouter(include_in_schema=False)

SHOWN = (20, 50, 100, 500)
# One colour per criterion, in catalogue order (colour-blind safe, Tol "muted").
PALETTE = (
    "#332288",
    "#cc6677",
    "#117733",
    "#ddcc77",
    "#88ccee",
    "#44aa99",
    "#aa4499",
    "#999933",
    "#882255",
    "#6699cc",
    "#dd7733",
    "#555555",
)
COLOURS = dict(zip(CATALOGUE, PALETTE, strict=False))


@router.get("/priorities")
def priorities_page(
    request: Request,
    db: DbDep,
    who: User,
    method: Annotated[MethodName | None, Query()] = None,
    top: Annotated[int, Query(ge=1, le=500)] = 50,
    sensitivity: Annotated[bool, Query()] = False,
) -> Response:
    """Ranked table; ``sensitivity=true`` adds how the top 20 move with weights."""
    ranking = cached_ranking(db, method.value if method else None)
    moved = ranking.sensitivity(min(top, 20)) if sensitivity else None
    return render(
        request,
        "priorities.html",
        who,
        ranking=ranking,
        method=ranking.method,
        top=top,
        shown=SHOWN,
        rows=_rows(ranking, top),
        criteria=_criteria(ranking),
        scale=_scale(ranking, top),
        sensitivity=None if moved is None else moved.summary.to_dict("records"),
        sensitivity_top=None if moved is None else moved.top,
        criterion_labels={name: _(info.label) for name, info in CATALOGUE.items()},
    )


def _criteria(ranking: Ranking) -> list[dict[str, Any]]:
    return [
        {
            "name": c,
            "label": _(CATALOGUE[c].label),
            "unit": _(CATALOGUE[c].unit),
            "direction": ranking.profile.criterion(c).direction,
            "weight": ranking.weights[c],
            "colour": COLOURS.get(c, "#777777"),
        }
        for c in ranking.criteria
    ]


def _scale(ranking: Ranking, top: int) -> float:
    """Largest total of positive (or negative) contributions among the rows shown."""
    rows = ranking.head(top)[ranking.criteria]
    pos = rows.clip(lower=0).sum(axis=1).max()
    neg = (-rows.clip(upper=0)).sum(axis=1).max()
    return float(max(pos, neg, 1e-12))


def _rows(ranking: Ranking, top: int) -> list[dict[str, Any]]:
    """Each shown hazard with its bar segments: positives right, negatives left."""
    rows = ranking.head(top)
    scale = _scale(ranking, top)
    values = ranking.values.loc[rows.index]
    where = ranking.locations
    out = []
    for hid, row in rows.iterrows():
        right = left = 0.0
        segments = []
        for c in ranking.criteria:
            share = float(row[c]) / scale
            if share >= 0:
                segments.append({"name": c, "x": right, "w": share, "v": row[c]})
                right += share
            else:
                left += share
                segments.append({"name": c, "x": left, "w": -share, "v": row[c]})
        lon = lat = None
        if where is not None and hid in where.index:
            lon, lat = where.at[hid, "lon"], where.at[hid, "lat"]
        out.append(
            {
                "id": int(hid),
                "rank": int(row["rank"]),
                "score": float(row["score"]),
                "name": row["name"] or _("hazard %(id)s", id=hid),
                "ha": float(row["area_m2"]) / 10_000,
                "segments": segments,
                "values": {c: float(values.at[hid, c]) for c in ranking.criteria},
                "at": None if lon is None or lon != lon else f"{lon:.6f},{lat:.6f}",
            }
        )
    return out
