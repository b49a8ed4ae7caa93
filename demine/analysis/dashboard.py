# SPDX-License-Identifier: GPL-3.0-or-later
"""The dashboard: headline figures and charts for a period and a cross-filter.

Figures come from :class:`~demine.store.dashboard_frames.DashboardFrames`,
read once per register version and kept (:func:`cached_frames`), so any
period and any filter costs milliseconds, and a write is seen on the next
request because it changes the version.

Cross-filtering: a chart by organisation is filtered by everything chosen
except the organisation (its chosen bar is marked instead), and so on for
the region and the hazard class; the headline figures take every filter.
Remaining land is the land still suspected today; the period applies to
released land, finds and casualties.
"""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from demine.analysis.admin_areas import ancestry
from demine.analysis.version_cache import cached, kept
from demine.store.dashboard_frames import (
    CODES,
    NO_DAY,
    NONE,
    TABLES,
    DashboardFrames,
    code,
    decode,
    read_frame,
    read_places,
)
from demine.store.database import Database
from demine.store.fingerprint import tables_fingerprint
from demine.store.queries import MM2_PER_M2
from demine.store.register_version import register_version

Period = Literal["year", "12m", "all", "custom"]
PERIODS: tuple[Period, ...] = ("year", "12m", "all", "custom")
Dimension = Literal["org", "region", "hazard_class"]
VIEWS_KEPT = 64
EPOCH = dt.date(1970, 1, 1)
# The victims frame counts each accident once under this outcome code.
ACCIDENT = -2


@dataclass(frozen=True)
class DashboardFilter:
    """What the reader chose: a period (either bound open) and cross-filters."""

    start: dt.date | None = None
    end: dt.date | None = None
    organisation: int | None = None
    region: int | None = None
    hazard_class: str | None = None


