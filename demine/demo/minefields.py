# SPDX-License-Identifier: GPL-3.0-or-later
"""Where the demo's hazardous areas lie, and their outlines (local metres).

Hazards come from four populations:

* belts along the 1994–2020 line of contact: slots of a lattice in the line's
  own (along, across) frame, eight times longer than deep, each belt filling
  most of its slot, so the belts follow the line like real defensive belts;
* belts along the 2020–2023 line round the former peacekeeping area;
* clusters round settlements (battle-area UXO and cluster munitions);
* a background over the rest of the region (blanket suspected areas).

The frame follows the line smoothed over a few km, so its offset curves are
parallel and belts of neighbouring slots cannot overlap; slots where a bend
would fold the frame are left out, and should two belts still meet (the line
coming back near itself, or the two bands), the one farther from its line is
dropped. The other
hazards are Voronoi cells of their seeds, with the belts' centres as extra
sites so cells stop at the belts; cut to a national-size shape where a cell
is larger than the hazard would be nationally, given an irregular outline
inside the cell, and trimmed off any belt they still touch. So the clean
register has no overlaps by construction. Finally every outline shrinks about
its centre until the register's total is the published suspected area.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import cached_property

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from demine.demo import shapes
from demine.demo.figures import NATIONAL_HAZARDS, Scale
from demine.demo.geography import Geography

FRONT, CONTACT, CLUSTER, BACKGROUND = 0, 1, 2, 3
ZONES = ("front_belt", "contact_belt", "settlement_cluster", "background")

# Share of the hazards in each zone, and each belt band's reach across its
# line in metres (negative: the side held by Azerbaijan before 2020).
SHARES = {FRONT: 0.42, CONTACT: 0.12, CLUSTER: 0.26}
FRONT_BAND = (-10_000.0, 15_000.0)
CONTACT_BAND = (-6_000.0, 6_000.0)
BELT_ASPECT = 8.0  # belts are about eight times longer than deep
TOWN_CLEARANCE = 3_000.0  # no belts through a town's centre
# Each line's frame follows it averaged over this many metres either side:
# enough to round off the polyline's kinks, little enough to keep its shape.
SMOOTHING = {FRONT: 10_000.0, CONTACT: 5_000.0}


@dataclass(frozen=True)
class Layout:
    """Hazard outlines in local metres, with what the attributes depend on."""

    geoms: np.ndarray  # valid Polygons, inside the region, no two overlapping
    zone: np.ndarray  # FRONT, CONTACT, CLUSTER or BACKGROUND


@dataclass(frozen=True)
class Seeds:
    x: np.ndarray
    y: np.ndarray
    zone: np.ndarray
    angle: np.ndarray
    area: np.ndarray  # area of the hazard in the national register


def layout(geo: Geography, scale: Scale, rng: np.random.Generator) -> Layout:
    """Outlines of ``scale.hazards`` hazards: belts first, then the rest."""
    n = scale.hazards
    belts, belt_seeds, bands = _belts(geo, n, rng)
    cluster = _cluster_seeds(geo, round(n * SHARES[CLUSTER]), belts, rng)
    rest = n - len(belts) - len(cluster.x)
    background = _background_seeds(geo, rest, bands, rng)
    others = _join([cluster, background])
    blobs, blob_centre = _blobs(geo, others, belt_seeds, rng)
    blobs, trimmed = _trim(blobs, belts)
    geoms = np.concatenate([belts, blobs])
    seeds = _join([belt_seeds, others])
    # Blobs are star-shaped about these centres unless trimmed, belts nearly
    # straight; the trimmed blobs and (cheap insurance) the belts have their
    # shrinking checked.
    centre = np.r_[np.column_stack([belt_seeds.x, belt_seeds.y]), blob_centre]
    check = np.r_[np.ones(len(belts), bool), trimmed]
    geoms = _to_total(geoms, centre, check, scale.suspected_m2, geo.region)
    return Layout(geoms, seeds.zone)


def _join(parts: list[Seeds]) -> Seeds:
    return Seeds(
        *(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Seeds))
    )


def _to_total(
    polys: np.ndarray,
    centre: np.ndarray,
    check: np.ndarray,
    target_m2: float,
    region: BaseGeometry,
) -> np.ndarray:
    """Shrink every outline about its centre so the clipped total hits the target.

    Outlines are only ever shrunk. One that is not known to be star-shaped
    about its centre (``check``, or clipped by the region) and would leave its
    own footprint keeps its size, so the register stays free of overlaps.
    """
    clipped, cut = _clip(polys, region)
    factor = min(1.0, float(np.sqrt(target_m2 / shapely.area(clipped).sum())))
    if factor == 1.0:
        return clipped
    scaled = shapes.scale_about(clipped, centre, factor)
    check = check | cut
    stray = np.zeros(len(polys), bool)
    stray[check] = ~(
        shapely.is_valid(scaled[check])
        & shapely.covered_by(scaled[check], clipped[check])
    )
    scaled[stray] = clipped[stray]
    return scaled


def _clip(polys: np.ndarray, region: BaseGeometry) -> tuple[np.ndarray, np.ndarray]:
    """Polygons clipped to the region, and which of them were cut."""
    shapely.prepare(region)
    cut = ~shapely.contains(region, polys)
    out = polys.copy()
    out[cut] = shapes.largest_parts(shapely.intersection(polys[cut], region))
    lost = shapely.is_missing(out) | shapely.is_empty(out)
    # A sliver entirely outside keeps its outline rather than vanish.
    out[lost] = polys[lost]
    return out, cut


# Belts ----------------------------------------------------------------------


@dataclass(frozen=True)
class LineFrame:
    """A line's (along, across) frame, tabulated every 50 m for fast lookup.

    The frame follows the line smoothed over some km, not the polyline
    itself: offset curves of a smooth curve are parallel (rows of belts stay
    one row apart), where the kinks of a polyline would squeeze them.
    """

    s: np.ndarray
    x: np.ndarray
    y: np.ndarray
    angle: np.ndarray  # unwrapped direction of the smoothed line
    bend: np.ndarray  # its rate of turn (radians per metre)
    length: float
    closed: bool
    line: BaseGeometry  # the smoothed line

    @classmethod
    def of(cls, line: BaseGeometry, smoothing: float) -> LineFrame:
        step = 50.0
        d = np.linspace(0.0, line.length, max(2, int(line.length // step) + 1))
        raw = shapely.get_coordinates(
            shapely.line_interpolate_point(np.full(len(d), line, dtype=object), d)
        )
        closed = bool(line.is_closed)
        smooth = _moving_average(raw, int(smoothing // step), closed)
        s = np.r_[0.0, np.cumsum(np.hypot(*np.diff(smooth, axis=0).T))]
        angle = np.unwrap(
            np.arctan2(np.gradient(smooth[:, 1]), np.gradient(smooth[:, 0]))
        )
        bend = np.gradient(angle, s)
        curve = shapely.simplify(shapely.linestrings(smooth), 2.0)
        return cls(s, smooth[:, 0], smooth[:, 1], angle, bend, s[-1], closed, curve)

    def _wrap(self, s: np.ndarray) -> np.ndarray:
        return s % self.length if self.closed else np.clip(s, 0.0, self.length)

    def turn(self, s: np.ndarray) -> np.ndarray:
        """Curvature of the line at ``s`` (1/m, unsigned)."""
        return np.abs(np.interp(self._wrap(s), self.s, self.bend))

    def stretch(self, s: np.ndarray, offset: np.ndarray) -> np.ndarray:
        """How much the frame stretches lengths along the line at (s, offset).

        d/ds of C(s) + o n(s) is the direction times (1 + o dθ/ds): below 0
        the frame folds over itself (the inner side of a tight bend).
        """
        return 1.0 + offset * np.interp(self._wrap(s), self.s, self.bend)

    @cached_property
    def _samples(self) -> shapely.STRtree:
        return shapely.STRtree(shapely.points(self.x, self.y))

    def locate(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(along, across) of points: the nearest tabulated point of the line
        (within 25 m of the nearest point), and the signed distance from it
        along the normal (right positive)."""
        # A nearest-neighbour query on the table is much faster than
        # line_locate_point on a line of hundreds of vertices.
        _, k = self._samples.query_nearest(shapely.points(x, y), all_matches=False)
        dx, dy = x - self.x[k], y - self.y[k]
        angle = self.angle[k]
        return self.s[k], dx * np.sin(angle) - dy * np.cos(angle)

    def point(
        self, s: np.ndarray, offset: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Points ``offset`` metres right of the line at ``s`` along it."""
        s = self._wrap(s)
        angle = np.interp(s, self.s, self.angle)
        # The right-hand normal of the direction (cos a, sin a) is (sin a, -cos a).
        x = np.interp(s, self.s, self.x) + offset * np.sin(angle)
        y = np.interp(s, self.s, self.y) - offset * np.cos(angle)
        return x, y, angle


def _moving_average(xy: np.ndarray, k: int, closed: bool) -> np.ndarray:
    """Mean of each point and ``k`` neighbours either side.

    A ring wraps round; an open line is extended past each end by its point
    reflection, so the ends keep their direction instead of curling.
    """
    body = xy[:-1] if closed else xy
    k = min(k, len(body) - 1)
    if closed:
        head, tail = body[-k:], body[:k]
    else:
        head = 2 * body[0] - body[k:0:-1]
        tail = 2 * body[-1] - body[-2 : -2 - k : -1]
    padded = np.concatenate([head, body, tail]) if k else body
    total = np.cumsum(np.vstack([np.zeros(2), padded]), axis=0)
    mean = (total[2 * k + 1 :] - total[: len(body)]) / (2 * k + 1)
    return np.vstack([mean, mean[:1]]) if closed else mean


def _belts(
    geo: Geography, n: int, rng: np.random.Generator
) -> tuple[np.ndarray, Seeds, list[Band]]:
    """Belt polygons of both lines, with folds and town centres left out."""
    parts = [
        _band(geo, geo.front_line, FRONT_BAND, FRONT, n, rng),
        _band(geo, geo.contact_line, CONTACT_BAND, CONTACT, n, rng),
    ]
    polys = np.concatenate([p.polys for p in parts])
    seeds = _join([p.seeds for p in parts])
    col = np.concatenate([p.col for p in parts])
    cols = np.concatenate([np.full(len(p.row), p.cols) for p in parts])
    # Slots of one band cannot overlap where the frame does not fold (see
    # _usable), so only pairs far apart along the line, or from different
    # bands, whose boxes meet need an exact test: the line might come back
    # near itself.
    i, j = shapely.STRtree(polys).query(polys)
    gap = np.abs(col[i] - col[j])
    near = (seeds.zone[i] == seeds.zone[j]) & (np.minimum(gap, cols[i] - gap) <= 2)
    i, j = i[~near], j[~near]
    hit = shapely.intersects(polys[i], polys[j])
    i, j = i[hit], j[hit]
    # Keep the belt nearer its own line, the newer (2020–2023) line first.
    rank = (seeds.zone == FRONT) * 1e9 + np.concatenate([p.offset for p in parts])
    loser = np.where(rank[i] >= rank[j], i, j)
    keep = np.ones(len(polys), bool)
    keep[loser] = False
    return polys[keep], _subset(seeds, keep), parts


def _subset(seeds: Seeds, keep: np.ndarray) -> Seeds:
    return Seeds(*(getattr(seeds, f.name)[keep] for f in fields(Seeds)))


def _band_area(geo: Geography, line: BaseGeometry, band: tuple[float, float]) -> float:
    """Approximate area of the part of a band inside the region."""
    reach = max(-band[0], band[1])
    return float(
        shapely.intersection(shapely.buffer(line, reach), geo.region).area
        * (band[1] - band[0])
        / (2 * reach)
    )


@dataclass(frozen=True)
class Band:
    """The belts of one band, their lattice slots, and the ground they claim."""

    polys: np.ndarray
    seeds: Seeds
    offset: np.ndarray  # distance of each belt from its line
    row: np.ndarray
    col: np.ndarray
    cols: int
    frame: LineFrame
    reach: tuple[float, float]
    zone: int
    belt_depth: float  # of a national-size belt
    usable_m2: float

    def claims(self, geo: Geography, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Whether points lie on ground this band's belts hold nationally.

        Independent of scale, so small registers put blanket areas only
        where the national one has them.
        """
        s, o = self.frame.locate(x, y)
        inside = (o >= self.reach[0]) & (o <= self.reach[1])
        long = np.full(len(x), self.belt_depth * BELT_ASPECT)
        deep = np.full(len(x), self.belt_depth)
        return inside & _usable(geo, self.frame, self.zone, s, o, long, deep)


def _band(
    geo: Geography,
    line: BaseGeometry,
    band: tuple[float, float],
    zone: int,
    n: int,
    rng: np.random.Generator,
) -> Band:
    """Belts in the slots of a lattice over one band.

    Only slots in the region, clear of towns and of folds are usable; the
    lattice is sized so the usable ones number the zone's share of ``n``.
    A belt is national-sized, so at small scales belts are far apart.
    """
    frame = LineFrame.of(line, SMOOTHING[zone])
    length, depth = frame.length, band[1] - band[0]
    usable = _usable_share(geo, frame, band, zone, rng) * length * depth
    belt_depth = np.sqrt(usable / (SHARES[zone] * NATIONAL_HAZARDS) / BELT_ASPECT)
    wanted = SHARES[zone] * n * (length * depth) / usable
    rows = max(1, round(np.sqrt(wanted * BELT_ASPECT * depth / length)))
    cols = max(1, round(wanted / rows))
    grid = np.meshgrid(np.arange(cols), np.arange(rows), indexing="ij")
    col, row = grid[0].ravel(), grid[1].ravel()
    # Each row has its own phase so that belt ends do not line up.
    s = (col + rng.random(rows)[row]) * length / cols
    o = band[0] + (row + 0.5) * depth / rows
    long = belt_depth * BELT_ASPECT * rng.uniform(0.9, 0.98, len(s))
    deep = belt_depth * rng.uniform(0.84, 0.92, len(s))
    keep = _usable(geo, frame, zone, s, o, long, deep)
    s, o, long, deep, row, col = (a[keep] for a in (s, o, long, deep, row, col))
    polys = _belt_polygons(frame, s, o, long, deep, belt_depth, rng)
    x, y, angle = frame.point(s, o)
    seeds = Seeds(x, y, np.full(len(s), zone), angle, long * deep)
    return Band(
        polys, seeds, np.abs(o), row, col, cols, frame, band, zone, belt_depth, usable
    )


def _usable_share(
    geo: Geography,
    frame: LineFrame,
    band: tuple[float, float],
    zone: int,
    rng: np.random.Generator,
) -> float:
    """Share of the band's (along, across) rectangle that can hold belts.

    Estimated from random points with belts of the size they would have if
    the whole band inside the region were usable; a good first guess.
    """
    m = 20_000
    s = rng.uniform(0, frame.length, m)
    o = rng.uniform(band[0], band[1], m)
    area = _band_area(geo, frame.line, band) / (SHARES[zone] * NATIONAL_HAZARDS)
    deep = np.full(m, np.sqrt(area / BELT_ASPECT))
    return max(
        float(_usable(geo, frame, zone, s, o, deep * BELT_ASPECT, deep).mean()), 1e-3
    )


def _usable(
    geo: Geography,
    frame: LineFrame,
    zone: int,
    s: np.ndarray,
    o: np.ndarray,
    long: np.ndarray,
    deep: np.ndarray,
) -> np.ndarray:
    """Slots in the region, clear of towns, folds and (front) the newer line."""
    x, y, _ = frame.point(s, o)
    shapely.prepare(geo.region)
    _, town_gap = geo.nearest_town(x, y)
    keep = shapely.contains_xy(geo.region, x, y) & (town_gap > TOWN_CLEARANCE)
    if not frame.closed:
        keep &= (s - long / 2 >= 0) & (s + long / 2 <= frame.length)
    # The frame folds where an edge's offset exceeds the radius of the bend;
    # keep well clear of that all along the belt.
    for ds in (-0.5, -0.25, 0.0, 0.25, 0.5):
        for do in (-0.5, 0.5):
            keep &= frame.stretch(s + ds * long, o + do * deep) > 0.5
    if zone == FRONT:
        # The 2020–2023 belts take the ground round the newer line.
        keep &= _distance(geo.contact_line, x, y) > CONTACT_BAND[1] + long
    return keep


def _belt_polygons(
    frame: LineFrame,
    s: np.ndarray,
    o: np.ndarray,
    long: np.ndarray,
    deep: np.ndarray,
    slot_depth: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Curved quadrilaterals along the frame, 3–12 points a side, edges jittered.

    The jitter (±3% of a slot's depth) stays inside the slot, so belts of
    neighbouring slots never touch where the frame is regular. On a tight
    bend a side gets more points, so that its chords stay within 1 m of the
    curve and do not cut into the next row.
    """
    n = len(s)
    bend = np.max([frame.turn(s + ds * long) for ds in (-0.5, 0.0, 0.5)], axis=0)
    stretch = frame.stretch(s, o)
    arc = long * np.maximum(stretch, 1.0)
    # Sagitta of a chord c on a curve of curvature k is c² k / 8.
    needed = np.ceil(arc * np.sqrt(bend / np.maximum(stretch, 0.5) / 8.0)) + 1
    per_side = np.maximum(rng.integers(3, 13, n), needed.astype(np.int64))
    count = 2 * per_side
    owner = np.repeat(np.arange(n), count)
    first = np.r_[0, np.cumsum(count)[:-1]]
    k = np.arange(len(owner)) - first[owner]
    side = k >= per_side[owner]  # False: near edge, True: far edge (reversed)
    step = np.where(side, count[owner] - 1 - k, k) / (per_side[owner] - 1)
    along = s[owner] + (step - 0.5) * long[owner]
    edge = np.where(side, 0.5, -0.5) * deep[owner]
    across = o[owner] + edge + rng.uniform(-0.03, 0.03, len(owner)) * slot_depth
    x, y, _ = frame.point(along, across)
    rings = shapely.linearrings(np.column_stack([x, y]), indices=owner)
    return shapely.polygons(rings)


# Clusters and background -------------------------------------------------------


def _blobs(
    geo: Geography, seeds: Seeds, belts: Seeds, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Irregular outlines in the Voronoi cells of the non-belt seeds.

    Returns the outlines and the points they are star-shaped about.
    """
    sites = np.column_stack([np.r_[seeds.x, belts.x], np.r_[seeds.y, belts.y]])
    cells = shapely.get_parts(
        shapely.voronoi_polygons(
            shapely.multipoints(sites),
            extend_to=shapely.buffer(geo.region, 20_000),
            ordered=True,
        )
    )[: len(seeds.x)]
    # Where a cell is larger than the hazard would be nationally (always at
    # small scales), a national-size ellipse sets the outline.
    n = len(seeds.x)
    aspect = rng.uniform(1.0, 2.5, n)
    b = np.sqrt(seeds.area * rng.uniform(1.2, 2.0, n) / (np.pi * aspect))
    big = shapely.area(cells) > 2.0 * seeds.area
    base = cells.copy()
    ellipse = shapes.ellipses(
        seeds.x[big], seeds.y[big], aspect[big] * b[big], b[big], seeds.angle[big]
    )
    base[big] = shapes.largest_parts(shapely.intersection(cells[big], ellipse))
    missing = shapely.is_missing(base) | shapely.is_empty(base)
    base[missing] = cells[missing]
    return shapes.irregular(base, rng.integers(5, 25, n), rng)


def _trim(blobs: np.ndarray, belts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cut every blob back off the belts it overlaps (one vectorised pass).

    Returns the blobs and which of them were cut.
    """
    cut = np.zeros(len(blobs), bool)
    if not len(belts) or not len(blobs):
        return blobs, cut
    blob, belt = shapely.STRtree(belts).query(blobs, predicate="intersects")
    if not len(blob):
        return blobs, cut
    # Pad the belts of each blob into a row of a 2-D array; union per row.
    order = np.argsort(blob, kind="stable")
    blob, belt = blob[order], belt[order]
    first = np.r_[0, np.flatnonzero(np.diff(blob)) + 1]
    rank = np.arange(len(blob)) - np.repeat(first, np.diff(np.r_[first, len(blob)]))
    hit = blob[first]
    grid = np.full((len(hit), rank.max() + 1), None, dtype=object)
    grid[np.searchsorted(hit, blob), rank] = belts[belt]
    out = blobs.copy()
    out[hit] = shapes.largest_parts(
        shapely.difference(blobs[hit], shapely.union_all(grid, axis=1))
    )
    gone = shapely.is_missing(out) | shapely.is_empty(out)
    # A blob swallowed whole would vanish; cluster seeds avoid belts, so this
    # is a sliver at worst, and it keeps its outline.
    out[gone] = blobs[gone]
    cut[hit] = True
    return out, cut


def _cluster_seeds(
    geo: Geography, n: int, belts: np.ndarray, rng: np.random.Generator
) -> Seeds:
    """Gaussian clusters round each town, larger and denser for larger towns.

    Seeds that fall on a belt are redrawn, so no cluster hazard is swallowed.
    """
    towns = geo.towns
    pop = towns["population"].to_numpy(float)
    weight = np.sqrt(pop) / np.sqrt(pop).sum()
    sigma = 1_800.0 * (pop / 5_000) ** 0.25
    tree = shapely.STRtree(belts)

    def off_belts(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        hit, _ = tree.query(shapely.points(x, y), predicate="intersects")
        ok = np.ones(len(x), bool)
        ok[hit] = False
        return ok

    x, y, town = _in_region(
        geo, n, lambda m: _gaussian_draw(towns, weight, sigma, m, rng), off_belts
    )
    # The national density at each seed, from its own town's cluster.
    n_nat = SHARES[CLUSTER] * NATIONAL_HAZARDS
    tx, ty = towns["x"].to_numpy()[town], towns["y"].to_numpy()[town]
    s2 = sigma[town] ** 2
    density = (
        n_nat
        * weight[town]
        * np.exp(-((x - tx) ** 2 + (y - ty) ** 2) / (2 * s2))
        / (2 * np.pi * s2)
    )
    area = np.clip(1.0 / density, 3_000.0, 400_000.0)
    return Seeds(x, y, np.full(n, CLUSTER), rng.uniform(0, np.pi, n), area)


def _gaussian_draw(
    towns: pd.DataFrame,
    weight: np.ndarray,
    sigma: np.ndarray,
    m: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    town = rng.choice(len(weight), size=m, p=weight)
    x = towns["x"].to_numpy()[town] + rng.normal(0, sigma[town])
    y = towns["y"].to_numpy()[town] + rng.normal(0, sigma[town])
    return x, y, town


def _background_seeds(
    geo: Geography, n: int, bands: list[Band], rng: np.random.Generator
) -> Seeds:
    """Seeds off the ground the belts hold, denser towards the old front."""
    minx, miny, maxx, maxy = geo.region.bounds

    def draw(m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        x = rng.uniform(minx, maxx, m)
        y = rng.uniform(miny, maxy, m)
        return x, y, np.zeros(m, int)

    def off_bands(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        ok = rng.random(len(x)) < _background_weight(geo, x, y)
        for band in bands:
            rows = np.flatnonzero(ok)  # test only the survivors: it is costly
            ok[rows] = ~band.claims(geo, x[rows], y[rows])
        return ok

    x, y, _ = _in_region(geo, n, draw, off_bands)
    free = geo.region.area - sum(band.usable_m2 for band in bands)
    n_nat = (1 - sum(SHARES.values())) * NATIONAL_HAZARDS
    weight = _background_weight(geo, x, y)
    # Seeds are drawn in proportion to the weight, so the region-wide mean
    # weight is the harmonic mean over the seeds.
    mean_weight = 1.0 / np.mean(1.0 / weight) if n else 1.0
    area = free / n_nat * mean_weight / weight
    return Seeds(x, y, np.full(n, BACKGROUND), rng.uniform(0, np.pi, n), area)


def _background_weight(geo: Geography, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    # Fewer, larger blanket areas far from any line of contact.
    return 0.3 + 0.7 * np.exp(-_distance(geo.front_line, x, y) / 40_000.0)


def _distance(line: BaseGeometry, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return shapely.distance(line, shapely.points(x, y))


Draw = Callable[[int], tuple[np.ndarray, np.ndarray, np.ndarray]]
Accept = Callable[[np.ndarray, np.ndarray], np.ndarray]


def _in_region(
    geo: Geography,
    n: int,
    draw: Draw,
    accept: Accept | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw until ``n`` points lie in the region (and pass ``accept``)."""
    shapely.prepare(geo.region)
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    tags: list[np.ndarray] = []
    have, drawn = 0, 0
    while have < n:
        # Draw enough for the remainder at the acceptance rate seen so far.
        rate = max(have / drawn, 0.02) if drawn else 0.5
        m = int((n - have) / rate * 1.2) + 64
        x, y, tag = draw(m)
        ok = shapely.contains_xy(geo.region, x, y)
        if accept is not None:
            ok &= accept(x, y)
        xs.append(x[ok])
        ys.append(y[ok])
        tags.append(tag[ok])
        have += int(ok.sum())
        drawn += m
    if not xs:
        return np.zeros(0), np.zeros(0), np.zeros(0, int)
    x, y, tag = (np.concatenate(a)[:n] for a in (xs, ys, tags))
    return x, y, tag
