# SPDX-License-Identifier: GPL-3.0-or-later
"""Criterion values of each open hazard, read from the register.

Only approved records count, as in the national figures. Every spatial
criterion is computed in one equal-area projection centred on the hazards
(metres), with Shapely 2 STRtree queries over whole arrays, never a Python
loop over shapes. Each criterion is documented in ``docs/prioritise.md``;
:data:`CATALOGUE` lists them with their unit, usual direction and their own
options (distances, half-lives), which a profile may override.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from pyproj import CRS
from sqlalchemy import (
    and_,
    inspect,
)
from sqlalchemy.engine import Connection

from demine.domain.vocab import (
    Blockage,
    ContaminationType,
    Evidence,
    LandUse,
    Method,
    PlaceType,
    ReferenceKind,
    Reliability,
    ReviewState,
)
from demine.errors import DemineError
from demine.geo.area import equal_area_crs, to_equal_area
from demine.i18n import N_, _
from demine.i18n.numbers import either
from demine.store.bulk import read_frame, table
from demine.store.priorities import read_hazards

log = logging.getLogger(__name__)
APPROVED = ReviewState.APPROVED.value


@dataclass(frozen=True)
class CriterionInfo:
    """What a criterion measures, in which unit, and its own options."""

    label: str
    unit: str
    direction: str
    description: str
    params: Mapping[str, float] = field(default_factory=dict)


CATALOGUE: dict[str, CriterionInfo] = {
    "people_blocked": CriterionInfo(
        N_("People blocked"),
        N_("people"),
        "benefit",
        "Population of the hazard's settlement (its settlement_id, else the "
        "nearest settlement within settlement_distance_m) plus its displaced "
        "people weighted by how soon they are due to return; at least the "
        "hazard's own recorded beneficiaries.",
        {"settlement_distance_m": 2000.0, "return_horizon_days": 730.0},
    ),
    "casualties": CriterionInfo(
        N_("Casualties nearby"),
        N_("weighted victims"),
        "benefit",
        "Victims of accidents in or near the hazard (at least 1 per accident), "
        "decaying linearly to 0 at radius_m and halving every half_life_years.",
        {"radius_m": 2000.0, "half_life_years": 3.0},
    ),
    "infrastructure": CriterionInfo(
        N_("Infrastructure"),
        N_("proximity 0-1"),
        "benefit",
        "1 if the hazard blocks infrastructure; else closeness to "
        "reconstruction projects and power lines (1 touching, 0 at distance_m).",
        {"distance_m": 1000.0},
    ),
    "roads": CriterionInfo(
        N_("Roads"),
        N_("proximity 0-1"),
        "benefit",
        "1 if the hazard blocks a road; else closeness to roads.",
        {"distance_m": 500.0},
    ),
    "agriculture": CriterionInfo(
        N_("Agricultural land"),
        N_("level 0-1"),
        "benefit",
        "1 for farmland or a blocked agricultural use, 0.7 for grazing land.",
    ),
    "water": CriterionInfo(
        N_("Water"),
        N_("proximity 0-1"),
        "benefit",
        "1 if the hazard blocks water or is water land; else closeness to water.",
        {"distance_m": 500.0},
    ),
    "cultural_heritage": CriterionInfo(
        N_("Cultural heritage"),
        N_("proximity 0-1"),
        "benefit",
        "1 if the hazard blocks a cultural site; else closeness to heritage sites.",
        {"distance_m": 1000.0},
    ),
    "environment": CriterionInfo(
        N_("Environmental sensitivity"),
        N_("level 0-1"),
        "benefit",
        "Closeness to protected areas (up to 1) or forest (up to 0.5, also "
        "forest land use).",
        {"distance_m": 250.0},
    ),
    "contamination": CriterionInfo(
        N_("Contamination threat"),
        N_("level 0-1"),
        "benefit",
        "The most dangerous recorded contamination type (AP mines 1.0 ... "
        "abandoned ordnance 0.4; unknown 0.5).",
    ),
    "evidence": CriterionInfo(
        N_("Evidence"),
        N_("level 0-1"),
        "benefit",
        "Strength of the evidence (accident 1.0 ... none 0.1; a CHA at least "
        "0.8) times the reliability of the information.",
    ),
    "effort": CriterionInfo(
        N_("Expected effort"),
        N_("team-days"),
        "cost",
        "Remaining area divided by the median productivity of the most "
        "productive suitable method among the register's active teams.",
    ),
    "risk": CriterionInfo(
        N_("Predicted risk"),
        N_("probability 0-1"),
        "benefit",
        "Contamination likelihood predicted by the model (demine predict).",
    ),
}

# Threat of each contamination type, highest first (why: AP mines and
# submunitions are victim-activated and kill civilians most).
THREAT = {
    ContaminationType.AP_MINE.value: 1.0,
    ContaminationType.CLUSTER_MUNITION.value: 0.95,
    ContaminationType.IED.value: 0.9,
    ContaminationType.MIXED.value: 0.8,
    ContaminationType.AT_MINE.value: 0.6,
    ContaminationType.UXO.value: 0.5,
    ContaminationType.AXO.value: 0.4,
}
UNKNOWN_THREAT = 0.5
EVIDENCE = {
    Evidence.ACCIDENT.value: 1.0,
    Evidence.DEVICE_SEEN.value: 0.9,
    Evidence.MINEFIELD_RECORD.value: 0.85,
    Evidence.MILITARY_POSITION.value: 0.6,
    Evidence.FRONT_LINE.value: 0.5,
    Evidence.INFORMANT.value: 0.4,
    Evidence.NONE.value: 0.1,
}
UNKNOWN_EVIDENCE = 0.3
CHA_EVIDENCE = 0.8
RELIABILITY = {
    Reliability.HIGH.value: 1.0,
    Reliability.MEDIUM.value: 0.85,
    Reliability.LOW.value: 0.7,
}
UNKNOWN_RELIABILITY = 0.85
GRAZING = 0.7
FOREST = 0.5
# Methods that release ground (drones survey; they do not clear).
CLEARING = (Method.MANUAL, Method.MECHANICAL, Method.MDD, Method.MIXED)
# Ground where machines are not used: cultural sites, homes, water.
NO_MACHINES_LAND = (LandUse.RESIDENTIAL.value, LandUse.WATER.value)


class PrioritisationError(DemineError):
    """Nothing to prioritise, or a criterion cannot be computed."""

    http_status = 422
    default_message = N_("the hazards cannot be prioritised")


class AbsentError(Exception):
    """A criterion that cannot be computed on this register; says why."""


@dataclass
class Context:
    """The open hazards and everything criteria share, loaded once."""

    conn: Connection
    hazards: pd.DataFrame
    shapes: NDArray[np.object_]
    crs: CRS | None
    today: dt.date
    _references: dict[str, NDArray[np.object_]] = field(default_factory=dict)
    _tree: shapely.STRtree | None = None
    _present: NDArray[np.intp] = field(default_factory=lambda: np.zeros(0, np.intp))

    def references(self, *kinds: str) -> NDArray[np.object_]:
        """Approved reference features of ``kinds``, projected like the hazards."""
        missing = [k for k in kinds if k not in self._references]
        if missing:
            ref = table("reference_feature")
            frame = read_frame(
                self.conn,
                "reference_feature",
                ["id", "kind", "geom"],
                and_(ref.c.review_state == APPROVED, ref.c.kind.in_(missing)),
            )
            kind = frame["kind"].astype(str)
            for k in missing:
                geoms = frame.loc[kind == k, "geom"].to_numpy(dtype=object)
                self._references[k] = self.project(geoms)
        parts = [self._references[k] for k in kinds]
        return np.concatenate(parts) if parts else np.empty(0, dtype=object)

    def project(self, geoms: NDArray[np.object_]) -> NDArray[np.object_]:
        geoms = geoms[~shapely.is_missing(geoms)] if len(geoms) else geoms
        if not len(geoms) or self.crs is None:
            return np.empty(0, dtype=object)
        projected, _unused = to_equal_area(geoms, self.crs)
        return projected[~shapely.is_empty(projected)]

    def has(self, column: str, value: str) -> NDArray[np.bool_]:
        """Whether each hazard's JSON list (blockages...) holds ``value``."""
        text = self.hazards[column]
        return text.str.contains(f'"{value}"', regex=False).to_numpy(dtype=bool)

    def land_use(self) -> pd.Series:
        return self.hazards["land_use"]

    @property
    def tree(self) -> shapely.STRtree:
        """An R-tree over the projected hazards (missing shapes left out)."""
        if self._tree is None:
            self._present = np.flatnonzero(~shapely.is_missing(self.shapes))
            self._tree = shapely.STRtree(self.shapes[self._present])
        return self._tree

    def near(
        self, features: NDArray[np.object_], distance: float
    ) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.float64]]:
        """(hazard position, feature position, distance) of pairs within reach.

        The few features query the hazards' tree, rather than every hazard
        querying a tree of features: one probe per feature, not per hazard.
        """
        if not len(features):
            empty = np.zeros(0, dtype=np.intp)
            return empty, empty, np.zeros(0)
        tree = self.tree
        if distance > 0:
            ft, hz = tree.query(features, predicate="dwithin", distance=distance)
        else:
            ft, hz = tree.query(features, predicate="intersects")
        hz = self._present[hz]
        return hz, ft, shapely.distance(self.shapes[hz], features[ft])


