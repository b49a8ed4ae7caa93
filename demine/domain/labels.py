# SPDX-License-Identifier: GPL-3.0-or-later
"""What each vocabulary value is called for people, in the current language.

The names of the kinds of record live in :mod:`demine.i18n.kinds` (errors,
beneath the domain, name records too) and are re-exported here.

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
from demine.domain.findings import Rule
from demine.i18n import NC_, Text
from demine.i18n.kinds import KIND_WORDS, KINDS, kind_label, kind_word

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
        v.Role.ASSISTANCE: NC_("role", "Victim assistance"),
    },
    v.NeedKind: {
        v.NeedKind.MEDICAL: NC_("survivor need", "Medical care"),
        v.NeedKind.REHABILITATION: NC_("survivor need", "Rehabilitation"),
        v.NeedKind.PSYCHOSOCIAL: NC_(
            "survivor need", "Psychological and social support"
        ),
        v.NeedKind.ECONOMIC_INCLUSION: NC_("survivor need", "Economic inclusion"),
        v.NeedKind.EDUCATION: NC_("survivor need", "Education"),
    },
    v.AssistanceStep: {
        v.AssistanceStep.REFERRAL: NC_("assistance step", "Referred to"),
        v.AssistanceStep.SERVICE: NC_("assistance step", "Service from"),
        v.AssistanceStep.FOLLOW_UP: NC_("assistance step", "Follow-up"),
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


#: What each field of the register is called on a record's page.
FIELDS: dict[str, Text] = {
    "id": NC_("field", "Number"),
    "external_id": NC_("field", "External id"),
    "uid": NC_("field", "Register-wide id"),
    "created_at": NC_("field", "Created"),
    "updated_at": NC_("field", "Last changed"),
    "version": NC_("field", "Version"),
    "review_state": NC_("field", "Review state"),
    "reported_by_id": NC_("field", "Reported by (organisation)"),
    "name": NC_("field", "Name"),
    "hazard_class": NC_("field", "Classification"),
    "status": NC_("field", "Status"),
    "contamination": NC_("field", "Contamination"),
    "evidence": NC_("field", "Evidence"),
    "reliability": NC_("field", "Reliability of the information"),
    "land_use": NC_("field", "Land use"),
    "blockages": NC_("field", "What it blocks"),
    "estimated_devices": NC_("field", "Estimated devices"),
    "women": NC_("field", "Women"),
    "men": NC_("field", "Men"),
    "girls": NC_("field", "Girls"),
    "boys": NC_("field", "Boys"),
    "admin_area_id": NC_("field", "Admin area"),
    "settlement_id": NC_("field", "Settlement"),
    "recorded_on": NC_("field", "Recorded on"),
    "closed_on": NC_("field", "Closed on"),
    "reported_area_m2": NC_("field", "Reported area (m²)"),
    "area_m2": NC_("field", "Area (m²)"),
    "cancelled_m2": NC_("field", "Cancelled (m²)"),
    "reduced_m2": NC_("field", "Reduced (m²)"),
    "cleared_m2": NC_("field", "Cleared (m²)"),
    "remaining_m2": NC_("field", "Remaining (m²)"),
    "notes": NC_("field", "Notes"),
    "geom": NC_("field", "Geometry"),
    "benchmark": NC_("field", "Benchmark"),
    "activity_type": NC_("field", "Activity type"),
    "method": NC_("field", "Method"),
    "organisation_id": NC_("field", "Organisation"),
    "team_id": NC_("field", "Team"),
    "hazard_id": NC_("field", "Hazardous area"),
    "start_date": NC_("field", "Start date"),
    "end_date": NC_("field", "End date"),
    "team_days": NC_("field", "Team-days"),
    "cost_usd": NC_("field", "Cost (USD)"),
    "activity_id": NC_("field", "Activity"),
    "kind": NC_("field", "Kind"),
    "released_on": NC_("field", "Released on"),
    "depth_cm": NC_("field", "Depth (cm)"),
    "effective_m2": NC_("field", "Counted in the ledger (m²)"),
    "outside_m2": NC_("field", "Outside its hazard (m²)"),
    "double_m2": NC_("field", "Released twice (m²)"),
    "eo_model_id": NC_("field", "EO model"),
    "category": NC_("field", "Category"),
    "quantity": NC_("field", "Quantity"),
    "found_on": NC_("field", "Found on"),
    "condition": NC_("field", "Condition"),
    "disposal": NC_("field", "Disposal"),
    "accident_type": NC_("field", "Accident type"),
    "occurred_on": NC_("field", "Date of the accident"),
    "description": NC_("field", "Description"),
    "accident_id": NC_("field", "Accident"),
    "sex": NC_("field", "Sex"),
    "age": NC_("field", "Age (years)"),
    "outcome": NC_("field", "Killed or injured"),
    "activity": NC_("field", "Activity at the time"),
    "acronym": NC_("field", "Acronym"),
    "org_type": NC_("field", "Type of organisation"),
    "country": NC_("field", "Country"),
    "accreditation": NC_("field", "Accreditation"),
    "accredited_until": NC_("field", "Accredited until"),
    "size": NC_("field", "Team size"),
    "productivity_m2_day": NC_("field", "Productivity (m² per day)"),
    "cost_per_day_usd": NC_("field", "Cost per day (USD)"),
    "active": NC_("field", "Active"),
    "base": NC_("field", "Base"),
    "place_type": NC_("field", "Type of place"),
    "code": NC_("field", "Code"),
    "parent_id": NC_("field", "Part of"),
    "population": NC_("field", "Population"),
    "displaced_population": NC_("field", "Displaced population"),
    "planned_return_on": NC_("field", "Planned return"),
    "location": NC_("field", "Location"),
    "boundary": NC_("field", "Boundary"),
    "place_id": NC_("field", "Place"),
    "held_on": NC_("field", "Held on"),
    "inspected_on": NC_("field", "Inspected on"),
    "severity": NC_("field", "Severity"),
    "non_conformity": NC_("field", "Non-conformity"),
    "corrective_action": NC_("field", "Corrective action"),
    "donor_id": NC_("field", "Donor"),
    "recipient_id": NC_("field", "Recipient"),
    "project": NC_("field", "Project"),
    "dated_on": NC_("field", "Dated"),
    "amount": NC_("field", "Amount"),
    "currency": NC_("field", "Currency"),
    "amount_usd": NC_("field", "Amount (USD)"),
}
# Fields whose vocabulary depends on the kind of record.
_BY_KIND: dict[tuple[str, str], type[StrEnum]] = {
    ("hazard", "status"): v.HazardStatus,
    ("activity", "status"): v.ActivityStatus,
    ("victim", "status"): v.VictimStatus,
    ("qm_finding", "kind"): v.QMKind,
    ("funding", "kind"): v.FundingKind,
    ("eore_session", "method"): v.EOREMethod,
    ("hazard", "blockages"): v.Blockage,
}
#: What the audit trail calls each action.
ACTIONS: dict[str, Text] = {
    "create": NC_("audit action", "created"),
    "update": NC_("audit action", "changed"),
    "submit": NC_("audit action", "submitted"),
    "approve": NC_("audit action", "approved"),
    "reject": NC_("audit action", "rejected"),
    "import": NC_("audit action", "imported"),
    "import-update": NC_("audit action", "updated by an import"),
    "sync": NC_("audit action", "received from another register"),
    "sync-resolve": NC_("audit action", "sync conflict resolved"),
}


def field_label(field: str) -> str:
    """What a field is called (``hazard_class``: "Classification")."""
    text = FIELDS.get(field)
    return str(text) if text is not None else field


def field_value(kind: str, field: str, value: object) -> object:
    """A stored value as a person reads it: vocabulary labels, lists joined."""
    vocabulary = _BY_KIND.get((kind, field)) or BY_NAME.get(field)
    if vocabulary is None or value is None:
        return value
    if isinstance(value, list | tuple):
        return ", ".join(label_of(vocabulary, item) for item in value)
    return label_of(vocabulary, value)


def action_label(action: str) -> str:
    """What the audit trail calls an action."""
    text = ACTIONS.get(action)
    return str(text) if text is not None else action


# Statuses and release outcomes as a sentence names them ("from open to
# worked on", "cannot record cleared land").
_SENTENCE: dict[StrEnum, Text] = {
    v.HazardStatus.OPEN: NC_("hazard status, in a sentence", "open"),
    v.HazardStatus.WORKED_ON: NC_("hazard status, in a sentence", "worked on"),
    v.HazardStatus.SUSPENDED: NC_("hazard status, in a sentence", "suspended"),
    v.HazardStatus.CLOSED: NC_("hazard status, in a sentence", "closed"),
    v.ReleaseKind.CANCELLED: NC_("release, in a sentence", "cancelled"),
    v.ReleaseKind.REDUCED: NC_("release, in a sentence", "reduced"),
    v.ReleaseKind.CLEARED: NC_("release, in a sentence", "cleared"),
}


def in_sentence(value: StrEnum) -> str:
    """A status or release outcome as a sentence names it (lower case)."""
    word = _SENTENCE.get(value)
    return str(word) if word is not None else label(value)


#: What each validation rule is called.
RULES: dict[str, Text] = {
    Rule.INVALID_GEOMETRY: NC_("validation rule", "Invalid geometry"),
    Rule.EMPTY_GEOMETRY: NC_("validation rule", "Empty geometry"),
    Rule.TOO_FEW_VERTICES: NC_("validation rule", "Too few vertices"),
    Rule.DUPLICATE_GEOMETRY: NC_("validation rule", "Duplicate geometry"),
    Rule.DUPLICATE_VERTEX: NC_("validation rule", "Repeated vertex"),
    Rule.LONG_SEGMENT: NC_("validation rule", "Long segment"),
    Rule.OVERLAP: NC_("validation rule", "Overlap"),
    Rule.OUTSIDE_EXTENT: NC_("validation rule", "Outside the country"),
    Rule.SWAPPED_COORDINATES: NC_("validation rule", "Swapped coordinates"),
    Rule.OVERSIZED: NC_("validation rule", "Implausibly large"),
    Rule.SLIVER: NC_("validation rule", "Sliver"),
    Rule.WRONG_GEOMETRY_TYPE: NC_("validation rule", "Wrong geometry type"),
    Rule.RELEASE_OUTSIDE_HAZARD: NC_("validation rule", "Release outside its hazard"),
    Rule.DOUBLE_RELEASE: NC_("validation rule", "Released twice"),
    Rule.AREA_MISMATCH: NC_("validation rule", "Area mismatch"),
    Rule.STATUS_MISMATCH: NC_("validation rule", "Status mismatch"),
}


def rule_label(rule: str) -> str:
    """What a validation rule is called (``double_release``: "Released twice")."""
    text = RULES.get(rule)
    return str(text) if text is not None else rule


__all__ = [
    "KINDS",
    "KIND_WORDS",
    "action_label",
    "choices",
    "field_label",
    "field_value",
    "in_sentence",
    "kind_label",
    "kind_word",
    "label",
    "label_of",
    "rule_label",
]
