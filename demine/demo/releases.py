# SPDX-License-Identifier: GPL-3.0-or-later
"""Five years of land release: which hazards were worked, how, by whom, when.

A worked hazard goes through up to three phases along its long axis: NTS
cancels a first stretch (suspected areas only), TS reduces the next, and
clearance clears the rest, each phase one activity of one team whose
products are one or more release polygons (interim hand-overs). A phase's
polygons are strips of the hazard cut by rectangles at fractions of its
bounding box, so the releases of a hazard never overlap and, when the
last phase reaches the far end, cover it exactly: the hazard is closed.

Hazards near settlements awaiting return, and settlement clusters, are
worked first; hazards are taken in that (randomised) order until the released
area reaches the published ~140,000 ha scaled to the register.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from demine.demo import shapes
from demine.demo.actors import Teams
from demine.demo.figures import Scale
from demine.demo.geography import Geography
from demine.demo.hazards import AP, AT, Hazards
from demine.demo.minefields import CLUSTER
from demine.demo.records import weighted_order
from demine.demo.timeline import HORIZON_DAYS, PERIOD_DAYS, ramp_days
from demine.domain.vocab import (
    ActivityStatus,
    ActivityType,
    HazardStatus,
    Method,
    ReleaseKind,
)

PHASES = (ReleaseKind.CANCELLED, ReleaseKind.REDUCED, ReleaseKind.CLEARED)
ACTIVITY_OF = {
    ReleaseKind.CANCELLED: ActivityType.NTS,
    ReleaseKind.REDUCED: ActivityType.TS,
    ReleaseKind.CLEARED: ActivityType.CLEARANCE,
}
# TS only samples the ground (lanes, boxes): it releases land about four
# times faster than full clearance with the same asset.
SPEED = {ActivityType.NTS: 1.0, ActivityType.TS: 4.0, ActivityType.CLEARANCE: 1.0}

M = Method
# Clearance and TS asset by the size of the ground (< 1 ha, 1–10 ha, > 10 ha):
# machines take the large areas, manual teams the small ones and the rest.
ASSETS = (
    [M.MANUAL, M.MIXED, M.MDD, M.MECHANICAL],
    np.array([[55, 20, 15, 10], [15, 30, 20, 35], [5, 25, 10, 60]], float),
)


@dataclass(frozen=True)
class Work:
    """Land-release activities and their release products (local metres).

    Indices are 0-based positions: ``hazard`` into the hazards, ``team`` into
    the teams, ``activity`` into ``activities``.
    """

    activities: pd.DataFrame
    releases: pd.DataFrame
    status: np.ndarray  # HazardStatus value per hazard
    closed: np.ndarray  # day closed, -1 if open


def plan_work(
    hz: Hazards,
    geo: Geography,
    teams: Teams,
    scale: Scale,
    dirty: np.ndarray,
    rng: np.random.Generator,
) -> Work:
    """Choose the worked hazards and generate their activities and releases."""
    progress = _progress(hz.area, rng)
    worked = _select(hz, geo, progress, scale.released_m2, dirty, rng)
    phases = _phases(hz, worked, progress, rng)
    pieces = _pieces(phases, scale.releases, rng)
    pieces = _cut(hz, pieces)
    acts = _assign(hz, phases, pieces, teams, rng)
    acts, pieces = _schedule(hz, acts, pieces, rng)
    pieces = _products(hz, pieces, rng)
    status, closed = _status(hz, pieces, progress, worked, rng)
    acts = _ongoing(acts, status)
    planned = _planned(hz, worked, dirty, teams, rng)
    activities = pd.concat([acts, planned], ignore_index=True)
    return Work(activities, pieces, status, closed)


def _progress(area: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Share of each hazard's long axis that would be released if worked.

    Small hazards are usually finished (1.0: closed); large ones only begun.
    """
    ha = area / 10_000
    finish = np.where(ha < 3, 0.75, np.where(ha < 20, 0.45, 0.15))
    partial = rng.uniform(0.1, 0.9, len(area))
    return np.where(rng.random(len(area)) < finish, 1.0, partial)


