# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine add``: add records from JSON or GeoJSON, all or nothing."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

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
    settings_for,
)
from demine.commands.help_texts import filled
from demine.domain.findings import Finding
from demine.domain.labels import kind_label
from demine.errors import RecordError
from demine.i18n import N_, _, ngettext
from demine.i18n.numbers import number
from demine.store.editing import KINDS, add_records


def read_rows(path: str) -> list[dict[str, Any]]:
    """Records from a JSON object, a JSON list, or a GeoJSON FeatureCollection."""
    source = "standard input" if path == "-" else path
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text("utf-8")
        data = json.loads(text)
    except FileNotFoundError:
        raise RecordError(_("%(source)s: no such file", source=source)) from None
    except UnicodeDecodeError as exc:
        raise RecordError(
            _(
                "%(source)s: not UTF-8 text (%(reason)s)",
                source=source,
                reason=exc.reason,
            )
        ) from None
    except json.JSONDecodeError as exc:
        raise RecordError(
            _(
                "%(source)s: not JSON (line %(lineno)s, column %(colno)s: %(msg)s)",
                source=source,
                lineno=exc.lineno,
                colno=exc.colno,
                msg=exc.msg,
            )
        ) from None
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        data = data.get("features", [])
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise RecordError(
            _("%(source)s: expected an object or a list of objects", source=source)
        )
    return [_feature_to_row(r) for r in data]


def _feature_to_row(row: dict[str, Any]) -> dict[str, Any]:
    if row.get("type") != "Feature":
        return row
    out = dict(row.get("properties") or {})
    if row.get("geometry") is not None:
        out["geom"] = row["geometry"]
    if "id" in row and "external_id" not in out:
        out["external_id"] = str(row["id"])
    return out


@app.command()
def add(
    kind: Annotated[
        str,
        typer.Argument(help=filled(N_("One of: %(kinds)s"), kinds=", ".join(KINDS))),
    ],
    path: Annotated[
        str, typer.Argument(help="JSON or GeoJSON file, or - for standard input")
    ],
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Add records checked against the register's rules; all or nothing.

    A record whose geometry is doubtful (outside the country, too large, a
    sliver) is added as a draft, with a warning.
    """
    database = open_db(db)
    database.require_initialised()
    warnings: list[Finding] = []
    ids = add_records(
        database,
        kind,
        read_rows(path),
        rules=entry_rules(settings_for(db)),
        warnings=warnings,
    )
    if json_:
        emit_json(
            {
                "kind": kind,
                "ids": ids,
                "warnings": [
                    {"rule": str(w.rule), "message": w.message} for w in warnings
                ],
            }
        )
        return
    out.print(
        ngettext(
            "added %(num)s record of %(kind)s: id %(span)s",
            "added %(num)s records of %(kind)s: ids %(span)s",
            len(ids),
            num=number(len(ids)),
            kind=kind_label(kind, plural=True),
            span=_span(ids),
        )
    )
    for warning in warnings:
        err.print(
            _("warning: %(message)s (kept as a draft)", message=warning.message),
            highlight=False,
        )


def _span(ids: list[int]) -> str:
    if not ids:
        return "none"
    return str(ids[0]) if len(ids) == 1 else f"{ids[0]}–{ids[-1]}"
