# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine import``, ``demine export``, ``demine mapping``, ``demine forms``."""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from demine.analysis.checks import entry_rules
from demine.commands.app import (
    DbOption,
    JsonOption,
    app,
    emit_json,
    err,
    open_db,
    out,
    progress_bar,
    settings_for,
    table,
)
from demine.errors import ImportRejectedError, SourceError
from demine.exchange.formats import ReadOptions
from demine.exchange.importer import ImportResult
from demine.exchange.opening import ImportLimits
from demine.i18n import _, ngettext
from demine.i18n.kinds import kind_word
from demine.i18n.numbers import number
from demine.settings import Settings
from demine.store.database import Database

ReportOption = Annotated[
    Path | None,
    typer.Option(
        "--report", help="Write every bad row (file, row, field, value, reason) as CSV."
    ),
]
LIMIT = 50


@app.command("import")
def import_(
    kind: Annotated[
        str,
        typer.Argument(
            help="What the file holds: hazards, activities, releases, eo-items, "
            "accidents, victims, eore-sessions, qm-findings, organisations, "
            "teams, places, funding, eo-models, reference-features; 'register' "
            "for every layer of a demine export; 'submissions' for ODK/KoBo "
            "form submissions."
        ),
    ],
    files: Annotated[list[Path], typer.Argument(help="One or more files.")],
    mapping: Annotated[
        Path | None,
        typer.Option("--mapping", "-m", help="YAML column mapping (see docs)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and count; write nothing.")
    ] = False,
    report: ReportOption = None,
    layer: Annotated[
        str | None, typer.Option(help="GeoPackage layer or XLSX sheet to read.")
    ] = None,
    encoding: Annotated[
        str | None, typer.Option(help="Text encoding of CSV or Shapefile.")
    ] = None,
    crs: Annotated[
        str | None,
        typer.Option(help="CRS of files that declare none (and of CSV x/y)."),
    ] = None,
    form: Annotated[
        str | None,
        typer.Option(help="Form of the submissions, if the file does not say."),
    ] = None,
    media: Annotated[
        Path | None,
        typer.Option(
            help="Folder of the submissions' photos and files (KoBoToolbox); "
            "a Central zip carries its own media/ folder."
        ),
    ] = None,
    edition: Annotated[
        bool,
        typer.Option(
            "--edition",
            help="The files are a new edition of the mapping's source: its "
            "records they no longer hold are withdrawn (asks first).",
        ),
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", help="Withdraw without asking (--edition).")
    ] = False,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Import files into the register: all rows or none."""
    database = open_db(db)
    limits = ImportLimits.from_settings(Settings())
    read = ReadOptions(layer=layer, encoding=encoding, crs=crs, limits=limits)
    plan = _Import(mapping, read, dry_run, json_, edition, yes)
    try:
        if kind.strip().lower() == "submissions":
            result = _import_submissions(
                database, files, form, dry_run, limits, media, db
            )
        else:
            result = _import_files(database, kind, files, plan)
    except ImportRejectedError as exc:
        _write_report(report, exc.problems)
        if not json_:
            _print_problems(exc.problems)
        raise
    except SourceError as exc:
        _write_report(report, [exc])
        raise
    _write_report(report, [])
    if json_:
        emit_json(result.as_dict())
    else:
        _print_result(result)
    if not dry_run and kind.strip().lower() == "register":
        added = _import_attachments(database, files, db)
        if added and not json_:
            out.print(_("attachments: %(count)s new", count=number(added)))


def _export_attachments(database: Database, file: Path, db: str | None) -> int:
    from demine.attachments.blobs import blob_store
    from demine.exchange.attachments import export_attachments

    store = blob_store(settings_for(db), database)
    return export_attachments(database, store, file)


def _import_attachments(database: Database, files: list[Path], db: str | None) -> int:
    """The files attached to records in demine GeoPackages, after their layers."""
    from demine.attachments.blobs import blob_store
    from demine.exchange.attachments import import_attachments

    settings = settings_for(db)
    store = blob_store(settings, database)
    return sum(
        import_attachments(database, store, f, settings.max_attachment_bytes)
        for f in files
        if f.suffix.lower() == ".gpkg"
    )


def _print_result(result: ImportResult) -> None:
    for warning in result.warnings:
        err.print(
            _("warning: %(warning)s", warning=warning), style="yellow", highlight=False
        )
    title = _("Dry run: nothing written") if result.dry_run else _("Imported")
    if result.declined:
        title = _("Not imported: the register changed since you were asked")
    withdrawals = any(c.withdrawn for c in result.counts.values())
    rows = [
        [kind, number(c.inserted), number(c.updated), number(c.unchanged)]
        + ([number(c.withdrawn)] if withdrawals else [])
        for kind, c in result.counts.items()
    ]
    columns = [_("table"), _("new"), _("updated"), _("unchanged")]
    columns += [_("withdrawn")] if withdrawals else []
    out.print(table(title, columns, rows))


@dataclass(frozen=True)
class _Import:
    """How the command was asked to import."""

    mapping: Path | None
    read: ReadOptions
    dry_run: bool
    json_: bool
    edition: bool
    yes: bool


def _import_files(
    database: Database, kind: str, files: list[Path], plan: _Import
) -> ImportResult:
    from demine.exchange.entities import resolve_kind
    from demine.exchange.importer import import_files
    from demine.exchange.mapping import load_mapping
    from demine.exchange.staging import REGISTER

    loaded = load_mapping(plan.mapping) if plan.mapping is not None else None
    name = REGISTER if kind.strip().lower() == REGISTER else resolve_kind(kind)
    if loaded is not None and name != REGISTER and name not in loaded.kinds():
        raise SourceError(
            _(
                "the mapping makes %(values)s, not %(name)s",
                values=", ".join(loaded.kinds()),
                name=name,
            ),
            file=str(plan.mapping),
        )
    confirm = None
    if plan.edition and not plan.dry_run and not plan.yes:
        # See what the edition would withdraw, and ask, before writing.
        preview = import_files(
            database,
            name,
            files,
            mapping=loaded,
            read=plan.read,
            dry_run=True,
            edition=True,
        )
        expected = preview.withdrawn
        if expected:
            _ask_to_withdraw(preview, plan.json_)
        confirm = _same_withdrawals(expected)
    with progress_bar(not plan.json_) as start:
        return import_files(
            database,
            name,
            files,
            mapping=loaded,
            read=plan.read,
            dry_run=plan.dry_run,
            progress=start,
            rules=entry_rules(Settings()),
            edition=plan.edition,
            confirm=confirm,
        )


def _ask_to_withdraw(preview: ImportResult, json_: bool) -> None:
    counts = ", ".join(
        ngettext(
            "%(num)s %(kind)s record",
            "%(num)s %(kind)s records",
            c.withdrawn,
            num=number(c.withdrawn),
            kind=kind_word(kind),
        )
        for kind, c in preview.counts.items()
        if c.withdrawn
    )
    question = _(
        "This edition no longer has these records of its source (%(counts)s): "
        "withdraw them?",
        counts=counts,
    )
    if json_ or not sys.stdin.isatty():
        raise SourceError(
            _(
                "%(question)s Run with --dry-run to see the counts, then --yes.",
                question=question,
            )
        )
    if not typer.confirm(question, default=False):
        raise typer.Exit(1)


def _same_withdrawals(expected: int) -> Callable[[ImportResult], bool]:
    """The import withdraws what the person agreed to, or nothing."""
    return lambda result: result.withdrawn == expected


def _import_submissions(
    database: Database,
    files: list[Path],
    form: str | None,
    dry_run: bool,
    limits: ImportLimits,
    media: Path | None,
    db: str | None,
) -> ImportResult:
    from demine.attachments.blobs import blob_store
    from demine.exchange.submissions import MediaOptions, import_submissions

    settings = settings_for(db)
    options = MediaOptions(
        blob_store(settings, database),
        settings.max_attachment_bytes,
        media,
    )
    result = import_submissions(
        database,
        files,
        form=form,
        dry_run=dry_run,
        limits=limits,
        media=options,
        rules=entry_rules(settings),
    )
    if options.attached:
        out.print(
            _("attachments: %(count)s new", count=number(options.attached)),
            highlight=False,
        )
    return result


def _write_report(path: Path | None, problems: list[SourceError]) -> None:
    if path is None:
        return
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["file", "row", "field", "value", "reason"])
        for p in problems:
            value = "" if p.value is None else p.value
            writer.writerow([p.file or "", p.row or "", p.field or "", value, p.reason])


def _print_problems(problems: list[SourceError]) -> None:
    rows = [
        [p.file or "", p.row or "", p.field or "", str(p.value or "")[:40], p.reason]
        for p in problems[:LIMIT]
    ]
    columns = [_("file"), _("row"), _("field"), _("value"), _("reason")]
    err.print(table(_("Rejected rows"), columns, rows))
    if len(problems) > LIMIT:
        err.print(
            _(
                "… and %(more)s more (use --report FILE)",
                more=number(len(problems) - LIMIT),
            )
        )


@app.command("export")
def export(
    file: Annotated[Path, typer.Argument(help="File to write (.gpkg, .geojson, ...)")],
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", "-k", help="Entity to export (repeatable)."),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="gpkg, geojson, csv, xlsx, shapefile or flatgeobuf "
            "[default: from the file name]",
        ),
    ] = None,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Export the register: a GeoPackage of every entity, or one entity a file."""
    from demine.exchange.entities import resolve_kind
    from demine.exchange.exporter import export_register

    database = open_db(db)
    kinds = [resolve_kind(k) for k in kind] if kind else None
    with progress_bar(not json_) as start:
        counts = export_register(database, file, kinds=kinds, fmt=fmt, progress=start)
    if file.suffix.lower() == ".gpkg" and fmt in (None, "gpkg") and not kind:
        counts["attachments"] = _export_attachments(database, file, db)
    if json_:
        emit_json({"file": str(file), "layers": counts})
        return
    rows = [[layer, number(n)] for layer, n in counts.items()]
    title = _("Exported to %(file)s", file=file)
    out.print(table(title, [_("layer"), _("features")], rows))


@app.command("reinstate")
def reinstate(
    kind: Annotated[
        str, typer.Argument(help="What to reinstate: victims, hazards ...")
    ],
    prefix: Annotated[
        str, typer.Argument(help="External ids starting so (the source's prefix).")
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count; write nothing.")
    ] = False,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Bring back withdrawn records (a lowered count, an edition without them).

    Not ``restore``: that name is the database backup's (``demine restore FILE``).
    """
    from demine.exchange.entities import resolve_kind
    from demine.exchange.importer import reinstate_records

    database = open_db(db)
    name = resolve_kind(kind)
    reinstated = reinstate_records(database, name, prefix, dry_run=dry_run)
    if json_:
        emit_json({"kind": name, "reinstated": reinstated, "dry_run": dry_run})
        return
    if dry_run:
        shown = ngettext(
            "%(num)s %(kind)s record would be reinstated",
            "%(num)s %(kind)s records would be reinstated",
            reinstated,
            num=number(reinstated),
            kind=kind_word(name),
        )
    else:
        shown = ngettext(
            "%(num)s %(kind)s record reinstated",
            "%(num)s %(kind)s records reinstated",
            reinstated,
            num=number(reinstated),
            kind=kind_word(name),
        )
    out.print(shown)


mapping_app = typer.Typer(help="Column mappings for imports.", no_args_is_help=True)
app.add_typer(mapping_app, name="mapping")


@mapping_app.command("template")
def mapping_template(
    file: Annotated[Path, typer.Argument(help="A source file to map.")],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            "-k",
            help="Entity the rows become [default: guessed from the columns].",
        ),
    ] = None,
    layer: Annotated[str | None, typer.Option(help="Layer or sheet.")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here, not stdout.")
    ] = None,
    json_: JsonOption = False,
) -> None:
    """Write a mapping template for FILE: its columns, guesses and values."""
    from demine.exchange.entities import resolve_kind
    from demine.exchange.formats import ReadOptions
    from demine.exchange.template import mapping_template as make

    text = make(file, resolve_kind(kind) if kind else None, ReadOptions(layer=layer))
    if json_:
        # The draft as YAML text, and the file it was written to if any.
        if output is not None:
            output.write_text(text, encoding="utf-8")
        emit_json({"output": None if output is None else str(output), "yaml": text})
        return
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        out.print(_("mapping template written to %(output)s", output=output))


forms_app = typer.Typer(help="Field forms (XLSForm for ODK and KoBoToolbox).")
app.add_typer(forms_app, name="forms")


@forms_app.command("xlsform")
def forms_xlsform(
    directory: Annotated[Path, typer.Argument(help="Folder to write the forms to.")],
    json_: JsonOption = False,
) -> None:
    """Write XLSForms (NTS, clearance, EO found, accident, EORE) to DIRECTORY."""
    from demine.exchange.forms import write_xlsforms

    paths = write_xlsforms(directory)
    if json_:
        emit_json({"forms": [str(p) for p in paths]})
        return
    out.print(table(_("XLSForms"), [_("form")], [[str(p)] for p in paths]))
