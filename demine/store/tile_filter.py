# SPDX-License-Identifier: GPL-3.0-or-later
"""The map's filters applied where the tiles are made: the grouped low-zoom
tiles carry one feature per grid cell (counts and densities), not the
organisation, dates, status, class or method of their records, so the
browser cannot test those there itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement

from demine.errors import RecordError
from demine.i18n import _
from demine.store.layer_frames import LayerFrame
from demine.store.tile_layers import TileLayer

# The date each record layer is filtered by (hazards have none on the map).
DATE_OF = {"release": "released_on", "eo_item": "found_on", "accident": "occurred_on"}
ORGANISATION = "reported_by_id"
# Query name -> the record property it keeps to one value.
KEYED = {"status": "status", "hazard_class": "hazard_class", "method": "method"}


@dataclass(frozen=True)
class TileFilter:
    """Records of one organisation, and/or dated within [since, until],
    and/or of one hazard status, hazard class or release method."""

    organisation: int | None = None
    since: str | None = None
    until: str | None = None
    status: str | None = None
    hazard_class: str | None = None
    method: str | None = None

    @classmethod
    def parse(
        cls,
        organisation: str | None,
        since: str | None,
        until: str | None,
        **keyed: str | None,
    ) -> TileFilter:
        """From the query of a tile URL; a bad value is a RecordError naming it."""
        org: int | None = None
        if organisation:
            try:
                org = int(organisation)
            except ValueError as exc:
                raise RecordError(
                    _("the organisation must be a number"), field="organisation"
                ) from exc
        for name, value in (("from", since), ("to", until)):
            if value:
                try:
                    dt.date.fromisoformat(value)
                except ValueError as exc:
                    raise RecordError(
                        _("%(name)s must be a date (YYYY-MM-DD)", name=name), field=name
                    ) from exc
        picked = {k: v or None for k, v in keyed.items() if k in KEYED}
        return cls(org, since or None, until or None, **picked)

    def __bool__(self) -> bool:
        return any(v is not None and v != "" for v in self.key())

    def key(self) -> tuple[Any, ...]:
        """What a cached tile is keyed by."""
        return (self.organisation, self.since, self.until, *self._keyed_values())

    def _keyed_values(self) -> tuple[str | None, ...]:
        return tuple(getattr(self, name) for name in KEYED)

    def keyed(self, spec: TileLayer) -> dict[str, str]:
        """Property -> value for the keyed filters that apply to ``spec``."""
        return {
            KEYED[name]: value
            for name, value in zip(KEYED, self._keyed_values(), strict=True)
            if value and KEYED[name] in spec.properties
        }

    @property
    def dated(self) -> bool:
        """Whether a period is asked for (the precomputed cells have no dates)."""
        return bool(self.since or self.until)

    def clauses(self, spec: TileLayer) -> list[ColumnElement[bool]]:
        """SQL conditions on ``spec``'s table."""
        cols = spec.model.__table__.c
        out: list[ColumnElement[bool]] = []
        if self.organisation is not None and ORGANISATION in cols:
            out.append(cols[ORGANISATION] == self.organisation)
        for prop, value in self.keyed(spec).items():
            out.append(spec.column(prop) == value)
        date = DATE_OF.get(spec.name)
        if date is not None and (self.since or self.until):
            out.append(cols[date].is_not(None))
            if self.since:
                out.append(cols[date] >= dt.date.fromisoformat(self.since))
            if self.until:
                out.append(cols[date] <= dt.date.fromisoformat(self.until))
        return out

    def mask(self, spec: TileLayer, frame: LayerFrame) -> np.ndarray | None:
        """Which of a layer frame's records pass (None: all of them)."""
        if not self:
            return None
        keep = np.ones(len(frame.lon), dtype=bool)
        values = frame.values
        if self.organisation is not None and ORGANISATION in values:
            orgs = values[ORGANISATION].astype("Float64").to_numpy(na_value=np.nan)
            keep &= orgs == self.organisation
        for prop, value in self.keyed(spec).items():
            if prop in values:
                keep &= (values[prop].astype(object) == value).to_numpy(dtype=bool)
        date = DATE_OF.get(spec.name)
        if date is not None and date in values and (self.since or self.until):
            days = values[date].astype(object).to_numpy()
            have = np.array([isinstance(d, str) and d != "" for d in days])
            text = np.where(have, days, "").astype(str)
            keep &= have
            if self.since:
                keep &= text >= self.since
            if self.until:
                keep &= text <= self.until
        return keep
