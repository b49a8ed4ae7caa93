# SPDX-License-Identifier: GPL-3.0-or-later
"""The vocabularies quality and people pages label with ``label_of``."""

from __future__ import annotations

from enum import StrEnum

from demine.domain import vocab as v

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
