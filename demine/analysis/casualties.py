# SPDX-License-Identifier: GPL-3.0-or-later
"""Casualty analysis: who was hurt, when, where, doing what, by which device.

Counts come from approved accidents and their approved victims only. A victim
is killed or injured; ``victims`` is their sum. Tables by an accident's
attribute (year, month, admin area, device) count every accident, with or
without recorded victims; tables by a victim's attribute (sex, age group,
status, activity) count in ``accidents`` the accidents with at least one such
victim, so that column does not add up to the total there.

Every figure of an admin area includes the places under it (a department
holds its municipalities' accidents). Rates are victims per 100,000
inhabitants over the whole period asked for (not per year), given only where
the population covers the whole area: its own ``population``, or the sum of
the admin areas under it when all of them have theirs. A sum over
settlements (people outside them are missing) or over some areas only is
shown with ``population_coverage`` saying so, and no rate is given (null)
rather than one over too few people.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from demine.analysis.admin_areas import (
    ADMIN_TYPES,
    national_population,
    populations,
    roll_up,
)
from demine.analysis.casualty_hotspots import (
    DEFAULT_BANDWIDTH_M,
    HotspotSurface,
    density_surface,
    hotspot_peaks,
)
from demine.analysis.casualty_links import DEFAULT_LINK_DISTANCE_M, link_accidents
from demine.analysis.version_cache import cached
from demine.domain.ages import CHILD_AGE, parse_age_group
from demine.domain.vocab import PlaceType, Sex, VictimActivity, VictimStatus
from demine.errors import DemineError
from demine.geo.area import equal_area_crs, to_equal_area
from demine.i18n import N_, _, ngettext
from demine.store.casualty_frames import CasualtyFrames, read_casualty_frames
from demine.store.database import Database

UNKNOWN = "unknown"
#: Age bands (inclusive years). Under 18 is a child (CRC art. 1, as the
#: Landmine Monitor counts child casualties); the bands below 18 follow
#: early childhood / school age / adolescence, those above the working ages.
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("0-4", 0, 4),
    ("5-11", 5, 11),
    ("12-17", 12, 17),
    ("18-24", 18, 24),
    ("25-39", 25, 39),
    ("40-59", 40, 59),
    ("60+", 60, 200),
)
GROUPINGS = ("year", "month", "admin", "sex", "age", "status", "activity", "device")
COUNTS = ["accidents", "killed", "injured", "victims"]


class CasualtyQueryError(DemineError):
    """A casualty question that cannot be answered as asked (bad period...)."""

    http_status = 422
    default_message = N_("the casualty query is not valid")


@dataclass(frozen=True)
class CasualtyReport:
    """Casualty figures of one period; every table is a DataFrame.

    Each ``by_*`` table has the grouping column(s) then ``accidents``,
    ``killed``, ``injured`` and ``victims``; ``by_admin`` adds
    ``population``, ``population_source`` and ``rate_per_100k``;
    ``by_age_group`` adds ``child`` (null for a range that straddles 18).
    ``children`` counts victims known to be under 18, from their age or their
    age group; ``children_age_unknown`` those whose age says neither, and
    ``children`` is null when that is every victim (unknown, not 0).
    ``amputations`` counts victims recorded with one. ``hotspots`` lists the
    densest places (``rank``, ``lon``, ``lat``, ``density_per_km2``, ``accidents``,
    ``victims``); ``links`` gives each accident's ``hazard_id``,
    ``distance_m`` and ``relation`` (inside / near / none / no_location).
    """

    start: dt.date | None
    end: dt.date | None
    killed: int
    injured: int
    accidents: int
    children: int | None
    population: int | None
    rate_per_100k: float | None
    by_year: pd.DataFrame
    by_month: pd.DataFrame
    by_admin: pd.DataFrame
    by_sex: pd.DataFrame
    by_age_group: pd.DataFrame
    by_status: pd.DataFrame
    by_activity: pd.DataFrame
    by_device: pd.DataFrame
    hotspots: pd.DataFrame
    links: pd.DataFrame
    surface: HotspotSurface | None
    link_distance_m: float
    notes: list[str] = field(default_factory=list)
    children_age_unknown: int = 0
    amputations: int = 0

    @property
    def victims(self) -> int:
        return self.killed + self.injured

    def table(self, by: str) -> pd.DataFrame:
        """The table for a grouping name of :data:`GROUPINGS`."""
        if by not in GROUPINGS:
            raise CasualtyQueryError(
                _(
                    "unknown grouping %(by)r: use one of %(values)s",
                    by=by,
                    values=", ".join(GROUPINGS),
                )
            )
        name = {"age": "by_age_group", "admin": "by_admin"}.get(by, f"by_{by}")
        frame: pd.DataFrame = getattr(self, name)
        return frame

    def hotspot_geojson(self) -> dict[str, Any]:
        """The density grid (polygons) and the hotspots (points), WGS84."""
        cells = self.surface.to_geojson() if self.surface else {"features": []}
        for feature in cells["features"]:
            feature["properties"]["kind"] = "cell"
        peaks = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [row.lon, row.lat]},
                "properties": {
                    "kind": "hotspot",
                    "rank": int(row.rank),
                    "density": round(float(row.density_per_km2), 6),
                    "accidents": int(row.accidents),
                    "victims": int(row.victims),
                },
            }
            for row in self.hotspots.itertuples()
        ]
        return {
            "type": "FeatureCollection",
            "features": cells["features"] + peaks,
            "bandwidth_m": self.surface.bandwidth_m if self.surface else None,
            "cell_m": self.surface.cell_m if self.surface else None,
        }

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain JSON types (NaN and <NA> become null)."""
        surface = self.surface
        return {
            "period": {
                "from": self.start.isoformat() if self.start else None,
                "to": self.end.isoformat() if self.end else None,
            },
            "accidents": self.accidents,
            "killed": self.killed,
            "injured": self.injured,
            "victims": self.victims,
            "children": self.children,
            "children_age_unknown": self.children_age_unknown,
            "amputations": self.amputations,
            "population": self.population,
            "rate_per_100k": _plain(self.rate_per_100k),
            **{name: records(getattr(self, name)) for name in TABLES},
            "hotspot_settings": {
                "bandwidth_m": surface.bandwidth_m if surface else None,
                "cell_m": round(surface.cell_m, 1) if surface else None,
                "accidents_used": surface.used if surface else 0,
                "outliers": surface.outliers if surface else 0,
            },
            "link_distance_m": self.link_distance_m,
            "notes": list(self.notes),
        }


