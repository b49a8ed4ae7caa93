# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine accreditation``, ``demine people``, ``demine training``, ``demine cost``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from demine.commands.app import (
    DbOption,
    JsonOption,
    app,
    emit_json,
    open_db,
    out,
    table,
)
from demine.commands.qa import DateOption, day
from demine.domain.labels import label_of
from demine.domain.vocab import ActivityType, Method, PersonRole, Qualification
from demine.errors import RecordError
from demine.i18n import _
from demine.i18n.numbers import number, percent

acc_app = typer.Typer(
    help="Accreditation of organisations: scope, validity, suspension, history.",
    no_args_is_help=True,
)
app.add_typer(acc_app, name="accreditation")
people_app = typer.Typer(
    help="Personnel: deminers, team leaders, medics, EOD operators, MDD handlers.",
    no_args_is_help=True,
)
app.add_typer(people_app, name="people")
training_app = typer.Typer(
    help="Training and certification: courses, sessions, results, certificates.",
    no_args_is_help=True,
)
app.add_typer(training_app, name="training")

OrgOption = Annotated[int, typer.Option("--organisation", help="Organisation id")]


@acc_app.command("grant")
def acc_grant(
    organisation: OrgOption,
    activity: Annotated[
        str, typer.Option("--activity", help="Activity type (nts, clearance ...)")
    ],
    valid_from: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD")],
    valid_until: Annotated[str, typer.Option("--until", help="Last day, YYYY-MM-DD")],
    method: Annotated[
        str | None, typer.Option("--method", help="Method (default: every method)")
    ] = None,
    reference: Annotated[
        str | None, typer.Option("--reference", help="Certificate number")
    ] = None,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Accredit an organisation for an activity type (and method)."""
    from demine.quality.accreditations import grant

    made = grant(
        open_db(db),
        organisation_id=organisation,
        activity_type=activity,
        method=method,
        valid_from=day(valid_from, "from"),
        valid_until=day(valid_until, "until"),
        reference=reference,
    )
    _said(made, json_, _("accreditation %(id)s recorded", id=made["id"]))


@acc_app.command("suspend")
def acc_suspend(
    accreditation: Annotated[int, typer.Argument(help="Accreditation id")],
    reason: Annotated[str, typer.Option("--reason", help="Why")],
    starts: Annotated[str | None, typer.Option("--from", help="First day")] = None,
    ends: Annotated[
        str | None, typer.Option("--until", help="Last day (default: until lifted)")
    ] = None,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Suspend an accreditation."""
    from demine.quality.accreditations import suspend

    made = suspend(
        open_db(db),
        accreditation,
        starts_on=day(starts, "from"),
        ends_on=day(ends, "until") if ends else None,
        reason=reason,
    )
    _said(made, json_, _("suspension %(id)s recorded", id=made["id"]))


def _said(record: dict[str, Any], json_: bool, text: str) -> None:
    """The record as JSON, or one line saying what was done."""
    if json_:
        emit_json(record)
    else:
        out.print(text)


@acc_app.command("lift")
def acc_lift(
    suspension: Annotated[int, typer.Argument(help="Suspension id")],
    on: DateOption = None,
    db: DbOption = None,
) -> None:
    """End a suspension (``--on`` is its last day)."""
    from demine.quality.accreditations import lift

    lift(open_db(db), suspension, ends_on=day(on))
    out.print(_("suspension %(id)s lifted", id=suspension))


@acc_app.command("list")
def acc_list(
    on: DateOption = None,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Every organisation's accreditations and whether each holds on a day."""
    from demine.quality.accreditations import register

    data = register(open_db(db), day(on))
    if json_:
        emit_json(data)
        return
    rows = []
    for org in data:
        for g in org["grants"]:
            rows.append(
                [
                    org["acronym"] or org["organisation"],
                    label_of(ActivityType, g["activity_type"]),
                    label_of(Method, g["method"]) if g["method"] else _("any"),
                    f"{g['valid_from']} – {g['valid_until']}",
                    _("valid") if g["valid"] else _("not valid"),
                    len(g["suspensions"]),
                ]
            )
    columns = [_("organisation"), _("activity"), _("method"), _("validity"),
               _("status"), _("suspensions")]  # fmt: skip
    out.print(table(_("Accreditations"), columns, rows))


@acc_app.command("history")
def acc_history(
    organisation: Annotated[int, typer.Argument(help="Organisation id")],
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """An organisation's accreditations, suspensions and their audit trail."""
    from demine.quality.accreditations import history

    data = history(open_db(db), organisation)
    if json_:
        emit_json(data)
        return
    cli = _("command line")
    rows = [
        [e["at"][:19], e["entity"], e["id"], e["action"], e["user"] or cli]
        for e in data["events"]
    ]
    columns = [_("at"), _("record"), "id", _("action"), _("by")]
    out.print(table(_("History"), columns, rows))


@people_app.command("add")
def people_add(
    organisation: OrgOption,
    name: Annotated[str, typer.Option("--name", help="Full name")],
    role: Annotated[
        str, typer.Option("--role", help="deminer, team_leader, medic ...")
    ],
    team: Annotated[int | None, typer.Option("--team", help="Team id")] = None,
    sex: Annotated[str | None, typer.Option("--sex", help="female or male")] = None,
    joined: Annotated[str | None, typer.Option("--joined", help="Joined on")] = None,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Add a member of staff."""
    from demine.quality.people import add_person

    made = add_person(
        open_db(db),
        {
            "organisation_id": organisation,
            "team_id": team,
            "full_name": name,
            "role": role,
            "sex": sex,
            "joined_on": joined,
        },
    )
    _said(made, json_, _("person %(id)s added", id=made["id"]))


@people_app.command("list")
def people_list(
    organisation: Annotated[
        int | None, typer.Option("--organisation", help="Organisation id")
    ] = None,
    team: Annotated[int | None, typer.Option("--team", help="Team id")] = None,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Staff (personal data: keep the output where only those who need it read it)."""
    from demine.quality.access import OPERATOR
    from demine.store.people import people_of

    with open_db(db).transaction() as conn:
        rows = people_of(conn, OPERATOR, organisation_id=organisation, team_id=team)
    if json_:
        emit_json(rows)
        return
    out.print(
        table(
            _("Staff"),
            ["id", _("name"), _("role"), _("organisation"), _("team")],
            [[r["id"], r["full_name"], label_of(PersonRole, r["role"]),
              r["organisation_id"], r["team_id"] or ""] for r in rows],
        )
    )  # fmt: skip


@training_app.command("course")
def training_course(
    code: Annotated[str, typer.Option("--code", help="Course code")],
    title: Annotated[str, typer.Option("--title", help="Title")],
    qualification: Annotated[
        str, typer.Option("--qualification", help="What it qualifies for")
    ],
    days: Annotated[int, typer.Option("--days", help="Duration, days")],
    validity: Annotated[
        int | None, typer.Option("--validity-months", help="Certificate validity")
    ] = None,
    provider: Annotated[
        int | None, typer.Option("--provider", help="Training centre (organisation id)")
    ] = None,
    db: DbOption = None,
) -> None:
    """Add a course to the training centre's catalogue."""
    from demine.quality.training import add_course

    made = add_course(
        open_db(db),
        code=code,
        title=title,
        qualification=qualification,
        duration_days=days,
        validity_months=validity,
        provider_id=provider,
    )
    out.print(_("course %(id)s added", id=made["id"]))


@training_app.command("session")
def training_session(
    course: Annotated[int, typer.Option("--course", help="Course id")],
    starts: Annotated[str, typer.Option("--from", help="First day")],
    ends: Annotated[str, typer.Option("--until", help="Last day")],
    place: Annotated[str | None, typer.Option("--place", help="Where")] = None,
    db: DbOption = None,
) -> None:
    """Schedule a session of a course."""
    from demine.quality.training import add_session

    made = add_session(
        open_db(db),
        course_id=course,
        starts_on=day(starts, "from"),
        ends_on=day(ends, "until"),
        place=place,
    )
    out.print(_("session %(id)s scheduled", id=made["id"]))


@training_app.command("result")
def training_result(
    session: Annotated[int, typer.Argument(help="Session id")],
    person: Annotated[int, typer.Argument(help="Person id")],
    result: Annotated[str, typer.Option("--result", help="passed, failed or absent")],
    score: Annotated[float | None, typer.Option("--score", help="0-100")] = None,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Record a result; a pass issues the certificate."""
    from demine.quality.training import record_attendance

    done = record_attendance(open_db(db), session, person, result=result, score=score)
    if json_:
        emit_json(done)
        return
    cert = done["certificate"]
    out.print(
        _(
            "result recorded; certificate %(number)s valid to %(day)s",
            number=cert["number"],
            day=cert["expires_on"] or _("no expiry"),
        )
        if cert
        else _("result recorded")
    )


@training_app.command("expiring")
def training_expiring(
    days: Annotated[int, typer.Option("--days", help="Days ahead")] = 60,
    on: DateOption = None,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Certificates that expire within the next days (default 60)."""
    from demine.quality.access import OPERATOR
    from demine.quality.training import expiring

    rows = expiring(open_db(db), OPERATOR, today=day(on), days=days)
    if json_:
        emit_json(rows)
        return
    out.print(
        table(
            _("Certificates expiring within %(days)s days", days=days),
            [_("expires"), _("days"), _("name"), _("qualification"),
             _("organisation"), _("team")],
            [[r["expires_on"], r["days_left"], r["full_name"],
              label_of(Qualification, r["qualification"]), r["organisation"],
              r["team"] or ""] for r in rows],
        )
    )  # fmt: skip


@training_app.command("team")
def training_team(
    team: Annotated[int, typer.Argument(help="Team id")],
    starts: Annotated[str | None, typer.Option("--from", help="First day")] = None,
    ends: Annotated[str | None, typer.Option("--until", help="Last day")] = None,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Whether a team is qualified for its method over a period."""
    from demine.quality.training import team_qualification

    first = day(starts, "from")
    last = day(ends, "until") if ends else first
    if last < first:
        raise RecordError(_("--until is before --from"))
    data = team_qualification(open_db(db), team, first, last)
    if json_:
        emit_json(data)
        return
    values = {
        "team": data["team"],
        "method": label_of(Method, data["method"]),
        "first": data["from"],
        "last": data["to"],
    }
    out.print(
        _("%(team)s (%(method)s): qualified %(first)s to %(last)s", **values)
        if data["qualified"]
        else _("%(team)s (%(method)s): NOT qualified %(first)s to %(last)s", **values)
    )
    for s in data["shortfalls"]:
        out.print(
            "  "
            + _(
                "%(role)s: %(held)s of %(needed)s hold a valid %(qualification)s "
                "certificate",
                role=label_of(PersonRole, s["role"]),
                held=s["held"],
                needed=s["needed"],
                qualification=label_of(Qualification, s["qualification"]),
            )
        )


@app.command()
def cost(
    by: Annotated[
        str, typer.Option("--by", help="Comma-separated: organisation, method, year")
    ] = "organisation,method,year",
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Cost efficiency: USD per m² released and per item found, with coverage."""
    from demine.analysis.cost_efficiency import cost_efficiency

    keys = [k.strip() for k in by.split(",") if k.strip()]
    with open_db(db).transaction() as conn:
        data = cost_efficiency(conn, keys)
    if json_:
        emit_json(data)
        return
    rows = [[*[str(r[k]) for k in keys], *_figures(r)] for r in data["rows"]]
    rows.append([_("total"), *[""] * (len(keys) - 1), *_figures(data["total"])])
    columns = [*keys, _("USD/m²"), _("USD/item"), _("activities costed"),
               _("m² costed"), _("items costed")]  # fmt: skip
    out.print(table(_("Cost efficiency (activities with a cost)"), columns, rows))


def _figures(r: dict[str, Any]) -> list[str]:
    def share(v: float | None) -> str:
        return percent(v, 0)

    return [
        number(r["usd_per_m2"], 2),
        number(r["usd_per_item"]),
        share(r["coverage_activities"]),
        share(r["coverage_m2"]),
        share(r["coverage_items"]),
    ]
