# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine qa``: sampling plans, inspections, non-conformities, visits."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from demine.commands.app import (
    DbOption,
    JsonOption,
    app,
    emit_json,
    open_db,
    out,
    table,
)
from demine.errors import RecordError, SourceError

qa_app = typer.Typer(
    help="Quality management: sampling plans (ISO 2859-1, IMAS 09.20), "
    "post-clearance inspections, non-conformities and monitoring visits.",
    no_args_is_help=True,
)
app.add_typer(qa_app, name="qa")
nc_app = typer.Typer(
    help="Non-conformities: corrective action to closure.", no_args_is_help=True
)
qa_app.add_typer(nc_app, name="nc")

AqlOption = Annotated[
    float, typer.Option("--aql", help="Acceptance quality limit, % nonconforming")
]
LevelOption = Annotated[
    str, typer.Option("--level", help="Inspection level: I, II, III, S-1 ... S-4")
]
StringencyOption = Annotated[
    str | None,
    typer.Option(
        "--stringency",
        help="normal, tightened or reduced (default: from the team's record)",
    ),
]
UnitOption = Annotated[
    float, typer.Option("--unit-m2", help="Area of one sampling unit, m²")
]
ShareOption = Annotated[
    float | None,
    typer.Option("--min-share", help="Inspect at least this share of the lot (0-1)"),
]
DateOption = Annotated[
    str | None, typer.Option("--on", help="Date, YYYY-MM-DD (default: today)")
]


def day(text: str | None, field: str = "on") -> dt.date:
    """A date typed on the command line; today when not given."""
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise RecordError(f"--{field} {text!r}: write the date as YYYY-MM-DD") from None


def _level(text: str) -> str:
    return text.strip().lower().replace("-", "_")


def _plan_rows(plan: dict[str, Any]) -> list[list[Any]]:
    rows = [
        ["lot size (units)", f"{plan['lot_size']:,}"],
        ["inspection level", plan["level"].upper().replace("_", "-")],
        ["AQL (% nonconforming)", f"{plan['aql']:g}"],
        ["stringency", plan["stringency"]],
        ["code letter (Table 1)", plan["code_letter"]],
        ["plan letter (after arrows)", plan["plan_letter"]],
        ["sample size (units)", f"{plan.get('units', plan['sample_size']):,}"],
        ["accept with at most (Ac)", plan["ac"]],
        ["reject with at least (Re)", plan["re"]],
    ]
    if plan.get("whole_lot"):
        rows.append(["every unit", "the sample is the whole lot"])
    if "lot_m2" in plan:
        rows += [
            ["lot area (m²)", f"{plan['lot_m2']:,.0f}"],
            ["unit (m²)", f"{plan['unit_m2']:g}"],
            ["area to inspect (m²)", f"{plan['sample_m2']:,.0f}"],
            ["share of the lot", f"{100 * plan['share']:.2f}%"],
        ]
    return rows


@qa_app.command("plan")
def plan_command(
    lot_size: Annotated[
        int | None, typer.Option("--lot-size", help="Lot size in units")
    ] = None,
    area: Annotated[
        float | None, typer.Option("--area", help="Lot area in m² (IMAS 09.20)")
    ] = None,
    aql: AqlOption = 1.0,
    level: LevelOption = "II",
    stringency: StringencyOption = None,
    unit_m2: UnitOption = 100.0,
    min_share: ShareOption = None,
    json_: JsonOption = False,
) -> None:
    """The ISO 2859-1 single sampling plan: code letter, sample size, Ac and Re."""
    from demine.quality.inspections import SamplingOptions, lot_plan

    options = SamplingOptions(
        aql=aql,
        level=_level(level),
        unit_m2=unit_m2,
        min_share=min_share,
        stringency=stringency,
    )
    plan = lot_plan(lot_size=lot_size, lot_m2=area, options=options)
    if json_:
        emit_json(plan)
        return
    out.print(
        table("Sampling plan (ISO 2859-1)", ["figure", "value"], _plan_rows(plan))
    )


