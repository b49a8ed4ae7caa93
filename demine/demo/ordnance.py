# SPDX-License-Identifier: GPL-3.0-or-later
"""The EO catalogue and the items found: in clearance and in EOD spot tasks.

Categories keep the published proportions of items found by February 2024
(31,175 AP mines : 18,790 AT mines : 62,228 UXO), with submunitions and
abandoned ordnance added. Models are the types reported in the area (Soviet
and Russian mines, Soviet/Russian artillery and rocket submunitions, the
Israeli M095 DPICM documented in 2020); the mix within a category is a demo
assumption.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from demine.demo import shapes
from demine.demo.actors import MES_ID, Teams
from demine.demo.figures import ITEMS_AP, ITEMS_AT, ITEMS_UXO, Scale
from demine.demo.geography import Geography
from demine.demo.hazards import AP, AT, AXO, CM, MIX, UXO, Hazards
from demine.demo.records import ANAMA_ID, choose, table
from demine.demo.releases import Work
from demine.demo.timeline import PERIOD_DAYS, ramp_days
from demine.domain.vocab import (
    ActivityStatus,
    ActivityType,
    DisposalMethod,
    EOCategory,
    EOCondition,
    Method,
)

K = EOCategory
# model, category, subcategory, origin, weight within its category
CATALOGUE: list[tuple[str, EOCategory, str, str, float]] = [
    ("PMN-2", K.AP_MINE, "blast", "USSR", 30),
    ("PMN", K.AP_MINE, "blast", "USSR", 12),
    ("PMN-4", K.AP_MINE, "blast", "Russia", 6),
    ("PFM-1", K.AP_MINE, "scatterable blast", "USSR", 8),
    ("POMZ-2M", K.AP_MINE, "fragmentation, stake", "USSR", 14),
    ("OZM-72", K.AP_MINE, "bounding fragmentation", "USSR", 14),
    ("MON-50", K.AP_MINE, "directional fragmentation", "USSR", 8),
    ("MON-90", K.AP_MINE, "directional fragmentation", "USSR", 3),
    ("MON-100", K.AP_MINE, "directional fragmentation", "USSR", 5),
    ("TM-62M", K.AT_MINE, "blast", "USSR", 45),
    ("TM-62P", K.AT_MINE, "blast, plastic case", "USSR", 10),
    ("TM-57", K.AT_MINE, "blast", "USSR", 20),
    ("TM-46", K.AT_MINE, "blast", "USSR", 12),
    ("TM-83", K.AT_MINE, "off-route, side attack", "USSR", 5),
    ("PTM-1", K.AT_MINE, "scatterable", "USSR", 8),
    ("82 mm mortar bomb", K.UXO, "mortar", "USSR", 22),
    ("120 mm mortar bomb", K.UXO, "mortar", "USSR", 12),
    ("122 mm artillery projectile", K.UXO, "projectile", "USSR", 16),
    ("152 mm artillery projectile", K.UXO, "projectile", "USSR", 8),
    ("122 mm rocket (9M22)", K.UXO, "rocket", "USSR", 7),
    ("PG-7V rocket-propelled grenade", K.UXO, "rocket-propelled grenade", "USSR", 12),
    ("VOG-17 grenade", K.UXO, "projected grenade", "USSR", 8),
    ("F-1 hand grenade", K.UXO, "hand grenade", "USSR", 8),
    ("RGD-5 hand grenade", K.UXO, "hand grenade", "USSR", 7),
    ("9N210 submunition", K.SUBMUNITION, "fragmentation (9M27K rocket)", "USSR", 40),
    ("9N235 submunition", K.SUBMUNITION, "fragmentation (9M55K rocket)", "USSR", 30),
    ("ShOAB-0.5 bomblet", K.SUBMUNITION, "fragmentation (RBK-500 bomb)", "USSR", 15),
    ("M095 DPICM", K.SUBMUNITION, "dual purpose (LAR-160 rocket)", "Israel", 15),
    ("Abandoned ammunition (mixed)", K.AXO, "cache", "various", 60),
    ("TNT demolition block", K.AXO, "explosive charge", "USSR", 40),
    ("Victim-operated IED", K.IED, "improvised", "unknown", 100),
    ("Small arms ammunition (mixed)", K.SAA, "cartridges", "various", 100),
]  # fmt: skip

_TOTAL = ITEMS_AP + ITEMS_AT + ITEMS_UXO
# Share of rows by category: AP:AT:UXO as published (82% of rows), plus
# submunitions and abandoned ordnance.
SHARE = {
    K.AP_MINE: 0.82 * ITEMS_AP / _TOTAL,
    K.AT_MINE: 0.82 * ITEMS_AT / _TOTAL,
    K.UXO: 0.82 * ITEMS_UXO / _TOTAL,
    K.SUBMUNITION: 0.12,
    K.AXO: 0.06,
}
# EOD spot tasks find 8% of all rows: UXO, AXO and submunitions only.
EOD_SHARE = 0.08
EOD_MIX = {K.UXO: 0.70, K.AXO: 0.20, K.SUBMUNITION: 0.10}

# Per category: (depth cm low, high), condition weights (armed, unarmed,
# damaged, unknown), disposal weights (removed and destroyed, in situ,
# render safe, handed over).
HANDLING: dict[EOCategory, tuple[tuple[int, int], list[int], list[int]]] = {
    K.AP_MINE: ((0, 15), [70, 5, 15, 10], [70, 25, 5, 0]),
    K.AT_MINE: ((5, 35), [70, 5, 15, 10], [75, 20, 5, 0]),
    K.UXO: ((0, 80), [40, 0, 35, 25], [65, 30, 0, 5]),
    K.SUBMUNITION: ((0, 20), [60, 0, 30, 10], [15, 85, 0, 0]),
    K.AXO: ((0, 5), [0, 50, 20, 30], [80, 0, 0, 20]),
}
CONDITIONS = [
    c.value
    for c in (
        EOCondition.ARMED,
        EOCondition.UNARMED,
        EOCondition.DAMAGED,
        EOCondition.UNKNOWN,
    )
]
DISPOSALS = [d.value for d in (DisposalMethod.REMOVED_AND_DESTROYED,
                               DisposalMethod.IN_SITU, DisposalMethod.RENDER_SAFE,
                               DisposalMethod.HANDED_OVER)]  # fmt: skip


def catalogue_table() -> pd.DataFrame:
    """The EO model catalogue."""
    return table(
        "EOM",
        {
            "model": [c[0] for c in CATALOGUE],
            "category": [c[1].value for c in CATALOGUE],
            "subcategory": [c[2] for c in CATALOGUE],
            "origin": [c[3] for c in CATALOGUE],
            "description": [f"{c[2]} ({c[3]})" for c in CATALOGUE],
        },
        ANAMA_ID,
    )


def pick_models(category: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A catalogue model id (1-based) for every item of the given categories."""
    out = np.zeros(len(category), np.int64)
    cats = np.array([c[1].value for c in CATALOGUE])
    weights = np.array([c[4] for c in CATALOGUE], float)
    for cat in dict.fromkeys(cats):  # np.unique would sort a million strings
        rows = category == cat
        if not rows.any():
            continue
        ids = np.flatnonzero(cats == cat)
        p = weights[ids] / weights[ids].sum()
        out[rows] = ids[rng.choice(len(ids), rows.sum(), p=p)] + 1
    return out