def _text(value: Any) -> Any:
    return getattr(value, "value", value)


# Text columns read as plain text: vocabularies without the enum round trip,
# JSON lists as their JSON text (membership is a vectorised substring test).
def load_context(
    conn: Connection, statuses: tuple[str, ...], today: dt.date | None = None
) -> Context:
    """The approved hazards with one of ``statuses``; error if there are none."""
    hazards = read_hazards(conn, statuses)
    if hazards.empty:
        raise PrioritisationError(
            _(
                "no approved hazards with status %(values)s to prioritise",
                values=either(statuses),
            )
        )
    geoms = hazards["geom"].to_numpy(dtype=object)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    shapes = np.full(len(geoms), None, dtype=object)
    crs = None
    if present.any():
        bounds = shapely.total_bounds(geoms[present])
        crs = equal_area_crs(tuple(float(b) for b in bounds))  # type: ignore[arg-type]
        shapes[present], _unused = to_equal_area(geoms[present], crs)
    return Context(conn, hazards, shapes, crs, today or dt.date.today())


def proximity(
    ctx: Context, features: NDArray[np.object_], distance: float
) -> NDArray[np.float64]:
    """Per hazard: 1 touching a feature, falling linearly to 0 at ``distance``.

    With ``distance`` 0 only touching counts (1 or 0).
    """
    out = np.zeros(len(ctx.shapes))
    hz, _ft, d = ctx.near(features, distance)
    value = np.clip(1.0 - d / distance, 0.0, 1.0) if distance > 0 else np.ones(len(hz))
    np.maximum.at(out, hz, value)
    return out


