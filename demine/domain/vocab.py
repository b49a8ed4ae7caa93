# SPDX-License-Identifier: GPL-3.0-or-later
"""Controlled vocabularies of the register (IMAS 04.10, 07.11, 08.10, 09.10, 10.60).

Every enum value is the text stored in the database and shown in exports, so
values are stable lower-case words; labels for people live in the UI catalogue.
"""

from __future__ import annotations

from enum import StrEnum


class HazardClass(StrEnum):
    """IMAS 04.10: suspected (indirect evidence) or confirmed (direct evidence)."""

    SHA = "sha"
    CHA = "cha"


class HazardStatus(StrEnum):
    """IMAS 07.11 life cycle of a hazardous area."""

    OPEN = "open"
    WORKED_ON = "worked_on"
    SUSPENDED = "suspended"
    CLOSED = "closed"


class ContaminationType(StrEnum):
    AP_MINE = "ap_mine"
    AT_MINE = "at_mine"
    UXO = "uxo"
    AXO = "axo"
    CLUSTER_MUNITION = "cluster_munition"
    IED = "ied"
    MIXED = "mixed"


class Evidence(StrEnum):
    """What the classification rests on (IMAS 07.11 evidence of contamination)."""

    ACCIDENT = "accident"
    DEVICE_SEEN = "device_seen"
    MINEFIELD_RECORD = "minefield_record"
    INFORMANT = "informant"
    MILITARY_POSITION = "military_position"
    FRONT_LINE = "front_line"
    NONE = "none"