@dataclass(frozen=True)
class Finds:
    """EO items (local metres) and the EOD spot tasks that found some."""

    items: pd.DataFrame
    eod: pd.DataFrame  # activities, 0-based team and hazard positions


def find_items(
    hz: Hazards,
    geo: Geography,
    work: Work,
    teams: Teams,
    scale: Scale,
    rng: np.random.Generator,
) -> Finds:
    """``scale.eo_items`` rows: most in cleared ground, the rest in EOD tasks."""
    n_eod = round(scale.eo_items * EOD_SHARE)
    cleared = _in_clearance(hz, work, scale.eo_items - n_eod, rng)
    eod, spot = _eod_tasks(hz, geo, teams, n_eod, rng)
    items = pd.concat([cleared, spot], ignore_index=True)
    items = _handling(items, rng)
    return Finds(items, eod)


def _in_clearance(
    hz: Hazards, work: Work, n: int, rng: np.random.Generator
) -> pd.DataFrame:
    """Items in the cleared polygons, by category where that contamination is."""
    pieces = work.releases[work.releases["kind"] == "cleared"]
    hazard = pieces["hazard"].to_numpy()
    area = pieces["area"].to_numpy()
    mixed = hz.has(MIX)[hazard]
    where = {
        K.AP_MINE: hz.has(AP)[hazard] | mixed,
        K.AT_MINE: hz.has(AT)[hazard] | mixed,
        K.UXO: np.ones(len(hazard), bool),
        K.SUBMUNITION: hz.has(CM)[hazard] | mixed,
        K.AXO: hz.has(AXO)[hazard] | hz.has(UXO)[hazard],
    }
    counts = _category_counts(n, {k: SHARE[k] - _eod_part(k) for k in SHARE})
    owner, category = [], []
    for cat, count in counts.items():
        # Mines lie where mines were laid; UXO is everywhere but densest
        # where UXO was reported.
        weight = area * np.where(where[cat], 1.0, 0.0)
        if cat == K.UXO:
            weight = area * np.where(hz.has(UXO)[hazard] | mixed, 1.0, 0.15)
        if weight.sum() == 0:
            weight = area.copy()
        owner.append(rng.choice(len(area), count, p=weight / weight.sum()))
        category.append(np.full(count, cat.value, dtype=object))
    owner_a = np.concatenate(owner)
    x, y = shapes.points_in(pieces["geom"].to_numpy(), owner_a, rng)
    acts = work.activities
    activity = pieces["activity"].to_numpy()[owner_a]
    start = acts["start"].to_numpy()[activity]
    day = pieces["day"].to_numpy()[owner_a]
    found = start + np.floor(rng.random(len(owner_a)) * (day - start + 1))
    return pd.DataFrame(
        {
            "x": x,
            "y": y,
            "category": np.concatenate(category),
            "hazard": hazard[owner_a],
            "activity": activity,
            "found": found.astype(np.int64),
        }
    )


