# SPDX-License-Identifier: GPL-3.0-or-later
"""The register's tables: one schema for SQLite and PostgreSQL/PostGIS."""

from demine.store.schema.access import (
    ApiToken,
    AuditEvent,
    Job,
    LoginAttempt,
    PublicLayer,
    StoredChunk,
    User,
    UserSession,
)
from demine.store.schema.actors import Organisation, Place, Team
from demine.store.schema.assistance import AssistanceEvent, Survivor, SurvivorNeed
from demine.store.schema.attachments import Attachment
from demine.store.schema.base import Base
from demine.store.schema.casualty import Accident, Victim
from demine.store.schema.forecast import ForecastScenario
from demine.store.schema.handover import Handover
from demine.store.schema.land import Activity, Hazard, Release
from demine.store.schema.ordnance import EOItem, EOModel
from demine.store.schema.overview import MapOverviewCell, MapOverviewState
from demine.store.schema.people import (
    Accreditation,
    AccreditationSuspension,
    Attendance,
    Certificate,
    Course,
    Person,
    TrainingSession,
)
from demine.store.schema.programme import EORESession, Funding, QMFinding
from demine.store.schema.public import PublicMessage, PublicServiceLayer
from demine.store.schema.quality import (
    Inspection,
    MonitoringVisit,
    NonConformity,
    SampleUnit,
)
from demine.store.schema.reference import GeometryRepair, ReferenceFeature
from demine.store.schema.risk import HazardRisk, RiskCell
from demine.store.schema.sync import SyncConflict, SyncPeer, SyncRecord

# Register tables with parents before children, so foreign keys hold at every
# insert of a bulk load (and generators produce them in this order).
LOAD_ORDER: tuple[str, ...] = (
    "organisation",
    "place",
    "team",
    "eo_model",
    "hazard",
    "activity",
    "release",
    "eo_item",
    "accident",
    "victim",
    "eore_session",
    "qm_finding",
    "funding",
    "reference_feature",
    "accreditation",
    "accreditation_suspension",
    "person",
    "course",
    "training_session",
    "attendance",
    "certificate",
    "inspection",
    "sample_unit",
    "monitoring_visit",
    "non_conformity",
)

__all__ = [
    "LOAD_ORDER",
    "Accident",
    "Accreditation",
    "AccreditationSuspension",
    "Activity",
    "ApiToken",
    "AssistanceEvent",
    "Attachment",
    "Attendance",
    "AuditEvent",
    "Base",
    "Certificate",
    "Course",
    "EOItem",
    "EOModel",
    "EORESession",
    "ForecastScenario",
    "Funding",
    "GeometryRepair",
    "Handover",
    "Hazard",
    "HazardRisk",
    "Inspection",
    "Job",
    "LoginAttempt",
    "MapOverviewCell",
    "MapOverviewState",
    "MonitoringVisit",
    "NonConformity",
    "Organisation",
    "Person",
    "Place",
    "PublicLayer",
    "PublicMessage",
    "PublicServiceLayer",
    "QMFinding",
    "ReferenceFeature",
    "Release",
    "RiskCell",
    "SampleUnit",
    "StoredChunk",
    "Survivor",
    "SurvivorNeed",
    "SyncConflict",
    "SyncPeer",
    "SyncRecord",
    "Team",
    "TrainingSession",
    "User",
    "UserSession",
    "Victim",
]