class Reliability(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class LandUse(StrEnum):
    AGRICULTURE = "agriculture"
    GRAZING = "grazing"
    FOREST = "forest"
    RESIDENTIAL = "residential"
    INFRASTRUCTURE = "infrastructure"
    WATER = "water"
    INDUSTRIAL = "industrial"
    UNUSED = "unused"


class Blockage(StrEnum):
    """What a hazard blocks: drives prioritisation."""

    SETTLEMENT = "settlement"
    ROAD = "road"
    AGRICULTURE = "agriculture"
    INFRASTRUCTURE = "infrastructure"
    WATER = "water"
    CULTURAL_SITE = "cultural_site"


class ActivityType(StrEnum):
    NTS = "nts"
    TS = "ts"
    CLEARANCE = "clearance"
    BAC = "bac"
    EOD = "eod"
    QA_QC = "qa_qc"
    EORE = "eore"


class ActivityStatus(StrEnum):
    PLANNED = "planned"
    ONGOING = "ongoing"
    SUSPENDED = "suspended"
    COMPLETED = "completed"


class Method(StrEnum):
    """Demining asset used by a team or an activity."""

    MANUAL = "manual"
    MECHANICAL = "mechanical"
    MDD = "mdd"
    DRONE = "drone"
    MIXED = "mixed"


class ReleaseKind(StrEnum):
    """IMAS 07.11 land release outcomes."""

    CANCELLED = "cancelled"
    REDUCED = "reduced"
    CLEARED = "cleared"


class EOCategory(StrEnum):
    AP_MINE = "ap_mine"
    AT_MINE = "at_mine"
    UXO = "uxo"
    AXO = "axo"
    SUBMUNITION = "submunition"
    IED = "ied"
    SAA = "saa"


class EOCondition(StrEnum):
    ARMED = "armed"
    UNARMED = "unarmed"
    DAMAGED = "damaged"
    UNKNOWN = "unknown"


class DisposalMethod(StrEnum):
    IN_SITU = "in_situ"
    REMOVED_AND_DESTROYED = "removed_and_destroyed"
    RENDER_SAFE = "render_safe"
    HANDED_OVER = "handed_over"
    NOT_DISPOSED = "not_disposed"


class AccidentType(StrEnum):
    DEMINING = "demining"
    NON_DEMINING = "non_demining"


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    UNKNOWN = "unknown"


class Outcome(StrEnum):
    KILLED = "killed"
    INJURED = "injured"


class VictimStatus(StrEnum):
    CIVILIAN = "civilian"
    DEMINER = "deminer"
    MILITARY = "military"


class VictimActivity(StrEnum):
    """What the victim was doing (GICHD MDR activity at the time of accident)."""

    DEMINING = "demining"
    AGRICULTURE = "agriculture"
    HERDING = "herding"
    GATHERING = "gathering"
    TRAVELLING = "travelling"
    TAMPERING = "tampering"
    PLAYING = "playing"
    CONSTRUCTION = "construction"
    MILITARY = "military"
    OTHER = "other"
    UNKNOWN = "unknown"


class OrganisationType(StrEnum):
    NATIONAL_AUTHORITY = "national_authority"
    GOVERNMENT = "government"
    MILITARY = "military"
    NGO = "ngo"
    COMMERCIAL = "commercial"
    UN = "un"
    DONOR = "donor"


class AccreditationStatus(StrEnum):
    ACCREDITED = "accredited"
    PROVISIONAL = "provisional"
    SUSPENDED = "suspended"
    EXPIRED = "expired"
    NONE = "none"


class PlaceType(StrEnum):
    COUNTRY = "country"
    ADMIN1 = "admin1"
    ADMIN2 = "admin2"
    SETTLEMENT = "settlement"


class EOREMethod(StrEnum):
    FACE_TO_FACE = "face_to_face"
    SCHOOL = "school"
    MASS_MEDIA = "mass_media"
    DIGITAL = "digital"
    PRINTED = "printed"


class QMKind(StrEnum):
    QA_VISIT = "qa_visit"
    QC_INSPECTION = "qc_inspection"
    POST_CLEARANCE = "post_clearance"


class Severity(StrEnum):
    """Non-conformity severity (IMAS 07.12)."""

    NONE = "none"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"


class FundingKind(StrEnum):
    PLEDGE = "pledge"
    DISBURSEMENT = "disbursement"
    EXPENDITURE = "expenditure"


class ReferenceKind(StrEnum):
    ROAD = "road"
    POWER_LINE = "power_line"
    INFRASTRUCTURE_PROJECT = "infrastructure_project"
    CULTURAL_HERITAGE = "cultural_heritage"
    PROTECTED_AREA = "protected_area"
    FOREST = "forest"
    WATER = "water"
    FRONT_LINE = "front_line"


class ReviewState(StrEnum):
    """Whether a record counts in the national figures yet."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    #: Taken back by its source: a count lowered, a record missing from a new
    #: edition. Kept (with its audit trail) so it can be reinstated.
    WITHDRAWN = "withdrawn"


class Role(StrEnum):
    """What a user of the web application and API may do, least to most."""

    VIEWER = "viewer"
    CLERK = "clerk"
    REVIEWER = "reviewer"
    ADMIN = "admin"
    # Victim assistance officers (IMAS 13.10): read the register as viewers
    # do, and are the only ones who see survivors (docs/assistance.md says
    # why not even administrators).
    ASSISTANCE = "assistance"


class NeedKind(StrEnum):
    """What a survivor needs (IMAS 13.10 pillars of victim assistance)."""

    MEDICAL = "medical"
    REHABILITATION = "rehabilitation"
    PSYCHOSOCIAL = "psychosocial"
    ECONOMIC_INCLUSION = "economic_inclusion"
    EDUCATION = "education"


class AssistanceStep(StrEnum):
    """One step of assistance to a survivor: referred, served, followed up."""

    REFERRAL = "referral"
    SERVICE = "service"
    FOLLOW_UP = "follow_up"


# --- quality management and people (IMAS 07.30, 07.40, 09.20) ---------------


class InspectionLevel(StrEnum):
    """ISO 2859-1 inspection level: general I–III, special S-1 to S-4."""

    I = "i"  # noqa: E741
    II = "ii"
    III = "iii"
    S_1 = "s_1"
    S_2 = "s_2"
    S_3 = "s_3"
    S_4 = "s_4"


class Stringency(StrEnum):
    """ISO 2859-1 severity of inspection, switched by the team's record."""

    NORMAL = "normal"
    TIGHTENED = "tightened"
    REDUCED = "reduced"
    DISCONTINUED = "discontinued"


class SampleShape(StrEnum):
    """How sampling units are drawn on the ground: square boxes or lanes."""

    BOX = "box"
    LANE = "lane"


class InspectionResult(StrEnum):
    """Where a post-clearance inspection of a lot stands."""

    PLANNED = "planned"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class NonConformityStatus(StrEnum):
    """Life of a non-conformity: raised, corrective action under way, closed."""

    OPEN = "open"
    ACTION = "action"
    CLOSED = "closed"


class RootCause(StrEnum):
    """Kinds of root cause of a non-conformity (IMAS 07.12)."""

    PROCEDURE = "procedure"
    TRAINING = "training"
    SUPERVISION = "supervision"
    EQUIPMENT = "equipment"
    DETECTION = "detection"
    SITE_CONDITIONS = "site_conditions"
    DOCUMENTATION = "documentation"
    OTHER = "other"


class MonitoringOutcome(StrEnum):
    """Verdict of a monitoring visit, from its checklist score."""

    SATISFACTORY = "satisfactory"
    IMPROVEMENT_NEEDED = "improvement_needed"
    UNSATISFACTORY = "unsatisfactory"


class PersonRole(StrEnum):
    """What a member of a team does."""

    DEMINER = "deminer"
    TEAM_LEADER = "team_leader"
    MEDIC = "medic"
    EOD_OPERATOR = "eod_operator"
    MDD_HANDLER = "mdd_handler"
    MACHINE_OPERATOR = "machine_operator"
    SURVEYOR = "surveyor"
    QA_INSPECTOR = "qa_inspector"


class Qualification(StrEnum):
    """What a course qualifies its graduates for (the certificate's subject)."""

    NTS = "nts"
    MANUAL_CLEARANCE = "manual_clearance"
    EOD_1 = "eod_1"
    EOD_2 = "eod_2"
    EOD_3 = "eod_3"
    MEDIC = "medic"
    QA_INSPECTOR = "qa_inspector"
    MDD_HANDLER = "mdd_handler"
    MACHINE_OPERATOR = "machine_operator"
    TEAM_LEADER = "team_leader"


class AttendanceResult(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    ABSENT = "absent"
