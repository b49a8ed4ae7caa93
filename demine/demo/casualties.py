# SPDX-License-Identifier: GPL-3.0-or-later
"""Accidents and victims since the ceasefire.

The national register reproduces the published 361 casualties (68 killed,
293 injured) since November 2020, spread over the five demo years with a
falling rate (most casualties were in 2021); smaller registers scale them
but keep at least 24 victims. Who the victims are (mostly civilian men, some
deminers, soldiers and children) and what they were doing are demo
assumptions in line with the casualty profile Azerbaijan reports.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from demine.demo import shapes
from demine.demo.figures import CASUALTIES, KILLED, Scale
from demine.demo.geography import Geography
from demine.demo.hazards import Hazards
from demine.demo.minefields import CLUSTER, CONTACT, FRONT
from demine.demo.ordnance import pick_models
from demine.demo.records import choose, weighted_order
from demine.demo.releases import Work
from demine.demo.timeline import PERIOD_DAYS
from demine.domain.vocab import (
    AccidentType,
    EOCategory,
    Outcome,
    Sex,
    VictimActivity,
    VictimStatus,
)

K = EOCategory
# Device of non-demining accidents, victims per accident (range), and how
# lethal it is relative to an AP mine.
DEVICES = {
    K.AP_MINE: (55, (1, 2), 1.0),
    K.AT_MINE: (18, (1, 4), 3.0),
    K.UXO: (22, (1, 3), 1.5),
    K.SUBMUNITION: (5, (1, 2), 1.5),
}
DEMINING_SHARE = 0.08  # of accidents
MILITARY_SHARE = 0.12  # of non-demining accidents
CHILD_SHARE = 0.10  # of civilian victims

A = VictimActivity
ADULT_ACTIVITY = ([A.AGRICULTURE, A.HERDING, A.TRAVELLING, A.CONSTRUCTION,
                   A.GATHERING, A.TAMPERING, A.OTHER, A.UNKNOWN],
                  [24, 20, 18, 12, 10, 8, 4, 4])  # fmt: skip
CHILD_ACTIVITY = ([A.PLAYING, A.HERDING, A.TAMPERING, A.TRAVELLING],
                  [50, 20, 20, 10])  # fmt: skip


@dataclass(frozen=True)
class Casualties:
    """Accidents (local metres) and their victims."""

    accidents: pd.DataFrame
    victims: pd.DataFrame


def build_casualties(
    hz: Hazards, geo: Geography, work: Work, scale: Scale, rng: np.random.Generator
) -> Casualties:
    """Accidents until the victims number ``scale.victims``."""
    target = scale.victims
    n = target  # never more accidents than victims
    demining = rng.random(n) < DEMINING_SHARE
    cats = list(DEVICES)
    device = choose(rng, [c.value for c in cats], [DEVICES[c][0] for c in cats], n)
    device[demining] = choose(
        rng, [K.AP_MINE.value, K.UXO.value], [80, 20], demining.sum()
    )
    size = np.ones(n, np.int64)
    for cat in cats:
        rows = device == cat.value
        lo, hi = DEVICES[cat][1]
        size[rows] = rng.integers(lo, hi + 1, rows.sum())
    # Most accidents hurt one person: keep only a quarter of the multiples.
    size = np.where(rng.random(n) < 0.75, 1, size)
    cum = np.cumsum(size)
    m = int(np.searchsorted(cum, target) + 1)
    size, device, demining = size[:m], device[:m], demining[:m]
    size[-1] -= cum[m - 1] - target
    accidents = _accidents(hz, geo, work, device, demining, rng)
    victims = _victims(accidents, size, rng)
    return Casualties(accidents, victims)


def _accidents(
    hz: Hazards,
    geo: Geography,
    work: Work,
    device: np.ndarray,
    demining: np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    m = len(device)
    # A falling rate: density ~ exp(-t / 2 years).
    tau = 730.0
    u = rng.random(m)
    day = -tau * np.log(1 - u * (1 - np.exp(-PERIOD_DAYS / tau)))
    day = np.floor(day).astype(np.int64)
    x, y, hazard = _places(hz, geo, m, rng)
    # Demining accidents happen on clearance tasks, inside their ground.
    acts = work.activities
    pieces = work.releases[work.releases["kind"] == "cleared"]
    k = int(demining.sum())
    if k and len(pieces):
        pick = rng.choice(len(pieces), k)
        px, py = shapes.points_in(pieces["geom"].to_numpy(), pick, rng)
        x[demining], y[demining] = px, py
        hazard[demining] = pieces["hazard"].to_numpy()[pick]
        act = pieces["activity"].to_numpy()[pick]
        start = acts["start"].to_numpy()[act]
        stop = pieces["day"].to_numpy()[pick]
        day[demining] = start + np.floor(rng.random(k) * (stop - start + 1))
    else:
        demining[:] = False
    kind = np.where(
        demining, AccidentType.DEMINING.value, AccidentType.NON_DEMINING.value
    )
    return pd.DataFrame(
        {
            "x": x,
            "y": y,
            "hazard": hazard,
            "district": geo.district_of(x, y),
            "day": day,
            "accident_type": kind.astype(object),
            "device": device,
            "eo_model": pick_models(device, rng),
            "town": geo.nearest_town(x, y)[0],
        }
    )


def _places(
    hz: Hazards, geo: Geography, m: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Three in four accidents inside a hazard (belts and settlement areas
    near returning people), the rest on roads and fields near a town."""
    inside = rng.random(m) < 0.75
    returning = geo.towns["awaits_return"].to_numpy()[hz.town] == 1
    weight = np.isin(hz.zone, [FRONT, CONTACT, CLUSTER]) * (1.0 + returning)
    weight *= np.exp(-hz.town_distance / 8_000.0)
    pick = rng.choice(len(hz.geoms), inside.sum(), p=weight / weight.sum())
    x = np.empty(m)
    y = np.empty(m)
    x[inside], y[inside] = shapes.points_in(hz.geoms, pick, rng)
    towns = geo.towns
    t = rng.integers(0, len(towns), (~inside).sum())
    x[~inside] = towns["x"].to_numpy()[t] + rng.normal(0, 2_500, len(t))
    y[~inside] = towns["y"].to_numpy()[t] + rng.normal(0, 2_500, len(t))
    hazard = np.full(m, -1)
    where, which = shapely.STRtree(hz.geoms).query(
        shapely.points(x, y), predicate="within"
    )
    hazard[where] = which
    return x, y, hazard


