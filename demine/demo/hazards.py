# SPDX-License-Identifier: GPL-3.0-or-later
"""Hazard attributes: class, contamination, evidence, land use, SADD, dates.

Proportions are demo assumptions except the published ones (see
:mod:`demine.demo.figures`): the CHA share of the suspected area (18%) is
met exactly by area, and the estimated devices add up to the "up to 1.5
million mines" scaled to the register's size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from demine.demo import reference
from demine.demo.figures import CHA_SHARE, ESTIMATED_DEVICES, Scale
from demine.demo.geography import Geography
from demine.demo.minefields import BACKGROUND, CLUSTER, CONTACT, FRONT, Layout
from demine.demo.records import choose, nullable_int, weighted_order
from demine.demo.timeline import day_of
from demine.domain.vocab import (
    Blockage,
    ContaminationType,
    Evidence,
    LandUse,
)

C = ContaminationType
AP, AT, UXO = C.AP_MINE.value, C.AT_MINE.value, C.UXO.value
AXO, CM, IED, MIX = C.AXO.value, C.CLUSTER_MUNITION.value, C.IED.value, C.MIXED.value

# Contamination combinations and their weights in each zone (FRONT, CONTACT,
# CLUSTER, BACKGROUND): belts hold mines, settlements battle-area UXO.
COMBOS: list[tuple[tuple[str, ...], tuple[float, float, float, float]]] = [
    ((AP, AT), (45, 35, 0, 10)),
    ((AP,), (20, 40, 0, 25)),
    ((AT,), (15, 10, 0, 0)),
    ((AP, AT, UXO), (15, 0, 0, 0)),
    ((AP, UXO), (0, 15, 12, 20)),
    ((UXO,), (0, 0, 35, 30)),
    ((CM,), (0, 0, 15, 10)),
    ((UXO, CM), (0, 0, 20, 0)),
    ((UXO, AXO), (0, 0, 9, 0)),
    ((IED,), (0, 0, 1, 0)),
    ((MIX,), (5, 0, 8, 5)),
]

E = Evidence
EVIDENCE_CHA = ([E.DEVICE_SEEN, E.MINEFIELD_RECORD, E.ACCIDENT], [45, 40, 15])
EVIDENCE_SHA = {
    "belt": ([E.FRONT_LINE, E.MILITARY_POSITION, E.INFORMANT, E.NONE],
             [50, 25, 20, 5]),
    "other": ([E.INFORMANT, E.MILITARY_POSITION, E.NONE], [45, 35, 20]),
}  # fmt: skip

L = LandUse
LAND_USE = {
    FRONT: ([L.AGRICULTURE, L.GRAZING, L.UNUSED, L.FOREST], [35, 35, 20, 10]),
    CONTACT: ([L.GRAZING, L.FOREST, L.AGRICULTURE, L.UNUSED], [35, 30, 20, 15]),
    CLUSTER: ([L.RESIDENTIAL, L.AGRICULTURE, L.INFRASTRUCTURE, L.GRAZING, L.INDUSTRIAL],
              [40, 30, 15, 10, 5]),
    BACKGROUND: ([L.GRAZING, L.FOREST, L.AGRICULTURE, L.UNUSED, L.WATER],
                 [35, 30, 20, 10, 5]),
}  # fmt: skip

B = Blockage
BLOCKAGES = {
    "belt": ([(B.AGRICULTURE,), (), (B.ROAD,), (B.AGRICULTURE, B.WATER),
              (B.INFRASTRUCTURE,)], [40, 30, 15, 10, 5]),
    CLUSTER: ([(B.SETTLEMENT,), (B.SETTLEMENT, B.ROAD), (B.AGRICULTURE,),
               (B.INFRASTRUCTURE,), (B.ROAD,), ()], [35, 25, 15, 10, 10, 5]),
    BACKGROUND: ([(), (B.AGRICULTURE,), (B.ROAD,), (B.WATER,), (B.INFRASTRUCTURE,)],
                 [45, 25, 15, 10, 5]),
}  # fmt: skip

# Devices per hectare of CHA by zone; SHA holds a fifth as many.
DEVICE_DENSITY = {FRONT: 40.0, CONTACT: 60.0, CLUSTER: 6.0, BACKGROUND: 1.5}
# Who recorded hazards: ANAMA, MoD (belts it laid or breached), MES.
REPORTERS = ([1, 2, 3, 4], [65, 20, 10, 5])


@dataclass(frozen=True)
class Hazards:
    """The hazards as arrays (local metres) for the generators that follow."""

    geoms: np.ndarray
    area: np.ndarray
    zone: np.ndarray
    cha: np.ndarray
    combo: np.ndarray  # index into COMBOS
    x: np.ndarray  # centroid
    y: np.ndarray
    district: np.ndarray  # index into geo.districts
    town: np.ndarray  # index into geo.towns (nearest)
    town_distance: np.ndarray
    recorded: np.ndarray  # day number
    columns: dict[str, object]  # the table columns decided here

    def has(self, kind: str) -> np.ndarray:
        """Whether each hazard's contamination includes ``kind``."""
        flags = np.array([kind in c for c, _ in COMBOS])
        return flags[self.combo]


