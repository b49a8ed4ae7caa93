# SPDX-License-Identifier: GPL-3.0-or-later
"""The register's tables: one schema for SQLite and PostgreSQL/PostGIS."""

from demine.store.schema.actors import Organisation, Place, Team
from demine.store.schema.base import Base
from demine.store.schema.casualty import Accident, Victim
from demine.store.schema.land import Activity, Hazard, Release
from demine.store.schema.ordnance import EOItem, EOModel
from demine.store.schema.programme import EORESession, Funding, QMFinding
from demine.store.schema.reference import GeometryRepair, ReferenceFeature

__all__ = [
    "Accident",
    "Activity",
    "Base",
    "EOItem",
    "EOModel",
    "EORESession",
    "Funding",
    "GeometryRepair",
    "Hazard",
    "Organisation",
    "Place",
    "QMFinding",
    "ReferenceFeature",
    "Release",
    "Team",
    "Victim",
]