def _victims(
    accidents: pd.DataFrame, size: np.ndarray, rng: np.random.Generator
) -> pd.DataFrame:
    owner = np.repeat(np.arange(len(size)), size)
    v = len(owner)
    demining = (accidents["accident_type"].to_numpy() == AccidentType.DEMINING.value)[
        owner
    ]
    military = ~demining & (rng.random(len(size)) < MILITARY_SHARE)[owner]
    civilian = ~demining & ~military
    child = civilian & (rng.random(v) < CHILD_SHARE)
    status = np.where(
        demining,
        VictimStatus.DEMINER.value,
        np.where(military, VictimStatus.MILITARY.value, VictimStatus.CIVILIAN.value),
    )
    female = np.where(child, 0.3, np.where(civilian, 0.06, 0.02))
    sex = np.where(rng.random(v) < female, Sex.FEMALE.value, Sex.MALE.value)
    sex = sex.astype(object)  # room for "unknown"
    sex[rng.random(v) < 0.01] = Sex.UNKNOWN.value
    age = np.where(
        child, rng.integers(6, 18, v), np.where(military, rng.integers(19, 36, v),
                                                rng.integers(18, 71, v))
    )  # fmt: skip
    known_age = rng.random(v) > 0.04
    activity = np.where(
        child,
        choose(rng, *CHILD_ACTIVITY, v),
        choose(rng, *ADULT_ACTIVITY, v),
    )
    activity[demining] = A.DEMINING.value
    activity[military] = A.MILITARY.value
    killed = _killed(accidents, owner, size.sum(), rng)
    return pd.DataFrame(
        {
            "accident": owner,
            "sex": sex,
            "age": age,
            "known_age": known_age,
            "outcome": np.where(killed, Outcome.KILLED.value, Outcome.INJURED.value),
            "status": status.astype(object),
            "activity": activity,
        }
    )


def _killed(
    accidents: pd.DataFrame, owner: np.ndarray, total: int, rng: np.random.Generator
) -> np.ndarray:
    """Exactly the published killed share, likelier for AT mines and UXO."""
    lethality = {c.value: DEVICES[c][2] for c in DEVICES}
    weight = np.array([lethality[d] for d in accidents["device"]])[owner]
    k = round(total * KILLED / CASUALTIES)
    killed = np.zeros(len(owner), bool)
    killed[weighted_order(rng, weight)[:k]] = True
    return killed