@qa_app.command("sample")
def sample_command(
    release: Annotated[
        list[int] | None, typer.Option("--release", help="Release id (repeat)")
    ] = None,
    activity: Annotated[
        int | None, typer.Option("--activity", help="Every release of an activity")
    ] = None,
    hazard: Annotated[
        int | None, typer.Option("--hazard", help="Every release of a hazard")
    ] = None,
    aql: AqlOption = 1.0,
    level: LevelOption = "II",
    stringency: StringencyOption = None,
    unit_m2: UnitOption = 100.0,
    shape: Annotated[str, typer.Option("--shape", help="box or lane")] = "box",
    lane_width: Annotated[
        float, typer.Option("--lane-width", help="Lane width, m")
    ] = 1.0,
    min_share: ShareOption = None,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Same seed, same units")
    ] = None,
    on: DateOption = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for the field task (GeoPackage, XLSForm)"),
    ] = None,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Draw the sample of a lot on the ground and write its field task."""
    from demine.quality.inspections import SamplingOptions, draw_sample, field_task

    database = open_db(db)
    database.require_initialised()
    options = SamplingOptions(
        aql=aql,
        level=_level(level),
        unit_m2=unit_m2,
        shape=shape,
        lane_width_m=lane_width,
        min_share=min_share,
        stringency=stringency,
    )
    made = draw_sample(
        database,
        release_ids=release,
        activity_id=activity,
        hazard_id=hazard,
        options=options,
        seed=seed,
        planned_on=day(on),
    )
    folder = out_dir or Path(f"inspection_{made['id']}")
    files = field_task(database, made["id"], folder)
    if json_:
        emit_json({**_plain(made), "files": [str(f) for f in files]})
        return
    rows = [
        ["inspection", f"{made['id']} {made['name']}"],
        ["releases", ", ".join(map(str, made["release_ids"]))],
        ["lot (m²)", f"{made['lot_m2']:,.0f} ({made['lot_units']:,} units)"],
        ["stringency", made["stringency"]],
        ["code letter / plan", f"{made['code_letter']} / {made['plan_letter']}"],
        ["units to inspect", made["sample_size"]],
        ["Ac / Re", f"{made['accept_number']} / {made['reject_number']}"],
        ["seed", made["seed"]],
    ]
    out.print(table("Inspection planned", ["figure", "value"], rows))
    for f in files:
        out.print(f"written {f}")


def _plain(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in ("geom", "lot_geom")}


@qa_app.command("task")
def task_command(
    inspection: Annotated[int, typer.Argument(help="Inspection id")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write")],
    db: DbOption = None,
) -> None:
    """Write an inspection's field task again (GeoPackage and XLSForm)."""
    from demine.quality.inspections import field_task

    for f in field_task(open_db(db), inspection, out_dir):
        out.print(f"written {f}")


