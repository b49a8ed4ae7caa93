# SPDX-License-Identifier: GPL-3.0-or-later
"""Field forms: XLSForm definitions for ODK Collect and KoBoToolbox.

Five forms cover what teams report from the field: non-technical survey
(a new hazardous area), clearance progress (work on a hazard, land
released, items found), EO found (a spot report), accident with its
victims, and an EORE session. Every choice list is written from the
register's vocabularies (:mod:`demine.domain.vocab`), so a form can only
offer values the register accepts, and every form carries a hidden
``demine_form`` field naming it, so a submissions export says which form
it holds.

Each form also says how its submissions become register records, as the
same targets a YAML column mapping has (:mod:`demine.exchange.mapping`);
:mod:`demine.exchange.submissions` applies them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from demine.domain import vocab

VERSION = "2024120101"

# Words whose usual spelling is not the vocabulary value with spaces.
LABELS: dict[str, str] = {
    "sha": "SHA (suspected: indirect evidence)",
    "cha": "CHA (confirmed: direct evidence)",
    "nts": "Non-technical survey",
    "ts": "Technical survey",
    "bac": "Battle area clearance",
    "eod": "EOD spot task",
    "qa_qc": "QA/QC visit",
    "eore": "EORE",
    "ap_mine": "AP mine",
    "at_mine": "AT mine",
    "uxo": "UXO",
    "axo": "AXO",
    "ied": "IED",
    "saa": "Small arms ammunition",
    "mdd": "Mine detection dogs",
    "in_situ": "Destroyed in situ",
    "face_to_face": "Face to face",
}


def label(value: str) -> str:
    """How a vocabulary value reads on a form."""
    return LABELS.get(value, value.replace("_", " ").capitalize())


# Choice lists: list name -> vocabulary (optionally only some values).
CHOICES: dict[str, tuple[type[StrEnum], tuple[str, ...] | None]] = {
    "hazard_class": (vocab.HazardClass, None),
    "contamination": (vocab.ContaminationType, None),
    "evidence": (vocab.Evidence, None),
    "reliability": (vocab.Reliability, None),
    "land_use": (vocab.LandUse, None),
    "blockage": (vocab.Blockage, None),
    "work_type": (vocab.ActivityType, ("ts", "clearance", "bac")),
    "activity_status": (vocab.ActivityStatus, ("ongoing", "suspended", "completed")),
    "method": (vocab.Method, None),
    "release_kind": (vocab.ReleaseKind, ("reduced", "cleared")),
    "eo_category": (vocab.EOCategory, None),
    "eo_condition": (vocab.EOCondition, None),
    "disposal": (vocab.DisposalMethod, None),
    "accident_type": (vocab.AccidentType, None),
    "sex": (vocab.Sex, None),
    "outcome": (vocab.Outcome, None),
    "victim_status": (vocab.VictimStatus, None),
    "victim_activity": (vocab.VictimActivity, None),
    "eore_method": (vocab.EOREMethod, None),
}

Row = dict[str, str]


def q(kind: str, name: str, text: str, **extra: str) -> Row:
    """One survey row."""
    return {"type": kind, "name": name, "label": text, **extra}


NOT_FUTURE = {"constraint": ". <= today()", "constraint_message": "Not in the future"}
NOT_NEGATIVE = {"constraint": ". >= 0", "constraint_message": "Cannot be negative"}


def _header(form: str) -> list[Row]:
    return [
        {"type": "calculate", "name": "demine_form", "calculation": f"'{form}'"},
        q(
            "text",
            "organisation",
            "Organisation (acronym or register id)",
            required="yes",
        ),
        q("text", "team", "Team (register id)"),
    ]


def _item_questions(depth: str, location: str, **location_extra: str) -> list[Row]:
    """One EO item's questions: the EO found form and clearance's items repeat."""
    return [
        q("select_one eo_category", "category", "Category", required="yes"),
        q("text", "model", "Model (e.g. PMN-2, TM-62M)"),
        q(
            "integer",
            "quantity",
            "Quantity",
            required="yes",
            constraint=". >= 1",
            constraint_message="At least one",
        ),
        q("select_one eo_condition", "condition", "Condition"),
        q("select_one disposal", "disposal", "Disposal"),
        q("decimal", depth, "Depth (cm)", **NOT_NEGATIVE),
        q("geopoint", location, "Location", **location_extra),
    ]


def _item_fields(depth: str, location: str) -> dict[str, Any]:
    """How those questions map to an EO item's fields."""
    return {
        "category": "category",
        "eo_model": "model",
        "quantity": "quantity",
        "condition": "condition",
        "disposal": "disposal",
        "depth_cm": depth,
        "geom": {"column": location},
    }


