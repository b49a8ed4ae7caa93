# SPDX-License-Identifier: GPL-3.0-or-later
"""An inspection as a field task: a GeoPackage of its units, an XLSForm to
record them, and the reading of what comes back.

The GeoPackage has two layers, ``sample_units`` (one polygon per unit, with
its number and the centre's coordinates) and ``lot`` (the released ground),
so QGIS, QField or ODK's offline maps show the inspector where to go. The
XLSForm (ODK Collect, KoBoToolbox) has one repeat per unit visited, whose
``unit`` choice list is this inspection's unit numbers; its submissions
export (one row per unit, as ODK Central and KoBo give a repeat) is read by
:func:`read_unit_rows`. Words on the form come from the message catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import shape

from demine.domain.labels import label
from demine.domain.vocab import Method
from demine.errors import SourceError
from demine.i18n import _

VERSION = "2026120701"
LAYERS = ("sample_units", "lot")


def _geom(value: Any) -> Any:
    return shape(value) if isinstance(value, Mapping) else value


def write_field_task(
    inspection: Mapping[str, Any], units: Sequence[Mapping[str, Any]], folder: Path
) -> list[Path]:
    """Write ``inspection_<id>.gpkg`` and ``inspection_<id>.xlsx`` in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    ident = inspection["id"]
    gpkg = folder / f"inspection_{ident}.gpkg"
    form = folder / f"inspection_{ident}.xlsx"
    geoms = [_geom(u["geom"]) for u in units]
    centres = shapely.centroid(geoms) if geoms else []
    frame = gpd.GeoDataFrame(
        {
            "inspection_id": [ident] * len(units),
            "unit": [int(u["number"]) for u in units],
            "unit_m2": [float(inspection["unit_m2"])] * len(units),
            "centre_lon": [round(float(c.x), 7) for c in centres],
            "centre_lat": [round(float(c.y), 7) for c in centres],
        },
        geometry=geoms,
        crs="EPSG:4326",
    )
    if gpkg.exists():
        gpkg.unlink()
    frame.to_file(gpkg, layer="sample_units", driver="GPKG")
    lot = gpd.GeoDataFrame(
        {
            "inspection_id": [ident],
            "name": [inspection.get("name")],
            "lot_m2": [float(inspection["lot_m2"])],
            "sample_size": [int(inspection["sample_size"])],
            "accept_number": [int(inspection["accept_number"])],
            "reject_number": [int(inspection["reject_number"])],
        },
        geometry=[_geom(inspection["lot_geom"])],
        crs="EPSG:4326",
    )
    lot.to_file(gpkg, layer="lot", driver="GPKG", mode="a")
    _write_form(inspection, frame, form)
    return [gpkg, form]


def _row(kind: str, name: str, label: str, **extra: str) -> dict[str, str]:
    return {"type": kind, "name": name, "label": label, **extra}


def survey_rows(inspection: Mapping[str, Any]) -> list[dict[str, str]]:
    """The form's questions."""
    no_future = {
        "constraint": ". <= today()",
        "constraint_message": _("Not in the future"),
    }
    not_negative = {
        "constraint": ". >= 0",
        "constraint_message": _("Cannot be negative"),
    }
    return [
        {
            "type": "calculate",
            "name": "demine_form",
            "calculation": "'demine_qa_inspection'",
        },
        {
            "type": "calculate",
            "name": "inspection",
            "calculation": f"'{inspection['id']}'",
        },
        _row(
            "note",
            "plan",
            _(
                "Inspect %(n)s sampling units. The lot is accepted with %(ac)s "
                "nonconforming units or fewer and rejected with %(re)s or more.",
                n=inspection["sample_size"],
                ac=inspection["accept_number"],
                re=inspection["reject_number"],
            ),
        ),
        _row("text", "inspector", _("Inspector's name"), required="yes"),
        _row(
            "date",
            "inspected_on",
            _("Date of the inspection"),
            required="yes",
            **no_future,
        ),
        _row(
            "select_one method",
            "inspection_method",
            _("Inspection method"),
            required="yes",
        ),
        _row(
            "decimal",
            "depth_cm",
            _("Depth inspected to (cm)"),
            required="yes",
            **not_negative,
        ),
        _row("begin_repeat", "unit_result", _("Sampling unit")),
        _row("select_one unit", "unit", _("Unit"), required="yes"),
        _row("geopoint", "position", _("Position at the unit")),
        _row(
            "select_one yes_no",
            "inspected",
            _("Was the whole unit inspected?"),
            required="yes",
        ),
        _row(
            "integer",
            "items_found",
            _("Items found in the unit"),
            required="yes",
            **not_negative,
        ),
        _row(
            "select_one yes_no",
            "nonconforming",
            _(
                "Nonconforming? (an item within the clearance depth, or the clearance "
                "requirement not met)"
            ),
            required="yes",
        ),
        _row(
            "decimal",
            "unit_depth_cm",
            _("Depth reached in the unit (cm)"),
            **not_negative,
        ),
        _row("text", "notes", _("Notes")),
        {"type": "end_repeat", "name": "unit_result", "label": ""},
    ]


