# SPDX-License-Identifier: GPL-3.0-or-later
"""Build the whole demo register: one DataFrame per table, in FK order.

:func:`generate` runs the parts in order (geography, actors, hazards, land
release, finds, casualties, programme, reference layers), each drawing from
its own seeded random stream, and assembles the tables: ids from 1, foreign
keys as ids, geometry in WGS84, dates as ``datetime.date``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from demine.demo import dirt, shapes
from demine.demo.actors import build_teams, organisations_table
from demine.demo.casualties import Casualties, build_casualties
from demine.demo.figures import SCALES, ScaleName
from demine.demo.geography import Geography, build_geography, places_table
from demine.demo.hazards import Hazards, build_hazards, contamination_lists
from demine.demo.minefields import layout
from demine.demo.ordnance import Finds, catalogue_table, find_items
from demine.demo.programme import eore_sessions, funding, qm_findings
from demine.demo.qa import inspection_tables
from demine.demo.records import (
    ANAMA_ID,
    nullable_float,
    nullable_int,
    objects,
    stream,
    table,
)
from demine.demo.reference import reference_table
from demine.demo.releases import Work, plan_work
from demine.demo.staff import (
    accreditation_tables,
    course_table,
    staff_table,
    training_tables,
)
from demine.demo.timeline import to_dates
from demine.domain.identity import new_uids
from demine.domain.vocab import ActivityType
from demine.store.schema import LOAD_ORDER

TABLES = LOAD_ORDER

DEVICE_LABEL = {
    "ap_mine": "AP mine",
    "at_mine": "AT mine",
    "uxo": "UXO",
    "submunition": "Submunition",
}
ACTIVITY_LABEL = {
    ActivityType.NTS.value: "Non-technical survey",
    ActivityType.TS.value: "Technical survey",
    ActivityType.CLEARANCE.value: "Clearance",
    ActivityType.EOD.value: "EOD spot task",
    ActivityType.EORE.value: "EORE",
}


def generate(scale: ScaleName = "small", seed: int = 1) -> dict[str, pd.DataFrame]:
    """The demo register of Azerbaijan's liberated districts.

    Parameters
    ----------
    scale
        ``"small"`` (500 hazards, for tests), ``"medium"`` (10,000) or
        ``"national"`` (100,000 hazards, 300,000 releases, 1,000,000 EO items:
        the published national figures).
    seed
        Same seed, same register.

    Returns
    -------
    dict
        Table name to DataFrame, in foreign-key order. Hazard and release
        frames list their deliberate errors in ``.attrs["dirt"]``.

    Examples
    --------
    >>> tables = generate("small", seed=1)
    >>> list(tables)[:3]
    ['organisation', 'place', 'team']
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: use one of {', '.join(SCALES)}")
    size = SCALES[scale]
    geo = build_geography()
    teams = build_teams(geo, size.teams, seed)
    plan = layout(geo, size, stream(seed, "layout"))
    hz = build_hazards(geo, plan, size, stream(seed, "hazards"))
    picks = dirt.pick_hazards(len(hz.geoms), stream(seed, "dirt"))
    dirty = dirt.geometry_dirty(picks, len(hz.geoms))
    work = plan_work(hz, geo, teams, size, dirty, stream(seed, "releases"))
    finds = find_items(hz, geo, work, teams, size, stream(seed, "ordnance"))
    harm = build_casualties(hz, geo, work, size, stream(seed, "casualties"))
    rng = stream(seed, "programme")
    sessions, eore_acts = eore_sessions(geo, size, rng)
    findings = qm_findings(work, rng)
    money = funding(size, rng)

    names = _hazard_names(hz, geo)
    acts = _activity_table(work, finds, eore_acts, names, geo)
    n_land, n_eod = len(work.activities), len(finds.eod)
    releases, release_dirt = dirt.spoil_releases(
        work.releases, hz.geoms, stream(seed, "dirt-releases")
    )
    hazard = _hazard_table(hz, geo, work, picks, names, stream(seed, "hazard-table"))
    release = _release_table(releases, work)
    release.attrs["dirt"] = {k: [i + 1 for i in v] for k, v in release_dirt.items()}
    tables = {
        "organisation": organisations_table(),
        "place": places_table(geo, seed),
        "team": teams.frame,
        "eo_model": catalogue_table(),
        "hazard": hazard,
        "activity": acts,
        "release": release,
        "eo_item": _item_table(finds, work, n_land),
        "accident": _accident_table(harm, geo),
        "victim": _victim_table(harm),
        "eore_session": _eore_table(sessions, geo, n_land + n_eod),
        "qm_finding": _qm_table(findings),
        "funding": _funding_table(money),
        "reference_feature": reference_table(geo, seed),
    }
    tables.update(_people_tables(tables, seed))
    tables.update(inspection_tables(tables, seed))
    return _identified(seed, {name: tables[name] for name in TABLES})


