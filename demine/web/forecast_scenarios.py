# SPDX-License-Identifier: GPL-3.0-or-later
"""The scenario editor: saved forecast scenarios, made and changed in a form.

Everyone who may see the forecast sees the saved scenarios and compares
them; reviewers and administrators (the planners) save, change and delete
them. Every mistake shows at once beside its field, checked by the same
parser as a scenario file and against the register's fitted parameters.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from demine.analysis.forecast.checking import check_definition
from demine.analysis.forecast.register import fit_database
from demine.analysis.forecast.simulation import ForecastInputs
from demine.domain.labels import label_of
from demine.domain.vocab import Method
from demine.errors import ConflictError, DemineError
from demine.i18n import _
from demine.serving.deps import DbDep, RecordId, Reviewer, check_csrf
from demine.store import forecast_scenarios as saved
from demine.web.pages import render
from demine.web.scenario_form import (
    FIELDS,
    GROUPS,
    OP_LABELS,
    Entered,
    field_of,
    from_definition,
    read_form,
    to_definition,
)

router = APIRouter(include_in_schema=False)


def _editor(
    request: Request,
    who: Any,
    entered: Entered,
    scenario_id: int | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "forecast_scenario.html",
        who,
        status_code=status_code,
        entered=entered,
        scenario_id=scenario_id,
        errors=errors or {},
        groups=GROUPS,
        op_labels=OP_LABELS,
        field_labels=_field_labels(),
    )


def _field_labels() -> dict[str, str]:
    """Each field as the list of mistakes names it (method and field)."""
    out = {"name": _("Name")}
    for group in GROUPS:
        for f in group.fields:
            text = _(f.label)
            if group.method:
                text = f"{label_of(Method, group.method)}: {text}"
            out[f.key] = text
    return out


def _inputs(db: Any) -> ForecastInputs | None:
    """The register's fitted parameters, or None when it has too little."""
    try:
        return fit_database(db).inputs
    except DemineError:
        return None


async def _save(
    request: Request, db: Any, who: Any, scenario_id: int | None
) -> Response:
    form = await request.form()
    check_csrf(request, str(form.get("csrf_token") or ""))
    entered = read_form(form)
    definition, errors = to_definition(entered)
    # The fields that are numbers are checked too, so every mistake shows.
    _scenario, found = check_definition(definition, _inputs(db))
    errors = {field_of(k): v for k, v in found.items()} | errors
    if not errors:
        try:
            saved.save_scenario(db, definition, who.id, scenario_id)
        except ConflictError as exc:
            errors = {"name": exc.user_message}
    if errors:
        order = ["name", *FIELDS, "uncertainty"]
        errors = dict(
            sorted(
                errors.items(), key=lambda e: order.index(e[0]) if e[0] in order else -1
            )
        )
        return _editor(request, who, entered, scenario_id, errors, 422)
    return RedirectResponse("/forecast", status_code=303)


@router.get("/forecast/scenarios/new")
def scenario_new(request: Request, who: Reviewer) -> Response:
    return _editor(request, who, Entered())


@router.post("/forecast/scenarios/new")
async def scenario_create(request: Request, db: DbDep, who: Reviewer) -> Response:
    return await _save(request, db, who, None)


@router.get("/forecast/scenarios/{scenario_id}")
def scenario_edit(
    request: Request, scenario_id: RecordId, db: DbDep, who: Reviewer
) -> Response:
    found = saved.get_scenario(db, scenario_id)
    return _editor(request, who, from_definition(found.definition), scenario_id)


@router.post("/forecast/scenarios/{scenario_id}")
async def scenario_update(
    request: Request, scenario_id: RecordId, db: DbDep, who: Reviewer
) -> Response:
    saved.get_scenario(db, scenario_id)
    return await _save(request, db, who, scenario_id)


@router.post("/forecast/scenarios/{scenario_id}/delete")
def scenario_delete(
    request: Request,
    scenario_id: RecordId,
    db: DbDep,
    who: Reviewer,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    check_csrf(request, csrf_token)
    saved.delete_scenario(db, scenario_id)
    return RedirectResponse("/forecast", status_code=303)