def _beneficiaries(required: str) -> list[Row]:
    rows = [{"type": "begin_group", "name": "beneficiaries", "label": "People"}]
    for name in ("women", "men", "girls", "boys"):
        rows.append(
            q("integer", name, name.capitalize(), required=required, **NOT_NEGATIVE)
        )
    rows.append({"type": "end_group", "name": "", "label": ""})
    return rows


@dataclass(frozen=True)
class FormSpec:
    """One field form: its questions and how submissions become records.

    ``targets`` are mapping targets (as in a YAML mapping) over the main
    submission; ``repeats`` maps a repeat group to targets over its rows,
    which also see the main submission's fields.
    """

    form_id: str
    title: str
    survey: list[Row]
    targets: list[dict[str, Any]]
    repeats: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


NTS = FormSpec(
    "demine_nts",
    "Non-technical survey",
    [
        *_header("demine_nts"),
        q("date", "survey_date", "Date of the survey", required="yes", **NOT_FUTURE),
        q("text", "hazard_name", "Name of the hazardous area"),
        q("select_one hazard_class", "hazard_class", "Classification", required="yes"),
        q("select_multiple contamination", "contamination", "Contamination"),
        q("select_one evidence", "evidence", "Evidence", required="yes"),
        q("select_one reliability", "reliability", "Reliability of the information"),
        q("select_one land_use", "land_use", "Land use"),
        q("select_multiple blockage", "blockages", "What it blocks"),
        q("integer", "estimated_devices", "Estimated devices", **NOT_NEGATIVE),
        *_beneficiaries("no"),
        q("geoshape", "area", "Boundary of the hazardous area", required="yes"),
        q("geopoint", "benchmark", "Benchmark"),
        q("text", "notes", "Notes"),
    ],
    [
        {
            "kind": "hazard",
            "review_state": "submitted",
            "fields": {
                "external_id": "{_instance}",
                "name": "hazard_name",
                "hazard_class": "hazard_class",
                "status": {"value": "open"},
                "contamination": {"column": "contamination", "split": " "},
                "evidence": "evidence",
                "reliability": "reliability",
                "land_use": "land_use",
                "blockages": {"column": "blockages", "split": " "},
                "estimated_devices": "estimated_devices",
                "women": "women",
                "men": "men",
                "girls": "girls",
                "boys": "boys",
                "recorded_on": "survey_date",
                "notes": "notes",
                "reported_by": "organisation",
                "geom": {"column": "area"},
                "benchmark": {"column": "benchmark"},
            },
        },
        {
            "kind": "activity",
            "review_state": "submitted",
            "fields": {
                "external_id": "{_instance}/nts",
                "name": "NTS {hazard_name}",
                "activity_type": {"value": "nts"},
                "status": {"value": "completed"},
                "organisation": "organisation",
                "team": "team",
                "hazard": "{_instance}",
                "start_date": "survey_date",
                "end_date": "survey_date",
                "reported_by": "organisation",
            },
        },
    ],
)