def _people_tables(
    tables: dict[str, pd.DataFrame], seed: int
) -> dict[str, pd.DataFrame]:
    """Accreditation, staff and the training centre's courses and certificates."""
    grants, suspensions = accreditation_tables(tables["activity"], seed)
    staff = staff_table(tables["team"], tables["activity"], seed)
    sessions, attendance, certificates = training_tables(staff, seed)
    return {
        "accreditation": grants,
        "accreditation_suspension": suspensions,
        "person": staff,
        "course": course_table(),
        "training_session": sessions,
        "attendance": attendance,
        "certificate": certificates,
    }


def _identified(seed: int, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Every record's uid, drawn from the seed's own stream per table.

    The same seed gives the same uids, so two demo registers built alike
    are the same register, down to the identities an export carries.
    """
    for name, frame in tables.items():
        attrs = frame.attrs
        frame["uid"] = new_uids(len(frame), stream(seed, f"uid-{name}"))
        frame.attrs = attrs
    return tables


def _hazard_names(hz: Hazards, geo: Geography) -> np.ndarray:
    """``<nearest town> <SHA|CHA> <serial>``, the serial counted per town."""
    town = geo.towns["name"].to_numpy(dtype=object)[hz.town]
    label = np.where(hz.cha, " CHA ", " SHA ").astype(object)
    serial = pd.Series(hz.town).groupby(hz.town).cumcount().to_numpy() + 1
    return town + label + np.char.zfill(serial.astype(str), 4).astype(object)


def _hazard_table(
    hz: Hazards,
    geo: Geography,
    work: Work,
    picks: dict[str, np.ndarray],
    names: np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    n = len(hz.geoms)
    clean = shapes.as_multipolygons(shapes.geoms_to_degrees(hz.geoms))
    rings = shapely.get_exterior_ring(shapely.get_geometry(clean, 0))
    corner = rng.integers(0, shapely.get_num_points(rings) - 1)
    benchmark = shapely.get_point(rings, corner)
    typed = np.round(hz.area * rng.uniform(0.98, 1.02, n), -1)
    cols = dict(hz.columns)
    reported_by = cols.pop("reported_by_id")
    frame = table(
        "HAZ",
        {
            "name": names,
            "hazard_class": cols.pop("hazard_class"),
            "status": work.status,
            "contamination": objects(contamination_lists(hz.combo)),
            "evidence": cols.pop("evidence"),
            "reliability": cols.pop("reliability"),
            "land_use": cols.pop("land_use"),
            "blockages": objects(cols.pop("blockages")),
            "estimated_devices": cols.pop("estimated_devices"),
            **{k: nullable_int(cols.pop(k)) for k in ("women", "men", "girls", "boys")},
            "admin_area_id": nullable_int(geo.district_place_id(hz.district)),
            "settlement_id": nullable_int(geo.town_place_id(hz.town)),
            "recorded_on": to_dates(hz.recorded),
            "closed_on": to_dates(work.closed, work.closed >= 0),
            "reported_area_m2": dirt.spoil_area(typed, picks["area_typo"], rng),
            "notes": np.full(n, None, dtype=object),
            "geom": dirt.spoil_hazards(clean, picks, rng),
            "benchmark": benchmark,
        },
        reported_by,
    )
    assert not cols, f"unused hazard columns: {sorted(cols)}"
    frame.attrs["dirt"] = {
        kind: (ids + 1).tolist() for kind, ids in picks.items() if kind != "partner"
    }
    return frame


def _activity_table(
    work: Work,
    finds: Finds,
    eore: pd.DataFrame,
    names: np.ndarray,
    geo: Geography,
) -> pd.DataFrame:
    acts = pd.concat([work.activities, finds.eod, eore], ignore_index=True)
    hazard = acts["hazard"].to_numpy(dtype=np.int64)
    team = acts["team"].to_numpy(dtype=np.int64)
    start = acts["start"].to_numpy(dtype=np.int64)
    end = acts["end"].to_numpy(dtype=np.int64)
    kind = acts["activity_type"].to_numpy(dtype=object)
    town = acts["town"].fillna(-1).to_numpy(dtype=np.int64) if "town" in acts else None
    place = np.where(hazard >= 0, names[np.maximum(hazard, 0)], "")
    if town is not None:
        town_names = geo.towns["name"].to_numpy(dtype=object)
        place = np.where(town >= 0, town_names[np.maximum(town, 0)], place)
    suffix = np.where(place != "", " – " + place.astype(object), "").astype(object)
    name = _labels(kind) + suffix
    method = acts["method"].to_numpy(dtype=object)
    return table(
        "ACT",
        {
            "name": name,
            "activity_type": kind,
            "status": acts["status"].to_numpy(dtype=object),
            "method": np.where(pd.isna(method), None, method),
            "organisation_id": nullable_int(acts["organisation"].to_numpy(np.int64)),
            "team_id": nullable_int(team + 1, team >= 0),
            "hazard_id": nullable_int(hazard + 1, hazard >= 0),
            "start_date": to_dates(start),
            "end_date": to_dates(end, end >= 0),
            "team_days": nullable_float(acts["team_days"].to_numpy(float)),
            "cost_usd": nullable_float(acts["cost_usd"].to_numpy(float)),
        },
        acts["organisation"].to_numpy(np.int64),
    )


def _labels(kind: np.ndarray) -> np.ndarray:
    out = np.empty(len(kind), dtype=object)
    for k, text in ACTIVITY_LABEL.items():
        out[kind == k] = text
    return out


def _release_table(releases: pd.DataFrame, work: Work) -> pd.DataFrame:
    activity = releases["activity"].to_numpy(np.int64)
    org = work.activities["organisation"].to_numpy(np.int64)[activity]
    geom = shapes.as_multipolygons(shapes.geoms_to_degrees(releases["geom"].to_numpy()))
    return table(
        "REL",
        {
            "activity_id": nullable_int(activity + 1),
            "hazard_id": releases["hazard"].to_numpy(np.int64) + 1,
            "kind": releases["kind"].to_numpy(dtype=object),
            "released_on": to_dates(releases["day"].to_numpy()),
            "depth_cm": nullable_float(releases["depth_cm"].to_numpy(float)),
            "reported_area_m2": nullable_float(
                releases["reported_area_m2"].to_numpy(float)
            ),
            "geom": geom,
        },
        org,
    )


def _item_table(finds: Finds, work: Work, n_land: int) -> pd.DataFrame:
    items = finds.items
    act = items["activity"].to_numpy(np.int64)
    # Non-negative: a land-release activity; negative: EOD task -1 - act.
    activity_id = np.where(act >= 0, act + 1, n_land + (-1 - act) + 1)
    org = np.where(
        act >= 0,
        work.activities["organisation"].to_numpy(np.int64)[np.maximum(act, 0)],
        finds.eod["organisation"].to_numpy(np.int64)[np.maximum(-1 - act, 0)],
    )
    hazard = items["hazard"].to_numpy(np.int64)
    return table(
        "EOI",
        {
            "activity_id": nullable_int(activity_id),
            "hazard_id": nullable_int(hazard + 1, hazard >= 0),
            "eo_model_id": nullable_int(items["eo_model"].to_numpy(np.int64)),
            "category": items["category"].to_numpy(dtype=object),
            "quantity": items["quantity"].to_numpy(np.int64),
            "found_on": to_dates(items["found"].to_numpy()),
            "depth_cm": nullable_float(items["depth_cm"].to_numpy(float)),
            "condition": items["condition"].to_numpy(dtype=object),
            "disposal": items["disposal"].to_numpy(dtype=object),
            "geom": shapes.points_to_degrees(items["x"], items["y"]),
        },
        org,
    )


def _accident_table(harm: Casualties, geo: Geography) -> pd.DataFrame:
    acc = harm.accidents
    hazard = acc["hazard"].to_numpy(np.int64)
    district = acc["district"].to_numpy(np.int64)
    victims = harm.victims.groupby("accident").size().to_numpy()
    town = geo.towns["name"].to_numpy(dtype=object)[acc["town"].to_numpy()]
    device = acc["device"].map(DEVICE_LABEL).to_numpy(dtype=object)
    text = [
        f"{d} accident near {t}, {v} casualt{'y' if v == 1 else 'ies'}"
        for d, t, v in zip(device, town, victims, strict=True)
    ]  # a few hundred accidents at most
    return table(
        "ACC",
        {
            "accident_type": acc["accident_type"].to_numpy(dtype=object),
            "occurred_on": to_dates(acc["day"].to_numpy()),
            "hazard_id": nullable_int(hazard + 1, hazard >= 0),
            "admin_area_id": nullable_int(
                geo.district_place_id(district), district >= 0
            ),
            "eo_model_id": nullable_int(acc["eo_model"].to_numpy(np.int64)),
            "description": text,
            "geom": shapes.points_to_degrees(acc["x"], acc["y"]),
        },
        ANAMA_ID,
    )


def _victim_table(harm: Casualties) -> pd.DataFrame:
    v = harm.victims
    return table(
        "VIC",
        {
            "accident_id": v["accident"].to_numpy(np.int64) + 1,
            "sex": v["sex"].to_numpy(dtype=object),
            "age": nullable_int(v["age"].to_numpy(), v["known_age"].to_numpy()),
            # The demo knows exact ages (or none); no ranges, no amputations.
            "age_group": np.full(len(v), None, dtype=object),
            "amputation": np.full(len(v), None, dtype=object),
            "outcome": v["outcome"].to_numpy(dtype=object),
            "status": v["status"].to_numpy(dtype=object),
            "activity": v["activity"].to_numpy(dtype=object),
        },
        ANAMA_ID,
    )


def _eore_table(sessions: pd.DataFrame, geo: Geography, offset: int) -> pd.DataFrame:
    located = sessions["located"].to_numpy()
    points = shapes.points_to_degrees(sessions["x"], sessions["y"])
    points[~located] = None
    org = sessions["organisation"].to_numpy(np.int64)
    return table(
        "EOR",
        {
            "activity_id": nullable_int(
                sessions["activity"].to_numpy(np.int64) + offset + 1
            ),
            "organisation_id": nullable_int(org),
            "place_id": nullable_int(geo.town_place_id(sessions["town"].to_numpy())),
            "method": sessions["method"].to_numpy(dtype=object),
            "held_on": to_dates(sessions["day"].to_numpy()),
            **{
                k: sessions[k].to_numpy(np.int64)
                for k in ("women", "men", "girls", "boys")
            },
            "geom": points,
        },
        org,
    )


def _qm_table(findings: pd.DataFrame) -> pd.DataFrame:
    closed = findings["closed"].to_numpy()
    return table(
        "QMF",
        {
            "activity_id": nullable_int(findings["activity"].to_numpy(np.int64) + 1),
            "organisation_id": nullable_int(
                findings["organisation"].to_numpy(np.int64)
            ),
            "kind": findings["kind"].to_numpy(dtype=object),
            "inspected_on": to_dates(findings["day"].to_numpy()),
            "severity": findings["severity"].to_numpy(dtype=object),
            "non_conformity": findings["non_conformity"].to_numpy(dtype=object),
            "corrective_action": findings["corrective_action"].to_numpy(dtype=object),
            "closed_on": to_dates(closed, closed >= 0),
        },
        ANAMA_ID,
    )


def _funding_table(money: pd.DataFrame) -> pd.DataFrame:
    recipient = money["recipient"].to_numpy(np.int64)
    return table(
        "FUN",
        {
            "donor_id": nullable_int(money["donor"].to_numpy(np.int64)),
            "recipient_id": nullable_int(recipient),
            "project": money["project"].to_numpy(dtype=object),
            "kind": money["kind"].to_numpy(dtype=object),
            "dated_on": to_dates(money["day"].to_numpy()),
            "amount": money["amount"].to_numpy(float),
            "currency": money["currency"].to_numpy(dtype=object),
            "amount_usd": nullable_float(money["amount_usd"].to_numpy(float)),
            "notes": np.full(len(money), None, dtype=object),
        },
        recipient,
    )