def people_blocked(ctx: Context, params: Mapping[str, float]) -> pd.Series:
    hz = ctx.hazards
    place = table("place")
    towns = read_frame(
        ctx.conn,
        "place",
        ["id", "population", "displaced_population", "planned_return_on", "location"],
        and_(
            place.c.review_state == APPROVED,
            place.c.place_type == PlaceType.SETTLEMENT.value,
        ),
    ).set_index("id")
    town = pd.to_numeric(hz["settlement_id"], errors="coerce")
    known = town.isin(towns.index).to_numpy()
    distance = float(params["settlement_distance_m"])
    if len(towns) and (~known).any() and ctx.crs is not None:
        points = towns["location"].to_numpy(dtype=object)
        has_point = ~(shapely.is_missing(points) | shapely.is_empty(points))
        if has_point.any():
            projected, _unused = to_equal_area(points[has_point], ctx.crs)
            ids = towns.index.to_numpy()[has_point]
            want = np.flatnonzero(~known & ~shapely.is_missing(ctx.shapes))
            pairs = shapely.STRtree(projected).query_nearest(
                ctx.shapes[want], max_distance=distance, all_matches=False
            )
            nearest = np.array(town.to_numpy(dtype=float, na_value=np.nan))
            nearest[want[pairs[0]]] = ids[pairs[1]]
            town = pd.Series(nearest, index=hz.index)
    population = _numbers(towns["population"])
    displaced = _numbers(towns["displaced_population"])
    horizon = float(params["return_horizon_days"])
    returns = pd.to_datetime(towns["planned_return_on"], errors="coerce")
    days = (returns - pd.Timestamp(ctx.today)).dt.days.to_numpy(dtype=float)
    if horizon > 0:
        urgency = np.clip(1.0 - days / horizon, 0.0, 1.0)
    else:
        urgency = (days <= 0).astype(float)
    urgency = np.nan_to_num(urgency, nan=0.0)
    people_at = pd.Series(population + urgency * displaced, index=towns.index)
    people = town.map(people_at).fillna(0.0).to_numpy(dtype=float)
    recorded = sum(_numbers(hz[c]) for c in ("women", "men", "girls", "boys"))
    return pd.Series(np.maximum(people, recorded), index=hz.index)


