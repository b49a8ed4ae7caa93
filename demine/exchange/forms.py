# SPDX-License-Identifier: GPL-3.0-or-later
"""Field forms: XLSForm definitions for ODK Collect and KoBoToolbox.

Every question, hint, message and choice is written in each language demine
speaks (``label::Azərbaycanca (az)`` columns), so ODK Collect and KoBo show
the enumerator's language; the form opens in the deployment's language.

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
from demine.domain.labels import label as vocabulary_label
from demine.i18n import LANGUAGES, N_, NC_, Text, _, current_language, use_language

VERSION = "2024120101"

# Labels a form words more fully than the register's short ones.
FORM_LABELS: dict[StrEnum, Text] = {
    vocab.HazardClass.SHA: NC_("field form", "SHA (suspected: indirect evidence)"),
    vocab.HazardClass.CHA: NC_("field form", "CHA (confirmed: direct evidence)"),
}
# Columns whose text is written once per language (label::English (en), ...).
TRANSLATED = ("label", "hint", "constraint_message", "required_message")


def label(value: StrEnum) -> str:
    """How a vocabulary value reads on a form, in the current language."""
    override = FORM_LABELS.get(value)
    return str(override) if override is not None else vocabulary_label(value)


def language_column(column: str, code: str) -> str:
    """An XLSForm column of one language, as ODK and KoBo name them."""
    return f"{column}::{LANGUAGES[code]} ({code})"


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


NOT_FUTURE = {
    "constraint": ". <= today()",
    "constraint_message": N_("Not in the future"),
}
NOT_NEGATIVE = {"constraint": ". >= 0", "constraint_message": N_("Cannot be negative")}


def _header(form: str) -> list[Row]:
    return [
        {"type": "calculate", "name": "demine_form", "calculation": f"'{form}'"},
        q(
            "text",
            "organisation",
            N_("Organisation (acronym or register id)"),
            required="yes",
        ),
        q("text", "team", N_("Team (register id)")),
    ]


def _item_questions(depth: str, location: str, **location_extra: str) -> list[Row]:
    """One EO item's questions: the EO found form and clearance's items repeat."""
    return [
        q("select_one eo_category", "category", N_("Category"), required="yes"),
        q("text", "model", N_("Model (e.g. PMN-2, TM-62M)")),
        q(
            "integer",
            "quantity",
            N_("Quantity"),
            required="yes",
            constraint=". >= 1",
            constraint_message=N_("At least one"),
        ),
        q("select_one eo_condition", "condition", N_("Condition")),
        q("select_one disposal", "disposal", N_("Disposal")),
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
    rows = [{"type": "begin_group", "name": "beneficiaries", "label": N_("People")}]
    for name, text in (
        ("women", N_("Women")),
        ("men", N_("Men")),
        ("girls", N_("Girls")),
        ("boys", N_("Boys")),
    ):
        rows.append(q("integer", name, text, required=required, **NOT_NEGATIVE))
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
    N_("Non-technical survey"),
    [
        *_header("demine_nts"),
        q(
            "date",
            "survey_date",
            N_("Date of the survey"),
            required="yes",
            **NOT_FUTURE,
        ),
        q("text", "hazard_name", N_("Name of the hazardous area")),
        q(
            "select_one hazard_class",
            "hazard_class",
            N_("Classification"),
            required="yes",
        ),
        q("select_multiple contamination", "contamination", N_("Contamination")),
        q("select_one evidence", "evidence", N_("Evidence"), required="yes"),
        q(
            "select_one reliability",
            "reliability",
            N_("Reliability of the information"),
        ),
        q("select_one land_use", "land_use", N_("Land use")),
        q("select_multiple blockage", "blockages", N_("What it blocks")),
        q("integer", "estimated_devices", N_("Estimated devices"), **NOT_NEGATIVE),
        *_beneficiaries("no"),
        q("geoshape", "area", N_("Boundary of the hazardous area"), required="yes"),
        q("geopoint", "benchmark", N_("Benchmark")),
        q("text", "notes", N_("Notes")),
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
    N_("Clearance progress"),
    [
        *_header("demine_clearance"),
        q(
            "text",
            "task_id",
            N_("Task id (the activity in the register)"),
            required="yes",
        ),
        q("text", "hazard_ref", N_("Hazard id (in the register)"), required="yes"),
        q("select_one work_type", "work_type", N_("Work"), required="yes"),
        q("select_one method", "method", N_("Method"), required="yes"),
        q(
            "select_one activity_status",
            "task_status",
            N_("Task status"),
            required="yes",
        ),
        q(
            "date",
            "report_date",
            N_("Date of this report"),
            required="yes",
            **NOT_FUTURE,
        ),
        q("decimal", "team_days", N_("Team-days worked"), **NOT_NEGATIVE),
        q("select_one release_kind", "released_kind", N_("Land released")),
        q(
            "geoshape",
            "released_area",
            N_("Boundary of the land released"),
            relevant="${released_kind} != ''",
            required="yes",
        ),
        q(
            "decimal",
            "depth_cm",
            N_("Clearance depth (cm)"),
            relevant="${released_kind} = 'cleared'",
            required="yes",
            **NOT_NEGATIVE,
        ),
        {"type": "begin_repeat", "name": "items", "label": N_("Items found")},
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
    N_("Explosive ordnance found"),
    [
        *_header("demine_eo_found"),
        q("date", "found_date", N_("Date found"), required="yes", **NOT_FUTURE),
        *_item_questions("depth_cm", "location", required="yes"),
        q("text", "hazard_ref", N_("Hazard id, if in a known hazardous area")),
        q("text", "task_id", N_("Task id, if found during a task")),
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
    N_("Accident and victims"),
    [
        *_header("demine_accident"),
        q("date", "accident_date", N_("Date"), required="yes", **NOT_FUTURE),
        q("select_one accident_type", "accident_type", N_("Type"), required="yes"),
        q("geopoint", "location", N_("Location"), required="yes"),
        q("text", "model", N_("Device model, if known")),
        q("text", "hazard_ref", N_("Hazard id, if in a known hazardous area")),
        q("text", "description", N_("What happened")),
        {"type": "begin_repeat", "name": "victims", "label": N_("Victims")},
        q("select_one sex", "sex", N_("Sex"), required="yes"),
        q(
            "integer",
            "age",
            N_("Age (years)"),
            constraint=". >= 0 and . <= 120",
            constraint_message=N_("0 to 120"),
        ),
        q("select_one outcome", "outcome", N_("Killed or injured"), required="yes"),
        q(
            "select_one victim_status",
            "victim_status",
            N_("Civilian, deminer or military"),
        ),
        q("select_one victim_activity", "victim_activity", N_("Activity at the time")),
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
    N_("EORE session"),
    [
        *_header("demine_eore"),
        q("date", "session_date", N_("Date"), required="yes", **NOT_FUTURE),
        q("select_one eore_method", "eore_method", N_("Method"), required="yes"),
        q("text", "place", N_("Place (register id, code or name)")),
        q("geopoint", "location", N_("Location")),
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
    """Every choice list, from the register's vocabularies, in every language."""
    rows = []
    for list_name, (enum, only) in CHOICES.items():
        for member in enum:
            if only is None or member.value in only:
                row = {"list_name": list_name, "name": member.value}
                for code in LANGUAGES:
                    with use_language(code):
                        row[language_column("label", code)] = label(member)
                rows.append(row)
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
    plain = ["type", "name", "required", "relevant", "constraint", "calculation"]
    texts = [c for c in TRANSLATED if any(c in row for row in spec.survey)]
    columns = plain + [language_column(c, code) for c in texts for code in LANGUAGES]
    survey.append(columns)
    for row in spec.survey:
        cells = [row.get(c, "") for c in plain]
        for c in texts:
            for code in LANGUAGES:
                with use_language(code):
                    cells.append(_(row[c]) if row.get(c) else "")
        survey.append(cells)
    choices = book.create_sheet("choices")
    labels = [language_column("label", code) for code in LANGUAGES]
    choices.append(["list_name", "name", *labels])
    used = _used_lists(spec)
    for row in choice_rows():
        if row["list_name"] in used:
            choices.append([row["list_name"], row["name"], *(row[c] for c in labels)])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    language = current_language()
    settings.append(
        [
            _(spec.title),
            spec.form_id,
            VERSION,
            f"{LANGUAGES[language]} ({language})",
        ]
    )
    book.save(path)
    return path


def write_xlsforms(directory: Path) -> list[Path]:
    """Write every form to ``directory`` as ``<form_id>.xlsx``."""
    directory.mkdir(parents=True, exist_ok=True)
    return [
        write_xlsform(spec, directory / f"{spec.form_id}.xlsx")
        for spec in FORMS.values()
    ]
