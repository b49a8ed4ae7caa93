# SPDX-License-Identifier: GPL-3.0-or-later
"""Post-clearance inspection of released land, from plan to verdict.

1. :func:`lot_plan` is the plan for a lot size or area (``demine qa plan``);
2. :func:`draw_sample` takes a lot (releases, an activity or a hazard),
   reads the team's record to choose normal, tightened or reduced
   inspection, draws the sampling units inside the ground and stores a
   planned inspection with its units (``demine qa sample``);
3. :func:`record_result` records what the field team found, unit by unit
   or as counts, judges the lot by the plan's Ac/Re and, when the lot is
   rejected, raises a non-conformity (``demine qa record``).

Every write is one transaction with its audit events.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from sqlalchemy.orm import Session

from demine.domain import sampling
from demine.domain.labels import label_of
from demine.domain.records import parse_enum
from demine.domain.vocab import (
    InspectionLevel,
    InspectionResult,
    Method,
    NonConformityStatus,
    SampleShape,
    Severity,
    Stringency,
)
from demine.errors import ConflictError, RecordError
from demine.exchange.field_task import write_field_task
from demine.geo.sampling import draw_units
from demine.i18n import N_, _
from demine.quality.access import require_quality_staff, user_id
from demine.quality.lots import Lot, gather_lot
from demine.store import quality as store
from demine.store.audit import record_event
from demine.store.database import Database
from demine.store.listing import to_dict
from demine.store.schema import Hazard, Inspection, NonConformity, Organisation
from demine.store.users import Principal

#: Days given to correct a non-conformity raised by a rejected lot.
CORRECTION_DAYS = 30


@dataclass(frozen=True)
class SamplingOptions:
    """How to sample a lot; ``stringency`` None follows the team's record."""

    aql: float = 1.0
    level: str = "ii"
    unit_m2: float = 100.0
    shape: str = "box"
    lane_width_m: float = 1.0
    min_share: float | None = None
    stringency: str | None = None
    reduced_allowed: bool = True

    def checked(self) -> SamplingOptions:
        """The options with each value checked; a RecordError names the field."""
        sampling.parse_aql(self.aql)
        parse_enum(InspectionLevel, self.level, field="level")
        parse_enum(SampleShape, self.shape, field="shape")
        if self.stringency is not None:
            parse_enum(Stringency, self.stringency, field="stringency")
        if not (math.isfinite(self.lane_width_m) and self.lane_width_m > 0):
            raise RecordError(
                _("the lane width must be positive"), field="lane_width_m"
            )
        if self.shape == "lane" and self.lane_width_m > self.unit_m2:
            raise RecordError(
                _("a lane is wider than the unit's area allows"), field="lane_width_m"
            )
        return self


def lot_plan(
    *,
    lot_size: int | None = None,
    lot_m2: float | None = None,
    options: SamplingOptions | None = None,
) -> dict[str, Any]:
    """The plan for ``lot_size`` units, or for ``lot_m2`` of ground in units."""
    opts = (options or SamplingOptions()).checked()
    how = opts.stringency or Stringency.NORMAL.value
    if (lot_size is None) == (lot_m2 is None):
        raise RecordError(
            _("give either a lot size in units or a lot area"), field="lot"
        )
    if lot_size is not None:
        return sampling.plan_for(lot_size, opts.aql, opts.level, how).as_dict()
    assert lot_m2 is not None
    return sampling.area_plan(
        lot_m2, opts.unit_m2, opts.aql, opts.level, how, opts.min_share
    ).as_dict()


def team_record(
    db: Database,
    organisation_id: int,
    team_id: int | None = None,
    method: str | None = None,
    *,
    reduced_allowed: bool = True,
) -> dict[str, Any]:
    """The switching state the team's inspected lots lead to, with its lots."""
    if method is not None and method.strip():
        method = parse_enum(Method, method, field="method").value
    else:
        method = None
    with db.transaction() as conn:
        lots = store.lot_history(conn, organisation_id, team_id, method)
    state = sampling.switching_state(
        sampling.lots_from(lots), reduced_allowed=reduced_allowed
    )
    out = state.as_dict()
    out["lots"] = [
        {**lot, "inspected_on": lot["inspected_on"].isoformat()} for lot in lots
    ]
    out["switches"] = [
        {
            "after": s.after,
            "to": s.to.value,
            "rule": s.rule.value,
            "inspection_id": lots[s.after]["id"],
        }
        for s in state.switches
    ]
    return out