CLEARANCE = FormSpec(
    "demine_clearance",
    "Clearance progress",
    [
        *_header("demine_clearance"),
        q("text", "task_id", "Task id (the activity in the register)", required="yes"),
        q("text", "hazard_ref", "Hazard id (in the register)", required="yes"),
        q("select_one work_type", "work_type", "Work", required="yes"),
        q("select_one method", "method", "Method", required="yes"),
        q("select_one activity_status", "task_status", "Task status", required="yes"),
        q("date", "report_date", "Date of this report", required="yes", **NOT_FUTURE),
        q("decimal", "team_days", "Team-days worked", **NOT_NEGATIVE),
        q("select_one release_kind", "released_kind", "Land released"),
        q(
            "geoshape",
            "released_area",
            "Boundary of the land released",
            relevant="${released_kind} != ''",
            required="yes",
        ),
        q(
            "decimal",
            "depth_cm",
            "Clearance depth (cm)",
            relevant="${released_kind} = 'cleared'",
            required="yes",
            **NOT_NEGATIVE,
        ),
        {"type": "begin_repeat", "name": "items", "label": "Items found"},
        *_item_questions("item_depth_cm", "item_location"),
        {"type": "end_repeat", "name": "", "label": ""},
    ],
    [
        {
            "kind": "activity",
            "review_state": "submitted",
            "fields": {
                "external_id": "task_id",
                "activity_type": "work_type",
                "status": "task_status",
                "method": "method",
                "organisation": "organisation",
                "team": "team",
                "hazard": "hazard_ref",
                "team_days": "team_days",
                "reported_by": "organisation",
            },
        },
        {
            "kind": "release",
            "review_state": "submitted",
            "when": {"column": "released_kind", "not_in": [""]},
            "fields": {
                "external_id": "{_instance}/release",
                "activity": "task_id",
                "hazard": "hazard_ref",
                "kind": "released_kind",
                "released_on": "report_date",
                "depth_cm": "depth_cm",
                "reported_by": "organisation",
                "geom": {"column": "released_area"},
            },
        },
    ],
    {
        "items": [
            {
                "kind": "eo_item",
                "review_state": "submitted",
                "fields": {
                    "external_id": "{_instance}/items/{_index}",
                    "activity": "task_id",
                    "hazard": "hazard_ref",
                    **_item_fields("item_depth_cm", "item_location"),
                    "found_on": "report_date",
                    "reported_by": "organisation",
                },
            }
        ]
    },
)

EO_FOUND = FormSpec(
    "demine_eo_found",
    "Explosive ordnance found",
    [
        *_header("demine_eo_found"),
        q("date", "found_date", "Date found", required="yes", **NOT_FUTURE),
        *_item_questions("depth_cm", "location", required="yes"),
        q("text", "hazard_ref", "Hazard id, if in a known hazardous area"),
        q("text", "task_id", "Task id, if found during a task"),
    ],
    [
        {
            "kind": "eo_item",
            "review_state": "submitted",
            "fields": {
                "external_id": "{_instance}",
                **_item_fields("depth_cm", "location"),
                "found_on": "found_date",
                "hazard": "hazard_ref",
                "activity": "task_id",
                "reported_by": "organisation",
            },
        }
    ],
)