def period_bounds(
    period: Period,
    today: dt.date,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day of a named period (``custom``: as given).

    >>> period_bounds("year", dt.date(2026, 5, 3))
    (datetime.date(2026, 1, 1), datetime.date(2026, 5, 3))
    >>> period_bounds("12m", dt.date(2026, 5, 3))
    (datetime.date(2025, 5, 4), datetime.date(2026, 5, 3))
    """
    if period == "year":
        return dt.date(today.year, 1, 1), today
    if period == "12m":
        return today - dt.timedelta(days=364), today
    if period == "custom":
        return start, end
    return None, None


@dataclass(frozen=True)
class Prepared:
    """One register version's rows, each with its ``org``, ``region``,
    ``hazard_class`` and, where dated, ``day`` (days since 1970); areas in
    whole mm² so totals are exact."""

    organisations: dict[int, str]
    region_names: dict[int, str]
    hazards: pd.DataFrame
    released: pd.DataFrame
    items: pd.DataFrame
    victims: pd.DataFrame


def _mm2(values: pd.Series) -> np.ndarray:
    return np.round(values.to_numpy(dtype=np.float64) * MM2_PER_M2).astype(np.int64)


def _lookup(keys: np.ndarray, values: np.ndarray, fill: float = np.nan) -> Any:
    """A function giving, for an array of ids, the value of each (``fill``
    for an id not in ``keys``, negative or NaN)."""
    keys = np.asarray(keys, dtype=np.float64)
    known = keys[np.isfinite(keys) & (keys >= 0)].astype(np.int64)
    table = np.full(int(known.max(initial=-1)) + 2, fill, dtype=np.float64)
    ok = np.isfinite(keys) & (keys >= 0)
    table[keys[ok].astype(np.int64)] = np.asarray(values, dtype=np.float64)[ok]

    def of(ids: Any) -> np.ndarray:
        ids = np.asarray(ids, dtype=np.float64)
        inside = np.isfinite(ids) & (ids >= 0) & (ids < len(table) - 1)
        return table[np.where(inside, ids, len(table) - 1).astype(np.int64)]

    return of


def _key(column: pd.Series) -> np.ndarray:
    """An id column with "none" (-1) as NaN."""
    values = column.to_numpy(dtype=np.float64)
    return np.where(values < 0, np.nan, values)


def _days_of(column: pd.Series) -> np.ndarray:
    values = column.to_numpy(dtype=np.float64)
    return np.where(values <= NO_DAY, np.nan, values)


def prepare(frames: DashboardFrames) -> Prepared:
    """Give each row its hazard's place, class and region and its
    activity's method: numeric columns to mask and sum per view (vocabulary
    values as codes, :data:`~demine.store.dashboard_frames.CODES`)."""
    region_of, names = regions(frames.places)
    to_region = _lookup(region_of.index.to_numpy(), region_of.to_numpy())
    hz = frames.hazards
    hz_ids = hz["id"].to_numpy()
    region = to_region(_key(hz["place"]))
    approved = hz["approved"].to_numpy() > 0
    hz_region = _lookup(hz_ids, region)
    hz_class = _lookup(hz_ids, hz["hazard_class"].to_numpy(), NONE)
    hz_approved = _lookup(hz_ids, approved.astype(np.float64), 0.0)
    hazards = pd.DataFrame(
        {
            "org": _key(hz["org"])[approved],
            "region": region[approved],
            "hazard_class": hz["hazard_class"].to_numpy()[approved],
            "n": 1,
            "area_mm2": _mm2(hz["area_m2"])[approved],
            "remaining_mm2": _mm2(hz["remaining_m2"])[approved],
        }
    )
    rel = frames.releases
    # Released land counts on approved hazards only (the ledger's rule).
    rel = rel[hz_approved(rel["hazard_id"].to_numpy()) > 0]
    acts = frames.activities
    method = _lookup(acts["id"].to_numpy(), acts["method"].to_numpy(), NONE)
    released = pd.DataFrame(
        {
            "day": _days_of(rel["day"]),
            "org": _key(rel["org"]),
            "region": hz_region(rel["hazard_id"]),
            "hazard_class": hz_class(rel["hazard_id"]),
            "kind": rel["kind"].to_numpy(),
            "method": method(rel["activity_id"]),
            "mm2": _mm2(rel["effective_m2"]),
        }
    )
    it = frames.items
    items = pd.DataFrame(
        {
            "day": _days_of(it["day"]),
            "org": _key(it["org"]),
            "region": hz_region(it["hazard_id"]),
            "hazard_class": hz_class(it["hazard_id"]),
            "category": it["category"].to_numpy(),
            "quantity": it["quantity"].to_numpy(dtype=np.int64),
        }
    )
    accidents = frames.accidents
    acc = pd.DataFrame(
        {
            "day": _days_of(accidents["day"]),
            "org": _key(accidents["org"]),
            "region": to_region(_key(accidents["place"])),
            "hazard_class": hz_class(accidents["hazard_id"]),
            "outcome": float(ACCIDENT),
        },
        index=accidents["id"].to_numpy(),
    )
    vic = frames.victims
    who = acc.reindex(vic["accident_id"].to_numpy()).reset_index(drop=True)
    victims = pd.concat(
        [acc.reset_index(drop=True), who.assign(outcome=vic["outcome"].to_numpy())],
        ignore_index=True,
    ).assign(n=1)
    orgs = frames.organisations
    return Prepared(
        organisations={
            int(i): str(n) for i, n in zip(orgs["id"], orgs["name"], strict=True)
        },
        region_names=names,
        hazards=hazards,
        released=released,
        items=items,
        victims=victims,
    )


def regions(places: pd.DataFrame) -> tuple[pd.Series, dict[int, str]]:
    """Each place's region (by place id) and the regions' names.

    A region is a top place, or one level down when the top place is the
    country, the level the dashboard has always shown.
    """
    if not len(places):
        return pd.Series(dtype="float64"), {}
    ids = pd.to_numeric(places["id"]).astype("int64")
    info = pd.DataFrame(
        {"name": places["name"].to_numpy(), "type": places["place_type"].to_numpy()},
        index=ids.to_numpy(),
    )
    pairs = ancestry(places)
    depth = pairs.groupby("place_id").size() - 1
    pairs = pairs.assign(depth=pairs["area_id"].map(depth))
    root = pairs[pairs["depth"] == 0].set_index("place_id")["area_id"]
    country = root.map(info["type"]).eq("country")
    level = country.astype("int64")
    pairs = pairs.assign(level=pairs["place_id"].map(level))
    chosen = pairs[pairs["depth"] == pairs["level"]].set_index("place_id")["area_id"]
    names = {int(r): str(info.at[r, "name"]) for r in chosen.unique()}
    return chosen.astype("float64"), names


def _days(day: dt.date) -> int:
    return (day - EPOCH).days


def _mask(
    frame: pd.DataFrame,
    flt: DashboardFilter,
    skip: Dimension | None = None,
    dated: bool = True,
) -> np.ndarray:
    keep = np.ones(len(frame), dtype=bool)
    if dated and flt.start is not None:
        keep &= (frame["day"] >= _days(flt.start)).to_numpy()
    if dated and flt.end is not None:
        keep &= (frame["day"] <= _days(flt.end)).to_numpy()
    if flt.organisation is not None and skip != "org":
        keep &= (frame["org"] == flt.organisation).to_numpy()
    if flt.region is not None and skip != "region":
        keep &= (frame["region"] == flt.region).to_numpy()
    if flt.hazard_class is not None and skip != "hazard_class":
        keep &= (
            frame["hazard_class"] == code("hazard_class", flt.hazard_class)
        ).to_numpy()
    return keep


def _sums(frame: pd.DataFrame, by: str, value: str, scale: float = 1.0) -> list[Any]:
    """``(key, total)`` largest first; a missing key (no value) as None; a
    coded column's keys as their vocabulary values."""
    if frame.empty:
        return []
    totals = frame.groupby(by, dropna=False, sort=False)[value].sum()
    keys = totals.index.to_numpy(dtype=np.float64)
    known = np.isfinite(keys) & (keys >= 0)
    names = decode(by, keys) if by in CODES else keys.astype(object)
    rows = [
        (name if ok else None, float(v) / scale)
        for name, ok, v in zip(names, known, totals.to_numpy(), strict=True)
        if v
    ]
    return sorted(rows, key=lambda r: (-r[1], str(r[0])))