def _numbers(series: pd.Series) -> NDArray[np.float64]:
    return pd.to_numeric(series, errors="coerce").fillna(0.0).to_numpy(dtype=float)


def casualties(ctx: Context, params: Mapping[str, float]) -> pd.Series:
    acc_t, vic_t = table("accident"), table("victim")
    accidents = read_frame(
        ctx.conn,
        "accident",
        ["id", "occurred_on", "hazard_id", "geom"],
        acc_t.c.review_state == APPROVED,
    )
    out = pd.Series(0.0, index=ctx.hazards.index)
    if accidents.empty:
        return out
    victims = read_frame(
        ctx.conn, "victim", ["accident_id"], vic_t.c.review_state == APPROVED
    )
    count = victims["accident_id"].value_counts()
    per = np.maximum(accidents["id"].map(count).fillna(0.0).to_numpy(float), 1.0)
    half_life = float(params["half_life_years"])
    when = pd.to_datetime(accidents["occurred_on"], errors="coerce")
    age = (pd.Timestamp(ctx.today) - when).dt.days.to_numpy(dtype=float) / 365.25
    # An undated accident counts as if it were one half-life old.
    age = np.where(np.isnan(age), half_life, np.maximum(age, 0.0))
    decay = 0.5 ** (age / half_life) if half_life > 0 else np.ones(len(age))
    weight = per * decay
    pos = {h: i for i, h in enumerate(ctx.hazards.index)}
    radius = float(params["radius_m"])
    hz_ix: list[NDArray[np.int64]] = []
    acc_ix: list[NDArray[np.int64]] = []
    near: list[NDArray[np.float64]] = []
    points = accidents["geom"].to_numpy(dtype=object)
    located = np.flatnonzero(~(shapely.is_missing(points) | shapely.is_empty(points)))
    if len(located) and ctx.crs is not None and radius > 0:
        projected, _unused = to_equal_area(points[located], ctx.crs)
        h, a, d = ctx.near(projected, radius)
        hz_ix.append(h)
        acc_ix.append(located[a])
        near.append(np.clip(1.0 - d / radius, 0.0, 1.0))
    linked = accidents["hazard_id"].map(pos)
    has = linked.notna().to_numpy()
    if has.any():
        hz_ix.append(linked[has].to_numpy(dtype=np.int64))
        acc_ix.append(np.flatnonzero(has))
        near.append(np.ones(int(has.sum())))
    if not hz_ix:
        return out
    pairs = pd.DataFrame(
        {
            "h": np.concatenate(hz_ix),
            "a": np.concatenate(acc_ix),
            "n": np.concatenate(near),
        }
    )
    # An accident linked to a hazard and also within its radius counts once.
    pairs = pairs.groupby(["h", "a"], sort=False)["n"].max().reset_index()
    values = np.bincount(
        pairs["h"], weights=pairs["n"] * weight[pairs["a"]], minlength=len(out)
    )
    return pd.Series(values, index=ctx.hazards.index)


def _flagged_proximity(
    ctx: Context,
    params: Mapping[str, float],
    kinds: tuple[str, ...],
    flags: NDArray[np.bool_],
) -> pd.Series:
    near = proximity(ctx, ctx.references(*kinds), float(params["distance_m"]))
    return pd.Series(np.maximum(near, flags.astype(float)), index=ctx.hazards.index)


