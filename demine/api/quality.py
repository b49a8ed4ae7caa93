# SPDX-License-Identifier: GPL-3.0-or-later
"""Quality management over HTTP: plans, inspections, non-conformities, visits.

Any logged-in user reads plans, inspections, team records and figures;
reviewers and administrators (the national authority's QA staff) draw
samples, record verdicts, raise, close and reopen non-conformities and
reopen land; the inspected organisation's own staff record root causes and
corrective actions on their non-conformities.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from fastapi.responses import Response
from pydantic import BaseModel, Field

from demine.domain.monitoring import CHECKLIST
from demine.quality import inspections, monitoring, nonconformities
from demine.quality.figures import qa_figures
from demine.quality.inspections import SamplingOptions
from demine.serving.deps import DbDep, Reviewer, User
from demine.store.listing import get_record

router = APIRouter(prefix="/api/v1/qa", tags=["quality"])

ID_MAX = 2**31 - 1
Id = Annotated[int, PathParam(ge=1, le=ID_MAX)]
OptionalId = Annotated[int | None, Query(ge=1, le=ID_MAX)]
Version = Annotated[int | None, Field(default=None, ge=1, le=ID_MAX)]
Text = Annotated[str | None, Field(default=None, max_length=4000)]


class Sampling(BaseModel):
    """How to sample; ``stringency`` left out follows the team's record."""

    aql: float = Field(default=1.0, description="% nonconforming: 0.065 to 6.5")
    level: str = Field(default="ii", max_length=8, description="i, ii, iii, s_1..s_4")
    unit_m2: float = Field(default=100.0, gt=0, le=1_000_000)
    shape: str = Field(default="box", max_length=8, description="box or lane")
    lane_width_m: float = Field(default=1.0, gt=0, le=1000)
    min_share: float | None = Field(default=None, gt=0, le=1)
    stringency: str | None = Field(default=None, max_length=16)

    def options(self) -> SamplingOptions:
        return SamplingOptions(**self.model_dump(include=set(Sampling.model_fields)))


class NewInspection(Sampling):
    """The lot (release ids, or an activity's or a hazard's releases)."""

    release_ids: list[Annotated[int, Field(ge=1, le=ID_MAX)]] | None = Field(
        default=None, max_length=10_000
    )
    activity_id: int | None = Field(default=None, ge=1, le=ID_MAX)
    hazard_id: int | None = Field(default=None, ge=1, le=ID_MAX)
    seed: int | None = Field(default=None, ge=0, lt=2**31)
    planned_on: dt.date | None = None
    inspected_by_id: int | None = Field(default=None, ge=1, le=ID_MAX)


class Unit(BaseModel):
    unit: int = Field(ge=1, le=100_000)
    inspected: bool = True
    nonconforming: bool | None = None
    items_found: int = Field(default=0, ge=0, le=100_000)
    depth_cm: float | None = Field(default=None, ge=0, le=10_000)
    notes: Text = None


class Result(BaseModel):
    inspected_on: dt.date
    units: list[Unit] | None = Field(default=None, max_length=100_000)
    nonconforming_units: int | None = Field(default=None, ge=0, le=100_000)
    units_inspected: int | None = Field(default=None, ge=0, le=100_000)
    items_found: int | None = Field(default=None, ge=0, le=1_000_000)
    depth_cm: float | None = Field(default=None, ge=0, le=10_000)
    inspection_method: str | None = Field(default=None, max_length=32)
    cost_usd: float | None = Field(default=None, ge=0, le=1e12)
    notes: Text = None
    version: Version = None


def _geometry_free(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in ("lot_geom",)}


@router.get("/plan")
def plan(
    who: User,
    lot_size: Annotated[int | None, Query(ge=1, le=100_000_000)] = None,
    lot_m2: Annotated[float | None, Query(gt=0, le=1e11)] = None,
    aql: float = 1.0,
    level: Annotated[str, Query(max_length=8)] = "ii",
    stringency: Annotated[str | None, Query(max_length=16)] = None,
    unit_m2: Annotated[float, Query(gt=0, le=1_000_000)] = 100.0,
    min_share: Annotated[float | None, Query(gt=0, le=1)] = None,
) -> dict[str, Any]:
    """The ISO 2859-1 single sampling plan for a lot size (units) or a lot area
    (m², IMAS 09.20): code letter, sample size, acceptance and rejection numbers."""
    options = SamplingOptions(
        aql=aql,
        level=level,
        stringency=stringency,
        unit_m2=unit_m2,
        min_share=min_share,
    )
    return inspections.lot_plan(lot_size=lot_size, lot_m2=lot_m2, options=options)


