# SPDX-License-Identifier: GPL-3.0-or-later
"""Geographic extents: lon/lat boxes that a country's data should fall in.

The named extents are approximate bounding boxes of the national territory
(including islands and exclaves such as Nakhchivan) with a margin of about
0.1-0.3 degrees, from public gazetteer knowledge. They exist to catch gross
errors (swapped or mistyped coordinates, wrong CRS), not to test borders.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray

from demine.errors import RecordError
from demine.i18n import _

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Extent:
    """A lon/lat box in WGS84 degrees, edges included.

    ``name`` only labels messages; it takes no part in equality.

    Examples
    --------
    >>> box = Extent(44.5, 38.2, 51.0, 42.1, name="Azerbaijan")
    >>> box.contains([47.0, 40.0], [40.0, 47.0]).tolist()
    [True, False]
    """

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float
    name: str = field(default="", compare=False)
    # The country's area (km², published figures), for "a share of the country".
    area_km2: float | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        values = (self.min_lon, self.min_lat, self.max_lon, self.max_lat)
        if not all(math.isfinite(v) for v in values):
            raise RecordError(
                _("extent bounds must be finite: %(values)s", values=values),
                field="extent",
            )
        if not (-180.0 <= self.min_lon <= self.max_lon <= 180.0):
            raise RecordError(
                _(
                    "extent longitudes must satisfy -180 <= min <= max <= 180: "
                    "%(values)s",
                    values=values,
                ),
                field="extent",
            )
        if not (-90.0 <= self.min_lat <= self.max_lat <= 90.0):
            raise RecordError(
                _(
                    "extent latitudes must satisfy -90 <= min <= max <= 90: %(values)s",
                    values=values,
                ),
                field="extent",
            )

    @property
    def area_m2(self) -> float:
        """The country's area in m²; for a plain box, the box's geodesic area."""
        if self.area_km2 is not None:
            return self.area_km2 * 1e6
        from demine.geo.area import geodesic_area

        box = shapely.box(*self.bounds)
        return float(geodesic_area(np.array([box], dtype=object))[0])

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(min_lon, min_lat, max_lon, max_lat)``."""
        return (self.min_lon, self.min_lat, self.max_lon, self.max_lat)

    def contains(self, lon: ArrayLike, lat: ArrayLike) -> NDArray[np.bool_]:
        """Return, element-wise, whether lon/lat lie in the box (edges count).

        NaN coordinates are never contained.

        Examples
        --------
        >>> bool(Extent(0, 0, 1, 1).contains(1.0, 0.5))
        True
        """
        x = np.asarray(lon, dtype=np.float64)
        y = np.asarray(lat, dtype=np.float64)
        return (
            (x >= self.min_lon)
            & (x <= self.max_lon)
            & (y >= self.min_lat)
            & (y <= self.max_lat)
        )

    def describe(self) -> str:
        """Human-readable label: the name, or the four numbers."""
        numbers = ",".join(f"{v:g}" for v in self.bounds)
        if self.name:
            return f"{self.name} ({numbers})"
        return _("extent (%(bounds)s)", bounds=numbers)

    @classmethod
    def named(cls, name: str) -> Extent:
        """Return a registered country extent by name or ISO 3166 alpha-3 code.

        Examples
        --------
        >>> Extent.named("bih") == Extent.named("Bosnia and Herzegovina")
        True
        """
        key = name.strip().casefold()
        for code, extent in COUNTRY_EXTENTS.items():
            if key in (code.casefold(), extent.name.casefold()):
                return extent
        known = ", ".join(f"{e.name} ({c})" for c, e in COUNTRY_EXTENTS.items())
        raise RecordError(
            _("unknown extent %(name)r; known: %(known)s", name=name, known=known),
            field="extent",
        )

    @classmethod
    def parse(cls, text: str) -> Extent:
        """Parse ``"minlon,minlat,maxlon,maxlat"`` or a registered country name.

        Examples
        --------
        >>> Extent.parse("15.5, 42.4, 19.8, 45.5").bounds
        (15.5, 42.4, 19.8, 45.5)
        >>> Extent.parse("Ukraine").name
        'Ukraine'
        """
        parts = [p.strip() for p in text.split(",")]
        if len(parts) != 4:
            return cls.named(text)
        try:
            values = [float(p) for p in parts]
        except ValueError:
            raise RecordError(
                _(
                    "extent must be four numbers 'minlon,minlat,maxlon,maxlat': "
                    "%(text)r",
                    text=text,
                ),
                field="extent",
            ) from None
        min_lon, min_lat, max_lon, max_lat = values
        return cls(min_lon, min_lat, max_lon, max_lat)


def _registry() -> Mapping[str, Extent]:
    # Areas: total area in km² as the countries publish it (UN Statistical
    # Yearbook figures, rounded).
    boxes: dict[str, tuple[str, float, float, float, float, float]] = {
        # ISO code: (name, min_lon, min_lat, max_lon, max_lat, km²)
        "AZE": ("Azerbaijan", 44.6, 38.2, 51.0, 42.1, 86_600),
        "BIH": ("Bosnia and Herzegovina", 15.5, 42.4, 19.8, 45.5, 51_209),
        # San Andrés, Providencia and Malpelo are Colombian too.
        "COL": ("Colombia", -82.0, -4.5, -66.6, 13.6, 1_141_748),
        "UKR": ("Ukraine", 22.0, 44.2, 40.4, 52.5, 603_550),
        "KHM": ("Cambodia", 102.2, 9.8, 107.8, 14.8, 181_035),
        "LAO": ("Lao PDR", 100.0, 13.8, 107.8, 22.6, 236_800),
    }
    return MappingProxyType(
        {
            code: Extent(x0, y0, x1, y1, name=name, area_km2=km2)
            for code, (name, x0, y0, x1, y1, km2) in boxes.items()
        }
    )


#: Every possible lon/lat: catches impossible coordinates when no country is set.
WORLD = Extent(-180.0, -90.0, 180.0, 90.0, name="the world")

#: Named country extents keyed by ISO 3166 alpha-3 code.
COUNTRY_EXTENTS: Mapping[str, Extent] = _registry()