def build_hazards(
    geo: Geography, plan: Layout, scale: Scale, rng: np.random.Generator
) -> Hazards:
    """Attributes of every hazard of the layout."""
    geoms = plan.geoms
    n = len(geoms)
    area = shapely.area(geoms)
    centre = shapely.get_coordinates(shapely.centroid(geoms))
    x, y = centre[:, 0], centre[:, 1]
    district = geo.district_of(x, y)
    # A centroid can fall just outside the region where a hazard was clipped.
    lost = district < 0
    inner = shapely.get_coordinates(shapely.point_on_surface(geoms[lost]))
    district[lost] = geo.district_of(inner[:, 0], inner[:, 1])
    town, town_distance = geo.nearest_town(x, y)
    cha = _classify(plan.zone, area, rng)
    combo = _contamination(plan.zone, rng)
    recorded = _recorded(geo, plan.zone, x, y, rng)
    columns = {
        "hazard_class": np.where(cha, "cha", "sha").astype(object),
        "evidence": _evidence(plan.zone, cha, rng),
        "reliability": np.where(
            cha,
            choose(rng, ["high", "medium"], [70, 30], n),
            choose(rng, ["medium", "low"], [50, 50], n),
        ),
        "land_use": _by_zone(LAND_USE, plan.zone, rng),
        "blockages": _blockages(plan.zone, x, y, rng),
        "estimated_devices": nullable_int(*_devices(plan.zone, cha, area, scale, rng)),
        **_beneficiaries(plan.zone, rng),
        "reported_by_id": choose(rng, *REPORTERS, n).astype(np.int64),
    }
    return Hazards(
        geoms, area, plan.zone, cha, combo, x, y, district, town, town_distance,
        recorded, columns,
    )  # fmt: skip


