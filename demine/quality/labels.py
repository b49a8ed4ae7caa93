# SPDX-License-Identifier: GPL-3.0-or-later
"""The vocabularies quality and people pages label with ``label_of``."""

from __future__ import annotations

from enum import StrEnum

from demine.domain import vocab as v
from demine.i18n import N_

QUALITY_VOCABULARIES: dict[str, type[StrEnum]] = {
    c.__name__: c
    for c in (
        v.AccreditationStatus,
        v.ActivityType,
        v.AttendanceResult,
        v.InspectionLevel,
        v.InspectionResult,
        v.MonitoringOutcome,
        v.NonConformityStatus,
        v.PersonRole,
        v.Qualification,
        v.RootCause,
        v.Severity,
        v.Sex,
        v.Stringency,
    )
}


#: What each item of the monitoring checklist
#: (:data:`demine.domain.monitoring.CHECKLIST`) asks, as the visit form shows it.
CHECKLIST_TEXTS: dict[str, str] = {
    "marking": N_("The worksite and the hazardous area are marked and fenced"),
    "safety_distance": N_("Safety distances between deminers and to visitors are kept"),
    "ppe": N_("Everyone in the worksite wears the protective equipment required"),
    "medical": N_(
        "A medic, a stocked medical kit and the casualty evacuation plan are ready"
    ),
    "detector_check": N_(
        "Detectors are tested on the test piece before work and after breaks"
    ),
    "lane_procedure": N_("Lanes are worked by the standing operating procedure"),
    "eo_handling": N_(
        "Explosive ordnance found is marked, reported and not moved unsafely"
    ),
    "communications": N_("Communications with the base and the control point work"),
    "supervision": N_("The team leader supervises the work and keeps the daily log"),
    "documentation": N_(
        "Task order, maps and records of the work are at the site and current"
    ),
}
