# SPDX-License-Identifier: GPL-3.0-or-later
"""What each vocabulary value is called for people, in the current language.

The stored values of :mod:`demine.domain.vocab` never change with the
language; their labels are gettext texts with the vocabulary as context
(``pgettext("hazard status", "Open")``), because the same English word can
need different words elsewhere (Russian and Azerbaijani agree adjectives
with the noun they describe). The terms follow ``docs/glossary.md``.

>>> from demine.domain.vocab import HazardStatus
>>> label(HazardStatus.WORKED_ON)
'Worked on'
"""

from __future__ import annotations

from enum import StrEnum

from demine.domain import vocab as v
from demine.i18n import NC_, Text

# Each text is spelled out in an NC_ call, so that Babel extracts it with its
# context.
LABELS: dict[type[StrEnum], dict[StrEnum, Text]] = {
    v.HazardClass: {
        v.HazardClass.SHA: NC_("hazard classification", "SHA"),
        v.HazardClass.CHA: NC_("hazard classification", "CHA"),
    },
    v.HazardStatus: {
        v.HazardStatus.OPEN: NC_("hazard status", "Open"),
        v.HazardStatus.WORKED_ON: NC_("hazard status", "Worked on"),
        v.HazardStatus.SUSPENDED: NC_("hazard status", "Suspended"),
        v.HazardStatus.CLOSED: NC_("hazard status", "Closed"),
    },
    v.ContaminationType: {
        v.ContaminationType.AP_MINE: NC_("contamination", "Anti-personnel mines"),
        v.ContaminationType.AT_MINE: NC_("contamination", "Anti-vehicle mines"),
        v.ContaminationType.UXO: NC_("contamination", "Unexploded ordnance"),
        v.ContaminationType.AXO: NC_("contamination", "Abandoned ordnance"),
        v.ContaminationType.CLUSTER_MUNITION: NC_(
            "contamination", "Cluster munition remnants"
        ),
        v.ContaminationType.IED: NC_("contamination", "Improvised explosive devices"),
        v.ContaminationType.MIXED: NC_("contamination", "Mixed"),
    },
    v.Evidence: {
        v.Evidence.ACCIDENT: NC_("evidence", "Accident"),
        v.Evidence.DEVICE_SEEN: NC_("evidence", "Device seen"),
        v.Evidence.MINEFIELD_RECORD: NC_("evidence", "Minefield record"),
        v.Evidence.INFORMANT: NC_("evidence", "Informant"),
        v.Evidence.MILITARY_POSITION: NC_("evidence", "Military position"),
        v.Evidence.FRONT_LINE: NC_("evidence", "Former front line"),
        v.Evidence.NONE: NC_("evidence", "No evidence"),
    },
    v.Reliability: {
        v.Reliability.HIGH: NC_("reliability", "High"),
        v.Reliability.MEDIUM: NC_("reliability", "Medium"),
        v.Reliability.LOW: NC_("reliability", "Low"),
    },
    v.LandUse: {
        v.LandUse.AGRICULTURE: NC_("land use", "Agriculture"),
        v.LandUse.GRAZING: NC_("land use", "Grazing"),
        v.LandUse.FOREST: NC_("land use", "Forest"),
        v.LandUse.RESIDENTIAL: NC_("land use", "Residential"),
        v.LandUse.INFRASTRUCTURE: NC_("land use", "Infrastructure"),
        v.LandUse.WATER: NC_("land use", "Water"),
        v.LandUse.INDUSTRIAL: NC_("land use", "Industrial"),
        v.LandUse.UNUSED: NC_("land use", "Unused"),
    },
    v.Blockage: {
        v.Blockage.SETTLEMENT: NC_("blockage", "Settlement"),
        v.Blockage.ROAD: NC_("blockage", "Road"),
        v.Blockage.AGRICULTURE: NC_("blockage", "Agricultural land"),
        v.Blockage.INFRASTRUCTURE: NC_("blockage", "Infrastructure"),
        v.Blockage.WATER: NC_("blockage", "Water source"),
        v.Blockage.CULTURAL_SITE: NC_("blockage", "Cultural site"),
    },
    v.ActivityType: {
        v.ActivityType.NTS: NC_("activity type", "Non-technical survey"),
        v.ActivityType.TS: NC_("activity type", "Technical survey"),
        v.ActivityType.CLEARANCE: NC_("activity type", "Clearance"),
        v.ActivityType.BAC: NC_("activity type", "Battle area clearance"),
        v.ActivityType.EOD: NC_("activity type", "EOD spot task"),
        v.ActivityType.QA_QC: NC_("activity type", "QA/QC visit"),
        v.ActivityType.EORE: NC_("activity type", "EORE session"),
    },
    v.ActivityStatus: {
        v.ActivityStatus.PLANNED: NC_("activity status", "Planned"),
        v.ActivityStatus.ONGOING: NC_("activity status", "Ongoing"),
        v.ActivityStatus.SUSPENDED: NC_("activity status", "Suspended"),
        v.ActivityStatus.COMPLETED: NC_("activity status", "Completed"),
    },
    v.Method: {
        v.Method.MANUAL: NC_("method", "Manual"),
        v.Method.MECHANICAL: NC_("method", "Mechanical"),
        v.Method.MDD: NC_("method", "Mine detection dogs"),
        v.Method.DRONE: NC_("method", "Drone"),
        v.Method.MIXED: NC_("method", "Mixed"),
    },
    v.ReleaseKind: {
        v.ReleaseKind.CANCELLED: NC_("release", "Cancelled (NTS)"),
        v.ReleaseKind.REDUCED: NC_("release", "Reduced (TS)"),
        v.ReleaseKind.CLEARED: NC_("release", "Cleared"),
    },
    v.EOCategory: {
        v.EOCategory.AP_MINE: NC_("EO category", "Anti-personnel mine"),
        v.EOCategory.AT_MINE: NC_("EO category", "Anti-vehicle mine"),
        v.EOCategory.UXO: NC_("EO category", "Unexploded ordnance"),
        v.EOCategory.AXO: NC_("EO category", "Abandoned ordnance"),
        v.EOCategory.SUBMUNITION: NC_("EO category", "Submunition"),
        v.EOCategory.IED: NC_("EO category", "Improvised explosive device"),
        v.EOCategory.SAA: NC_("EO category", "Small arms ammunition"),
    },
    v.EOCondition: {
        v.EOCondition.ARMED: NC_("EO condition", "Armed"),
        v.EOCondition.UNARMED: NC_("EO condition", "Unarmed"),
        v.EOCondition.DAMAGED: NC_("EO condition", "Damaged"),
        v.EOCondition.UNKNOWN: NC_("EO condition", "Unknown"),
    },
    v.DisposalMethod: {
        v.DisposalMethod.IN_SITU: NC_("disposal", "Destroyed in situ"),
        v.DisposalMethod.REMOVED_AND_DESTROYED: NC_(
            "disposal", "Removed and destroyed"
        ),
        v.DisposalMethod.RENDER_SAFE: NC_("disposal", "Rendered safe"),
        v.DisposalMethod.HANDED_OVER: NC_("disposal", "Handed over"),
        v.DisposalMethod.NOT_DISPOSED: NC_("disposal", "Not disposed of"),
    },
    v.AccidentType: {
        v.AccidentType.DEMINING: NC_("accident type", "Demining accident"),
        v.AccidentType.NON_DEMINING: NC_("accident type", "Non-demining accident"),
    },
    v.Sex: {
        v.Sex.FEMALE: NC_("sex", "Female"),
        v.Sex.MALE: NC_("sex", "Male"),
        v.Sex.UNKNOWN: NC_("sex", "Unknown"),
    },
    v.Outcome: {
        v.Outcome.KILLED: NC_("outcome", "Killed"),
        v.Outcome.INJURED: NC_("outcome", "Injured"),
    },
    v.VictimStatus: {
        v.VictimStatus.CIVILIAN: NC_("victim status", "Civilian"),
        v.VictimStatus.DEMINER: NC_("victim status", "Deminer"),
        v.VictimStatus.MILITARY: NC_("victim status", "Military"),
    },
    v.VictimActivity: {
        v.VictimActivity.DEMINING: NC_("victim activity", "Demining"),
        v.VictimActivity.AGRICULTURE: NC_("victim activity", "Farming"),
        v.VictimActivity.HERDING: NC_("victim activity", "Herding"),
        v.VictimActivity.GATHERING: NC_(
            "victim activity", "Gathering (wood, food, scrap)"
        ),
        v.VictimActivity.TRAVELLING: NC_("victim activity", "Travelling"),
        v.VictimActivity.TAMPERING: NC_("victim activity", "Handling the device"),
        v.VictimActivity.PLAYING: NC_("victim activity", "Playing"),
        v.VictimActivity.CONSTRUCTION: NC_("victim activity", "Construction"),
        v.VictimActivity.MILITARY: NC_("victim activity", "Military duty"),
        v.VictimActivity.OTHER: NC_("victim activity", "Other"),
        v.VictimActivity.UNKNOWN: NC_("victim activity", "Unknown"),
    },
    v.OrganisationType: {
        v.OrganisationType.NATIONAL_AUTHORITY: NC_(
            "organisation type", "National mine action authority"
        ),
        v.OrganisationType.GOVERNMENT: NC_("organisation type", "Government"),
        v.OrganisationType.MILITARY: NC_("organisation type", "Military"),
        v.OrganisationType.NGO: NC_("organisation type", "NGO"),
        v.OrganisationType.COMMERCIAL: NC_("organisation type", "Commercial company"),
        v.OrganisationType.UN: NC_("organisation type", "United Nations"),
        v.OrganisationType.DONOR: NC_("organisation type", "Donor"),
    },
    v.AccreditationStatus: {
        v.AccreditationStatus.ACCREDITED: NC_("accreditation", "Accredited"),
        v.AccreditationStatus.PROVISIONAL: NC_("accreditation", "Provisional"),
        v.AccreditationStatus.SUSPENDED: NC_("accreditation", "Suspended"),
        v.AccreditationStatus.EXPIRED: NC_("accreditation", "Expired"),
        v.AccreditationStatus.NONE: NC_("accreditation", "Not accredited"),
    },
    v.PlaceType: {
        v.PlaceType.COUNTRY: NC_("place type", "Country"),
        v.PlaceType.ADMIN1: NC_("place type", "Region"),
        v.PlaceType.ADMIN2: NC_("place type", "District"),
        v.PlaceType.SETTLEMENT: NC_("place type", "Settlement"),
    },
    v.EOREMethod: {
        v.EOREMethod.FACE_TO_FACE: NC_("EORE method", "Face to face"),
        v.EOREMethod.SCHOOL: NC_("EORE method", "School"),
        v.EOREMethod.MASS_MEDIA: NC_("EORE method", "Mass media"),
        v.EOREMethod.DIGITAL: NC_("EORE method", "Digital"),
        v.EOREMethod.PRINTED: NC_("EORE method", "Printed material"),
    },
    v.QMKind: {
        v.QMKind.QA_VISIT: NC_("QM kind", "QA visit"),
        v.QMKind.QC_INSPECTION: NC_("QM kind", "QC inspection"),
        v.QMKind.POST_CLEARANCE: NC_("QM kind", "Post-clearance inspection"),
    },
    v.Severity: {
        v.Severity.NONE: NC_("severity", "No non-conformity"),
        v.Severity.MINOR: NC_("severity", "Minor"),
        v.Severity.MAJOR: NC_("severity", "Major"),
        v.Severity.CRITICAL: NC_("severity", "Critical"),
    },
    v.FundingKind: {
        v.FundingKind.PLEDGE: NC_("funding", "Pledge"),
        v.FundingKind.DISBURSEMENT: NC_("funding", "Disbursement"),
        v.FundingKind.EXPENDITURE: NC_("funding", "Expenditure"),
    },
    v.ReferenceKind: {
        v.ReferenceKind.ROAD: NC_("reference layer", "Roads"),
        v.ReferenceKind.POWER_LINE: NC_("reference layer", "Power lines"),
        v.ReferenceKind.INFRASTRUCTURE_PROJECT: NC_(
            "reference layer", "Infrastructure projects"
        ),
        v.ReferenceKind.CULTURAL_HERITAGE: NC_(
            "reference layer", "Cultural heritage sites"
        ),
        v.ReferenceKind.PROTECTED_AREA: NC_("reference layer", "Protected areas"),
        v.ReferenceKind.FOREST: NC_("reference layer", "Forests"),
        v.ReferenceKind.WATER: NC_("reference layer", "Water"),
        v.ReferenceKind.FRONT_LINE: NC_("reference layer", "Former front lines"),
    },
    v.ReviewState: {
        v.ReviewState.DRAFT: NC_("review state", "Draft"),
        v.ReviewState.SUBMITTED: NC_("review state", "Submitted"),
        v.ReviewState.APPROVED: NC_("review state", "Approved"),
        v.ReviewState.REJECTED: NC_("review state", "Rejected"),
    },
    v.Role: {
        v.Role.VIEWER: NC_("role", "Viewer"),
        v.Role.CLERK: NC_("role", "Clerk"),
        v.Role.REVIEWER: NC_("role", "Reviewer"),
        v.Role.ADMIN: NC_("role", "Administrator"),
    },
    v.InspectionLevel: {
        v.InspectionLevel.I: NC_("inspection level", "I (general)"),
        v.InspectionLevel.II: NC_("inspection level", "II (general, usual)"),
        v.InspectionLevel.III: NC_("inspection level", "III (general)"),
        v.InspectionLevel.S_1: NC_("inspection level", "S-1 (special)"),
        v.InspectionLevel.S_2: NC_("inspection level", "S-2 (special)"),
        v.InspectionLevel.S_3: NC_("inspection level", "S-3 (special)"),
        v.InspectionLevel.S_4: NC_("inspection level", "S-4 (special)"),
    },
    v.Stringency: {
        v.Stringency.NORMAL: NC_("inspection stringency", "Normal"),
        v.Stringency.TIGHTENED: NC_("inspection stringency", "Tightened"),
        v.Stringency.REDUCED: NC_("inspection stringency", "Reduced"),
        v.Stringency.DISCONTINUED: NC_("inspection stringency", "Discontinued"),
    },
    v.SampleShape: {
        v.SampleShape.BOX: NC_("sampling unit", "Boxes"),
        v.SampleShape.LANE: NC_("sampling unit", "Lanes"),
    },
    v.InspectionResult: {
        v.InspectionResult.PLANNED: NC_("inspection result", "Planned"),
        v.InspectionResult.ACCEPTED: NC_("inspection result", "Accepted"),
        v.InspectionResult.REJECTED: NC_("inspection result", "Rejected"),
    },
    v.NonConformityStatus: {
        v.NonConformityStatus.OPEN: NC_("non-conformity status", "Open"),
        v.NonConformityStatus.ACTION: NC_("non-conformity status", "Action taken"),
        v.NonConformityStatus.CLOSED: NC_("non-conformity status", "Closed"),
    },
    v.RootCause: {
        v.RootCause.PROCEDURE: NC_("root cause", "Procedure"),
        v.RootCause.TRAINING: NC_("root cause", "Training"),
        v.RootCause.SUPERVISION: NC_("root cause", "Supervision"),
        v.RootCause.EQUIPMENT: NC_("root cause", "Equipment"),
        v.RootCause.DETECTION: NC_("root cause", "Detection"),
        v.RootCause.SITE_CONDITIONS: NC_("root cause", "Site conditions"),
        v.RootCause.DOCUMENTATION: NC_("root cause", "Documentation"),
        v.RootCause.OTHER: NC_("root cause", "Other"),
    },
    v.MonitoringOutcome: {
        v.MonitoringOutcome.SATISFACTORY: NC_("monitoring outcome", "Satisfactory"),
        v.MonitoringOutcome.IMPROVEMENT_NEEDED: NC_(
            "monitoring outcome", "Improvement needed"
        ),
        v.MonitoringOutcome.UNSATISFACTORY: NC_("monitoring outcome", "Unsatisfactory"),
    },
    v.PersonRole: {
        v.PersonRole.DEMINER: NC_("staff role", "Deminer"),
        v.PersonRole.TEAM_LEADER: NC_("staff role", "Team leader"),
        v.PersonRole.MEDIC: NC_("staff role", "Medic"),
        v.PersonRole.EOD_OPERATOR: NC_("staff role", "EOD operator"),
        v.PersonRole.MDD_HANDLER: NC_("staff role", "MDD handler"),
        v.PersonRole.MACHINE_OPERATOR: NC_("staff role", "Machine operator"),
        v.PersonRole.SURVEYOR: NC_("staff role", "Surveyor"),
        v.PersonRole.QA_INSPECTOR: NC_("staff role", "QA inspector"),
    },
    v.Qualification: {
        v.Qualification.NTS: NC_("qualification", "Non-technical survey"),
        v.Qualification.MANUAL_CLEARANCE: NC_("qualification", "Manual clearance"),
        v.Qualification.EOD_1: NC_("qualification", "EOD level 1"),
        v.Qualification.EOD_2: NC_("qualification", "EOD level 2"),
        v.Qualification.EOD_3: NC_("qualification", "EOD level 3"),
        v.Qualification.MEDIC: NC_("qualification", "Medic"),
        v.Qualification.QA_INSPECTOR: NC_("qualification", "QA inspector"),
        v.Qualification.MDD_HANDLER: NC_("qualification", "MDD handler"),
        v.Qualification.MACHINE_OPERATOR: NC_("qualification", "Machine operator"),
        v.Qualification.TEAM_LEADER: NC_("qualification", "Team leader"),
    },
    v.AttendanceResult: {
        v.AttendanceResult.PASSED: NC_("training result", "Passed"),
        v.AttendanceResult.FAILED: NC_("training result", "Failed"),
        v.AttendanceResult.ABSENT: NC_("training result", "Absent"),
    },
}