ACCIDENT = FormSpec(
    "demine_accident",
    "Accident and victims",
    [
        *_header("demine_accident"),
        q("date", "accident_date", "Date", required="yes", **NOT_FUTURE),
        q("select_one accident_type", "accident_type", "Type", required="yes"),
        q("geopoint", "location", "Location", required="yes"),
        q("text", "model", "Device model, if known"),
        q("text", "hazard_ref", "Hazard id, if in a known hazardous area"),
        q("text", "description", "What happened"),
        {"type": "begin_repeat", "name": "victims", "label": "Victims"},
        q("select_one sex", "sex", "Sex", required="yes"),
        q(
            "integer",
            "age",
            "Age (years)",
            constraint=". >= 0 and . <= 120",
            constraint_message="0 to 120",
        ),
        q("select_one outcome", "outcome", "Killed or injured", required="yes"),
        q("select_one victim_status", "victim_status", "Civilian, deminer or military"),
        q("select_one victim_activity", "victim_activity", "Activity at the time"),
        {"type": "end_repeat", "name": "", "label": ""},
    ],
    [
        {
            "kind": "accident",
            "review_state": "submitted",
            "fields": {
                "external_id": "{_instance}",
                "accident_type": "accident_type",
                "occurred_on": "accident_date",
                "eo_model": "model",
                "hazard": "hazard_ref",
                "description": "description",
                "reported_by": "organisation",
                "geom": {"column": "location"},
            },
        }
    ],
    {
        "victims": [
            {
                "kind": "victim",
                "review_state": "submitted",
                "fields": {
                    "external_id": "{_instance}/victims/{_index}",
                    "accident": "{_instance}",
                    "sex": "sex",
                    "age": "age",
                    "outcome": "outcome",
                    "status": "victim_status",
                    "activity": "victim_activity",
                    "reported_by": "organisation",
                },
            }
        ]
    },
)

EORE = FormSpec(
    "demine_eore",
    "EORE session",
    [
        *_header("demine_eore"),
        q("date", "session_date", "Date", required="yes", **NOT_FUTURE),
        q("select_one eore_method", "eore_method", "Method", required="yes"),
        q("text", "place", "Place (register id, code or name)"),
        q("geopoint", "location", "Location"),
        *_beneficiaries("yes"),
    ],
    [
        {
            "kind": "eore_session",
            "review_state": "submitted",
            "fields": {
                "external_id": "{_instance}",
                "method": "eore_method",
                "held_on": "session_date",
                "organisation": "organisation",
                "place": "place",
                "women": "women",
                "men": "men",
                "girls": "girls",
                "boys": "boys",
                "reported_by": "organisation",
                "geom": {"column": "location"},
            },
        }
    ],
)

FORMS: dict[str, FormSpec] = {
    f.form_id: f for f in (NTS, CLEARANCE, EO_FOUND, ACCIDENT, EORE)
}


def choice_rows() -> list[Row]:
    """Every choice list, from the register's vocabularies."""
    rows = []
    for list_name, (enum, only) in CHOICES.items():
        for member in enum:
            if only is None or member.value in only:
                rows.append(
                    {
                        "list_name": list_name,
                        "name": member.value,
                        "label": label(member.value),
                    }
                )
    return rows


def _used_lists(spec: FormSpec) -> set[str]:
    return {
        row["type"].split()[1]
        for row in spec.survey
        if row["type"].startswith(("select_one ", "select_multiple "))
    }


def write_xlsform(spec: FormSpec, path: Path) -> Path:
    """Write one form as an XLSForm workbook (survey, choices, settings)."""
    from openpyxl import Workbook

    book = Workbook()
    survey = book.active
    survey.title = "survey"
    columns = [
        "type",
        "name",
        "label",
        "hint",
        "required",
        "relevant",
        "constraint",
        "constraint_message",
        "calculation",
        "appearance",
    ]
    survey.append(columns)
    for row in spec.survey:
        survey.append([row.get(c, "") for c in columns])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label"])
    used = _used_lists(spec)
    for row in choice_rows():
        if row["list_name"] in used:
            choices.append([row["list_name"], row["name"], row["label"]])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version"])
    settings.append([spec.title, spec.form_id, VERSION])
    book.save(path)
    return path


def write_xlsforms(directory: Path) -> list[Path]:
    """Write every form to ``directory`` as ``<form_id>.xlsx``."""
    directory.mkdir(parents=True, exist_ok=True)
    return [
        write_xlsform(spec, directory / f"{spec.form_id}.xlsx")
        for spec in FORMS.values()
    ]
