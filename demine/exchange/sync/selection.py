# SPDX-License-Identifier: GPL-3.0-or-later
"""Which records a field register holds: an area, a box, an organisation.

A selection picks the records whose geometry lies in the area (a place's
boundary, a W,S,E,N box, or both) and the records of an organisation (its
activities and what they worked on); then everything hanging off a chosen
hazard, activity or accident (its releases, items, victims) and everything
a chosen record refers to, so the field register is whole. Reference
tables (organisations, places, teams, the EO catalogue, reference layers,
funding) always travel whole. No selection is the whole register.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from sqlalchemy.engine import Connection

from demine.errors import DemineError
from demine.exchange.entities import KINDS, MAIN_GEOMETRY, entity
from demine.exchange.parsing import fold
from demine.i18n import _
from demine.store.bulk import read_frame

WHOLE = ("organisation", "place", "team", "eo_model", "reference_feature", "funding")
# Records hanging off one of these travel with it.
PARENTS = ("hazard", "activity", "accident")


@dataclass(frozen=True)
class Selection:
    """What a checkout holds; all ``None``: everything."""

    area: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    organisation: int | None = None

    @property
    def everything(self) -> bool:
        return self.area is None and self.bbox is None and self.organisation is None

    def as_dict(self) -> dict[str, Any]:
        return {
            "area": self.area,
            "bbox": list(self.bbox) if self.bbox else None,
            "organisation": self.organisation,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Selection:
        data = data or {}
        box = data.get("bbox")
        return cls(
            area=data.get("area"),
            bbox=tuple(float(v) for v in box) if box else None,  # type: ignore[arg-type]
            organisation=data.get("organisation"),
        )


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """``W,S,E,N`` in degrees; a clear error for anything else."""
    try:
        w, s, e, n = (float(v) for v in text.split(","))
    except ValueError:
        raise DemineError(
            _(
                "--bbox takes W,S,E,N in degrees (such as 46.5,39.8,47.2,40.2), "
                "not %(text)r",
                text=text,
            )
        ) from None
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        raise DemineError(
            _(
                "--bbox %(text)s is not a box: west < east and south < north, "
                "in degrees",
                text=text,
            )
        )
    return w, s, e, n


def selected_ids(conn: Connection, selection: Selection) -> dict[str, set[int]] | None:
    """Ids per kind of the records ``selection`` holds; ``None``: all of them."""
    if selection.everything:
        return None
    region = _region(conn, selection)
    frames = {k: read_frame(conn, k, _columns(k)) for k in KINDS}
    chosen: dict[str, set[int]] = {k: set() for k in KINDS}
    for kind in WHOLE:
        chosen[kind] = set(frames[kind]["id"].tolist())
    if region is not None:
        for kind, column in MAIN_GEOMETRY.items():
            if kind in WHOLE:
                continue
            frame = frames[kind]
            geoms = frame[column].to_numpy(dtype=object)
            hit = shapely.intersects(geoms, region)
            chosen[kind] |= set(frame["id"][np.asarray(hit, dtype=bool)].tolist())
    if selection.organisation is not None:
        org = int(selection.organisation)
        if org not in chosen["organisation"]:
            raise DemineError(
                _("--organisation %(id)s names no organisation of the register", id=org)
            )
        for kind in KINDS:
            frame = frames[kind]
            if kind not in WHOLE and "organisation_id" in frame:
                mine = frame["organisation_id"] == org
                chosen[kind] |= set(frame["id"][mine.to_numpy(dtype=bool)].tolist())
    _close(frames, chosen)
    return chosen


def _columns(kind: str) -> list[str]:
    spec = entity(kind)
    refs = [fs.column for fs in spec.fields if fs.type == "ref"]
    geom = [MAIN_GEOMETRY[kind]] if kind in MAIN_GEOMETRY else []
    return ["id", *refs, *geom]


def _close(frames: dict[str, Any], chosen: dict[str, set[int]]) -> None:
    """Add what chosen records refer to, and what hangs off chosen parents."""
    refs = {
        kind: [(fs.column, fs.ref) for fs in entity(kind).fields if fs.ref]
        for kind in KINDS
    }
    changed = True
    while changed:
        changed = False
        for kind in KINDS:
            frame = frames[kind]
            for column, target in refs[kind]:
                assert target is not None
                if target not in chosen:
                    continue
                values = frame[column]
                present = values.notna().to_numpy(dtype=bool)
                if target in PARENTS and kind not in WHOLE:
                    below = present & values.isin(chosen[target]).to_numpy(dtype=bool)
                    more = set(frame["id"][below].tolist()) - chosen[kind]
                    if more:
                        chosen[kind] |= more
                        changed = True
                mine = present & frame["id"].isin(chosen[kind]).to_numpy(dtype=bool)
                wanted = {int(v) for v in values[mine].tolist()} - chosen[target]
                if wanted:
                    chosen[target] |= wanted
                    changed = True


def _region(conn: Connection, selection: Selection) -> Any:
    """The area and the box as one geometry (their intersection), or None."""
    shapes = []
    if selection.bbox is not None:
        shapes.append(shapely.box(*selection.bbox))
    if selection.area is not None:
        shapes.append(_place_boundary(conn, selection.area))
    if not shapes:
        return None
    region = shapes[0]
    for shape in shapes[1:]:
        region = shapely.intersection(region, shape)
    shapely.prepare(region)
    return region


def _place_boundary(conn: Connection, name: str) -> Any:
    places = read_frame(conn, "place", ["id", "name", "code", "boundary"])
    key = fold(name)
    names = places["name"].astype(str).map(fold)
    codes = places["code"].astype(object).map(lambda c: fold(str(c)) if c else None)
    found = places[
        (names == key).to_numpy(dtype=bool) | (codes == key).to_numpy(dtype=bool)
    ]
    found = found[found["boundary"].notna().to_numpy(dtype=bool)]
    if found.empty:
        raise DemineError(
            _(
                "--area %(name)s names no place with a boundary in the register "
                "(give its name or code)",
                name=name,
            )
        )
    if len(found) > 1:
        raise DemineError(
            _("--area %(name)s names several places; give the place's code", name=name)
        )
    return found["boundary"].iloc[0]
