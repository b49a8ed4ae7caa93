# SPDX-License-Identifier: GPL-3.0-or-later
"""The layers of the map's vector tiles: which rows each draws, which
properties the map styles and clicks by, who may see them, and how each is
grouped at low zooms. :mod:`demine.store.tiles`, :mod:`demine.store.overview`
and :mod:`demine.store.layer_frames` read them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, select, true

from demine.domain.vocab import PlaceType
from demine.store.listing import MODELS, visible
from demine.store.schema import Activity, Base, Place, Release, RiskCell
from demine.store.users import Principal

OVERVIEW_MAX_ZOOM = 10


@dataclass(frozen=True)
class Overview:
    """How a record layer is generalised: one feature per grid cell with the
    number of its records (``records``), the ``weight`` column (an area, a
    quantity) summed under its own name, and ``density``: the weight (or the
    records) per km² of the cell, in hectares for areas, leaving out records
    whose ``unless`` property has the value given (closed hazards are no
    longer contaminated ground). ``keys`` are kept per cell in the
    precomputed overviews, so the map's filters still apply.
    """

    keys: tuple[str, ...]
    weight: str | None = None
    max_zoom: int = OVERVIEW_MAX_ZOOM
    unless: tuple[str, str] | None = None
    # Areas as the cells' squares; point records as the cells' centres,
    # which the map draws as dots: a dotted surface, not a blanket.
    squares: bool = True

    @property
    def hectares(self) -> bool:
        """Whether the density is of an area (hectares per km²)."""
        return self.weight == "area_m2"

    @property
    def properties(self) -> list[str]:
        """What each grouped feature carries."""
        return ["records", *([self.weight] if self.weight else []), "density"]


@dataclass(frozen=True)
class TileLayer:
    """One map layer: its rows, the properties the map styles and clicks by.

    ``kind`` is the name the administrator makes public for anonymous readers;
    ``who_sees`` the rows a reader may see (review state, own organisation).
    """

    name: str
    model: type[Base]
    properties: tuple[str, ...]
    kind: str
    geometry: str = "geom"
    where: Callable[[], ColumnElement[bool]] | None = None
    who_sees: Callable[[type[Base], Principal | None], ColumnElement[bool]] = visible
    # False where the bbox columns are not filled (settlement points): SQLite
    # then reads every row of the layer and lets the clip drop the far ones.
    bbox_columns: bool = True
    # How the layer is generalised at low zooms (None: never).
    overview: Overview | None = None
    # Properties read from a related record, by name (a release's method is
    # its activity's).
    related: Callable[[], dict[str, ColumnElement[Any]]] | None = None

    def column(self, name: str) -> ColumnElement[Any]:
        """The column (or related record's value) behind property ``name``."""
        if self.related is not None:
            found = self.related().get(name)
            if found is not None:
                return found.label(name)
        return self.model.__table__.c[name]


def _anyone(model: type[Base], who: Principal | None) -> ColumnElement[bool]:
    # Derived layers (published risk) have no review state: every reader the
    # route let through (logged in, or anonymous on a public layer) sees all.
    return true()


def _record_layer(
    name: str,
    properties: tuple[str, ...],
    overview: Overview,
    related: Callable[[], dict[str, ColumnElement[Any]]] | None = None,
) -> TileLayer:
    return TileLayer(
        name, MODELS[name], properties, kind=name, overview=overview, related=related
    )


def _release_method() -> dict[str, ColumnElement[Any]]:
    method = select(Activity.method).where(Activity.id == Release.activity_id)
    return {"method": method.scalar_subquery()}


# Low zooms keep what the map colours and filters by, except dates.
_WHO = ("review_state",)


SPECS: dict[str, TileLayer] = {
    spec.name: spec
    for spec in (
        # reported_by_id and the dates let the map filter by organisation
        # and period without another request.
        _record_layer(
            "hazard",
            ("id", "name", "hazard_class", "status", "review_state", "reported_by_id"),
            Overview(
                ("hazard_class", "status", *_WHO),
                weight="area_m2",
                unless=("status", "closed"),
            ),
        ),
        _record_layer(
            "release",
            ("id", "kind", "method", "released_on", "review_state", "reported_by_id"),
            Overview(("kind", "method", *_WHO), weight="area_m2"),
            related=_release_method,
        ),
        _record_layer(
            "eo_item",
            (
                "id",
                "category",
                "quantity",
                "found_on",
                "review_state",
                "reported_by_id",
            ),
            # A million finds cluster in their hazards: a zoom-11 tile held
            # 50,000 of them (0.9 MB), dots on dots. Grouped to zoom 12.
            Overview(
                ("category", *_WHO), weight="quantity", max_zoom=12, squares=False
            ),
        ),
        _record_layer(
            "accident",
            ("id", "accident_type", "occurred_on", "review_state", "reported_by_id"),
            Overview(("accident_type", *_WHO), squares=False),
        ),
        TileLayer(
            "settlement",
            Place,
            (
                "id",
                "name",
                "population",
                "displaced_population",
                "planned_return_on",
            ),
            kind="place",
            geometry="location",
            where=lambda: Place.place_type == PlaceType.SETTLEMENT,
            bbox_columns=False,
        ),
        TileLayer(
            "risk",
            RiskCell,
            ("id", "risk", "risk_low", "risk_high", "applicable"),
            kind="risk_cell",
            who_sees=_anyone,
        ),
    )
}
# layer -> the properties a map needs to style and click through
LAYERS: dict[str, tuple[str, ...]] = {n: s.properties for n, s in SPECS.items()}


def layer_kind(layer: str) -> str:
    """The public-layer name that opens ``layer`` to anonymous readers."""
    return SPECS[layer].kind
