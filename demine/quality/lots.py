# SPDX-License-Identifier: GPL-3.0-or-later
"""A lot: released ground of one organisation and method, ready to sample.

The lot's ground is its releases' polygons clipped to their hazards (the
ground the ledger credits), merged, so ground released twice is sampled
once and nothing outside a hazard is inspected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy.orm import Session

from demine.errors import RecordError
from demine.geo.area import geodesic_area
from demine.i18n import _
from demine.store import quality as store


@dataclass(frozen=True)
class Lot:
    release_ids: list[int]
    geom: BaseGeometry
    area_m2: float
    organisation_id: int
    team_id: int | None
    method: str | None
    hazard_id: int | None
    released_from: dt.date | None
    released_to: dt.date | None


def _polygons(geom: BaseGeometry) -> shapely.MultiPolygon:
    parts = [
        g
        for g in shapely.get_parts(shapely.make_valid(geom))
        if g.geom_type in ("Polygon", "MultiPolygon")
    ]
    polys: list[shapely.Polygon] = []
    for part in parts:
        polys.extend(
            shapely.get_parts(part) if part.geom_type == "MultiPolygon" else [part]
        )
    return shapely.MultiPolygon(polys)


def gather_lot(
    session: Session,
    *,
    release_ids: Sequence[int] | None = None,
    activity_id: int | None = None,
    hazard_id: int | None = None,
) -> Lot:
    """The lot made of these releases (or an activity's, or a hazard's)."""
    ids = list(release_ids or [])
    if not ids:
        if activity_id is None and hazard_id is None:
            raise RecordError(
                _("name the lot: release ids, an activity or a hazard"), field="lot"
            )
        ids = store.release_ids_of(
            session, activity_id=activity_id, hazard_id=hazard_id
        )
        if not ids:
            what = (
                _("activity %(id)s", id=activity_id)
                if activity_id
                else _("hazard %(id)s", id=hazard_id)
            )
            raise RecordError(
                _(
                    "%(what)s has no approved cleared or reduced ground to inspect",
                    what=what,
                ),
                field="lot",
            )
    rows = store.lot_rows(session, ids)
    orgs = {r["organisation_id"] for r in rows}
    methods = {store._text(r["method"]) for r in rows}
    if None in orgs:
        raise RecordError(
            _("a release of the lot has no activity naming who released it"),
            entity="release",
            record=next(r["id"] for r in rows if r["organisation_id"] is None),
        )
    if len(orgs) > 1 or len(methods) > 1:
        raise RecordError(
            _(
                "a lot is the work of one organisation with one method; these "
                "releases come from %(orgs)s organisation(s) and %(methods)s "
                "method(s)",
                orgs=len(orgs),
                methods=len(methods),
            ),
            field="lot",
        )
    clipped = [
        shapely.intersection(r["geom"], r["hazard_geom"])
        if r["hazard_geom"] is not None
        else r["geom"]
        for r in rows
    ]
    ground = _polygons(shapely.union_all(np.array(clipped, dtype=object)))
    area = float(geodesic_area([ground])[0])
    if ground.is_empty or area <= 0:
        raise RecordError(_("the lot's releases hold no ground inside their hazards"))
    teams = {r["team_id"] for r in rows}
    hazards = {r["hazard_id"] for r in rows}
    days = [r["released_on"] for r in rows if r["released_on"] is not None]
    return Lot(
        release_ids=[int(r["id"]) for r in rows],
        geom=ground,
        area_m2=area,
        organisation_id=int(orgs.pop()),
        team_id=teams.pop() if len(teams) == 1 else None,
        method=methods.pop(),
        hazard_id=hazards.pop() if len(hazards) == 1 else None,
        released_from=min(days) if days else None,
        released_to=max(days) if days else None,
    )
