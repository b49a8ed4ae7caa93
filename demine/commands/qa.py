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
from demine.domain.labels import label_of
from demine.domain.vocab import (
    HazardClass,
    InspectionResult,
    MonitoringOutcome,
    NonConformityStatus,
    Severity,
    Stringency,
)
from demine.errors import RecordError, SourceError
from demine.i18n import N_, _, ngettext
from demine.i18n.numbers import number, percent

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
        raise RecordError(
            _(
                "--%(field)s %(text)r: write the date as YYYY-MM-DD",
                field=field,
                text=text,
            )
        ) from None


#: Why the stringency switched (ISO 2859-1 clauses), as the CLI says it.
RULE_WORDS = {
    "two_of_five_rejected": N_("2 of 5 consecutive lots rejected, 9.3.1"),
    "five_accepted": N_("5 consecutive lots accepted, 9.3.2"),
    "score_reached": N_("switching score reached 30, 9.3.3"),
    "rejected_on_reduced": N_("a lot rejected on reduced inspection, 9.3.4"),
    "five_rejected_on_tightened": N_("5 lots rejected on tightened inspection, 9.4"),
}


def _level(text: str) -> str:
    return text.strip().lower().replace("-", "_")


def _plan_rows(plan: dict[str, Any]) -> list[list[Any]]:
    rows = [
        [_("lot size (units)"), number(plan["lot_size"])],
        [_("inspection level"), plan["level"].upper().replace("_", "-")],
        [_("AQL (% nonconforming)"), f"{plan['aql']:g}"],
        [_("stringency"), label_of(Stringency, plan["stringency"])],
        [_("code letter (Table 1)"), plan["code_letter"]],
        [_("plan letter (after arrows)"), plan["plan_letter"]],
        [_("sample size (units)"), number(plan.get("units", plan["sample_size"]))],
        [_("accept with at most (Ac)"), plan["ac"]],
        [_("reject with at least (Re)"), plan["re"]],
    ]
    if plan.get("whole_lot"):
        rows.append([_("every unit"), _("the sample is the whole lot")])
    if "lot_m2" in plan:
        rows += [
            [_("lot area (m²)"), number(plan["lot_m2"])],
            [_("unit (m²)"), f"{plan['unit_m2']:g}"],
            [_("area to inspect (m²)"), number(plan["sample_m2"])],
            [_("share of the lot"), percent(plan["share"], 2)],
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
    _figures_table(_("Sampling plan (ISO 2859-1)"), _plan_rows(plan))


def _figures_table(title: str, rows: list[list[Any]]) -> None:
    """Print a two-column table of figures and their values."""
    out.print(table(title, [_("figure"), _("value")], rows))


def _written(files: list[Path]) -> None:
    for f in files:
        out.print(_("written %(file)s", file=f))


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
    lot = ngettext(
        "%(area)s (%(num)s unit)",
        "%(area)s (%(num)s units)",
        made["lot_units"],
        area=number(made["lot_m2"]),
    )
    rows = [
        [_("inspection"), f"{made['id']} {made['name']}"],
        [_("releases"), ", ".join(map(str, made["release_ids"]))],
        [_("lot (m²)"), lot],
        [_("stringency"), label_of(Stringency, made["stringency"])],
        [_("code letter / plan"), f"{made['code_letter']} / {made['plan_letter']}"],
        [_("units to inspect"), made["sample_size"]],
        ["Ac / Re", f"{made['accept_number']} / {made['reject_number']}"],
        [_("seed"), made["seed"]],
    ]
    _figures_table(_("Inspection planned"), rows)
    _written(files)


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

    _written(field_task(open_db(db), inspection, out_dir))


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
        raise RecordError(_("give --results FILE or --nonconforming N"))
    units = None
    if results is not None:
        if not results.is_file():
            raise SourceError(_("no such file"), file=str(results))
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
        _(
            "inspection %(id)s: lot %(result)s (%(bad)s nonconforming of %(done)s "
            "units; Ac %(ac)s, Re %(re)s; items found: %(items)s)",
            id=i["id"],
            result=label_of(InspectionResult, i["result"]).upper(),
            bad=i["nonconforming_units"],
            done=i["units_inspected"],
            ac=i["accept_number"],
            re=i["reject_number"],
            items=i["items_found"],
        )
    )
    if done["non_conformity"]:
        nc = done["non_conformity"]
        out.print(
            _(
                "non-conformity %(id)s raised (%(severity)s), due %(due)s",
                id=nc["id"],
                severity=label_of(Severity, nc["severity"]),
                due=nc["due_on"],
            )
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
            _("Inspection %(id)s", id=inspection),
            [_("field"), _("value")],
            [[k, got[k]] for k in keys],
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
        _(
            "next lot: %(stringency)s inspection (switching score %(score)s)",
            stringency=label_of(Stringency, state["stringency"]),
            score=state["switching_score"],
        )
    )
    verdicts = (InspectionResult.REJECTED, InspectionResult.ACCEPTED)
    rows = [
        [lot["id"], lot["inspected_on"], label_of(InspectionResult,
         verdicts[bool(lot["accepted"])]), lot["nonconforming"],
         label_of(Stringency, lot["stringency"])]
        for lot in state["lots"]
    ]  # fmt: skip
    columns = [_("inspection"), _("date"), _("verdict"), _("nonconforming"),
               _("stringency")]  # fmt: skip
    out.print(table(_("Lots"), columns, rows))
    for s in state["switches"]:
        out.print(
            _(
                "after inspection %(id)s: %(to)s (%(rule)s)",
                id=s["inspection_id"],
                to=label_of(Stringency, s["to"]),
                rule=_(RULE_WORDS[s["rule"]]) if s["rule"] in RULE_WORDS else s["rule"],
            )
        )


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
            _("cannot read the checklist: %(error)s", error=exc), file=str(checklist)
        ) from None
    if not isinstance(answers, dict):
        raise SourceError(
            _("the checklist must map each item to yes, no or na"),
            file=str(checklist),
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
    out.print(
        _(
            "visit %(id)s: score %(score)s, %(outcome)s",
            id=v["id"],
            score=f"{v['score']:g}",
            outcome=label_of(MonitoringOutcome, v["outcome"]),
        )
    )
    if done["non_conformity"]:
        nc = done["non_conformity"]["id"]
        out.print(_("non-conformity %(id)s raised", id=nc))


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
    rows = [
        [_("lots inspected"), i["lots"]],
        [_("rejected"), f"{i['rejected']} ({percent(i['rejection_rate'])})"],
        [_("area inspected (m²)"), number(i["inspected_m2"])],
        [_("items found in released land"), i["items_found"]],
        [_("m² inspected per item found"), number(i["m2_per_item"])],
        [_("non-conformities raised / open / overdue"),
         f"{n['raised']} / {n['open']} / {n['overdue']}"],
        [_("days to close (median)"), number(n["days_to_close_median"], 1)],
        [_("monitoring visits (mean score)"),
         f"{data['visits']['visits']} ({number(data['visits']['mean_score'], 1)})"],
    ]  # fmt: skip
    _figures_table(_("Quality management"), rows)
    by = [
        [r["label"], r["lots"], r["rejected"], r["items_found"],
         r["non_conformities"], r["open"], number(r["days_to_close_median"], 1)]
        for r in data["by_organisation"]
    ]  # fmt: skip
    columns = [_("organisation"), _("lots"), _("rejected"), _("items"), _("NCs"),
               _("open"), _("days to close")]  # fmt: skip
    out.print(table(_("By organisation"), columns, by))


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
            _("Non-conformities"),
            ["id", _("raised"), _("organisation"), _("severity"), _("status"),
             _("due"), _("reopened hazard")],
            [[r["id"], r["raised_on"], r["organisation_id"],
              label_of(Severity, r["severity"]),
              label_of(NonConformityStatus, r["status"]),
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
            _(
                "non-conformity %(id)s: %(status)s (version %(version)s)",
                id=record["id"],
                status=label_of(NonConformityStatus, record["status"]),
                version=record["version"],
            )
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
        raise RecordError(_("nothing to change: give --root-cause, --action ..."))
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
        _(
            "hazard %(id)s recorded (%(hazard_class)s, %(area)s m²): %(name)s",
            id=h["id"],
            hazard_class=label_of(HazardClass, h["hazard_class"]),
            area=number(h["area_m2"]),
            name=h["name"],
        )
    )
