# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference layers: lines of contact, roads, power lines, projects, heritage.

Roads and power lines run between GeoNames settlements with a few bends added
at random. The positions of projects, heritage sites and the nature reserve
are demine's approximations from general maps (good to a few kilometres);
their names are real, their outlines are not.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import shapely

from demine.demo import shapes
from demine.demo.geography import CONTACT_LINE, FRONT_LINE, Geography
from demine.demo.records import ANAMA_ID, objects, stream, table
from demine.domain.vocab import ReferenceKind

# (name, lon, lat) of cultural heritage sites.
HERITAGE: list[tuple[str, float, float]] = [
    ("Juma Mosque of Aghdam", 46.9281, 39.9928),
    ("Govhar Agha Mosque, Shusha", 46.7537, 39.7606),
    ("Shusha Fortress", 46.7490, 39.7570),
    ("Khudafarin Bridges", 46.9300, 39.1600),
    ("Azykh Cave", 46.9900, 39.6000),
    ("Ganjasar Monastery", 46.5300, 40.0200),
    ("Dadivank Monastery", 46.2935, 40.1617),
]

# (name, kind, [(lon, lat) or town name, ...]) of lines between places.
ROUTES: list[tuple[str, str, list[str | tuple[float, float]]]] = [
    ("Ahmadbeyli–Fuzuli–Shusha highway (Victory Road)", "road",
     [(47.45, 39.60), "Fuzuli", "Shusha"]),
    ("Horadiz–Jabrayil–Zangilan–Aghband highway", "road",
     ["Horadiz", "Jabrayil", "Zangilan", (46.50, 38.87)]),
    ("Barda–Aghdam road", "road", ["Barda", "Aghdam"]),
    ("Aghdam–Khankendi road", "road", ["Aghdam", "Askyaran", "Khankendi"]),
    ("Toghanali–Kalbajar road", "road", [(46.28, 40.40), "Kalbajar", "İstisu"]),
    ("Lachin road", "road", ["Shusha", "Laçın"]),
    ("Gubadli–Lachin road", "road", ["Qubadlı", "Laçın"]),
    ("Tartar–Sugovushan road", "road", ["Tartar", (46.62, 40.18), "Vank"]),
    ("Horadiz–Aghband railway (under construction)", "infrastructure_project",
     ["Horadiz", "Jabrayil", "Zangilan", (46.50, 38.87)]),
    ("Barda–Aghdam railway (under construction)", "infrastructure_project",
     ["Barda", "Aghdam"]),
    ("Aghdam–Fuzuli 110 kV power line", "power_line", ["Aghdam", "Fuzuli"]),
    ("Shusha–Lachin 110 kV power line", "power_line", ["Shusha", "Laçın"]),
]  # fmt: skip

# (name, lon, lat, radius m) of area projects and protected areas.
AREAS: list[tuple[str, str, float, float, float]] = [
    ("Fuzuli International Airport", "infrastructure_project", 47.19, 39.59, 1_500),
    ("Zangilan International Airport", "infrastructure_project", 46.67, 39.13, 1_500),
    ("Lachin International Airport (site)", "infrastructure_project", 46.59, 39.70,
     1_500),
    ("Aghali smart village", "infrastructure_project", 46.64, 39.07, 800),
    ("Basitchay State Nature Reserve", "protected_area", 46.57, 39.12, 2_500),
    ("Sarsang Reservoir", "water", 46.55, 40.12, 3_000),
]  # fmt: skip


def heritage_xy() -> tuple[np.ndarray, np.ndarray]:
    """Heritage sites in the local frame (metres)."""
    lon = np.array([h[1] for h in HERITAGE])
    lat = np.array([h[2] for h in HERITAGE])
    return shapes.to_metres(lon, lat)


def reference_table(geo: Geography, seed: int) -> pd.DataFrame:
    """All reference features; geometry in WGS84."""
    rng = stream(seed, "reference")
    towns = geo.settlements.set_index("name")
    names: list[str] = []
    kinds: list[str] = []
    geoms: list[object] = []
    attrs: list[dict[str, object]] = []
    for name, coords, period in (
        ("Former line of contact (1994–2020)", FRONT_LINE, "1994-2020"),
        ("Line of contact round the peacekeeping area (2020–2023)", CONTACT_LINE,
         "2020-2023"),
    ):  # fmt: skip
        names.append(name)
        kinds.append(ReferenceKind.FRONT_LINE.value)
        geoms.append(shapely.LineString(coords))
        attrs.append({"period": period, "source": "demine approximation"})
    for name, kind, stops in ROUTES:
        names.append(name)
        kinds.append(ReferenceKind(kind).value)
        geoms.append(_route(stops, towns, rng))
        attrs.append({"source": "demine approximation"})
    for name, lon, lat in HERITAGE:
        names.append(name)
        kinds.append(ReferenceKind.CULTURAL_HERITAGE.value)
        geoms.append(shapely.Point(lon, lat))
        attrs.append({"source": "approximate position"})
    for name, kind, lon, lat, radius in AREAS:
        x, y = shapes.to_metres(np.array([lon]), np.array([lat]))
        blob = shapes.ellipses(x, y, np.array([radius * 1.3]), np.array([radius]),
                               rng.uniform(0, np.pi, 1), vertices=14)  # fmt: skip
        names.append(name)
        kinds.append(ReferenceKind(kind).value)
        geoms.append(shapes.geoms_to_degrees(blob)[0])
        attrs.append({"source": "approximate outline"})
    return table(
        "REF",
        {"kind": kinds, "name": names, "attributes": attrs, "geom": objects(geoms)},
        ANAMA_ID,
    )


def _route(
    stops: list[str | tuple[float, float]],
    towns: pd.DataFrame,
    rng: np.random.Generator,
) -> shapely.LineString:
    """A line through the stops with two bends between each pair."""
    points = np.array(
        [
            (towns.loc[s, "lon"], towns.loc[s, "lat"]) if isinstance(s, str) else s
            for s in stops
        ],
        dtype=float,
    )
    out = [points[0]]
    for a, b in itertools.pairwise(points):
        d = b - a
        normal = np.array([-d[1], d[0]])
        for t in (1 / 3, 2 / 3):
            out.append(a + t * d + normal * rng.normal(0, 0.04))
        out.append(b)
    return shapely.LineString(np.array(out))