def _classify(
    zone: np.ndarray, area: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """CHA for a weighted random set of hazards holding the published share.

    Belts and settlement clusters are likelier confirmed (devices seen,
    records handed over) than blanket background areas.
    """
    weight = np.choose(zone, [2.0, 3.0, 2.0, 0.4])
    order = weighted_order(rng, weight)
    within = np.cumsum(area[order]) <= CHA_SHARE * area.sum()
    cha = np.zeros(len(area), bool)
    cha[order[within]] = True
    return cha


def _contamination(zone: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    combo = np.empty(len(zone), np.int64)
    weights = np.array([w for _, w in COMBOS], float)
    for z in (FRONT, CONTACT, CLUSTER, BACKGROUND):
        pick = zone == z
        p = weights[:, z] / weights[:, z].sum()
        combo[pick] = rng.choice(len(COMBOS), pick.sum(), p=p)
    return combo


def contamination_lists(combo: np.ndarray) -> list[list[str]]:
    """The contamination column: a fresh list per hazard (lists are mutable)."""
    return [list(COMBOS[c][0]) for c in combo]


def _evidence(
    zone: np.ndarray, cha: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    n = len(zone)
    belt = zone <= CONTACT
    sha_belt = choose(rng, *EVIDENCE_SHA["belt"], n)
    sha_other = choose(rng, *EVIDENCE_SHA["other"], n)
    return np.where(
        cha, choose(rng, *EVIDENCE_CHA, n), np.where(belt, sha_belt, sha_other)
    )


def _by_zone(
    table: dict[int, tuple[list[LandUse], list[int]]],
    zone: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    out = np.empty(len(zone), dtype=object)
    for z, (options, weights) in table.items():
        pick = zone == z
        out[pick] = choose(rng, options, weights, int(pick.sum()))
    return out


def _blockages(
    zone: np.ndarray, x: np.ndarray, y: np.ndarray, rng: np.random.Generator
) -> list[list[str]]:
    """What each hazard blocks; anything within 1.5 km of a heritage site
    blocks a cultural site too."""
    options: list[list[str]] = []
    pick = np.empty(len(zone), np.int64)
    for key, zones in (("belt", (FRONT, CONTACT)), (CLUSTER, (CLUSTER,)),
                       (BACKGROUND, (BACKGROUND,))):  # fmt: skip
        rows = np.isin(zone, zones)
        opts, weights = BLOCKAGES[key]
        p = np.array(weights, float) / sum(weights)
        pick[rows] = len(options) + rng.choice(len(opts), rows.sum(), p=p)
        options += [[b.value for b in o] for o in opts]
    out = [list(options[i]) for i in pick]
    hx, hy = reference.heritage_xy()
    near = np.zeros(len(zone), bool)
    for sx, sy in zip(hx, hy, strict=True):
        near |= np.hypot(x - sx, y - sy) < 1_500
    for i in np.flatnonzero(near):  # a few dozen hazards at most
        out[i].append(Blockage.CULTURAL_SITE.value)
    return out


def _devices(
    zone: np.ndarray,
    cha: np.ndarray,
    area: np.ndarray,
    scale: Scale,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Estimated devices (value, known); totals the published estimate."""
    density = np.choose(zone, [DEVICE_DENSITY[z] for z in range(4)])
    mean = density * np.where(cha, 1.0, 0.2) * area / 10_000
    mean *= ESTIMATED_DEVICES * scale.fraction / mean.sum()
    count = rng.poisson(mean * rng.lognormal(0, 0.5, len(mean)) / np.exp(0.125))
    known = rng.random(len(mean)) > np.where(cha, 0.02, 0.12)
    return count, known


def _beneficiaries(zone: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """People who would use the land: women, men, girls, boys (SADD)."""
    mean = np.choose(zone, [30.0, 25.0, 180.0, 15.0])
    total = np.round(rng.lognormal(np.log(mean), 0.8)).astype(np.int64)
    split = rng.multinomial(total, [0.30, 0.31, 0.19, 0.20])
    return {k: split[:, i] for i, k in enumerate(("women", "men", "girls", "boys"))}


def _recorded(
    geo: Geography,
    zone: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Day each hazard was recorded: November 2020 to December 2021, except
    in the former peacekeeping area, surveyed from October 2023."""
    n = len(zone)
    belt = zone <= CONTACT
    early = np.where(
        belt,
        rng.integers(day_of(2020, 11, 15), day_of(2021, 7, 1), n),
        rng.integers(day_of(2020, 12, 1), day_of(2021, 12, 31), n),
    )
    late = rng.integers(day_of(2023, 10, 1), day_of(2024, 6, 30), n)
    shapely.prepare(geo.peacekeeping_zone)
    inside = shapely.contains_xy(geo.peacekeeping_zone, x, y)
    return np.where(inside, late, early)