def _eod_part(category: EOCategory) -> float:
    return EOD_SHARE * EOD_MIX.get(category, 0.0)


def _category_counts(n: int, share: dict[EOCategory, float]) -> dict[EOCategory, int]:
    """Split ``n`` by share exactly (largest remainders)."""
    keys = list(share)
    raw = np.array([share[k] for k in keys]) / sum(share.values()) * n
    count = np.floor(raw).astype(int)
    count[np.argsort(raw - count)[::-1][: n - count.sum()]] += 1
    return dict(zip(keys, count.tolist(), strict=True))


def _eod_tasks(
    hz: Hazards,
    geo: Geography,
    teams: Teams,
    n_items: int,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Spot tasks near settlements, each finding one to a few items."""
    per_task = 1 + rng.poisson(2.0, n_items // 2 + 1)
    per_task = per_task[: np.searchsorted(np.cumsum(per_task), n_items) + 1]
    per_task[-1] -= per_task.sum() - n_items
    per_task = per_task[per_task > 0]
    m = len(per_task)
    town, x, y = _call_outs(geo, m, rng)
    day = np.floor(ramp_days(rng.random(m), 10, PERIOD_DAYS, slope=1.0))
    day = day.astype(np.int64)
    manual = teams.of_method(Method.MANUAL.value)
    # MES and ANAMA teams answer most call-outs.
    p = np.where(np.isin(teams.organisation[manual], [ANAMA_ID, MES_ID]), 4.0, 1.0)
    team = rng.choice(manual, m, p=p / p.sum())
    where, which = shapely.STRtree(hz.geoms).query(
        shapely.points(x, y), predicate="within"
    )
    hazard = np.full(m, -1)
    hazard[where] = which
    team_days = np.round(rng.uniform(0.5, 2.0, m), 1)
    eod = pd.DataFrame(
        {
            "hazard": hazard,
            "activity_type": ActivityType.EOD.value,
            "method": Method.MANUAL.value,
            "team": team,
            "organisation": teams.organisation[team],
            "start": day,
            "end": day,
            "status": ActivityStatus.COMPLETED.value,
            "team_days": team_days,
            "cost_usd": np.round(team_days * teams.cost[team], -1),
            "town": town,
        }
    )
    owner = np.repeat(np.arange(m), per_task)
    counts = _category_counts(len(owner), EOD_MIX)
    category = np.concatenate(
        [np.full(c, k.value, dtype=object) for k, c in counts.items()]
    )
    rng.shuffle(category)
    items = pd.DataFrame(
        {
            "x": x[owner] + rng.normal(0, 15, len(owner)),
            "y": y[owner] + rng.normal(0, 15, len(owner)),
            "category": category,
            "hazard": hazard[owner],
            "activity": -1 - owner,  # EOD task positions, told apart by sign
            "found": day[owner],
        }
    )
    return eod, items


def _call_outs(
    geo: Geography, m: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where EOD teams are called: within a few km of a town, larger towns
    more often. Returns the town index and the local x, y."""
    towns = geo.towns
    weight = np.sqrt(towns["population"].to_numpy(float))
    town = rng.choice(len(towns), m, p=weight / weight.sum())
    x = towns["x"].to_numpy()[town] + rng.normal(0, 3_000, m)
    y = towns["y"].to_numpy()[town] + rng.normal(0, 3_000, m)
    return town, x, y


def _handling(items: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Model, quantity, depth, condition and disposal of every item."""
    n = len(items)
    category = items["category"].to_numpy()
    depth = np.zeros(n)
    condition = np.empty(n, dtype=object)
    disposal = np.empty(n, dtype=object)
    for cat, ((lo, hi), cond_w, disp_w) in HANDLING.items():
        rows = category == cat.value
        k = int(rows.sum())
        depth[rows] = rng.integers(lo, hi + 1, k)
        condition[rows] = choose(rng, CONDITIONS, cond_w, k)
        disposal[rows] = choose(rng, DISPOSALS, disp_w, k)
    # Nearly all rows are single items; a few are stacks or clusters.
    quantity = np.where(rng.random(n) < 0.94, 1, rng.integers(2, 6, n))
    return items.assign(
        eo_model=pick_models(category, rng),
        quantity=quantity.astype(np.int64),
        depth_cm=depth,
        condition=condition,
        disposal=disposal,
    )