@router.post("/inspections", status_code=201)
def new_inspection(body: NewInspection, db: DbDep, who: Reviewer) -> dict[str, Any]:
    """Plan an inspection of a lot and draw its sampling units on the ground."""
    made = inspections.draw_sample(
        db,
        release_ids=body.release_ids,
        activity_id=body.activity_id,
        hazard_id=body.hazard_id,
        options=body.options(),
        seed=body.seed,
        planned_on=body.planned_on,
        inspected_by_id=body.inspected_by_id,
        who=who,
    )
    return _geometry_free(made)


@router.get("/inspections/{inspection_id}")
def inspection(inspection_id: Id, db: DbDep, who: User) -> dict[str, Any]:
    """An inspection with its plan, units, lot releases and non-conformities."""
    get_record(db, "inspection", inspection_id, who)
    return inspections.get_inspection(db, inspection_id)


@router.get("/inspections/{inspection_id}/field-task")
def field_task(inspection_id: Id, db: DbDep, who: Reviewer) -> Response:
    """The field task as a zip: GeoPackage of units and lot, and the XLSForm."""
    with tempfile.TemporaryDirectory() as folder:
        files = inspections.field_task(db, inspection_id, Path(folder))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
            for f in files:
                zipped.write(f, f.name)
    name = f"inspection_{inspection_id}.zip"
    return Response(
        buffer.getvalue(),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/inspections/{inspection_id}/result")
def result(inspection_id: Id, body: Result, db: DbDep, who: Reviewer) -> dict[str, Any]:
    """Record what was found; the lot is accepted or rejected by the plan, and a
    rejected lot raises a non-conformity."""
    units = None
    if body.units is not None:
        units = [
            inspections.UnitResult(
                u.unit, u.inspected, u.nonconforming, u.items_found, u.depth_cm, u.notes
            )
            for u in body.units
        ]
    done = inspections.record_result(
        db,
        inspection_id,
        inspected_on=body.inspected_on,
        units=units,
        nonconforming_units=body.nonconforming_units,
        units_inspected=body.units_inspected,
        items_found=body.items_found,
        depth_cm=body.depth_cm,
        inspection_method=body.inspection_method,
        cost_usd=body.cost_usd,
        notes=body.notes,
        version=body.version,
        who=who,
    )
    done["inspection"] = _geometry_free(done["inspection"])
    return done


@router.get("/record")
def team_record(
    db: DbDep,
    who: User,
    organisation_id: Annotated[int, Query(ge=1, le=ID_MAX)],
    team_id: OptionalId = None,
    method: Annotated[str | None, Query(max_length=32)] = None,
) -> dict[str, Any]:
    """A team's inspected lots and the stringency they lead to (ISO 2859-1, 9)."""
    return inspections.team_record(db, organisation_id, team_id, method)


class NewNonConformity(BaseModel):
    organisation_id: int = Field(ge=1, le=ID_MAX)
    description: str = Field(min_length=1, max_length=4000)
    severity: str = Field(default="major", max_length=16)
    team_id: int | None = Field(default=None, ge=1, le=ID_MAX)
    inspection_id: int | None = Field(default=None, ge=1, le=ID_MAX)
    visit_id: int | None = Field(default=None, ge=1, le=ID_MAX)
    method: str | None = Field(default=None, max_length=32)
    raised_on: dt.date | None = None
    root_cause: str | None = Field(default=None, max_length=32)
    corrective_action: Text = None
    owner: str | None = Field(default=None, max_length=200)
    due_on: dt.date | None = None


class NonConformityEdit(BaseModel):
    version: int = Field(ge=1, le=ID_MAX)
    changes: dict[str, Any]


class Taken(BaseModel):
    taken_on: dt.date
    note: Text = None
    version: Version = None


class Closing(BaseModel):
    closed_on: dt.date
    note: Text = None
    version: Version = None


class Reopening(BaseModel):
    reason: str = Field(min_length=1, max_length=4000)
    version: Version = None


@router.post("/non-conformities", status_code=201)
def new_non_conformity(
    body: NewNonConformity, db: DbDep, who: Reviewer
) -> dict[str, Any]:
    """Raise a non-conformity by hand (rejected lots raise their own)."""
    fields = {k: v for k, v in body.model_dump().items() if v is not None}
    return nonconformities.raise_non_conformity(db, fields, who)


@router.patch("/non-conformities/{nc_id}")
def edit_non_conformity(
    nc_id: Id, body: NonConformityEdit, db: DbDep, who: User
) -> dict[str, Any]:
    """Root cause, corrective action, owner, due date (the organisation's own
    staff or QA); severity and description (QA only)."""
    get_record(db, "non_conformity", nc_id, who)
    return nonconformities.update_non_conformity(
        db, nc_id, body.changes, version=body.version, who=who
    )


@router.post("/non-conformities/{nc_id}/action")
def action_taken(nc_id: Id, body: Taken, db: DbDep, who: User) -> dict[str, Any]:
    """The corrective action was taken; the non-conformity awaits verification."""
    get_record(db, "non_conformity", nc_id, who)
    return nonconformities.record_action(
        db, nc_id, taken_on=body.taken_on, note=body.note, version=body.version, who=who
    )


@router.post("/non-conformities/{nc_id}/close")
def close(nc_id: Id, body: Closing, db: DbDep, who: Reviewer) -> dict[str, Any]:
    """Close a verified non-conformity; its reopened land must be closed."""
    return nonconformities.close(
        db,
        nc_id,
        closed_on=body.closed_on,
        note=body.note,
        version=body.version,
        who=who,
    )


@router.post("/non-conformities/{nc_id}/reopen")
def reopen(nc_id: Id, body: Reopening, db: DbDep, who: Reviewer) -> dict[str, Any]:
    """Reopen a closed non-conformity, with the reason."""
    return nonconformities.reopen(
        db, nc_id, reason=body.reason, version=body.version, who=who
    )


@router.post("/non-conformities/{nc_id}/reopen-land", status_code=201)
def reopen_land(nc_id: Id, db: DbDep, who: Reviewer) -> dict[str, Any]:
    """Record the rejected lot's ground as a new hazard (closure of the old one
    is final), linked to the non-conformity."""
    return nonconformities.reopen_land(db, nc_id, who=who)


class Visit(BaseModel):
    organisation_id: int = Field(ge=1, le=ID_MAX)
    visited_on: dt.date
    answers: dict[str, str] = Field(description="checklist item: yes, no or na")
    team_id: int | None = Field(default=None, ge=1, le=ID_MAX)
    activity_id: int | None = Field(default=None, ge=1, le=ID_MAX)
    hazard_id: int | None = Field(default=None, ge=1, le=ID_MAX)
    inspector: str | None = Field(default=None, max_length=200)
    notes: Text = None


@router.get("/checklist")
def checklist(who: User) -> list[dict[str, Any]]:
    """The monitoring visit checklist: item keys, weights, critical items."""
    return [
        {"key": i.key, "weight": i.weight, "critical": i.critical} for i in CHECKLIST
    ]


@router.post("/visits", status_code=201)
def new_visit(body: Visit, db: DbDep, who: Reviewer) -> dict[str, Any]:
    """Record a monitoring visit scored by its checklist; an unsatisfactory
    visit raises a non-conformity."""
    return monitoring.record_visit(db, **body.model_dump(), who=who)


@router.get("/figures")
def figures(
    db: DbDep,
    who: User,
    start: Annotated[dt.date | None, Query(alias="from")] = None,
    end: Annotated[dt.date | None, Query(alias="to")] = None,
) -> dict[str, Any]:
    """Inspection effort against items found, non-conformities by organisation,
    method and team, time to close, monitoring scores."""
    with db.transaction() as conn:
        return qa_figures(conn, start, end)