def _select(
    hz: Hazards,
    geo: Geography,
    progress: np.ndarray,
    target_m2: float,
    dirty: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Worked hazards in priority order, until the release target is met."""
    towns = geo.towns
    returning = towns["awaits_return"].to_numpy()[hz.town] == 1
    near = np.exp(-hz.town_distance / 6_000.0)
    weight = np.choose(hz.zone, [1.0, 0.8, 4.0, 0.5]) * (0.2 + near)
    weight *= np.where(returning, 2.0, 1.0) * np.where(hz.cha, 1.5, 1.0)
    weight[dirty] = 0.0
    order = weighted_order(rng, weight)
    order = order[~dirty[order]]
    released = np.cumsum(progress[order] * hz.area[order])
    return order[: np.searchsorted(released, target_m2) + 1]


def _phases(
    hz: Hazards, worked: np.ndarray, progress: np.ndarray, rng: np.random.Generator
) -> pd.DataFrame:
    """Each worked hazard's phases as intervals of its long axis (0 to 1)."""
    n = len(worked)
    cha = hz.cha[worked]
    cancel = np.where(cha, 0.0, rng.uniform(0.35, 0.8, n))
    reduce = np.where(
        cha, rng.uniform(0.0, 0.35, n), rng.uniform(0.1, 0.3, n) * (1 - cancel)
    )
    # No phase so thin it would be dropped below and leave a sliver unreleased.
    reduce[reduce < 0.02] = 0.0
    bounds = np.column_stack([np.zeros(n), cancel, cancel + reduce, np.ones(n)])
    reach = progress[worked][:, None]
    lo = np.minimum(bounds[:, :3], reach)
    hi = np.minimum(bounds[:, 1:], reach)
    keep = hi - lo > 0.005
    rows, phase = np.nonzero(keep)
    return pd.DataFrame(
        {
            "hazard": worked[rows],
            "phase": phase,
            "lo": lo[rows, phase],
            "hi": hi[rows, phase],
            "rank": rows,  # priority rank of the hazard
        }
    )


def _pieces(
    phases: pd.DataFrame, target: int, rng: np.random.Generator
) -> pd.DataFrame:
    """Split each phase into 1+ strips so the register has ~``target`` releases."""
    # One strip per phase, the rest spread at random: exactly ``target``.
    extra = max(0, target - len(phases))
    count = 1 + rng.multinomial(extra, np.full(len(phases), 1 / max(len(phases), 1)))
    owner = np.repeat(np.arange(len(phases)), count)
    width = rng.uniform(0.5, 1.5, len(owner))
    total = np.bincount(owner, width)
    end = np.cumsum(width)
    start_of = np.r_[0.0, np.cumsum(total)[:-1]]
    cum_hi = (end - start_of[owner]) / total[owner]
    cum_lo = cum_hi - width / total[owner]
    lo, hi = phases["lo"].to_numpy()[owner], phases["hi"].to_numpy()[owner]
    first = np.r_[True, owner[1:] != owner[:-1]]
    return pd.DataFrame(
        {
            "phase_row": owner,
            "hazard": phases["hazard"].to_numpy()[owner],
            "phase": phases["phase"].to_numpy()[owner],
            "lo": lo + cum_lo * (hi - lo),
            "hi": lo + cum_hi * (hi - lo),
            "piece": np.arange(len(owner))
            - np.flatnonzero(first)[np.cumsum(first) - 1],
            "pieces": count[owner],
        }
    )


def _cut(hz: Hazards, pieces: pd.DataFrame) -> pd.DataFrame:
    """Release polygons: strips of the hazard across its bounding box."""
    h = pieces["hazard"].to_numpy()
    minx, miny, maxx, maxy = shapely.bounds(hz.geoms[h]).T
    wide = (maxx - minx) >= (maxy - miny)
    lo, hi = pieces["lo"].to_numpy(), pieces["hi"].to_numpy()
    # Strips at the ends reach past the box so no sliver is left unreleased.
    a0 = np.where(lo <= 0, -0.01, lo)
    a1 = np.where(hi >= 1, 1.01, hi)
    x0 = np.where(wide, minx + a0 * (maxx - minx), minx - 1.0)
    x1 = np.where(wide, minx + a1 * (maxx - minx), maxx + 1.0)
    y0 = np.where(wide, miny - 1.0, miny + a0 * (maxy - miny))
    y1 = np.where(wide, maxy + 1.0, miny + a1 * (maxy - miny))
    geom = shapes.clip_to_boxes(hz.geoms[h], x0, y0, x1, y1)
    # Clipping can put a new vertex onto an old one (to within rounding),
    # which a register flags as a repeated vertex: drop such repeats (1 mm).
    geom = shapes.drop_repeated_points(geom, 0.001)
    polygonal = np.isin(
        shapely.get_type_id(geom),
        [shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON],
    )
    keep = polygonal & shapely.is_valid(geom) & (shapely.area(geom) > 1.0)
    out = pieces.assign(geom=geom)[keep].reset_index(drop=True)
    out["area"] = shapely.area(out["geom"].to_numpy())
    return out


def _assign(
    hz: Hazards,
    phases: pd.DataFrame,
    pieces: pd.DataFrame,
    teams: Teams,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """One activity per phase that kept a piece: type, asset, team, effort."""
    rows = np.unique(pieces["phase_row"].to_numpy())
    acts = phases.iloc[rows].reset_index(drop=True).assign(phase_row=rows)
    area = np.bincount(
        np.searchsorted(rows, pieces["phase_row"].to_numpy()),
        pieces["area"].to_numpy(),
        minlength=len(rows),
    )
    phase = acts["phase"].to_numpy()
    method = _assets(hz.zone[acts["hazard"].to_numpy()], area, phase, rng)
    team = np.empty(len(acts), np.int64)
    for m in dict.fromkeys(o.value for o in (Method.DRONE, *ASSETS[0])):
        pick = method == m
        if pick.any():
            team[pick] = rng.choice(teams.of_method(m), pick.sum())
    types = [ACTIVITY_OF[k] for k in PHASES]
    kind = np.array([t.value for t in types], dtype=object)[phase]
    speed = np.array([SPEED[t] for t in types])[phase]
    effort = (
        area / (teams.productivity[team] * speed) * rng.lognormal(0, 0.3, len(acts))
    )
    team_days = np.maximum(np.round(effort, 1), 0.5)
    return acts.assign(
        activity_type=kind,
        method=method,
        team=team,
        organisation=teams.organisation[team],
        team_days=team_days,
        cost_usd=np.round(team_days * teams.cost[team], -1),
        area=area,
    )


def _assets(
    zone: np.ndarray, area: np.ndarray, phase: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """NTS teams fly drones; TS and clearance assets follow the ground's size."""
    size = np.digitize(area, [10_000, 100_000])
    options, weights = ASSETS
    # Battle-area clearance round settlements is mostly manual and multi-asset.
    p = weights[size] * np.where((zone == CLUSTER)[:, None], [2, 2, 1, 0.5], 1.0)
    p /= p.sum(axis=1, keepdims=True)
    pick = (rng.random(len(area))[:, None] > np.cumsum(p, axis=1)).sum(axis=1)
    method = np.array([o.value for o in options], dtype=object)[np.minimum(pick, 3)]
    method[phase == 0] = Method.DRONE.value
    return method


def _schedule(
    hz: Hazards, acts: pd.DataFrame, pieces: pd.DataFrame, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Dates: a hazard's phases in turn, finished roughly in priority order
    at a rising rate over the five years; pieces released through a phase.
    """
    team_days = acts["team_days"].to_numpy()
    # Tasks are staffed to finish within about four months.
    crews = np.ceil(team_days / 90.0)
    duration = np.clip(np.ceil(team_days * 1.4 / crews), 1, 130)
    gap = rng.integers(5, 60, len(acts))
    hazard = acts["hazard"].to_numpy()
    first = np.r_[True, hazard[1:] != hazard[:-1]]
    group = np.cumsum(first) - 1
    span = np.bincount(group, duration + gap)
    lo = np.maximum(hz.recorded[hazard[first]] + 14, 20)
    room = PERIOD_DAYS - lo
    squeeze = np.minimum(1.0, room / span)
    # When a hazard's work ends follows a rising rate (capacity grew every
    # year); priority sets it roughly, chance (access, funding, the team's
    # other tasks) does the rest.
    rank = acts["rank"].to_numpy()[first] / max(acts["rank"].max(), 1)
    key = rank + rng.normal(0.0, 0.3, len(rank))
    u = np.argsort(np.argsort(key)) / max(len(key) - 1, 1)  # uniform again
    fits = span * squeeze
    start = (
        ramp_days(u, lo + fits, np.maximum(PERIOD_DAYS, lo + fits), slope=1.0) - fits
    )
    duration = np.maximum(np.floor(duration * squeeze[group]), 1)
    gap = np.floor(gap * squeeze[group])
    # Each phase starts after the previous phases and gaps of its hazard.
    before = np.cumsum(duration + gap) - (duration + gap)
    offset = before - before[first][group]
    begin = np.floor(start[group] + offset + gap).astype(np.int64)
    end = np.minimum(begin + duration.astype(np.int64), PERIOD_DAYS)
    begin = np.minimum(begin, end)
    acts = acts.assign(start=begin, end=end)
    row = np.searchsorted(acts["phase_row"].to_numpy(), pieces["phase_row"].to_numpy())
    step = (pieces["piece"].to_numpy() + 1) / pieces["pieces"].to_numpy()
    day = begin[row] + np.floor(step * (end[row] - begin[row])).astype(np.int64)
    return acts, pieces.assign(activity=row, day=day)


def _products(
    hz: Hazards, pieces: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """Kind, clearance depth and the typed-in area of every release."""
    phase = pieces["phase"].to_numpy()
    hazard = pieces["hazard"].to_numpy()
    n = len(pieces)
    # National standards clear AT-mined ground deeper than AP-only ground.
    depth = np.where(
        hz.has(AT)[hazard],
        rng.choice([25.0, 30.0, 40.0], n),
        np.where(hz.has(AP)[hazard], rng.choice([13.0, 15.0, 20.0], n),
                 rng.choice([20.0, 30.0, 50.0], n)),
    )  # fmt: skip
    depth[phase != 2] = np.nan
    typed = np.round(pieces["area"].to_numpy() * rng.uniform(0.98, 1.02, n))
    kind = np.array([k.value for k in PHASES], dtype=object)[phase]
    return pieces.assign(kind=kind, depth_cm=depth, reported_area_m2=typed)


def _status(
    hz: Hazards,
    pieces: pd.DataFrame,
    progress: np.ndarray,
    worked: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Closed when released to the far end, worked on if begun, a few
    suspended (access, weather, funding), the rest open."""
    n = len(hz.geoms)
    status = np.full(n, HazardStatus.OPEN.value, dtype=object)
    begun = np.unique(pieces["hazard"].to_numpy())
    status[begun] = HazardStatus.WORKED_ON.value
    last = np.full(n, -1)
    np.maximum.at(last, pieces["hazard"].to_numpy(), pieces["day"].to_numpy())
    reached = np.zeros(n, bool)
    reached[worked] = progress[worked] >= 1.0
    done = reached & (last >= 0)
    status[done] = HazardStatus.CLOSED.value
    partial = np.flatnonzero(status == HazardStatus.WORKED_ON.value)
    stop = partial[rng.random(len(partial)) < 0.04]
    status[stop] = HazardStatus.SUSPENDED.value
    return status, np.where(done, last, -1)


def _ongoing(acts: pd.DataFrame, status: np.ndarray) -> pd.DataFrame:
    """The last phase of an unfinished hazard still running at the end is ongoing."""
    hazard = acts["hazard"].to_numpy()
    last = np.r_[hazard[1:] != hazard[:-1], True]
    running = (
        last
        & (status[hazard] == HazardStatus.WORKED_ON.value)
        & (acts["end"].to_numpy() > PERIOD_DAYS - 45)
    )
    state = np.where(
        running, ActivityStatus.ONGOING.value, ActivityStatus.COMPLETED.value
    )
    return acts.assign(
        status=state.astype(object), end=np.where(running, -1, acts["end"])
    )


def _planned(
    hz: Hazards,
    worked: np.ndarray,
    dirty: np.ndarray,
    teams: Teams,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Tasks planned for December 2025 on about 1% of the open hazards."""
    open_ = np.ones(len(hz.geoms), bool)
    open_[worked] = False
    open_ &= ~dirty
    candidates = np.flatnonzero(open_)
    k = max(3, len(hz.geoms) // 100)
    pick = rng.choice(candidates, min(k, len(candidates)), replace=False)
    cha = hz.cha[pick]
    kind = np.where(cha, ActivityType.CLEARANCE.value, ActivityType.NTS.value)
    method = np.where(cha, Method.MECHANICAL.value, Method.DRONE.value)
    team = np.empty(len(pick), np.int64)
    for m in np.unique(method):
        rows = method == m
        team[rows] = rng.choice(teams.of_method(m), rows.sum())
    return pd.DataFrame(
        {
            "hazard": pick,
            "activity_type": kind.astype(object),
            "method": method.astype(object),
            "team": team,
            "organisation": teams.organisation[team],
            "start": rng.integers(PERIOD_DAYS + 1, HORIZON_DAYS + 1, len(pick)),
            "end": -1,
            "status": ActivityStatus.PLANNED.value,
            "team_days": np.nan,
            "cost_usd": np.nan,
        }
    )