TABLES = (
    "by_year",
    "by_month",
    "by_admin",
    "by_sex",
    "by_age_group",
    "by_status",
    "by_activity",
    "by_device",
    "hotspots",
    "links",
)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``frame`` as dicts of plain Python values."""
    return [
        {k: _plain(v) for k, v in row.items()}
        for row in frame.to_dict(orient="records")
    ]


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


# -- the report --------------------------------------------------------------


def casualty_report(
    db: Database,
    start: dt.date | None = None,
    end: dt.date | None = None,
    *,
    bandwidth_m: float = DEFAULT_BANDWIDTH_M,
    link_distance_m: float = DEFAULT_LINK_DISTANCE_M,
    top: int = 10,
    links: bool = True,
) -> CasualtyReport:
    """The casualty figures of the register between ``start`` and ``end``.

    ``links=False`` skips linking accidents to hazards (and reading hazard
    polygons), leaving ``links`` empty: the map's hotspot layer needs none.
    Kept per register version (a national report takes seconds); callers
    must not change the frames they get.
    """
    check_period(start, end)
    check_options(bandwidth_m, link_distance_m, top)
    options = (start, end, bandwidth_m, link_distance_m, top, links)
    return cached(
        db,
        f"casualty_report:{options!r}",
        lambda: _report(db, start, end, bandwidth_m, link_distance_m, top, links),
    )


def _report(
    db: Database,
    start: dt.date | None,
    end: dt.date | None,
    bandwidth_m: float,
    link_distance_m: float,
    top: int,
    links: bool,
) -> CasualtyReport:
    with db.transaction() as conn:
        frames = read_casualty_frames(
            conn, start, end, hazards=links, near_m=link_distance_m
        )
    return build_report(
        frames,
        start,
        end,
        bandwidth_m=bandwidth_m,
        link_distance_m=link_distance_m,
        top=top,
    )


def check_options(bandwidth_m: float, link_distance_m: float, top: int) -> None:
    if not (math.isfinite(bandwidth_m) and bandwidth_m > 0):
        raise CasualtyQueryError(
            _(
                "bandwidth must be > 0 metres, got %(bandwidth_m)s",
                bandwidth_m=bandwidth_m,
            )
        )
    if not (math.isfinite(link_distance_m) and link_distance_m >= 0):
        raise CasualtyQueryError(
            _(
                "link distance must be ≥ 0 metres, got %(link_distance_m)s",
                link_distance_m=link_distance_m,
            )
        )
    if top < 1:
        raise CasualtyQueryError(_("ask for at least 1 hotspot, got %(top)s", top=top))


def check_period(start: dt.date | None, end: dt.date | None) -> None:
    if start is not None and end is not None and start > end:
        raise CasualtyQueryError(
            _(
                "the period starts (%(start)s) after it ends (%(end)s): swap the dates",
                start=start,
                end=end,
            )
        )


def build_report(
    frames: CasualtyFrames,
    start: dt.date | None = None,
    end: dt.date | None = None,
    *,
    bandwidth_m: float = DEFAULT_BANDWIDTH_M,
    link_distance_m: float = DEFAULT_LINK_DISTANCE_M,
    top: int = 10,
) -> CasualtyReport:
    """The report from DataFrames (see :class:`CasualtyFrames`); no I/O."""
    check_options(bandwidth_m, link_distance_m, top)
    acc = accident_table(frames)
    vic = victim_table(frames.victims, acc)
    admin, population, rate = by_admin(acc, vic, frames.places)
    notes = _notes(acc, vic, admin)
    crs = _crs(acc)
    surface, hotspots, links = _spatial(
        frames, acc, vic, crs, bandwidth_m, link_distance_m, top
    )
    if surface is not None and surface.outliers:
        notes.append(
            ngettext(
                "%(num)s accident lies far from all others (misplaced?) and is "
                "left out of the hotspot surface",
                "%(num)s accidents lie far from all others (misplaced?) and are "
                "left out of the hotspot surface",
                surface.outliers,
            )
        )
    killed = int((vic["outcome"] == "killed").sum())
    unknown_age = int(vic["child"].isna().sum())
    children = int(vic["child"].fillna(False).astype(bool).sum())
    if unknown_age:
        notes.append(
            ngettext(
                "%(num)s victim has neither an age nor an age group that tells "
                "whether a child: counted in no child figure",
                "%(num)s victims have neither an age nor an age group that tells "
                "whether children: counted in no child figure",
                unknown_age,
            )
        )
    return CasualtyReport(
        start=start,
        end=end,
        killed=killed,
        injured=int((vic["outcome"] == "injured").sum()),
        accidents=len(acc),
        children=None if len(vic) and unknown_age == len(vic) else children,
        children_age_unknown=unknown_age,
        amputations=int(vic["amputation"].fillna(False).astype(bool).sum()),
        population=population,
        rate_per_100k=rate,
        by_year=by_period(acc, vic, "year"),
        by_month=by_period(acc, vic, "month"),
        by_admin=admin,
        by_sex=tally(acc, vic, "sex", [s.value for s in Sex]),
        by_age_group=by_age_group(acc, vic),
        by_status=tally(acc, vic, "status", [s.value for s in VictimStatus]),
        by_activity=tally(acc, vic, "activity", [a.value for a in VictimActivity]),
        by_device=by_device(acc, vic),
        hotspots=hotspots,
        links=links,
        surface=surface,
        link_distance_m=link_distance_m,
        notes=notes,
    )


# -- tables ------------------------------------------------------------------


def accident_table(frames: CasualtyFrames) -> pd.DataFrame:
    """Accidents with the keys they are grouped by: year, month, device."""
    acc = frames.accidents.copy()
    when = pd.to_datetime(acc["occurred_on"], errors="coerce")
    acc["year"] = when.dt.year.astype("Int64")
    acc["month"] = when.dt.strftime("%Y-%m").fillna(UNKNOWN)
    devices = frames.devices.set_index("id") if len(frames.devices) else None
    model_id = pd.to_numeric(acc["eo_model_id"], errors="coerce")
    if devices is None:
        acc["category"] = UNKNOWN
        acc["model"] = UNKNOWN
    else:
        acc["category"] = model_id.map(devices["category"].astype(str))
        acc["model"] = model_id.map(devices["model"].astype(str))
    acc["category"] = acc["category"].fillna(UNKNOWN)
    acc["model"] = acc["model"].fillna(UNKNOWN)
    acc["admin_area_id"] = pd.to_numeric(acc["admin_area_id"]).astype("Int64")
    acc["admin_by_location"] = False
    place_by_location(acc, frames.boundaries)
    return acc


def place_by_location(acc: pd.DataFrame, boundaries: pd.DataFrame) -> None:
    """Give accidents without an admin area the one their point lies in.

    The finest area wins (admin2 before admin1, then the smaller one, then
    the lower id); ``admin_by_location`` marks the accidents so placed.
    """
    missing = (acc["admin_area_id"].isna() & acc["lon"].notna()).to_numpy()
    if not missing.any() or boundaries.empty:
        return
    shapes = boundaries["boundary"].to_numpy(dtype=object)
    rows = np.flatnonzero(missing)
    points = shapely.points(acc["lon"].to_numpy()[rows], acc["lat"].to_numpy()[rows])
    hit, area = shapely.STRtree(shapes).query(points, predicate="intersects")
    if not len(hit):
        return
    pairs = pd.DataFrame(
        {
            "row": rows[hit],
            "fine": boundaries["place_type"].astype(str).to_numpy()[area]
            != PlaceType.ADMIN2.value,
            "size": shapely.area(shapes[area]),
            "id": boundaries["id"].to_numpy()[area],
        }
    ).sort_values(["row", "fine", "size", "id"], kind="stable")
    best = pairs.drop_duplicates("row")
    index = acc.index[best["row"].to_numpy()]
    acc.loc[index, "admin_area_id"] = best["id"].to_numpy()
    acc.loc[index, "admin_by_location"] = True


def victim_table(victims: pd.DataFrame, acc: pd.DataFrame) -> pd.DataFrame:
    """Victims with their accident's keys; age as float (NaN when unknown)."""
    keys = ["id", "year", "month", "admin_area_id", "category", "model"]
    vic = victims.copy()
    vic["age"] = pd.to_numeric(vic["age"], errors="coerce").astype(float)
    for column in ("sex", "status", "activity", "outcome"):
        vic[column] = vic[column].astype(object).where(vic[column].notna(), UNKNOWN)
        vic[column] = vic[column].map(str)
    vic["age_group"], vic["child"] = age_groups(vic["age"], vic["age_group"])
    merged = vic.merge(
        acc[keys].rename(columns={"id": "accident_id"}), on="accident_id", how="inner"
    )
    return merged