def choice_rows(units: pd.DataFrame) -> list[dict[str, str]]:
    rows = [
        {
            "list_name": "unit",
            "name": str(int(u.unit)),
            "label": _(
                "Unit %(n)s (centre %(lat)s, %(lon)s)",
                n=int(u.unit),
                lon=u.centre_lon,
                lat=u.centre_lat,
            ),
        }
        for u in units.itertuples()
    ]
    rows += [
        {"list_name": "yes_no", "name": "yes", "label": _("Yes")},
        {"list_name": "yes_no", "name": "no", "label": _("No")},
    ]
    rows += [
        {
            "list_name": "method",
            "name": m.value,
            "label": label(m),
        }
        for m in Method
    ]
    return rows


def _write_form(inspection: Mapping[str, Any], units: pd.DataFrame, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    survey = book.active
    survey.title = "survey"
    columns = [
        "type",
        "name",
        "label",
        "required",
        "constraint",
        "constraint_message",
        "calculation",
    ]
    survey.append(columns)
    for row in survey_rows(inspection):
        survey.append([row.get(c, "") for c in columns])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label"])
    for row in choice_rows(units):
        choices.append([row["list_name"], row["name"], row["label"]])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version"])
    settings.append(
        [
            _(
                "Post-clearance inspection: %(name)s",
                name=inspection.get("name") or inspection["id"],
            ),
            f"demine_qa_{inspection['id']}",
            VERSION,
        ]
    )
    book.save(path)


#: Column names a submissions export may use, to the result fields.
ALIASES = {
    "unit": "unit",
    "unit_result/unit": "unit",
    "inspected": "inspected",
    "unit_result/inspected": "inspected",
    "items_found": "items_found",
    "unit_result/items_found": "items_found",
    "nonconforming": "nonconforming",
    "unit_result/nonconforming": "nonconforming",
    "unit_depth_cm": "depth_cm",
    "unit_result/unit_depth_cm": "depth_cm",
    "depth_cm": "depth_cm",
    "notes": "notes",
    "unit_result/notes": "notes",
}


def read_unit_rows(path: Path) -> list[dict[str, Any]]:
    """Unit results from a CSV or XLSX export (one row per unit).

    An XLSX export of ODK Central or KoBo holds the repeat on its own sheet
    (``unit_result``), which is read when present.
    """
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        elif suffix in (".xlsx", ".xls"):
            sheets = pd.read_excel(path, sheet_name=None, dtype=str)
            frame = sheets.get("unit_result", next(iter(sheets.values())))
        else:
            raise SourceError(
                "give the results as a .csv or .xlsx file", file=str(path)
            )
    except (OSError, ValueError) as exc:
        raise SourceError(f"cannot read the results: {exc}", file=str(path)) from None
    rename = {
        c: ALIASES[c.strip().lower()]
        for c in frame.columns
        if c.strip().lower() in ALIASES
    }
    frame = frame.rename(columns=rename)
    if "unit" not in frame:
        raise SourceError(
            "the results need a 'unit' column (the unit numbers)", file=str(path)
        )
    keep = [
        c
        for c in (
            "unit",
            "inspected",
            "items_found",
            "nonconforming",
            "depth_cm",
            "notes",
        )
        if c in frame
    ]
    frame = frame[keep].fillna("")
    return frame.to_dict(orient="records")