#: Vocabularies by the name of the field that usually holds them.
BY_NAME: dict[str, type[StrEnum]] = {
    "hazard_class": v.HazardClass,
    "contamination": v.ContaminationType,
    "evidence": v.Evidence,
    "reliability": v.Reliability,
    "land_use": v.LandUse,
    "activity_type": v.ActivityType,
    "method": v.Method,
    "kind": v.ReleaseKind,
    "category": v.EOCategory,
    "condition": v.EOCondition,
    "disposal": v.DisposalMethod,
    "accident_type": v.AccidentType,
    "sex": v.Sex,
    "outcome": v.Outcome,
    "activity": v.VictimActivity,
    "org_type": v.OrganisationType,
    "accreditation": v.AccreditationStatus,
    "place_type": v.PlaceType,
    "eore_method": v.EOREMethod,
    "qm_kind": v.QMKind,
    "severity": v.Severity,
    "funding_kind": v.FundingKind,
    "review_state": v.ReviewState,
    "role": v.Role,
    "stringency": v.Stringency,
    "level": v.InspectionLevel,
    "result": v.InspectionResult,
    "root_cause": v.RootCause,
    "outcome_of_visit": v.MonitoringOutcome,
    "qualification": v.Qualification,
}


def label(value: StrEnum) -> str:
    """The label of a vocabulary value, in the current language."""
    return str(LABELS[type(value)][value])