def age_group(age: pd.Series) -> pd.Series:
    """The band of each age (see :data:`AGE_BANDS`); ``unknown`` when missing."""
    values = pd.to_numeric(age, errors="coerce").to_numpy(dtype=float)
    out = np.full(len(values), UNKNOWN, dtype=object)
    for label, low, high in AGE_BANDS:
        out[(values >= low) & (values <= high)] = label
    return pd.Series(out, index=age.index)


def age_groups(age: pd.Series, group: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Each victim's age band and whether a child (``<NA>`` when unknown).

    An exact age gives its band (:data:`AGE_BANDS`); without one, the
    victim's age group is shown as the band it is, or as the range itself
    (``0-17``, ``18+``); with neither, ``unknown``.
    """
    values = pd.to_numeric(age, errors="coerce").to_numpy(dtype=float)
    labels = age_group(age).to_numpy(dtype=object)
    child = pd.array(values < CHILD_AGE, dtype="boolean")
    child[np.isnan(values)] = pd.NA
    ranges = group.astype(object).where(group.notna(), None).to_numpy(dtype=object)
    todo = np.flatnonzero(np.isnan(values) & pd.notna(ranges))
    for text in pd.unique(ranges[todo]):
        low, high = parse_age_group(str(text))
        band = [b for b, lo, hi in AGE_BANDS if lo == low and hi == (high or 200)]
        where = todo[ranges[todo] == text]
        labels[where] = band[0] if band else _shown_range(low, high)
        if high is not None and high < CHILD_AGE:
            child[where] = True
        elif low >= CHILD_AGE:
            child[where] = False
    return pd.Series(labels, index=age.index), pd.Series(child, index=age.index)


def tally(
    acc: pd.DataFrame,
    vic: pd.DataFrame,
    key: str,
    order: list[Any] | None = None,
    *,
    by_accident: bool = False,
) -> pd.DataFrame:
    """Accidents, killed, injured and victims per value of ``key``.

    ``by_accident``: ``key`` is an accident column (every accident counts);
    otherwise a victim column (accidents with at least one such victim).
    ``order`` lists the values to show (with zeros when absent) in order;
    other values follow, sorted, then missing ones.
    """
    vic_key = _labels(vic[key])
    if by_accident:
        accidents = acc.groupby(_labels(acc[key])).size()
    else:
        accidents = vic.groupby(vic_key)["accident_id"].nunique()
    frame = pd.DataFrame({"accidents": accidents})
    for outcome in ("killed", "injured"):
        hit = (vic["outcome"] == outcome).to_numpy()
        frame = frame.join(
            vic[hit].groupby(vic_key[hit]).size().rename(outcome),
            how="outer",
        )
    known = list(order or [])
    extra = sorted(
        (k for k in frame.index if k not in known and k != _MISSING), key=str
    )
    tail = [_MISSING] if _MISSING in frame.index else []
    frame = frame.reindex(known + extra + tail).fillna(0).astype(np.int64)
    frame["victims"] = frame["killed"] + frame["injured"]
    keys = [None if k == _MISSING else k for k in frame.index]
    frame = frame.reset_index(drop=True)
    frame.insert(0, key, pd.Series(keys, dtype=object))
    return frame.reset_index()[[key, *COUNTS]]


_MISSING = "\x00missing"


def _labels(values: pd.Series) -> pd.Series:
    """Values as objects, missing ones as one sentinel that groups and sorts."""
    out = values.astype(object)
    return out.where(values.notna().to_numpy(), _MISSING)


def by_period(acc: pd.DataFrame, vic: pd.DataFrame, key: str) -> pd.DataFrame:
    """By ``year`` or ``month``: every year/month from the first to the last.

    Accidents without a date are the last row (year null, month ``unknown``).
    """
    dated = acc[key].dropna()
    dated = dated[dated != UNKNOWN]
    order: list[Any] = []
    if len(dated):
        if key == "year":
            order = list(range(int(dated.min()), int(dated.max()) + 1))
        else:
            months = pd.period_range(min(dated), max(dated), freq="M")
            order = [str(m) for m in months]
    frame = tally(acc, vic, key, order, by_accident=True)
    if key == "year":
        frame["year"] = frame["year"].astype("Int64")
    return frame


def _shown_range(low: int, high: int | None) -> str:
    """An age range as a reader writes it: ``0-17``, ``18+``."""
    return f"{low}+" if high is None else f"{low}-{high}"


def by_age_group(acc: pd.DataFrame, vic: pd.DataFrame) -> pd.DataFrame:
    """By age band, then the age ranges victims have no exact age within."""
    bands = [label for label, _lo, _hi in AGE_BANDS]
    ranges = sorted(
        (g for g in pd.unique(vic["age_group"]) if g not in bands and g != UNKNOWN),
        key=lambda g: parse_age_group(str(g)),
    )
    frame = tally(acc, vic, "age_group", [*bands, *ranges, UNKNOWN])
    child: dict[str, bool | None] = {
        label: high < CHILD_AGE for label, _lo, high in AGE_BANDS
    }
    for text in ranges:
        low, high = parse_age_group(str(text))
        known = high is not None and high < CHILD_AGE
        child[text] = True if known else (False if low >= CHILD_AGE else None)
    frame["child"] = pd.array(
        [child.get(g) for g in frame["age_group"]], dtype="boolean"
    )
    return frame[["age_group", "child", *COUNTS]]


def by_device(acc: pd.DataFrame, vic: pd.DataFrame) -> pd.DataFrame:
    """By the device's category and model, most victims first."""
    acc = acc.assign(device=acc["category"] + "\t" + acc["model"])
    vic = vic.assign(device=vic["category"] + "\t" + vic["model"])
    frame = tally(acc, vic, "device", by_accident=True)
    parts = frame.pop("device").str.split("\t", expand=True)
    frame.insert(0, "category", parts[0] if len(frame) else [])
    frame.insert(1, "model", parts[1] if len(frame) else [])
    return frame.sort_values(
        ["victims", "accidents", "category", "model"],
        ascending=[False, False, True, True],
        kind="stable",
    ).reset_index(drop=True)


def by_admin(
    acc: pd.DataFrame, vic: pd.DataFrame, places: pd.DataFrame
) -> tuple[pd.DataFrame, int | None, float | None]:
    """By admin area, each with every place under it; rates; the nation's.

    Rows: every admin area of the register, and any other place accidents
    name, most victims first; accidents without an admin area last. An
    area's figures include those of the places under it (a department holds
    its municipalities' accidents). A rate is given only where the
    population covers the whole area (see
    :func:`demine.analysis.admin_areas.populations`);
    ``population_coverage`` says what the population is.
    """
    pops = populations(places)
    own = tally(acc, vic, "admin_area_id", by_accident=True)
    named = own[own["admin_area_id"].notna()]
    own_known = named.set_index(named["admin_area_id"].astype("int64"))[COUNTS]
    rolled = roll_up(own_known, places)
    info = (
        places.assign(id=pd.to_numeric(places["id"]).astype("int64")).set_index("id")
        if len(places)
        else pd.DataFrame(columns=["name", "code", "place_type", "parent_id"])
    )
    kinds = info["place_type"].astype(str)
    areas = list(kinds[kinds.isin(ADMIN_TYPES)].index)
    ids = areas + [int(a) for a in rolled.index if int(a) not in set(areas)]
    frame = rolled.reindex(ids).fillna(0).astype(np.int64).reset_index(drop=True)
    index = pd.Index(ids)
    frame.insert(0, "admin_area_id", pd.array(ids, dtype="Int64"))
    frame.insert(1, "name", index.map(info["name"]).to_numpy(dtype=object))
    frame.insert(2, "code", index.map(info["code"]).to_numpy(dtype=object))
    frame.insert(3, "place_type", index.map(kinds).to_numpy(dtype=object))
    parent = pd.to_numeric(info["parent_id"], errors="coerce")
    frame.insert(4, "parent_id", pd.array(index.map(parent), dtype="Int64"))
    frame["name"] = frame["name"].where(frame["name"].notna(), UNKNOWN)
    frame["population"] = pd.array(index.map(pops["population"]), dtype="Int64")
    frame["population_source"] = index.map(pops["population_source"]).to_numpy(
        dtype=object
    )
    frame["population_coverage"] = index.map(pops["population_coverage"]).to_numpy(
        dtype=object
    )
    covered = index.map(pops["covers"]).to_numpy(dtype=object) == True  # noqa: E712
    frame["rate_per_100k"] = rate(frame["victims"], frame["population"]).where(covered)
    frame = frame.sort_values(
        ["victims", "accidents", "name"],
        ascending=[False, False, True],
        kind="stable",
        key=lambda col: col.astype(str) if col.name == "name" else col,
    )
    missing = own[own["admin_area_id"].isna()]
    if len(missing):
        tail = missing.assign(admin_area_id=pd.array([None], dtype="Int64"))
        tail.insert(1, "name", UNKNOWN)
        frame = pd.concat([frame, tail], ignore_index=True)
    frame = frame.reset_index(drop=True)
    national, covers = national_population(places, pops)
    victims = int(vic["outcome"].isin(["killed", "injured"]).sum())
    national_rate = victims / national * 100_000 if national and covers else None
    return frame, national, national_rate


def rate(victims: pd.Series, population: pd.Series) -> pd.Series:
    """Victims per 100,000 inhabitants; NaN where population is unknown or 0."""
    pop = pd.to_numeric(population, errors="coerce").astype(float)
    pop = pop.where(pop > 0)
    return victims.astype(float) / pop * 100_000


def _notes(acc: pd.DataFrame, vic: pd.DataFrame, admin: pd.DataFrame) -> list[str]:
    notes = []
    undated = int(acc["year"].isna().sum())
    if undated:
        notes.append(
            ngettext(
                "%(num)s accident has no date: in the totals, in no year",
                "%(num)s accidents have no date: in the totals, in no year",
                undated,
            )
        )
    placed = int(acc["admin_by_location"].sum())
    if placed:
        notes.append(
            ngettext(
                "%(num)s accident named no admin area: placed in the one its "
                "point lies in",
                "%(num)s accidents named no admin area: placed in the one their "
                "point lies in",
                placed,
            )
        )
    no_admin = int(acc["admin_area_id"].isna().sum())
    if no_admin:
        notes.append(
            ngettext(
                "%(num)s accident has no admin area",
                "%(num)s accidents have no admin area",
                no_admin,
            )
        )
    areas = admin[admin["admin_area_id"].notna()]
    unknown_pop = areas[areas["population"].isna()]
    if len(unknown_pop):
        notes.append(
            ngettext(
                "%(num)s admin area has no population (own or of the places "
                "below it): no rate is given for it",
                "%(num)s admin areas have no population (own or of the places "
                "below them): no rate is given for them",
                len(unknown_pop),
            )
        )
    partial = areas[areas["population"].notna() & areas["rate_per_100k"].isna()]
    if len(partial):
        notes.append(
            ngettext(
                "%(num)s admin area has a population that does not cover the "
                "whole area (see population_coverage): no rate is given for it",
                "%(num)s admin areas have a population that does not cover the "
                "whole area (see population_coverage): no rate is given for them",
                len(partial),
            )
        )
    unlocated = int(acc["lon"].isna().sum())
    if unlocated:
        notes.append(
            ngettext(
                "%(num)s accident has no location: not on the map",
                "%(num)s accidents have no location: not on the map",
                unlocated,
            )
        )
    if len(acc) and not len(vic):
        notes.append(_("no victims are recorded for these accidents"))
    return notes


# -- space -------------------------------------------------------------------


def _crs(acc: pd.DataFrame) -> CRS | None:
    """One equal-area projection centred on the median accident (robust to a
    misplaced point far away)."""
    located = acc[acc["lon"].notna()]
    if located.empty:
        return None
    lon, lat = float(located["lon"].median()), float(located["lat"].median())
    return equal_area_crs((lon, lat, lon, lat))


def _spatial(
    frames: CasualtyFrames,
    acc: pd.DataFrame,
    vic: pd.DataFrame,
    crs: CRS | None,
    bandwidth_m: float,
    link_distance_m: float,
    top: int,
) -> tuple[HotspotSurface | None, pd.DataFrame, pd.DataFrame]:
    points = shapely.points(acc["lon"].to_numpy(float), acc["lat"].to_numpy(float))
    points[acc["lon"].isna().to_numpy()] = None
    if crs is None:
        crs = equal_area_crs((0.0, 0.0, 0.0, 0.0))
    projected, _unused = to_equal_area(points, crs)
    present = ~shapely.is_missing(projected)
    x = np.full(len(acc), np.nan)
    y = np.full(len(acc), np.nan)
    if present.any():
        x[present] = shapely.get_x(projected[present])
        y[present] = shapely.get_y(projected[present])
    surface = density_surface(x, y, crs, bandwidth_m)
    per_accident = (
        vic.groupby("accident_id").size().reindex(acc["id"]).fillna(0).to_numpy(float)
    )
    hotspots = hotspot_peaks(surface, x, y, per_accident, top)
    if frames.hazards is None:
        return surface, hotspots, pd.DataFrame(columns=LINK_COLUMNS)
    hazards, _unused = to_equal_area(frames.hazards["geom"].to_numpy(dtype=object), crs)
    links = link_accidents(
        acc["id"].to_numpy(dtype=np.int64),
        projected,
        frames.hazards["id"].to_numpy(dtype=np.int64),
        hazards,
        link_distance_m,
    )
    recorded = pd.to_numeric(acc["hazard_id"], errors="coerce").astype("Int64")
    links.insert(2, "recorded_hazard_id", recorded.array)
    return surface, hotspots, links


LINK_COLUMNS = [
    "accident_id",
    "hazard_id",
    "recorded_hazard_id",
    "distance_m",
    "relation",
]