def infrastructure(ctx: Context, params: Mapping[str, float]) -> pd.Series:
    flags = (
        ctx.has("blockages", Blockage.INFRASTRUCTURE.value)
        | (ctx.land_use() == LandUse.INFRASTRUCTURE.value).to_numpy()
    )
    kinds = (ReferenceKind.INFRASTRUCTURE_PROJECT.value, ReferenceKind.POWER_LINE.value)
    return _flagged_proximity(ctx, params, kinds, flags)


def roads(ctx: Context, params: Mapping[str, float]) -> pd.Series:
    flags = ctx.has("blockages", Blockage.ROAD.value)
    return _flagged_proximity(ctx, params, (ReferenceKind.ROAD.value,), flags)


def water(ctx: Context, params: Mapping[str, float]) -> pd.Series:
    flags = (
        ctx.has("blockages", Blockage.WATER.value)
        | (ctx.land_use() == LandUse.WATER.value).to_numpy()
    )
    return _flagged_proximity(ctx, params, (ReferenceKind.WATER.value,), flags)


def cultural_heritage(ctx: Context, params: Mapping[str, float]) -> pd.Series:
    flags = ctx.has("blockages", Blockage.CULTURAL_SITE.value)
    kinds = (ReferenceKind.CULTURAL_HERITAGE.value,)
    return _flagged_proximity(ctx, params, kinds, flags)


def agriculture(ctx: Context, params: Mapping[str, float]) -> pd.Series:
    use = ctx.land_use()
    level = np.where(use == LandUse.AGRICULTURE.value, 1.0, 0.0)
    level = np.where(use == LandUse.GRAZING.value, GRAZING, level)
    level = np.maximum(level, ctx.has("blockages", Blockage.AGRICULTURE.value))
    return pd.Series(level, index=ctx.hazards.index)


def environment(ctx: Context, params: Mapping[str, float]) -> pd.Series:
    distance = float(params["distance_m"])
    protected = proximity(
        ctx, ctx.references(ReferenceKind.PROTECTED_AREA.value), distance
    )
    forest = FOREST * proximity(
        ctx, ctx.references(ReferenceKind.FOREST.value), distance
    )
    forest_use = FOREST * (ctx.land_use() == LandUse.FOREST.value).to_numpy()
    level = np.maximum.reduce([protected, forest, forest_use])
    return pd.Series(level, index=ctx.hazards.index)


def contamination(ctx: Context, params: Mapping[str, float]) -> pd.Series:
    threat = np.zeros(len(ctx.hazards))
    for kind, level in THREAT.items():
        threat = np.maximum(threat, level * ctx.has("contamination", kind))
    return pd.Series(
        np.where(threat > 0, threat, UNKNOWN_THREAT), index=ctx.hazards.index
    )


def evidence(ctx: Context, params: Mapping[str, float]) -> pd.Series:
    hz = ctx.hazards
    strength = hz["evidence"].map(EVIDENCE).fillna(UNKNOWN_EVIDENCE).to_numpy(float)
    cha = (hz["hazard_class"] == "cha").to_numpy()
    strength = np.where(cha, np.maximum(strength, CHA_EVIDENCE), strength)
    reliable = hz["reliability"].map(RELIABILITY).fillna(UNKNOWN_RELIABILITY)
    return pd.Series(strength * reliable.to_numpy(dtype=float), index=hz.index)


def method_productivity(conn: Connection) -> dict[str, float]:
    """Median m² per team-day of the register's active teams, by method."""
    team = table("team")
    teams = read_frame(
        conn,
        "team",
        ["method", "productivity_m2_day", "active"],
        and_(team.c.review_state == APPROVED, team.c.active.is_(True)),
    )
    teams = teams[pd.to_numeric(teams["productivity_m2_day"]) > 0]
    if teams.empty:
        return {}
    medians = teams.groupby(teams["method"].map(_text))["productivity_m2_day"].median()
    return {str(k): float(v) for k, v in medians.items()}


