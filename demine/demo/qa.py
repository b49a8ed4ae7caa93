# SPDX-License-Identifier: GPL-3.0-or-later
"""The demo's QA programme: post-clearance inspections, visits, NCs.

About a quarter of the finished clearance activities are inspected 10 to 60
days after they end, each activity's cleared ground one lot, sampled by
ISO 2859-1 at AQL 1.0 and level II in units of 100 m² (IMAS 09.20),
normal, tightened or reduced by the team's record (:mod:`demine.domain.sampling`).
Teams differ: most leave about 1 nonconforming unit in 500, a few in 50, so
a few lots in a hundred are rejected and raise a non-conformity (an item
found makes it critical), corrected within two months or so. Monitoring
visits come during about a third of the longer activities, scored by the
IMAS 07.40 checklist of :mod:`demine.domain.monitoring`. Inspections of
the history are recorded as counts (no unit polygons); the lots played
through the core after loading (:mod:`demine.demo.qa_chain`) have theirs.
Inspection costs are about USD 0.6 to 1.1 per m² inspected, the order of
the GICHD's 2012 review of post-clearance inspection (7.1 million m² for
USD 5.9 million).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import shapely

from demine.demo.actors import ORGANISATIONS
from demine.demo.records import ANAMA_ID, nullable_float, nullable_int, stream, table
from demine.demo.timeline import END
from demine.domain import sampling
from demine.domain.monitoring import CHECKLIST, score_visit
from demine.domain.vocab import MonitoringOutcome, RootCause, Stringency
from demine.geo.area import geodesic_area
from demine.geo.sampling import draw_units

UNIT_M2, AQL, LEVEL = 100.0, 1.0, "ii"
ROOT_TEXT = {
    RootCause.DETECTION.value: "Detector not ground-balanced on magnetic soil",
    RootCause.PROCEDURE.value: "Lane overlap below the standing operating procedure",
    RootCause.SUPERVISION.value: "Team leader supervising two lanes at once",
    RootCause.TRAINING.value: "New deminers not yet assessed on the site's devices",
    RootCause.EQUIPMENT.value: "Detector head damaged and not replaced",
    RootCause.SITE_CONDITIONS.value: "Dense vegetation not cut to ground level",
}
ACTION_TEXT = {
    RootCause.DETECTION.value: "Detectors re-balanced daily; lot re-cleared",
    RootCause.PROCEDURE.value: "SOP briefed again; lot re-cleared and re-inspected",
    RootCause.SUPERVISION.value: "Second section leader appointed; lot re-cleared",
    RootCause.TRAINING.value: "Deminers retrained and assessed; lot re-cleared",
    RootCause.EQUIPMENT.value: "Detector replaced, daily test recorded; lot re-cleared",
    RootCause.SITE_CONDITIONS.value: "Vegetation cut before search; lot re-cleared",
}


def _acronym(org: int) -> str:
    return ORGANISATIONS[org - 1][1]


def inspection_tables(
    tables: dict[str, pd.DataFrame], seed: int
) -> dict[str, pd.DataFrame]:
    """Inspections of cleared lots, their non-conformities and monitoring visits."""
    rng = stream(seed, "qa")
    acts, rel = tables["activity"], tables["release"]
    lots = _lots(acts, rel, rng)
    inspections = _inspect(lots, tables["hazard"], rng)
    units = _units(inspections, rng)
    visits = _visits(acts, rng)
    ncs = _non_conformities(inspections, visits, tables["team"], rng)
    return {
        "inspection": inspections,
        "sample_unit": units,
        "monitoring_visit": visits,
        "non_conformity": ncs,
    }


def _lots(
    acts: pd.DataFrame, rel: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    done = acts[
        (acts["activity_type"] == "clearance")
        & (acts["status"] == "completed")
        & acts["end_date"].notna()
    ]
    cleared = rel[(rel["kind"] == "cleared") & rel["activity_id"].isin(done["id"])]
    parts: dict[int, tuple[list[int], list[object]]] = {}
    for rid, aid, geom in zip(
        cleared["id"], cleared["activity_id"], cleared["geom"], strict=True
    ):
        ids, geoms = parts.setdefault(int(aid), ([], []))
        ids.append(int(rid))
        geoms.append(geom)
    chosen = done[done["id"].isin(parts)]
    chosen = chosen[rng.random(len(chosen)) < 0.25]
    rows = []
    for a in chosen.itertuples():
        ids, geoms = parts[a.id]
        geom = shapely.union_all(np.array(geoms, dtype=object))
        if geom.geom_type == "Polygon":
            geom = shapely.MultiPolygon([geom])
        if geom.geom_type != "MultiPolygon" or geom.is_empty or not geom.is_valid:
            continue  # the demo's deliberately spoiled releases are not sampled
        day = a.end_date + dt.timedelta(days=int(rng.integers(10, 61)))
        if day > END:
            continue
        rows.append(
            {
                "activity_id": a.id,
                "organisation_id": int(a.organisation_id),
                "team_id": int(a.team_id),
                "method": a.method,
                "hazard_id": int(a.hazard_id),
                "released_to": a.end_date,
                "inspected_on": day,
                "release_ids": ids,
                "lot_geom": geom,
            }
        )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame["lot_m2"] = geodesic_area(frame["lot_geom"].to_numpy(dtype=object))
    frame = frame[frame["lot_m2"] >= UNIT_M2]
    return frame.sort_values(["inspected_on", "activity_id"]).reset_index(drop=True)


def _inspect(
    lots: pd.DataFrame, hazards: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """Plan, sample and judge each lot in order, switching per team."""
    teams = sorted(set(lots["team_id"])) if len(lots) else []
    # Defect rate per team: most teams good, a few careless.
    rate = {t: (0.02 if rng.random() < 0.12 else 0.002) for t in teams}
    record: dict[int, list[sampling.LotRecord]] = {t: [] for t in teams}
    names = hazards.set_index("id")["name"]
    out = []
    for lot in lots.itertuples():
        how = sampling.switching_state(record[lot.team_id]).stringency
        if how is Stringency.DISCONTINUED:
            how = Stringency.TIGHTENED  # resumed once the organisation acted
        plan = sampling.area_plan(lot.lot_m2, UNIT_M2, AQL, LEVEL, how)
        n = plan.units
        bad = int(rng.binomial(n, rate[lot.team_id]))
        items = int(sum(rng.random(bad) < 0.7))
        accepted = bad <= plan.plan.ac
        record[lot.team_id].append(
            sampling.LotRecord(
                accepted, bad, plan.plan.plan_letter, AQL, plan.plan.ac, how
            )
        )
        inspected = n * UNIT_M2
        out.append(
            {
                "name": f"QA {_acronym(lot.organisation_id)} – "
                f"{names.get(lot.hazard_id, 'lot')} – {lot.inspected_on.isoformat()}",
                "organisation_id": lot.organisation_id,
                "team_id": lot.team_id,
                "method": lot.method,
                "inspected_by_id": ANAMA_ID,
                "hazard_id": lot.hazard_id,
                "release_ids": lot.release_ids,
                "planned_on": lot.inspected_on
                - dt.timedelta(days=int(rng.integers(3, 15))),
                "inspected_on": lot.inspected_on,
                "lot_m2": float(lot.lot_m2),
                "unit_m2": UNIT_M2,
                "lot_units": plan.plan.lot_size,
                "aql": AQL,
                "level": LEVEL,
                "stringency": how.value,
                "code_letter": plan.plan.letter,
                "plan_letter": plan.plan.plan_letter,
                "sample_size": n,
                "accept_number": plan.plan.ac,
                "reject_number": plan.plan.re,
                "shape": "box",
                "lane_width_m": np.nan,
                "seed": int(rng.integers(0, 2**31 - 1)),
                "units_drawn": n,
                "units_inspected": n,
                "nonconforming_units": bad,
                "items_found": items,
                "inspected_m2": inspected,
                "depth_cm": 20.0,
                "inspection_method": "manual",
                "result": "accepted" if accepted else "rejected",
                "cost_usd": round(inspected * float(rng.uniform(0.6, 1.1)), -1),
                "notes": None,
                "geom": None,
                "lot_geom": lot.lot_geom,
            }
        )
    frame = pd.DataFrame(out)
    if frame.empty:
        frame = pd.DataFrame(columns=out_columns())
    insp = table(
        "INS",
        {
            **{c: frame[c].to_numpy(dtype=object) for c in out_columns()},
        },
        ANAMA_ID,
    )
    for c in (
        "organisation_id",
        "lot_units",
        "sample_size",
        "accept_number",
        "reject_number",
        "seed",
        "units_drawn",
    ):
        insp[c] = insp[c].astype(np.int64)  # fmt: skip
    for c in (
        "team_id",
        "hazard_id",
        "inspected_by_id",
        "units_inspected",
        "nonconforming_units",
        "items_found",
    ):
        insp[c] = nullable_int(insp[c].fillna(-1).astype(np.int64),
                               insp[c].notna().to_numpy())  # fmt: skip
    for c in ("lot_m2", "unit_m2", "aql", "inspected_m2"):
        insp[c] = insp[c].astype(float)
    for c in ("lane_width_m", "depth_cm", "cost_usd"):
        insp[c] = nullable_float(insp[c].astype(float).to_numpy())
    return insp


#: The most recent inspections get their units drawn on the ground.
WITH_UNITS = 30


def _units(inspections: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Units of the latest inspections, drawn as ``demine qa sample`` would,
    holding the inspection's nonconforming units and items."""
    rows = []
    latest = inspections.sort_values(["inspected_on", "id"]).tail(WITH_UNITS)
    for i in latest.itertuples():
        draw = draw_units(i.lot_geom, int(i.sample_size), UNIT_M2, seed=int(i.seed))
        n = len(draw.units)
        if n < int(i.sample_size):
            continue  # too ragged a lot for whole units: keep the counts only
        bad = set(
            rng.choice(n, size=int(i.nonconforming_units), replace=False).tolist()
        )
        with_item = sorted(bad)[: int(i.items_found)]
        for k, unit in enumerate(draw.units):
            rows.append((i.id, k + 1, k in bad, int(k in with_item), unit))
        geom = shapely.union_all(np.array(draw.units, dtype=object))
        if geom.geom_type == "Polygon":
            geom = shapely.MultiPolygon([geom])
        inspections.loc[inspections["id"] == i.id, "geom"] = pd.Series(
            [geom], index=inspections.index[inspections["id"] == i.id]
        )
    frame = pd.DataFrame(
        rows, columns=["inspection_id", "number", "bad", "items", "geom"]
    )
    return table(
        "SMU",
        {
            "inspection_id": frame["inspection_id"].to_numpy(np.int64),
            "number": frame["number"].to_numpy(np.int64),
            "inspected": np.ones(len(frame), bool),
            "nonconforming": frame["bad"].to_numpy(bool),
            "items_found": frame["items"].to_numpy(np.int64),
            "depth_cm": np.full(len(frame), 20.0),
            "notes": np.full(len(frame), None, dtype=object),
            "geom": frame["geom"].to_numpy(dtype=object),
        },
        ANAMA_ID,
    )


