# SPDX-License-Identifier: GPL-3.0-or-later
"""Geometry: geodesic area, extents, validation rules and repair (WGS84 in)."""

from demine.geo.area import (
    equal_area_crs,
    geodesic_area,
    geodesic_distance,
    geodesic_length,
    to_equal_area,
)
from demine.geo.arrays import IdsLike
from demine.geo.extent import COUNTRY_EXTENTS, WORLD, Extent
from demine.geo.repair import Repair, RepairResult, repair
from demine.geo.validation import GeometryKind, check_geometries, summarise

__all__ = [
    "COUNTRY_EXTENTS",
    "WORLD",
    "Extent",
    "GeometryKind",
    "IdsLike",
    "Repair",
    "RepairResult",
    "check_geometries",
    "equal_area_crs",
    "geodesic_area",
    "geodesic_distance",
    "geodesic_length",
    "repair",
    "summarise",
    "to_equal_area",
]