def _stringency(session: Session, lot: Lot, opts: SamplingOptions) -> Stringency:
    if opts.stringency is not None:
        return parse_enum(Stringency, opts.stringency, field="stringency")
    history = store.lot_history(
        session.connection(), lot.organisation_id, lot.team_id, lot.method
    )
    state = sampling.switching_state(
        sampling.lots_from(history), reduced_allowed=opts.reduced_allowed
    )
    return state.stringency


def preview(
    db: Database,
    *,
    release_ids: Sequence[int] | None = None,
    activity_id: int | None = None,
    hazard_id: int | None = None,
    options: SamplingOptions | None = None,
) -> dict[str, Any]:
    """The lot and the plan :func:`draw_sample` would use, without writing."""
    opts = (options or SamplingOptions()).checked()
    with db.session() as session:
        lot = gather_lot(
            session,
            release_ids=release_ids,
            activity_id=activity_id,
            hazard_id=hazard_id,
        )
        how = _stringency(session, lot, opts)
    plan = sampling.area_plan(
        lot.area_m2, opts.unit_m2, opts.aql, opts.level, how, opts.min_share
    )
    return {"lot": _lot_dict(lot), "plan": plan.as_dict()}


def _lot_dict(lot: Lot) -> dict[str, Any]:
    out = asdict(lot)
    out.pop("geom")
    for key in ("released_from", "released_to"):
        out[key] = out[key].isoformat() if out[key] else None
    return out


def draw_sample(
    db: Database,
    *,
    release_ids: Sequence[int] | None = None,
    activity_id: int | None = None,
    hazard_id: int | None = None,
    options: SamplingOptions | None = None,
    seed: int | None = None,
    planned_on: dt.date | None = None,
    inspected_by_id: int | None = None,
    who: Principal | None = None,
) -> dict[str, Any]:
    """Plan and draw the sample of a lot; store the planned inspection.

    Raises :class:`RecordError` when the lot's shape leaves room for fewer
    whole units than the plan needs (use smaller units or lanes).
    """
    require_quality_staff(who, N_("plan inspections"))
    opts = (options or SamplingOptions()).checked()
    seed = secrets.randbelow(2**31 - 1) if seed is None else int(seed)
    if not 0 <= seed < 2**31:
        raise RecordError(
            _("the seed must be a whole number from 0 to 2³¹−1"), field="seed"
        )
    planned_on = planned_on or dt.date.today()
    with db.session(write=True) as session:
        lot = gather_lot(
            session,
            release_ids=release_ids,
            activity_id=activity_id,
            hazard_id=hazard_id,
        )
        how = _stringency(session, lot, opts)
        if how is Stringency.DISCONTINUED:
            raise RecordError(
                _(
                    "inspection of this team is discontinued after five lots "
                    "rejected on tightened inspection (ISO 2859-1, 9.4); once the "
                    "organisation has corrected the cause, resume with "
                    "--stringency tightened"
                ),
                field="stringency",
            )
        plan = sampling.area_plan(
            lot.area_m2, opts.unit_m2, opts.aql, opts.level, how, opts.min_share
        )
        draw = draw_units(
            lot.geom,
            plan.units,
            opts.unit_m2,
            shape=opts.shape,
            lane_width_m=opts.lane_width_m,
            seed=seed,
        )
        if len(draw.units) < plan.units and not plan.plan.everything:
            raise RecordError(
                _(
                    "only %(fit)s units of %(unit)s m² fit wholly inside the lot; "
                    "the plan needs %(need)s: use smaller units or lanes",
                    fit=draw.candidates,
                    unit=f"{opts.unit_m2:g}",
                    need=plan.units,
                ),
                field="unit_m2",
            )
        inspection = _new_inspection(session, lot, plan, opts, seed, draw, planned_on)
        inspection.inspected_by_id = inspected_by_id
        after = store.add_with_event(session, inspection, user_id(who))
        store.add_units(session, inspection.id, draw.units)
        after["units"] = len(draw.units)
        return after