def label_of(vocabulary: type[StrEnum], value: object) -> str:
    """The label of a stored value of ``vocabulary``; unknown values as they are."""
    try:
        member = vocabulary(str(value))
    except ValueError:
        return "" if value is None else str(value)
    return label(member)


def choices(vocabulary: type[StrEnum]) -> list[tuple[str, str]]:
    """``(value, label)`` of every value, in the vocabulary's order."""
    return [(member.value, label(member)) for member in vocabulary]


#: What each kind of record is called, one and many.
KINDS: dict[str, tuple[Text, Text]] = {
    "organisation": (
        NC_("record kind", "Organisation"),
        NC_("record kinds", "Organisations"),
    ),
    "place": (NC_("record kind", "Place"), NC_("record kinds", "Places")),
    "team": (NC_("record kind", "Team"), NC_("record kinds", "Teams")),
    "eo_model": (
        NC_("record kind", "EO model"),
        NC_("record kinds", "EO catalogue"),
    ),
    "hazard": (
        NC_("record kind", "Hazardous area"),
        NC_("record kinds", "Hazardous areas"),
    ),
    "activity": (NC_("record kind", "Activity"), NC_("record kinds", "Activities")),
    "release": (
        NC_("record kind", "Release product"),
        NC_("record kinds", "Release products"),
    ),
    "eo_item": (NC_("record kind", "EO find"), NC_("record kinds", "EO finds")),
    "accident": (NC_("record kind", "Accident"), NC_("record kinds", "Accidents")),
    "victim": (NC_("record kind", "Victim"), NC_("record kinds", "Victims")),
    "eore_session": (
        NC_("record kind", "EORE session"),
        NC_("record kinds", "EORE sessions"),
    ),
    "qm_finding": (
        NC_("record kind", "QM finding"),
        NC_("record kinds", "QM findings"),
    ),
    "inspection": (
        NC_("record kind", "Inspection"),
        NC_("record kinds", "Inspections"),
    ),
    "sample_unit": (
        NC_("record kind", "Sampling unit"),
        NC_("record kinds", "Sampling units"),
    ),
    "non_conformity": (
        NC_("record kind", "Non-conformity"),
        NC_("record kinds", "Non-conformities"),
    ),
    "monitoring_visit": (
        NC_("record kind", "Monitoring visit"),
        NC_("record kinds", "Monitoring visits"),
    ),
    "accreditation": (
        NC_("record kind", "Accreditation"),
        NC_("record kinds", "Accreditations"),
    ),
    "accreditation_suspension": (
        NC_("record kind", "Accreditation suspension"),
        NC_("record kinds", "Accreditation suspensions"),
    ),
    "course": (NC_("record kind", "Course"), NC_("record kinds", "Courses")),
    "training_session": (
        NC_("record kind", "Training session"),
        NC_("record kinds", "Training sessions"),
    ),
    "person": (NC_("record kind", "Person"), NC_("record kinds", "Staff")),
    "attendance": (
        NC_("record kind", "Training result"),
        NC_("record kinds", "Training results"),
    ),
    "certificate": (
        NC_("record kind", "Certificate"),
        NC_("record kinds", "Certificates"),
    ),
    "funding": (
        NC_("record kind", "Funding record"),
        NC_("record kinds", "Funding"),
    ),
    "reference_feature": (
        NC_("record kind", "Reference feature"),
        NC_("record kinds", "Reference layers"),
    ),
}


def kind_label(kind: str, plural: bool = False) -> str:
    """What a kind of record is called (``hazard``: "Hazardous area")."""
    names = KINDS.get(kind)
    return str(names[1 if plural else 0]) if names else kind
