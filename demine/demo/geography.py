# SPDX-License-Identifier: GPL-3.0-or-later
"""The demo region: liberated districts, settlements and lines of contact.

Settlement names, coordinates and populations are GeoNames (CC BY 4.0), copied
into ``data/settlements.csv``. The country outline is Natural Earth 1:110m
(public domain), ``data/azerbaijan_outline.geojson``. District boundaries are
not real: they are Voronoi cells of each district's settlements and a few
hand-placed interior points, dissolved per district and clipped to the region,
so every settlement lies in its own district. The region outline, the anchor
points and both lines of contact are demine's own approximations traced from
general maps, good to a few kilometres.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from demine.demo import shapes
from demine.demo.records import ANAMA_ID, nullable_int, objects, stream, table
from demine.demo.timeline import day_of, to_dates
from demine.domain.vocab import PlaceType

# ISO 3166-2:AZ codes of the districts (rayons) and the city of Khankendi.
DISTRICTS: dict[str, str] = {
    "Aghdam": "AZ-AGM",
    "Fuzuli": "AZ-FUZ",
    "Jabrayil": "AZ-CAB",
    "Zangilan": "AZ-ZAN",
    "Gubadli": "AZ-QBI",
    "Lachin": "AZ-LAC",
    "Kalbajar": "AZ-KAL",
    "Shusha": "AZ-SUS",
    "Khankendi": "AZ-XA",
    "Khojaly": "AZ-XCI",
    "Khojavend": "AZ-XVD",
    "Tartar": "AZ-TAR",
}

# Interior points that give each district roughly its real extent (lon, lat).
ANCHORS: dict[str, list[tuple[float, float]]] = {
    "Kalbajar": [(45.80, 40.22), (46.28, 40.28), (45.92, 39.98), (46.35, 40.08)],
    "Lachin": [(46.20, 39.74), (46.35, 39.50), (46.42, 39.80)],
    "Gubadli": [(46.45, 39.42), (46.66, 39.26)],
    "Zangilan": [(46.52, 39.02), (46.80, 39.10)],
    "Jabrayil": [(46.86, 39.30), (47.18, 39.36), (46.82, 39.44)],
    "Fuzuli": [(47.28, 39.56), (47.05, 39.62)],
    "Khojavend": [(46.98, 39.52), (46.92, 39.68)],
    "Shusha": [(46.70, 39.72)],
    "Khankendi": [],
    "Khojaly": [(46.62, 39.96), (46.70, 40.04)],
    "Aghdam": [(47.10, 39.95), (46.98, 40.08)],
    "Tartar": [(46.68, 40.22), (46.52, 40.32)],
}

# The demo region: the formerly occupied districts plus the strip east of the
# 1994–2020 line that was also mined; its southern edge follows the Araz
# river, which the 1:110m outline draws as a straight chord.
REGION: list[tuple[float, float]] = [
    (45.50, 40.42), (46.30, 40.42), (46.70, 40.38), (47.02, 40.40),
    (47.22, 40.22), (47.27, 40.05), (47.30, 39.95), (47.34, 39.78),
    (47.46, 39.64), (47.47, 39.50), (47.33, 39.43), (47.20, 39.33),
    (47.05, 39.23), (46.93, 39.16), (46.80, 39.10), (46.72, 39.01),
    (46.63, 38.93), (46.53, 38.86), (46.45, 38.84), (45.50, 38.84),
]  # fmt: skip

# The 1994–2020 line of contact, north (Murovdag) to south (Araz near Horadiz).
FRONT_LINE: list[tuple[float, float]] = [
    (46.25, 40.32), (46.35, 40.34), (46.42, 40.33), (46.52, 40.30),
    (46.62, 40.27), (46.72, 40.26), (46.80, 40.24), (46.86, 40.20),
    (46.92, 40.15), (46.99, 40.10), (47.05, 40.06), (47.09, 40.00),
    (47.11, 39.93), (47.13, 39.86), (47.17, 39.79), (47.21, 39.72),
    (47.25, 39.66), (47.27, 39.60), (47.28, 39.54), (47.27, 39.48),
    (47.26, 39.42),
]  # fmt: skip

# The 2020–2023 line around the area then under temporary peacekeeping
# control (Khankendi, Khojaly, Askeran, Khojavend), a closed ring.
CONTACT_LINE: list[tuple[float, float]] = [
    (46.60, 40.15), (46.85, 40.17), (46.93, 40.08), (46.90, 39.98),
    (47.00, 39.93), (47.08, 39.88), (47.14, 39.82), (47.12, 39.74),
    (47.00, 39.66), (46.85, 39.66), (46.78, 39.73), (46.70, 39.80),
    (46.55, 39.85), (46.50, 40.00), (46.60, 40.15),
]  # fmt: skip


@dataclass(frozen=True)
class Geography:
    """Everything spatial the other demo modules build on (local metres)."""

    region: BaseGeometry
    districts: pd.DataFrame  # name, code, boundary (metres)
    settlements: pd.DataFrame  # GeoNames rows with x, y (metres)
    front_line: BaseGeometry
    contact_line: BaseGeometry
    peacekeeping_zone: BaseGeometry

    def district_place_id(self, index: np.ndarray) -> np.ndarray:
        """Place id of district ``index`` (place 1 is the country)."""
        return np.asarray(index) + 2

    def town_place_id(self, index: np.ndarray) -> np.ndarray:
        """Place id of town ``index`` (after the country and the districts)."""
        return np.asarray(index) + 2 + len(self.districts)

    @property
    def towns(self) -> pd.DataFrame:
        """Settlements inside the region (the place rows)."""
        towns = self.settlements[self.settlements["district"] != ""]
        return towns.reset_index(drop=True)

    def district_of(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Index into ``districts`` of the district containing each point (-1)."""
        out = np.full(len(x), -1)
        for i, boundary in enumerate(self.districts["boundary"]):
            out[(out < 0) & shapely.contains_xy(boundary, x, y)] = i
        return out

    def nearest_town(
        self, x: np.ndarray, y: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Index into ``towns`` of the nearest one, and its distance (m)."""
        tx, ty = self.towns["x"].to_numpy(), self.towns["y"].to_numpy()
        best = np.zeros(len(x), int)
        dist = np.full(len(x), np.inf)
        for i in range(len(tx)):
            d = np.hypot(x - tx[i], y - ty[i])
            closer = d < dist
            best[closer], dist[closer] = i, d[closer]
        return best, dist


def _line(coords: list[tuple[float, float]]) -> BaseGeometry:
    lon, lat = np.array(coords).T
    x, y = shapes.to_metres(lon, lat)
    return shapely.linestrings(x, y)


@lru_cache(maxsize=1)
def _outline() -> BaseGeometry:
    text = resources.files("demine.demo").joinpath("data/azerbaijan_outline.geojson")
    feature = json.loads(text.read_text(encoding="utf-8"))["features"][0]
    return shape(feature["geometry"])


def read_settlements() -> pd.DataFrame:
    """The GeoNames settlements shipped with the package, with local x, y."""
    path = resources.files("demine.demo").joinpath("data/settlements.csv")
    with path.open(encoding="utf-8") as f:
        frame = pd.read_csv(f, comment="#", keep_default_na=False)
    frame["x"], frame["y"] = shapes.to_metres(frame["lon"], frame["lat"])
    return frame


@lru_cache(maxsize=1)
def build_geography() -> Geography:
    """The region, its districts and lines; deterministic, so built once."""
    outline = _outline()
    mainland = max(outline.geoms, key=lambda g: g.area)
    region_deg = shapely.intersection(mainland, shapely.Polygon(REGION))
    region = shapes.geoms_to_metres(np.array([region_deg]))[0]
    settlements = read_settlements()
    front = _line(FRONT_LINE)
    contact = _line(CONTACT_LINE)
    return Geography(
        region=region,
        districts=_districts(region, settlements),
        settlements=settlements,
        front_line=front,
        contact_line=contact,
        peacekeeping_zone=shapely.polygons(shapely.get_coordinates(contact)),
    )


def _districts(region: BaseGeometry, settlements: pd.DataFrame) -> pd.DataFrame:
    inside = settlements[settlements["district"] != ""]
    names = list(inside["district"])
    lon, lat = list(inside["lon"]), list(inside["lat"])
    for name, points in ANCHORS.items():
        names += [name] * len(points)
        lon += [p[0] for p in points]
        lat += [p[1] for p in points]
    x, y = shapes.to_metres(np.array(lon), np.array(lat))
    cells = shapely.get_parts(
        shapely.voronoi_polygons(
            shapely.multipoints(np.column_stack([x, y])),
            extend_to=shapely.buffer(region, 50_000),
            ordered=True,
        )
    )
    cells = shapely.intersection(cells, region)
    labels = np.array(names)
    boundaries = [
        shapely.union_all(cells[labels == name]) for name in DISTRICTS
    ]  # twelve unions, not a loop over records
    return pd.DataFrame(
        {
            "name": list(DISTRICTS),
            "code": list(DISTRICTS.values()),
            "boundary": shapes.as_multipolygons(objects(boundaries)),
        }
    )


def places_table(geo: Geography, seed: int) -> pd.DataFrame:
    """Place rows: the country, its demo districts, then their settlements.

    Settlements awaiting return get a displaced population and a planned
    return date in 2025–2030 (synthetic; the state's "Great Return" plan).
    """
    rng = stream(seed, "places")
    towns = geo.towns
    n_d, n_t = len(geo.districts), len(towns)
    is_town = np.r_[np.zeros(n_d + 1, bool), np.ones(n_t, bool)]
    country = _outline()
    boundaries = np.concatenate(
        [
            shapes.as_multipolygons(objects([country])),
            shapes.as_multipolygons(
                shapes.geoms_to_degrees(geo.districts["boundary"].to_numpy())
            ),
            np.full(n_t, None, dtype=object),
        ]
    )
    centres = shapely.point_on_surface(boundaries[: n_d + 1])
    returning = towns["awaits_return"].to_numpy() == 1
    population = towns["population"].to_numpy()
    displaced = np.where(
        returning, np.round(population * rng.uniform(0.6, 1.0, n_t)), 0
    )
    planned = rng.integers(day_of(2025, 3, 1), day_of(2030, 12, 1), n_t)
    district_index = {name: i for i, name in enumerate(geo.districts["name"])}
    parent = np.r_[0, np.ones(n_d, int), 2 + towns["district"].map(district_index)]
    return table(
        "PLC",
        {
            "name": ["Azerbaijan", *geo.districts["name"], *towns["name"]],
            "place_type": [PlaceType.COUNTRY.value]
            + [PlaceType.ADMIN1.value] * n_d
            + [PlaceType.SETTLEMENT.value] * n_t,
            "code": ["AZ", *geo.districts["code"], *towns["geonameid"].astype(str)],
            "parent_id": nullable_int(parent, parent > 0),
            "population": nullable_int(np.r_[np.zeros(n_d + 1), population], is_town),
            "displaced_population": nullable_int(
                np.r_[np.zeros(n_d + 1), displaced], is_town
            ),
            "planned_return_on": to_dates(
                np.r_[np.zeros(n_d + 1, int), planned],
                np.r_[np.zeros(n_d + 1, bool), returning],
            ),
            "location": objects(
                [*centres, *shapely.points(towns["lon"], towns["lat"])]
            ),
            "boundary": boundaries,
        },
        ANAMA_ID,
    )