def _new_inspection(
    session: Session,
    lot: Lot,
    plan: sampling.AreaPlan,
    opts: SamplingOptions,
    seed: int,
    draw: Any,
    planned_on: dt.date,
) -> Inspection:
    org = session.get(Organisation, lot.organisation_id)
    hazard = session.get(Hazard, lot.hazard_id) if lot.hazard_id else None
    who = (org.acronym or org.name) if org else str(lot.organisation_id)
    where = (hazard.name or f"hazard {hazard.id}") if hazard else "lot"
    units = np.array(draw.units, dtype=object)
    geom = shapely.union_all(units) if len(units) else None
    if geom is not None and geom.geom_type == "Polygon":
        geom = shapely.MultiPolygon([geom])
    bounds = shapely.bounds(lot.geom).tolist()
    p = plan.plan
    return Inspection(
        name=f"QA {who} – {where} – {planned_on.isoformat()}",
        organisation_id=lot.organisation_id,
        team_id=lot.team_id,
        method=Method(lot.method) if lot.method else None,
        hazard_id=lot.hazard_id,
        release_ids=lot.release_ids,
        planned_on=planned_on,
        lot_m2=plan.lot_m2,
        unit_m2=plan.unit_m2,
        lot_units=p.lot_size,
        aql=p.aql,
        level=p.level,
        stringency=p.stringency,
        code_letter=p.letter,
        plan_letter=p.plan_letter,
        sample_size=plan.units,
        accept_number=p.ac,
        reject_number=p.re,
        shape=SampleShape(opts.shape),
        lane_width_m=opts.lane_width_m if opts.shape == "lane" else None,
        seed=seed,
        units_drawn=len(draw.units),
        result=InspectionResult.PLANNED,
        geom=geom,
        lot_geom=lot.geom,
        min_lon=bounds[0],
        min_lat=bounds[1],
        max_lon=bounds[2],
        max_lat=bounds[3],
    )


def field_task(db: Database, inspection_id: int, folder: Path) -> list[Path]:
    """Write the inspection's field task: GeoPackage of units and XLSForm."""
    got = get_inspection(db, inspection_id)
    return write_field_task(got, got["units"], folder)


def get_inspection(db: Database, inspection_id: int) -> dict[str, Any]:
    """An inspection with its units, its lot's releases and its NCs."""
    with db.session() as session:
        obj = store.load(session, Inspection, inspection_id)
        out = to_dict(obj)
        out["units"] = [to_dict(u) for u in store.units_of(session, inspection_id)]
        out["non_conformities"] = [
            to_dict(n) for n in store.non_conformities_of(session, inspection_id)
        ]
        return out


@dataclass(frozen=True)
class UnitResult:
    """What the field team found in one sampling unit.

    ``nonconforming`` None means "an item found makes it nonconforming"; say
    False for a unit whose items lay below the clearance depth.
    """

    number: int
    inspected: bool = True
    nonconforming: bool | None = None
    items_found: int = 0
    depth_cm: float | None = None
    notes: str | None = None


def unit_results(rows: Sequence[Mapping[str, Any]]) -> list[UnitResult]:
    """Unit results from plain rows (a field form export, JSON); every bad
    value is reported at once with its row."""
    out, problems = [], []
    for index, row in enumerate(rows, start=1):
        try:
            out.append(_unit(row))
        except (TypeError, ValueError) as exc:
            problems.append(_("row %(row)s: %(problem)s", row=index, problem=exc))
    if problems:
        raise RecordError("; ".join(problems), entity="sample_unit", field="units")
    return out


_YES = {"yes", "y", "true", "1", "oui", "bəli", "да"}
_NO = {"no", "n", "false", "0", "", "xeyr", "нет"}