def out_columns() -> list[str]:
    return [
        "name", "organisation_id", "team_id", "method", "inspected_by_id",
        "hazard_id", "release_ids", "planned_on", "inspected_on", "lot_m2",
        "unit_m2", "lot_units",
        "aql", "level", "stringency", "code_letter", "plan_letter", "sample_size",
        "accept_number", "reject_number", "shape", "lane_width_m", "seed",
        "units_drawn", "units_inspected", "nonconforming_units", "items_found",
        "inspected_m2", "depth_cm", "inspection_method", "result", "cost_usd",
        "notes", "geom", "lot_geom",
    ]  # fmt: skip


def _visits(acts: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    work = acts[
        acts["activity_type"].isin(["nts", "ts", "clearance"])
        & acts["team_id"].notna()
        & acts["end_date"].notna()
    ]
    length = np.array(
        [
            (e - s).days
            for s, e in zip(work["start_date"], work["end_date"], strict=True)
        ]
    )
    work = work[(length >= 10) & (rng.random(len(work)) < 0.35)]
    keys = [i.key for i in CHECKLIST]
    rows = []
    for a in work.itertuples():
        span = (a.end_date - a.start_date).days
        when = a.start_date + dt.timedelta(days=int(rng.integers(1, span)))
        care = 0.97 if rng.random() < 0.85 else 0.85
        answers = {
            k: "na" if rng.random() < 0.05 else ("yes" if rng.random() < care else "no")
            for k in keys
        }
        scored = score_visit(answers)
        rows.append(
            {
                "organisation_id": int(a.organisation_id),
                "team_id": int(a.team_id),
                "activity_id": int(a.id),
                "hazard_id": None if pd.isna(a.hazard_id) else int(a.hazard_id),
                "visited_on": when,
                "inspector": "ANAMA QA inspector",
                "checklist": answers,
                "score": scored.score,
                "outcome": scored.outcome.value,
                "notes": None,
            }
        )
    frame = pd.DataFrame(rows, columns=VISIT_COLUMNS)
    hazard = frame["hazard_id"].fillna(-1).to_numpy(np.int64)
    return table(
        "MOV",
        {
            "organisation_id": frame["organisation_id"].to_numpy(np.int64),
            "team_id": nullable_int(frame["team_id"].to_numpy(np.int64)),
            "activity_id": nullable_int(frame["activity_id"].to_numpy(np.int64)),
            "hazard_id": nullable_int(hazard, hazard >= 0),
            "visited_on": frame["visited_on"].to_numpy(dtype=object),
            "inspector": frame["inspector"].to_numpy(dtype=object),
            "checklist": frame["checklist"].to_numpy(dtype=object),
            "score": frame["score"].to_numpy(float),
            "outcome": frame["outcome"].to_numpy(dtype=object),
            "notes": np.full(len(frame), None, dtype=object),
        },
        ANAMA_ID,
    )


VISIT_COLUMNS = [
    "organisation_id", "team_id", "activity_id", "hazard_id", "visited_on",
    "inspector", "checklist", "score", "outcome", "notes",
]  # fmt: skip


def _non_conformities(
    inspections: pd.DataFrame,
    visits: pd.DataFrame,
    teams: pd.DataFrame,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """One per rejected lot and per unsatisfactory visit, mostly closed."""
    method = teams.set_index("id")["method"]
    rows = []
    for i in inspections[inspections["result"] == "rejected"].itertuples():
        found = int(i.items_found)
        rows.append(
            (i.id, None, i.organisation_id, i.team_id, i.method, i.inspected_on,
             "critical" if found else "major",
             f"Lot rejected by post-clearance inspection {i.id}: "
             f"{i.nonconforming_units} nonconforming of {i.units_inspected} units "
             f"(Ac {i.accept_number}, Re {i.reject_number}); {found} item(s) found")
        )  # fmt: skip
    bad = visits[visits["outcome"] == MonitoringOutcome.UNSATISFACTORY.value]
    for v in bad.itertuples():
        failed = ", ".join(k for k, a in v.checklist.items() if a == "no")
        rows.append(
            (None, v.id, v.organisation_id, v.team_id, method.get(v.team_id),
             v.visited_on, "major",
             f"Monitoring visit {v.id} unsatisfactory (score {v.score:g}); "
             f"items failed: {failed}")
        )  # fmt: skip
    rows.sort(key=lambda r: (r[5], str(r[0]), str(r[1])))
    causes = list(ROOT_TEXT)
    out = []
    for insp, visit, org, team, how, raised, severity, text in rows:
        cause = causes[int(rng.integers(0, len(causes)))]
        age = (END - raised).days
        closes = raised + dt.timedelta(days=int(rng.integers(12, 76)))
        if closes <= END and age > 20:
            status, action_on, closed = "closed", closes - dt.timedelta(days=5), closes
        elif age > 10:
            status, action_on, closed = (
                "action",
                raised + dt.timedelta(days=age // 2),
                None,
            )
        else:
            status, action_on, closed = "open", None, None
        known = status != "open" or rng.random() < 0.5
        out.append(
            {
                "inspection_id": insp, "visit_id": visit, "organisation_id": int(org),
                "team_id": team, "method": how, "raised_on": raised,
                "severity": severity, "description": text,
                "root_cause": cause if known else None,
                "root_cause_detail": ROOT_TEXT[cause] if known else None,
                "corrective_action": ACTION_TEXT[cause] if known else None,
                "owner": f"Operations manager, {_acronym(int(org))}",
                "due_on": raised + dt.timedelta(days=30), "status": status,
                "action_taken_on": action_on, "closed_on": closed,
                "closure_note": "Verified by ANAMA QA" if closed else None,
                "reopened_hazard_id": None,
            }
        )  # fmt: skip
    frame = pd.DataFrame(out, columns=NC_COLUMNS)
    as_int = {
        c: nullable_int(
            frame[c].fillna(-1).astype(np.int64), frame[c].notna().to_numpy()
        )
        for c in ("inspection_id", "visit_id", "team_id", "reopened_hazard_id")
    }
    cols = {c: frame[c].to_numpy(dtype=object) for c in NC_COLUMNS}
    cols.update(as_int)
    cols["organisation_id"] = frame["organisation_id"].to_numpy(np.int64)
    return table("NCR", cols, ANAMA_ID)


NC_COLUMNS = [
    "inspection_id", "visit_id", "organisation_id", "team_id", "method",
    "raised_on", "severity", "description", "root_cause", "root_cause_detail",
    "corrective_action", "owner", "due_on", "status", "action_taken_on",
    "closed_on", "closure_note", "reopened_hazard_id",
]  # fmt: skip