@qa_app.command("record")
def record_command(
    inspection: Annotated[int, typer.Argument(help="Inspection id")],
    results: Annotated[
        Path | None,
        typer.Option("--results", help="Unit results: the form's CSV or XLSX export"),
    ] = None,
    nonconforming: Annotated[
        int | None, typer.Option("--nonconforming", help="Nonconforming units")
    ] = None,
    inspected: Annotated[
        int | None, typer.Option("--inspected", help="Units inspected (default all)")
    ] = None,
    items: Annotated[int | None, typer.Option("--items", help="Items found")] = None,
    depth: Annotated[
        float | None, typer.Option("--depth", help="Depth inspected to, cm")
    ] = None,
    method: Annotated[
        str | None, typer.Option("--method", help="Inspection method")
    ] = None,
    cost: Annotated[
        float | None, typer.Option("--cost", help="Cost of the inspection, USD")
    ] = None,
    on: DateOption = None,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Record what an inspection found; the lot is accepted or rejected."""
    from demine.exchange.field_task import read_unit_rows
    from demine.quality.inspections import record_result, unit_results

    if results is None and nonconforming is None:
        raise RecordError("give --results FILE or --nonconforming N")
    units = None
    if results is not None:
        if not results.is_file():
            raise SourceError("no such file", file=str(results))
        units = unit_results(read_unit_rows(results))
    done = record_result(
        open_db(db),
        inspection,
        inspected_on=day(on),
        units=units,
        nonconforming_units=nonconforming,
        units_inspected=inspected,
        items_found=items,
        depth_cm=depth,
        inspection_method=method,
        cost_usd=cost,
    )
    if json_:
        emit_json(
            {
                "inspection": _plain(done["inspection"]),
                "non_conformity": done["non_conformity"],
            }
        )
        return
    i = done["inspection"]
    out.print(
        f"inspection {i['id']}: lot {i['result'].upper()} "
        f"({i['nonconforming_units']} nonconforming of {i['units_inspected']} units; "
        f"Ac {i['accept_number']}, Re {i['reject_number']}; "
        f"{i['items_found']} item(s) found)"
    )
    if done["non_conformity"]:
        nc = done["non_conformity"]
        out.print(
            f"non-conformity {nc['id']} raised ({nc['severity']}), due {nc['due_on']}"
        )


@qa_app.command("show")
def show_command(
    inspection: Annotated[int, typer.Argument(help="Inspection id")],
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """An inspection: its plan, its units and its verdict."""
    from demine.quality.inspections import get_inspection

    got = get_inspection(open_db(db), inspection)
    if json_:
        got["units"] = [_plain(u) for u in got["units"]]
        emit_json(_plain(got))
        return
    keys = (
        "name", "organisation_id", "team_id", "method", "planned_on", "inspected_on",
        "lot_m2", "lot_units", "aql", "level", "stringency", "code_letter",
        "sample_size", "accept_number", "reject_number", "units_inspected",
        "nonconforming_units", "items_found", "result",
    )  # fmt: skip
    out.print(
        table(
            f"Inspection {inspection}", ["field", "value"], [[k, got[k]] for k in keys]
        )
    )


@qa_app.command("team-record")
def team_record_command(
    organisation: Annotated[
        int, typer.Option("--organisation", help="Organisation id")
    ],
    team: Annotated[int | None, typer.Option("--team", help="Team id")] = None,
    method: Annotated[str | None, typer.Option("--method", help="Method")] = None,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """The team's record of inspected lots and the stringency it leads to."""
    from demine.quality.inspections import team_record

    state = team_record(open_db(db), organisation, team, method)
    if json_:
        emit_json(state)
        return
    out.print(
        f"next lot: {state['stringency']} inspection "
        f"(switching score {state['switching_score']})"
    )
    rows = [
        [lot["id"], lot["inspected_on"], "accepted" if lot["accepted"] else "rejected",
         lot["nonconforming"], lot["stringency"]]
        for lot in state["lots"]
    ]  # fmt: skip
    out.print(
        table(
            "Lots",
            ["inspection", "date", "verdict", "nonconforming", "stringency"],
            rows,
        )
    )
    for s in state["switches"]:
        out.print(f"after inspection {s['inspection_id']}: {s['to']} ({s['rule']})")


@qa_app.command("visit")
def visit_command(
    organisation: Annotated[
        int, typer.Option("--organisation", help="Organisation id")
    ],
    checklist: Annotated[
        Path, typer.Option("--checklist", help="YAML or JSON: item: yes|no|na")
    ],
    team: Annotated[int | None, typer.Option("--team", help="Team id")] = None,
    activity: Annotated[
        int | None, typer.Option("--activity", help="Activity id")
    ] = None,
    inspector: Annotated[str | None, typer.Option("--inspector", help="Name")] = None,
    on: DateOption = None,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Record a monitoring visit scored by its checklist."""
    from demine.quality.monitoring import record_visit

    try:
        answers = yaml.safe_load(checklist.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SourceError(
            f"cannot read the checklist: {exc}", file=str(checklist)
        ) from None
    if not isinstance(answers, dict):
        raise SourceError(
            "the checklist must map each item to yes, no or na", file=str(checklist)
        )
    done = record_visit(
        open_db(db),
        organisation_id=organisation,
        team_id=team,
        activity_id=activity,
        visited_on=day(on),
        answers={str(k): str(v) for k, v in answers.items()},
        inspector=inspector,
    )
    if json_:
        emit_json(done)
        return
    v = done["visit"]
    out.print(f"visit {v['id']}: score {v['score']:g}, {v['outcome']}")
    if done["non_conformity"]:
        out.print(f"non-conformity {done['non_conformity']['id']} raised")


@qa_app.command("figures")
def figures_command(
    from_: Annotated[str | None, typer.Option("--from", help="First day")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Last day")] = None,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Inspection effort against items found, non-conformities, time to close."""
    from demine.quality.figures import qa_figures

    database = open_db(db)
    with database.transaction() as conn:
        data = qa_figures(
            conn, day(from_, "from") if from_ else None, day(to, "to") if to else None
        )
    if json_:
        emit_json(data)
        return
    i, n = data["inspections"], data["non_conformities"]
    per_item = "—" if i["m2_per_item"] is None else f"{i['m2_per_item']:,.0f}"
    rows = [
        ["lots inspected", i["lots"]],
        ["rejected", f"{i['rejected']} ({_pct(i['rejection_rate'])})"],
        ["area inspected (m²)", f"{i['inspected_m2']:,.0f}"],
        ["items found in released land", i["items_found"]],
        ["m² inspected per item found", per_item],
        ["non-conformities raised / open / overdue",
         f"{n['raised']} / {n['open']} / {n['overdue']}"],
        ["days to close (median)", _num(n["days_to_close_median"])],
        ["monitoring visits (mean score)",
         f"{data['visits']['visits']} ({_num(data['visits']['mean_score'])})"],
    ]  # fmt: skip
    out.print(table("Quality management", ["figure", "value"], rows))
    by = [
        [r["label"], r["lots"], r["rejected"], r["items_found"],
         r["non_conformities"], r["open"], _num(r["days_to_close_median"])]
        for r in data["by_organisation"]
    ]  # fmt: skip
    out.print(
        table(
            "By organisation",
            [
                "organisation",
                "lots",
                "rejected",
                "items",
                "NCs",
                "open",
                "days to close",
            ],
            by,
        )
    )


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}"


# --- non-conformities ------------------------------------------------------


@nc_app.command("list")
def nc_list(
    open_only: Annotated[
        bool, typer.Option("--open", help="Only those not closed")
    ] = False,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Non-conformities, newest first."""
    from demine.quality.access import OPERATOR
    from demine.store.listing import Filters, list_records

    rows, _total = list_records(
        open_db(db),
        "non_conformity",
        OPERATOR,
        Filters(),
        limit=10_000,
        sort="-raised_on",
    )
    if open_only:
        rows = [r for r in rows if r["status"] != "closed"]
    if json_:
        emit_json(rows)
        return
    out.print(
        table(
            "Non-conformities",
            ["id", "raised", "organisation", "severity", "status", "due",
             "reopened hazard"],
            [[r["id"], r["raised_on"], r["organisation_id"], r["severity"], r["status"],
              r["due_on"] or "", r["reopened_hazard_id"] or ""] for r in rows],
        )
    )  # fmt: skip


@nc_app.command("raise")
def nc_raise(
    organisation: Annotated[
        int, typer.Option("--organisation", help="Organisation id")
    ],
    description: Annotated[str, typer.Option("--description", help="What was wrong")],
    severity: Annotated[
        str, typer.Option("--severity", help="minor, major, critical")
    ] = "major",
    team: Annotated[int | None, typer.Option("--team", help="Team id")] = None,
    on: DateOption = None,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Raise a non-conformity by hand."""
    from demine.quality.nonconformities import raise_non_conformity

    nc = raise_non_conformity(
        open_db(db),
        {
            "organisation_id": organisation,
            "team_id": team,
            "description": description,
            "severity": severity,
            "raised_on": day(on),
        },
    )
    _done(nc, json_)


def _done(record: dict[str, Any], json_: bool) -> None:
    if json_:
        emit_json(record)
    else:
        out.print(
            f"non-conformity {record['id']}: {record['status']} "
            f"(version {record['version']})"
        )


@nc_app.command("update")
def nc_update(
    nc: Annotated[int, typer.Argument(help="Non-conformity id")],
    root_cause: Annotated[
        str | None, typer.Option("--root-cause", help="Kind of root cause")
    ] = None,
    detail: Annotated[
        str | None, typer.Option("--detail", help="The root cause in words")
    ] = None,
    action: Annotated[
        str | None, typer.Option("--action", help="Corrective action")
    ] = None,
    owner: Annotated[
        str | None, typer.Option("--owner", help="Who answers for it")
    ] = None,
    due: Annotated[
        str | None, typer.Option("--due", help="Due date, YYYY-MM-DD")
    ] = None,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Record the root cause, the corrective action, its owner and due date."""
    from demine.quality.nonconformities import update_non_conformity

    changes = {
        "root_cause": root_cause,
        "root_cause_detail": detail,
        "corrective_action": action,
        "owner": owner,
        "due_on": due,
    }
    changes = {k: v for k, v in changes.items() if v is not None}
    if not changes:
        raise RecordError("nothing to change: give --root-cause, --action ...")
    _done(update_non_conformity(open_db(db), nc, changes), json_)


@nc_app.command("action")
def nc_action(
    nc: Annotated[int, typer.Argument(help="Non-conformity id")],
    on: DateOption = None,
    note: Annotated[str | None, typer.Option("--note", help="What was done")] = None,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """The corrective action was taken."""
    from demine.quality.nonconformities import record_action

    _done(record_action(open_db(db), nc, taken_on=day(on), note=note), json_)


@nc_app.command("close")
def nc_close(
    nc: Annotated[int, typer.Argument(help="Non-conformity id")],
    on: DateOption = None,
    note: Annotated[
        str | None, typer.Option("--note", help="How it was verified")
    ] = None,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Close a verified non-conformity (its reopened land re-cleared)."""
    from demine.quality.nonconformities import close

    _done(close(open_db(db), nc, closed_on=day(on), note=note), json_)


@nc_app.command("reopen")
def nc_reopen(
    nc: Annotated[int, typer.Argument(help="Non-conformity id")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is reopened")],
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Reopen a closed non-conformity."""
    from demine.quality.nonconformities import reopen

    _done(reopen(open_db(db), nc, reason=reason), json_)


@nc_app.command("reopen-land")
def nc_reopen_land(
    nc: Annotated[int, typer.Argument(help="Non-conformity id")],
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Record the rejected lot's ground as a new hazard to clear again."""
    from demine.quality.nonconformities import reopen_land

    done = reopen_land(open_db(db), nc)
    if json_:
        emit_json(done)
        return
    h = done["hazard"]
    out.print(
        f"hazard {h['id']} recorded ({h['hazard_class']}, "
        f"{h['area_m2']:,.0f} m²): {h['name']}"
    )