def _flag(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in _YES:
        return True
    if text in _NO or text == "nan" or text == "none":
        return False
    raise ValueError(
        _("%(name)s must be yes or no, not %(value)r", name=name, value=value)
    )


def _unit(row: Mapping[str, Any]) -> UnitResult:
    number = row.get("unit", row.get("number"))
    try:
        num = int(float(str(number)))
    except ValueError:
        raise ValueError(
            _("unit must be a unit number, not %(value)r", value=number)
        ) from None
    items = row.get("items_found")
    try:
        count = 0 if items in (None, "") else int(float(str(items)))
    except ValueError:
        raise ValueError(
            _("items_found must be a whole number, not %(value)r", value=items)
        ) from None
    if count < 0:
        raise ValueError(_("items_found cannot be negative"))
    depth = row.get("depth_cm")
    try:
        depth_cm = None if depth in (None, "") else float(str(depth))
    except ValueError:
        raise ValueError(
            _("depth_cm must be a number, not %(value)r", value=depth)
        ) from None
    if depth_cm is not None and math.isnan(depth_cm):
        depth_cm = None  # an empty cell read by pandas
    if depth_cm is not None and depth_cm < 0:
        raise ValueError(_("depth_cm cannot be negative"))
    said = row.get("nonconforming")
    blank = said is None or str(said).strip().lower() in ("", "nan", "none")
    nonconforming = None if blank else _flag(said, "nonconforming")
    notes = row.get("notes")
    return UnitResult(
        number=num,
        inspected=_flag(row.get("inspected", "yes"), "inspected"),
        nonconforming=nonconforming,
        items_found=count,
        depth_cm=depth_cm,
        notes=str(notes) if notes not in (None, "") and str(notes) != "nan" else None,
    )


def record_result(
    db: Database,
    inspection_id: int,
    *,
    inspected_on: dt.date,
    units: Sequence[UnitResult] | None = None,
    nonconforming_units: int | None = None,
    units_inspected: int | None = None,
    items_found: int | None = None,
    depth_cm: float | None = None,
    inspection_method: str | None = None,
    cost_usd: float | None = None,
    notes: str | None = None,
    version: int | None = None,
    who: Principal | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Record what the inspection found and judge the lot.

    Give either ``units`` (what each unit held) or the counts. The lot is
    accepted with at most Ac nonconforming units in a full sample and
    rejected with Re or more (which needs no full sample); a rejected lot
    raises a non-conformity, returned under ``non_conformity``.
    """
    require_quality_staff(who, N_("record inspections"))
    today = today or dt.date.today()
    if inspected_on > today:
        raise RecordError(
            _("%(day)s is in the future", day=inspected_on.isoformat()),
            field="inspected_on",
        )
    method = (
        parse_enum(Method, inspection_method, field="inspection_method")
        if inspection_method
        else None
    )
    with db.session(write=True) as session:
        obj = store.load(session, Inspection, inspection_id)
        _check_open(obj, version)
        if inspected_on < obj.planned_on:
            raise RecordError(
                _(
                    "inspected on %(day)s, before it was planned (%(planned)s)",
                    day=inspected_on.isoformat(),
                    planned=obj.planned_on.isoformat(),
                ),
                field="inspected_on",
            )
        counts = _counts(
            session, obj, units, nonconforming_units, units_inspected, user_id(who)
        )
        if units is None and items_found is not None:
            if items_found < 0:
                raise RecordError(
                    _("items found cannot be negative"), field="items_found"
                )
            counts["items_found"] = int(items_found)
        bad, done = counts["nonconforming_units"], counts["units_inspected"]
        if bad < obj.reject_number and done < obj.sample_size:
            raise RecordError(
                _(
                    "the plan needs %(need)s units inspected to accept the lot; "
                    "%(done)s were",
                    need=obj.sample_size,
                    done=done,
                ),
                entity="inspection",
                record=inspection_id,
                field="units_inspected",
            )
        accepted = bad <= obj.accept_number
        values = {
            **counts,
            "inspected_on": inspected_on,
            "inspected_m2": done * obj.unit_m2,
            "result": InspectionResult.ACCEPTED
            if accepted
            else InspectionResult.REJECTED,
            "depth_cm": depth_cm,
            "inspection_method": method,
            "cost_usd": cost_usd,
            "notes": notes,
        }
        values = {k: v for k, v in values.items() if v is not None}
        after = store.change_with_event(session, obj, values, user_id(who), "inspect")
        out: dict[str, Any] = {"inspection": after, "non_conformity": None}
        if not accepted:
            out["non_conformity"] = _raise_for(session, obj, who)
        return out


def _check_open(obj: Inspection, version: int | None) -> None:
    if version is not None and obj.version != version:
        raise ConflictError(current=to_dict(obj), submitted={"version": version})
    if obj.result is not InspectionResult.PLANNED:
        raise ConflictError(
            _(
                "inspection %(id)s was %(result)s on %(day)s; a verdict is not "
                "recorded twice",
                id=obj.id,
                result=label_of(InspectionResult, obj.result.value),
                day=obj.inspected_on.isoformat() if obj.inspected_on else "?",
            ),
            current=to_dict(obj),
            submitted={},
        )


def _counts(
    session: Session,
    obj: Inspection,
    units: Sequence[UnitResult] | None,
    nonconforming_units: int | None,
    units_inspected: int | None,
    who_id: int | None,
) -> dict[str, int]:
    if units is None:
        if nonconforming_units is None:
            raise RecordError(
                _("give the units' results or the number of nonconforming units"),
                field="nonconforming_units",
            )
        done = obj.units_drawn if units_inspected is None else int(units_inspected)
        if not 0 <= nonconforming_units <= done <= obj.units_drawn:
            raise RecordError(
                _(
                    "nonconforming units (%(bad)s) and units inspected (%(done)s) "
                    "must be within the %(drawn)s units drawn",
                    bad=nonconforming_units,
                    done=done,
                    drawn=obj.units_drawn,
                ),
                field="nonconforming_units",
            )
        return {
            "units_inspected": done,
            "nonconforming_units": int(nonconforming_units),
            "items_found": 0,
        }
    stored = {u.number: u for u in store.units_of(session, obj.id)}
    unknown = sorted({u.number for u in units} - set(stored))
    if unknown:
        raise RecordError(
            _(
                "no unit %(units)s in this inspection (units 1 to %(last)s)",
                units=", ".join(map(str, unknown)),
                last=len(stored),
            ),
            entity="inspection",
            record=obj.id,
            field="units",
        )
    seen: set[int] = set()
    for result in units:
        if result.number in seen:
            raise RecordError(
                _("unit %(unit)s is given twice", unit=result.number),
                entity="inspection",
                field="units",
            )
        seen.add(result.number)
        unit = stored[result.number]
        before = to_dict(unit)
        unit.inspected = result.inspected
        bad = result.nonconforming
        if bad is None:
            bad = result.items_found > 0
        unit.nonconforming = bad and result.inspected
        unit.items_found = result.items_found
        unit.depth_cm = result.depth_cm
        unit.notes = result.notes
        unit.version = before["version"] + 1
        session.flush()
        record_event(
            session,
            user_id=who_id,
            action="inspect",
            entity="sample_unit",
            record_id=unit.id,
            before=before,
            after=to_dict(unit),
        )
    every = stored.values()
    return {
        "units_inspected": sum(1 for u in every if u.inspected),
        "nonconforming_units": sum(1 for u in every if u.nonconforming),
        "items_found": sum(int(u.items_found or 0) for u in every),
    }


def _raise_for(
    session: Session, obj: Inspection, who: Principal | None
) -> dict[str, Any]:
    """The non-conformity a rejected lot raises."""
    found = int(obj.items_found or 0)
    text = (
        f"Lot rejected by post-clearance inspection {obj.id}: "
        f"{obj.nonconforming_units} nonconforming of {obj.units_inspected} units "
        f"inspected (Ac {obj.accept_number}, Re {obj.reject_number}); "
        f"{found} item(s) found in released land"
    )
    assert obj.inspected_on is not None
    nc = NonConformity(
        inspection_id=obj.id,
        organisation_id=obj.organisation_id,
        team_id=obj.team_id,
        method=obj.method,
        raised_on=obj.inspected_on,
        severity=Severity.CRITICAL if found else Severity.MAJOR,
        description=text,
        status=NonConformityStatus.OPEN,
        due_on=obj.inspected_on + dt.timedelta(days=CORRECTION_DAYS),
    )
    return store.add_with_event(session, nc, user_id(who))
