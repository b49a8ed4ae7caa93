# SPDX-License-Identifier: GPL-3.0-or-later
"""Findings: what a check found wrong with a record, by rule code."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class Rule(StrEnum):
    """Rule codes of geometry validation and the land-release ledger.

    A superset of GICHD's IMSMA "geocheck" views.
    """

    INVALID_GEOMETRY = "invalid_geometry"
    EMPTY_GEOMETRY = "empty_geometry"
    TOO_FEW_VERTICES = "too_few_vertices"
    DUPLICATE_GEOMETRY = "duplicate_geometry"
    DUPLICATE_VERTEX = "duplicate_vertex"
    LONG_SEGMENT = "long_segment"
    OVERLAP = "overlap"
    OUTSIDE_EXTENT = "outside_extent"
    SWAPPED_COORDINATES = "swapped_coordinates"
    OVERSIZED = "oversized"
    SLIVER = "sliver"
    WRONG_GEOMETRY_TYPE = "wrong_geometry_type"
    RELEASE_OUTSIDE_HAZARD = "release_outside_hazard"
    DOUBLE_RELEASE = "double_release"
    AREA_MISMATCH = "area_mismatch"
    STATUS_MISMATCH = "status_mismatch"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem with one record.

    ``x``/``y`` locate the problem in WGS84 when it has a place (the
    self-intersection point, the overlap's centre); ``related_id`` names the
    other record of a pair (overlap, duplicate, double release); ``area_m2``
    is the area involved where that means something.
    """

    rule: Rule
    entity: str
    id: int | str
    message: str
    x: float | None = None
    y: float | None = None
    related_id: int | str | None = None
    area_m2: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready mapping; ``rule`` as its code."""
        out = asdict(self)
        out["rule"] = str(self.rule)
        return out