def dashboard_view(prep: Prepared, flt: DashboardFilter) -> dict[str, Any]:
    """Headline figures (every filter) and the charts (each chart every
    filter but its own dimension), areas in m²."""
    haz, rel, items, vic = prep.hazards, prep.released, prep.items, prep.victims
    h = haz[_mask(haz, flt, dated=False)]
    r = rel[_mask(rel, flt)]
    i = items[_mask(items, flt)]
    v = vic[_mask(vic, flt)]
    outcomes = v.groupby("outcome")["n"].sum()
    killed, injured = code("outcome", "killed"), code("outcome", "injured")
    orgs = prep.organisations
    by_org = _sums(rel[_mask(rel, flt, skip="org")], "org", "mm2", MM2_PER_M2)
    by_region = _sums(
        haz[_mask(haz, flt, skip="region", dated=False)],
        "region",
        "remaining_mm2",
        MM2_PER_M2,
    )
    when = pd.to_datetime(r["day"], unit="D", errors="coerce")
    years = r.assign(year=when.dt.year.to_numpy(dtype=np.float64))
    return {
        "headline": {
            "hazards": int(h["n"].sum()),
            "remaining_m2": int(h["remaining_mm2"].sum()) / MM2_PER_M2,
            "released_m2": int(r["mm2"].sum()) / MM2_PER_M2,
            "items": int(i["quantity"].sum()),
            "killed": int(outcomes.get(killed, 0)),
            "injured": int(outcomes.get(injured, 0)),
            "accidents": int(outcomes.get(ACCIDENT, 0)),
        },
        "by_year": sorted(
            [
                (None if y is None else int(y), m2)
                for y, m2 in _sums(years, "year", "mm2", MM2_PER_M2)
            ],
            key=lambda t: (t[0] is None, t[0] or 0),
        ),
        "by_org": [
            (None if k is None else int(k), _org_name(orgs, k), m2) for k, m2 in by_org
        ],
        "by_region": [
            (
                None if k is None else int(k),
                None if k is None else prep.region_names.get(int(k)),
                m2,
            )
            for k, m2 in by_region
        ],
        "by_class": _sums(
            haz[_mask(haz, flt, skip="hazard_class", dated=False)],
            "hazard_class",
            "remaining_mm2",
            MM2_PER_M2,
        ),
        "by_method": _sums(r, "method", "mm2", MM2_PER_M2),
        "by_category": [(k, int(n)) for k, n in _sums(i, "category", "quantity")],
    }


def _org_name(orgs: dict[int, str], key: Any) -> str | None:
    return None if key is None else orgs.get(int(key), str(int(key)))


def fingerprint(db: Database, table: str) -> Any:
    """The table's fingerprint (rows, last key, last change), read once per
    register version."""

    def read() -> Any:
        with db.transaction() as conn:
            return tables_fingerprint(conn, [table])

    return cached(db, f"fingerprint:{table}", read)


def cached_by_tables(
    db: Database, name: str, tables: tuple[str, ...], build: Any
) -> Any:
    """``build()``, kept until one of ``tables`` changes (not merely the
    register): the dashboard's quality, cost and handover figures survive a
    write to a hazard."""
    key = (name, tuple(fingerprint(db, t) for t in tables))
    return kept(db, "dashboard", VIEWS_KEPT).get_or_build(key, build)


_TABLES: weakref.WeakKeyDictionary[Database, dict[str, tuple[Any, pd.DataFrame]]] = (
    weakref.WeakKeyDictionary()
)


def cached_frames(db: Database) -> Prepared:
    """The prepared frames of the register's current version.

    A new version re-reads only the tables whose fingerprint (rows, last
    key, last change) moved: approving a hazard re-reads the hazards, not
    the million finds.
    """
    version = register_version(db).current()

    def build() -> Prepared:
        tables = _TABLES.setdefault(db, {})
        with db.transaction() as conn:
            read: dict[str, pd.DataFrame] = {}
            for name, table in TABLES.items():
                stamp = fingerprint(db, table)
                old = tables.get(name)
                if old is None or old[0] != stamp:
                    old = tables[name] = (stamp, read_frame(conn, name))
                read[name] = old[1]
            places = read_places(conn)
        return prepare(DashboardFrames(places=places, **read))

    return kept(db, "dashboard-frames", 2).get_or_build(version, build)


def dashboard_for(db: Database, flt: DashboardFilter) -> dict[str, Any]:
    """:func:`dashboard_view` of the current version, kept per filter."""
    return cached(db, f"view:{flt!r}", lambda: dashboard_view(cached_frames(db), flt))