def effort(ctx: Context, params: Mapping[str, float]) -> pd.Series:
    rates = method_productivity(ctx.conn)
    clearing = {m.value: rates[m.value] for m in CLEARING if m.value in rates}
    if not clearing:
        raise AbsentError(_("no active team with a clearing method and a productivity"))
    best = max(clearing.values())
    without = [v for k, v in clearing.items() if k != Method.MECHANICAL.value]
    # Where machines cannot go, the best non-mechanical method sets the pace.
    best_manual = max(without) if without else best
    no_machines = ctx.has("blockages", Blockage.CULTURAL_SITE.value) | (
        ctx.land_use().isin(NO_MACHINES_LAND).to_numpy()
    )
    rate = np.where(no_machines, best_manual, best)
    remaining = _numbers(ctx.hazards["remaining_m2"])
    return pd.Series(remaining / rate, index=ctx.hazards.index)


def risk(ctx: Context, params: Mapping[str, float]) -> pd.Series:
    try:
        from demine.store.risk import hazard_risks
    except ImportError:
        raise AbsentError(
            _("the contamination model's hazard risks are not available")
        ) from None
    # A register made before the risk table existed has no published risk;
    # asking anyway would abort the transaction on PostgreSQL.
    if not inspect(ctx.conn).has_table("hazard_risk"):
        raise AbsentError(
            _("this register has no table for the published risk yet (upgrade it)")
        )
    # Only where the model applies: outside its area of applicability the
    # risk is a guess, and such hazards take the median like unscored ones.
    scores = hazard_risks(ctx.conn, applicable_only=True)
    if scores is None or len(scores) == 0:
        raise AbsentError(
            _(
                "no hazard has a predicted risk inside the model's area of "
                "applicability yet (an administrator publishes the risk model)"
            )
        )
    scores = pd.to_numeric(pd.Series(scores), errors="coerce")
    values = scores.reindex(ctx.hazards.index)
    if values.isna().all():
        raise AbsentError(_("no open hazard has a predicted risk yet"))
    missing = int(values.isna().sum())
    if missing:
        # Unscored hazards take the median, neither pushed up nor down.
        log.info(
            "%d open hazards have no predicted risk where the model applies: "
            "median used",
            missing,
        )
        values = values.fillna(float(values.median()))
    return values.astype(float)


Compute = Callable[[Context, Mapping[str, float]], pd.Series]
COMPUTE: dict[str, Compute] = {
    "people_blocked": people_blocked,
    "casualties": casualties,
    "infrastructure": infrastructure,
    "roads": roads,
    "agriculture": agriculture,
    "water": water,
    "cultural_heritage": cultural_heritage,
    "environment": environment,
    "contamination": contamination,
    "evidence": evidence,
    "effort": effort,
    "risk": risk,
}


@dataclass(frozen=True)
class CriterionValues:
    """Criterion values (columns) by hazard id, and notes on absent criteria."""

    hazards: pd.DataFrame
    values: pd.DataFrame
    notes: dict[str, str]


class Setting(Protocol):
    """A criterion as a profile sets it (its name and parameters)."""

    @property
    def name(self) -> str: ...

    @property
    def params(self) -> Mapping[str, float]: ...


class Weighting(Protocol):
    """What the criteria read of a profile (:class:`~demine.analysis.
    priorities.profile.Profile`): the statuses ranked and the criteria used."""

    @property
    def statuses(self) -> tuple[str, ...]: ...

    @property
    def active(self) -> Sequence[Setting]: ...


def criterion_values(
    conn: Connection, profile: Weighting, today: dt.date | None = None
) -> CriterionValues:
    """The profile's weighted criteria for every open approved hazard."""
    ctx = load_context(conn, profile.statuses, today)
    columns: dict[str, pd.Series] = {}
    notes: dict[str, str] = {}
    for setting in profile.active:
        try:
            values = COMPUTE[setting.name](ctx, setting.params)
        except AbsentError as why:
            notes[setting.name] = str(why)
            continue
        columns[setting.name] = values.reindex(ctx.hazards.index).fillna(0.0)
    frame = pd.DataFrame(columns, index=ctx.hazards.index)
    hazards = ctx.hazards.drop(columns=["geom"])
    # A point inside each hazard (WGS84), for map links and travel.
    inside = shapely.point_on_surface(ctx.hazards["geom"].to_numpy(dtype=object))
    hazards["lon"], hazards["lat"] = shapely.get_x(inside), shapely.get_y(inside)
    return CriterionValues(hazards, frame, notes)
